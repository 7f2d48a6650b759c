//! Predictions with a pretrained model (`"pretrained"` or `"pretrained_physical"`): the model
//! and mission checks, JSON rows and CSV files (handed to a saved model when the request names
//! a training), the held-out objects of a bundled mission, and a table's rows read onto the
//! harmonised features.

use super::response::respond;
use super::rows::rows_table;
use super::saved::predict_saved;
use crate::api::{ApiError, PredictRequest, PredictionResponse};
use crate::domain::model_ref::{pretrained_name, ModelRef};
use crate::domain::{ErrorCode, FeatureSet};
use crate::ml::csv_table::CsvTable;
use crate::ml::predict::{objects_by_columns, objects_from_table, ColumnChoice, ObjectsToPredict};
use crate::ml::pretrained::PretrainedModel;
use crate::ml::upload::read_upload;
use crate::ml::Mission;
use crate::server::owner::Caller;
use crate::server::pretrained_models::PretrainedModels;
use crate::server::request_budget::RequestBudget;
use crate::server::state::AppState;

pub(crate) fn mission_hint(mission: Option<&str>) -> Result<Option<Mission>, ApiError> {
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
    models: &PretrainedModels,
    request: &PredictRequest,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    let (_, model) = models.named(&request.model)?;
    let table = rows_table(request)?;
    predict_table(model, request, &table, budget)
}

/// More rows than this make a prediction request a heavy read (`fairness::heavy_work`): the
/// what-if form's one object is not, a table is.
const HANDFUL_OF_ROWS: usize = 20;
/// A table file larger than this is a heavy read (some twenty rows of an archive export).
const HANDFUL_OF_BYTES: usize = 16 * 1024;

/// JSON rows with the pretrained model or a saved one (`"model"`: a completed training's id).
pub fn predict_rows_with(
    state: &AppState,
    caller: &Caller,
    request: &PredictRequest,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    let _turn = match request.rows.len() > HANDFUL_OF_ROWS {
        true => Some(state.heavy.enter(caller.principal(), budget)?),
        false => None,
    };
    if ModelRef::parse(&request.model).is_pretrained() {
        return predict_rows(&state.pretrained, request, budget);
    }
    predict_saved(state, caller, request, &rows_table(request)?, budget)
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
    // The threshold a saved model's owner keeps with it decides "planet or not" in the answer.
    let threshold = if ModelRef::parse(&request.model).is_pretrained() {
        state.pretrained.named(&request.model)?;
        None
    } else {
        // Access first, every time: a kept answer reaches only who may use the model.
        super::saved::saved_model_session(state, caller, &request.model)?.1.threshold
    };
    let key = table_key(request, threshold, &bytes);
    if let Some(kept) = state.predicted_tables.get(&key) {
        return Ok((*kept).clone());
    }
    // Parsing a large table is already heavy work: the turn is taken before it.
    let _turn = match bytes.len() > HANDFUL_OF_BYTES {
        true => Some(state.heavy.enter(caller.principal(), budget)?),
        false => None,
    };
    let table = read_upload(file, bytes).map_err(ApiError::from)?;
    let (rows, limit) = (table.frame.height(), state.config.max_prediction_rows);
    if rows > limit {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!("{file}: {rows} rows is more than the {limit} one prediction request may carry (EXO_MAX_PREDICTION_ROWS); split the table and send the parts one after another."),
        )
        .with_field("file")
        .with_setting("EXO_MAX_PREDICTION_ROWS"));
    }
    let answer =
        state.predicted_tables.get_or_compute(key, || predict_table_with(state, caller, request, &table, budget))?;
    Ok((*answer).clone())
}

/// A predicted table's key: the model (its id parsed, so any spelling is the same), the
/// threshold its owner saved with it now, the rest of the request as sent, and the file's bytes.
fn table_key(request: &PredictRequest, threshold: Option<crate::domain::DecisionThreshold>, bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    let model = crate::server::sky::ModelKey::of(&request.model).map(|k| k.name()).unwrap_or_default();
    let canonical = PredictRequest { model, ..request.clone() };
    let mut digest = sha2::Sha256::new();
    digest.update(serde_json::to_vec(&canonical).unwrap_or_default());
    digest.update(serde_json::to_vec(&threshold).unwrap_or_default());
    digest.update([0u8]);
    digest.update(bytes);
    digest.finalize().into()
}

/// A table already read (an upload, or the bundled objects the triage and explore pages
/// show) with the pretrained model or a saved one.
pub fn predict_table_with(
    state: &AppState,
    caller: &Caller,
    request: &PredictRequest,
    table: &CsvTable,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    if ModelRef::parse(&request.model).is_pretrained() {
        let (_, model) = state.pretrained.named(&request.model)?;
        return predict_table(model, request, table, budget);
    }
    predict_saved(state, caller, request, table, budget)
}

/// A CSV file (`file` names it in messages).
pub fn predict_csv(
    models: &PretrainedModels,
    request: &PredictRequest,
    file: &str,
    bytes: Vec<u8>,
) -> Result<PredictionResponse, ApiError> {
    let (_, model) = models.named(&request.model)?;
    let table = read_upload(file, bytes).map_err(ApiError::from)?;
    predict_table(model, request, &table, &RequestBudget::unlimited())
}

/// The bundled objects of a mission the pretrained model never learned from (its held-out
/// part), predicted and scored: the model card's figures, object by object.
/// Computed once for everyone (see `shared_answers`).
pub fn predict_held_out(
    models: &PretrainedModels,
    set: FeatureSet,
    data_dir: &std::path::Path,
    mission: Mission,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    let model = models.model(set)?;
    let table = CsvTable::read_file(&data_dir.join(mission.file_name())).map_err(ApiError::internal)?;
    let all = objects_from_table(&table, Some(mission)).map_err(ApiError::from)?;
    let unseen: Vec<usize> = (0..all.ids.len()).filter(|&i| !model.was_trained_on(mission, &all.ids[i])).collect();
    let mut objects = all.select(&unseen);
    objects.read_as = format!("the held-out part of the bundled {} table", mission.table_name());
    respond(model, pretrained_name(set), objects, budget, false)
}

/// Rows of a table with the pretrained model (already checked by the caller).
fn predict_table(
    model: &PretrainedModel,
    request: &PredictRequest,
    table: &CsvTable,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    let objects = harmonised_objects(table, request.mission.as_deref(), request.columns.as_ref())?;
    respond(model, &request.model, objects, budget, request.wants_scores())
}

/// A table's rows on the harmonised features: through the user's column choice, else by
/// recognising an archive export or the harmonised names.
pub(super) fn harmonised_objects(
    table: &CsvTable,
    mission: Option<&str>,
    columns: Option<&ColumnChoice>,
) -> Result<ObjectsToPredict, ApiError> {
    let hint = mission_hint(mission)?;
    match columns {
        Some(choice) => objects_by_columns(table, choice, hint),
        None => objects_from_table(table, hint),
    }
    .map_err(ApiError::from)
}
