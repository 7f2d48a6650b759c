//! Predictions with the pretrained model for objects a user brings: JSON rows or a CSV file
//! (the archive's exports are recognised by their columns), each object with its
//! explanation, and metrics when the rows carry labels.

use super::owner::{Access, Caller};
use crate::api::predictions_csv::quote;
use crate::api::{ApiError, PredictRequest, PredictionResponse};
use crate::ml::csv_table::CsvTable;
use crate::ml::metrics::evaluate;
use crate::ml::predict::{objects_by_columns, objects_from_table, predict_within, ColumnChoice, ObjectsToPredict};
use crate::ml::pretrained::PretrainedModel;
use crate::ml::progress::ProgressSink;
use crate::ml::table_limits::process_limits;
use crate::ml::upload::read_upload;
use crate::ml::{ClassLabel, Mission};

use super::reports::{metrics_report, prediction_rows};
use super::request_budget::RequestBudget;
use super::state::AppState;
use super::uploads::upload_error;
use crate::domain::ErrorCode;

/// Most rows one JSON request may carry (a CSV file is bounded by the upload limit instead).
pub const MAX_JSON_ROWS: usize = 10_000;

fn check_model(model: Option<&PretrainedModel>, id: &str) -> Result<(), ApiError> {
    if id != "pretrained" {
        return Err(ApiError::new(
            ErrorCode::UnknownModel,
            format!(
                "Unknown model '{}': here only \"pretrained\" (the model shipped with the app).",
                crate::api::error::shorten(id)
            ),
        )
        .with_field("model"));
    }
    if model.is_none() {
        return Err(ApiError::new(
            ErrorCode::Internal,
            "The pretrained model is not loaded on this server (see its log).",
        ));
    }
    Ok(())
}

fn mission_hint(mission: Option<&str>) -> Result<Option<Mission>, ApiError> {
    mission
        .map(|m| {
            Mission::from_id(m).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidValue,
                    format!("Unknown mission '{}'. Use kepler, tess or k2.", crate::api::error::shorten(m)),
                )
                .with_field("mission")
            })
        })
        .transpose()
}

/// JSON rows: written as a CSV table (header = every key, in first-seen order) so they go
/// through exactly the checks and column recognition of an uploaded file.
pub fn predict_rows(
    model: Option<&PretrainedModel>,
    request: &PredictRequest,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    check_model(model, &request.model)?;
    let table = rows_table(request)?;
    predict_table(
        model.expect("checked"),
        &request.model,
        &table,
        request.mission.as_deref(),
        request.columns.as_ref(),
        budget,
    )
}

/// JSON rows with the pretrained model or a saved one (`"model"`: a completed training's id).
pub fn predict_rows_with(
    state: &AppState,
    caller: &Caller,
    request: &PredictRequest,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    if request.model == "pretrained" {
        return predict_rows(state.pretrained.as_deref(), request, budget);
    }
    predict_saved(
        state,
        caller,
        &request.model,
        &rows_table(request)?,
        request.mission.as_deref(),
        request.columns.as_ref(),
        budget,
    )
}

/// A CSV file with the pretrained model or a saved one.
pub fn predict_csv_with(
    state: &AppState,
    caller: &Caller,
    request: &PredictRequest,
    file: &str,
    bytes: Vec<u8>,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    if request.model == "pretrained" {
        check_model(state.pretrained.as_deref(), &request.model)?;
    }
    let table = read_upload(file, bytes).map_err(upload_error)?;
    let (rows, limit) = (table.frame.height(), state.config.max_prediction_rows);
    if rows > limit {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!("{file}: {rows} rows is more than the {limit} one prediction request may carry (EXO_MAX_PREDICTION_ROWS); split the table and send the parts one after another."),
        )
        .with_field("file"));
    }
    if let (true, Some(model)) = (request.model == "pretrained", state.pretrained.as_deref()) {
        return predict_table(
            model,
            &request.model,
            &table,
            request.mission.as_deref(),
            request.columns.as_ref(),
            budget,
        );
    }
    predict_saved(state, caller, &request.model, &table, request.mission.as_deref(), request.columns.as_ref(), budget)
}

fn rows_table(request: &PredictRequest) -> Result<CsvTable, ApiError> {
    if request.rows.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "'rows' is empty: send at least one object as {column: value}.",
        )
        .with_field("rows"));
    }
    if request.rows.len() > MAX_JSON_ROWS {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!(
                "{} rows is more than {MAX_JSON_ROWS}, the most one JSON request may carry; send a CSV file instead.",
                request.rows.len()
            ),
        )
        .with_field("rows"));
    }
    // Bounded like an uploaded table, before the table is built: keys per row and in all
    // (a header of every distinct key), and bytes per value.
    let limits = process_limits();
    let mut header: Vec<&String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, row) in request.rows.iter().enumerate() {
        for (key, value) in row {
            let long = matches!(value, serde_json::Value::String(v) if v.len() > limits.max_cell_bytes)
                || key.len() > limits.max_cell_bytes;
            if long {
                return Err(ApiError::new(
                    ErrorCode::TooLarge,
                    format!(
                        "rows[{i}]: a key or value is longer than {} bytes (EXO_MAX_CELL_BYTES).",
                        limits.max_cell_bytes
                    ),
                )
                .with_field(format!("rows[{i}]")));
            }
            if seen.insert(key.as_str()) {
                header.push(key);
            }
        }
        if header.len() > limits.max_columns {
            return Err(ApiError::new(
                ErrorCode::TooLarge,
                format!("the rows use more than {} distinct keys (EXO_MAX_UPLOAD_COLUMNS), the most one table may have; rows[{i}] went past it. Send only the model's input columns.", limits.max_columns),
            )
            .with_field(format!("rows[{i}]")));
        }
    }
    let mut csv = header.iter().map(|h| quote(h)).collect::<Vec<_>>().join(",");
    csv.push('\n');
    for (i, row) in request.rows.iter().enumerate() {
        let mut cells = Vec::with_capacity(header.len());
        for key in &header {
            cells.push(match row.get(*key) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(s)) => quote(s),
                Some(other) => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidValue,
                        format!("rows[{i}].{key}: {other} is neither a number nor text."),
                    )
                    .with_field(format!("rows[{i}].{key}")))
                }
            });
        }
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    // Our own CSV: no need for the upload checks (a one-column header is fine here).
    CsvTable::from_bytes("rows", csv.into_bytes()).map_err(upload_error)
}

/// A CSV file (`file` names it in messages).
pub fn predict_csv(
    model: Option<&PretrainedModel>,
    request: &PredictRequest,
    file: &str,
    bytes: Vec<u8>,
) -> Result<PredictionResponse, ApiError> {
    check_model(model, &request.model)?;
    let table = read_upload(file, bytes).map_err(upload_error)?;
    predict_table(
        model.expect("checked"),
        &request.model,
        &table,
        request.mission.as_deref(),
        request.columns.as_ref(),
        &RequestBudget::unlimited(),
    )
}

/// The bundled objects of a mission the pretrained model never learned from (its held-out
/// part), predicted and scored: the model card's figures, object by object.
pub fn predict_held_out(
    model: Option<&PretrainedModel>,
    data_dir: &std::path::Path,
    mission: &str,
) -> Result<PredictionResponse, ApiError> {
    check_model(model, "pretrained")?;
    let model = model.expect("checked");
    let mission = mission_hint(Some(mission))?.expect("given");
    let table = CsvTable::read_file(&data_dir.join(mission.file_name()))
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let all = objects_from_table(&table, Some(mission)).map_err(upload_error)?;
    let unseen: Vec<usize> = (0..all.ids.len()).filter(|&i| !model.was_trained_on(mission, &all.ids[i])).collect();
    let mut objects = all.select(&unseen);
    objects.read_as = format!("the held-out part of the bundled {} table", mission.table_name());
    respond(model, "pretrained", objects, &RequestBudget::unlimited())
}

/// Rows of a table with the pretrained model (already checked by the caller).
fn predict_table(
    model: &PretrainedModel,
    model_id: &str,
    table: &CsvTable,
    mission: Option<&str>,
    columns: Option<&ColumnChoice>,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    respond(model, model_id, harmonised_objects(table, mission, columns)?, budget)
}

/// A table's rows on the harmonised features: through the user's column choice, else by
/// recognising an archive export or the harmonised names.
fn harmonised_objects(
    table: &CsvTable,
    mission: Option<&str>,
    columns: Option<&ColumnChoice>,
) -> Result<ObjectsToPredict, ApiError> {
    let hint = mission_hint(mission)?;
    match columns {
        Some(choice) => objects_by_columns(table, choice, hint),
        None => objects_from_table(table, hint),
    }
    .map_err(upload_error)
}

fn respond(
    model: &PretrainedModel,
    model_id: &str,
    objects: crate::ml::predict::ObjectsToPredict,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    let rows = objects.ids.len();
    let predicted = predict_within(model, objects, budget).map_err(|_| budget.exceeded(rows))?;
    let objects = &predicted.objects;
    let seen: Vec<bool> =
        (0..objects.ids.len()).map(|i| model.learned_from(objects.missions[i], &objects.ids[i])).collect();
    let mut notes = Vec::new();
    if objects.missions.iter().any(Option::is_none) {
        notes.push("Some rows do not say which mission they come from (a 'mission' column or the request's \"mission\"); the model then answers without that input.".into());
    }
    Ok(response(model_id, &predicted, &seen, notes))
}

/// The API answer: predictions with explanations, and metrics over the labelled rows the
/// model did not learn from (`seen` marks those it did).
fn response(
    model_id: &str,
    predicted: &crate::ml::predict::PredictedObjects,
    seen: &[bool],
    mut notes: Vec<String>,
) -> PredictionResponse {
    let objects = &predicted.objects;
    let labelled: Vec<usize> = (0..objects.labels.len()).filter(|&i| objects.labels[i].is_some() && !seen[i]).collect();
    let metrics = (!labelled.is_empty()).then(|| {
        let y: Vec<ClassLabel> = labelled.iter().filter_map(|&i| objects.labels[i]).collect();
        let p: Vec<[f64; ClassLabel::COUNT]> = labelled.iter().map(|&i| predicted.probabilities[i]).collect();
        metrics_report(&evaluate(&y, &p))
    });
    let seen_in_training = seen.iter().filter(|s| **s).count();
    if seen_in_training > 0 {
        notes.insert(
            0,
            format!(
                "{seen_in_training} of these objects are bundled NASA objects the model learned from; they are predicted but left out of the metrics, which cover the {} labelled objects it never saw.",
                labelled.len()
            ),
        );
    }
    let predictions = prediction_rows(
        &objects.ids,
        &objects.labels,
        &predicted.probabilities,
        &predicted.model_input,
        &predicted.features,
        &predicted.explanations,
    );
    PredictionResponse {
        model: model_id.to_string(),
        read_as: objects.read_as.clone(),
        features: predicted.features.clone(),
        predictions,
        metrics,
        labelled_rows: labelled.len(),
        seen_in_training,
        notes,
    }
}

/// Background rows for the sampled explainers (SVM, MLP) of a saved model, whose training
/// rows are not kept: the first objects being predicted.
const SAVED_BACKGROUND_ROWS: usize = 64;

/// Predictions with a saved model: `model_id` is a completed training's id. Its features are
/// read from the columns of the same names (an archive export of its mission works as
/// downloaded); bundled objects outside its held-out part are left out of the metrics.
pub fn predict_saved(
    state: &AppState,
    caller: &Caller,
    model_id: &str,
    table: &CsvTable,
    mission_hint_id: Option<&str>,
    columns: Option<&ColumnChoice>,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    use crate::ml::dataset::LabelledDataset;
    use crate::ml::explain::explain;
    use crate::ml::models::TrainedModel;
    use crate::ml::predict::{objects_by_feature_names, PredictedObjects};
    use crate::ml::progress::ProgressSlice;

    let unknown = || {
        ApiError::new(
            ErrorCode::UnknownModel,
            format!(
                "Unknown model '{}': use \"pretrained\" or the id of a completed training (see GET /api/v1/trainings).",
                crate::api::error::shorten(model_id)
            ),
        )
        .with_field("model")
    };
    let id = uuid::Uuid::parse_str(model_id.trim()).map_err(|_| unknown())?;
    let session = state.store.get(&id)?.ok_or_else(unknown)?;
    // Someone else's model is unknown, unless it was shared with its rows (see model_file).
    if !Access::of(caller, session.owner, session.share.as_ref()).reaches_rows() {
        return Err(unknown());
    }
    let (Some(result), Some(json)) = (session.result.clone(), state.store.model(&id)?) else {
        return Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("Training {id} is {}; only completed trainings keep a model.", session.status.as_str()),
        )
        .with_field("model"));
    };
    if session.request.fine_tune.is_some() {
        // Saved in the shipped model's format: read and explained exactly like it.
        let model: PretrainedModel = serde_json::from_str(&json)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The saved model {id} is unreadable: {e}")))?;
        let mut response = respond(&model, model_id, harmonised_objects(table, mission_hint_id, columns)?, budget)?;
        response.notes.insert(
            0,
            format!(
                "Model: the pretrained model fine-tuned on {} (training {id}).",
                result.report.model_info.dataset_name
            ),
        );
        return Ok(response);
    }
    if columns.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidRequest, "A column choice applies to the pretrained model and fine-tuned ones; this model reads the columns it was trained on, by name.").with_field("columns"));
    }
    let model: TrainedModel = serde_json::from_str(&json)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The saved model {id} is unreadable: {e}")))?;
    let mission = Mission::from_id(&result.report.model_info.dataset);
    let transfer = session.request.transfer_to.is_some();
    let objects = if transfer {
        objects_from_table(table, None)
    } else {
        objects_by_feature_names(table, &result.report.model_info.features, mission)
    }
    .map_err(upload_error)?;
    let probabilities = model.predict_proba(&objects.x);
    let background = objects.x.slice(ndarray::s![..objects.x.nrows().min(SAVED_BACKGROUND_ROWS), ..]).to_owned();
    let explanations = explain(
        &model,
        &objects.x,
        &background,
        session.request.seed,
        &ProgressSlice { sink: budget, start: 0.0, end: 1.0 },
    );
    if budget.is_cancelled() {
        return Err(budget.exceeded(objects.x.nrows()));
    }
    // Bundled objects of its training table that were not in its held-out part were trained on.
    let held_out: std::collections::HashSet<&str> = result.predictions.iter().map(|p| p.id.as_str()).collect();
    let bundled: std::collections::HashSet<String> = match mission {
        Some(m) if session.request.upload.is_none() => LabelledDataset::load_mission(m, &state.config.data_dir)
            .map(|d| d.ids.into_iter().collect())
            .unwrap_or_default(),
        _ => Default::default(),
    };
    let seen: Vec<bool> =
        objects.ids.iter().map(|i| bundled.contains(i) && (transfer || !held_out.contains(i.as_str()))).collect();
    let mut notes = vec![format!(
        "Model: {} trained on {} (training {id}).",
        result.report.model_info.model_name, result.report.model_info.dataset_name
    )];
    let missing: Vec<&str> = result
        .report
        .model_info
        .features
        .iter()
        .filter(|f| !transfer && !table.has_column(f))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "{} of the model's {} inputs are not in the table and count as missing: {}.",
            missing.len(),
            result.report.model_info.features.len(),
            missing.join(", ")
        ));
    }
    // The SVM and the MLP are explained by sampling against a background.
    if matches!(model, TrainedModel::Svm(_) | TrainedModel::NeuralNetwork(_)) {
        notes.push(format!("Explanations are sampled with the first {} objects of this table as background (the training rows are not kept with a saved model).", background.nrows()));
    }
    let features =
        if transfer { crate::ml::harmonised::feature_names() } else { result.report.model_info.features.clone() };
    let predicted = PredictedObjects { model_input: objects.x.clone(), objects, probabilities, features, explanations };
    Ok(response(model_id, &predicted, &seen, notes))
}

/// The model card's facts, read from the loaded model.
pub fn model_card(model: Option<&PretrainedModel>) -> Result<crate::api::ModelCard, ApiError> {
    use crate::api::{FeatureCard, MissionScoreInfo, ModelCard};
    use crate::ml::harmonised::FEATURES;
    let model = model.ok_or_else(|| {
        ApiError::new(ErrorCode::Internal, "The pretrained model is not loaded on this server (see its log).")
    })?;
    let scores = |list: &[crate::ml::pretrained::MissionScore]| -> Vec<MissionScoreInfo> {
        list.iter()
            .filter_map(|s| Some((Mission::from_id(&s.mission)?, s)))
            .map(|(mission, s)| MissionScoreInfo {
                mission,
                mission_name: mission.table_name().to_string(),
                test_objects: s.test_objects,
                accuracy: s.accuracy,
                macro_f1: s.macro_f1,
                roc_auc: s.roc_auc,
                log_loss: s.log_loss,
            })
            .collect()
    };
    Ok(ModelCard {
        model_name: "Gradient boosting (histogram, leaf-wise)".into(),
        variant: model.variant.clone(),
        alternative_variant: model.alternative_variant.clone(),
        seed: model.seed,
        test_fraction: model.test_fraction,
        tables: Mission::ALL.iter().map(|m| (m.table_name().to_string(), m.downloaded().to_string())).collect(),
        train_objects: Mission::ALL.iter().zip(model.train_objects).map(|(m, n)| (*m, n)).collect(),
        train_class_counts: ClassLabel::ALL.iter().zip(model.train_class_counts).map(|(c, n)| (*c, n)).collect(),
        features: FEATURES
            .iter()
            .map(|f| FeatureCard {
                name: f.name.into(),
                description: f.description.into(),
                unit: f.unit.into(),
                typical_low: f.typical.0,
                typical_high: f.typical.1,
                columns: Mission::ALL.iter().filter_map(|m| f.column(*m).map(|c| (*m, c.to_string()))).collect(),
            })
            .collect(),
        scores: scores(&model.scores),
        alternative_scores: scores(&model.alternative_scores),
        build_command: "cargo run --features ssr --bin pretrain".into(),
    })
}
