//! The operations of the app, written once and called by both the server functions (for
//! the pages) and the JSON routes (for scripts).

use std::cmp::Ordering;

use uuid::Uuid;

use std::sync::Arc;

use super::config::Config;
use super::owner::{Access, Caller, Share};
use super::reports::model_info;
use super::state::AppState;
use super::store::{SessionStore, TrainingSession};
use crate::api::error::shorten;
use crate::api::*;
use crate::ml::fine_tune::FineTuneConfig;
use crate::ml::models::gradient_boosting::BoostingParams;
use crate::ml::models::presets::presets;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::pipeline::{FineTuneJob, SplitRule, TrainingConfig, UploadSource};
use crate::ml::pretrained::PretrainedModel;
use crate::ml::split::TEST_FRACTION_RANGE;
use crate::ml::{Mission, MlError};

pub fn list_datasets(state: &AppState) -> Vec<DatasetInfo> {
    state.catalog.datasets.clone()
}

pub fn list_models() -> Vec<ModelInfo> {
    ModelKind::ALL.into_iter().map(model_info).collect()
}

/// Validates the request completely, then queues the training as the caller's.
pub fn start_training(
    state: &AppState,
    caller: &Caller,
    mut request: TrainRequest,
) -> Result<StartedTraining, ApiError> {
    super::quotas::check_training(state, caller)?;
    apply_preset(&mut request)?;
    if request.fine_tune.is_some() {
        // Continuing a model of 300 rounds: a third as many again unless the request says.
        request.hyperparameters.entry("n_rounds".into()).or_insert(serde_json::json!(FINE_TUNE_ROUNDS));
    }
    let config = training_config(&state.config, state.pretrained.as_ref(), state.store.as_ref(), &request)?;
    // Data read and checked, memory estimated: a bad table or an unaffordable training is
    // refused now, never queued.
    let cost = crate::ml::pipeline::check_training(&config).map_err(training_check_error)?;
    let waiting = state.store.list()?.iter().filter(|s| s.status == TrainingStatus::Queued).count();
    if waiting >= state.config.max_queue {
        return Err(ApiError::new(
            ErrorCode::QueueFull,
            format!(
                "{waiting} trainings are already waiting (the limit is {}). Try again when some have finished.",
                state.config.max_queue
            ),
        ));
    }
    let id = Uuid::new_v4();
    state.store.insert(TrainingSession::queued(id, request, caller.owner()))?;
    state.jobs.queued();
    tracing::info!(%id, estimated_mb = cost.peak_bytes / 1_000_000, work = cost.work, "training queued");
    Ok(StartedTraining { id: id.to_string() })
}

/// Writes a named preset's values into the request's hyperparameters (values the request
/// sets itself win), so the stored request says exactly what was trained.
fn apply_preset(request: &mut TrainRequest) -> Result<(), ApiError> {
    let (Some(preset_id), Some(kind)) = (request.preset.as_deref(), ModelKind::from_id(&request.model)) else {
        return Ok(());
    };
    let all = presets(kind);
    let preset = all.iter().find(|p| p.id == preset_id).ok_or_else(|| {
        let known: Vec<&str> = all.iter().map(|p| p.id).collect();
        ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "Unknown preset '{}' for {}. Choose one of: {}.",
                shorten(preset_id),
                kind.name(),
                known.join(", ")
            ),
        )
        .with_field("preset")
    })?;
    let mut merged: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_value(preset.values.clone()).unwrap_or_default();
    merged.extend(std::mem::take(&mut request.hyperparameters));
    request.hyperparameters = merged;
    Ok(())
}

/// The pipeline's config for a request, every field checked, uploaded tables read from the
/// store. Called before queueing (then [`crate::ml::pipeline::check_training`] reads the
/// data and estimates the cost) and again by the worker that takes the training from the
/// queue.
pub fn training_config(
    config: &Config,
    pretrained: Option<&Arc<PretrainedModel>>,
    store: &dyn SessionStore,
    request: &TrainRequest,
) -> Result<TrainingConfig, ApiError> {
    if let Some(base) = request.fine_tune.as_deref() {
        let job = fine_tune_job(config, pretrained, store, base, request)?;
        return Ok(TrainingConfig {
            mission: Mission::Kepler, // unused: the data come from the upload
            params: ModelParams::GradientBoosting(job.config.params.clone()),
            seed: request.seed,
            split: SplitRule::Grouped { test_fraction: request.test_fraction },
            data_dir: config.data_dir.clone(),
            cross_validation: false,
            upload: None,
            transfer_to: None,
            fine_tune: Some(job),
        });
    }
    let upload = match (request.dataset.as_str(), &request.upload) {
        ("upload", None) => {
            return Err(ApiError::new(ErrorCode::InvalidRequest, "To train on your own table, send it as multipart/form-data: a 'config' part with this JSON and a 'train_file' part (optionally 'test_file').")
                .with_field("dataset"))
        }
        ("upload", Some(files)) => Some(upload_source(config, store, files, request.mapping.as_ref())?),
        (_, Some(_)) => return Err(ApiError::new(ErrorCode::InvalidRequest, "Uploaded files need \"dataset\": \"upload\".").with_field("dataset")),
        _ => None,
    };
    let mission = match &upload {
        Some(_) => Mission::Kepler, // unused: the data come from the upload
        None => Mission::from_id(&request.dataset).ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownDataset,
                format!("Unknown dataset '{}'. Choose one of: kepler, tess, k2, upload.", shorten(&request.dataset)),
            )
            .with_field("dataset")
        })?,
    };
    let kind = ModelKind::from_id(&request.model).ok_or_else(|| {
        let known: Vec<&str> = ModelKind::ALL.iter().map(|m| m.id()).collect();
        ApiError::new(
            ErrorCode::UnknownModel,
            format!("Unknown model '{}'. Choose one of: {}.", shorten(&request.model), known.join(", ")),
        )
        .with_field("model")
    })?;
    let params = ModelParams::check(kind, &request.hyperparameters).map_err(hyperparameter_error)?;
    check_test_fraction(request.test_fraction)?;
    let transfer_to = match request.transfer_to.as_deref() {
        None | Some("") => None,
        Some(_) if upload.is_some() => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "Cross-mission transfer trains on a bundled mission table, not an upload.",
            )
            .with_field("transfer_to"))
        }
        Some(id) => match Mission::from_id(id) {
            Some(target) if target == mission => {
                return Err(ApiError::new(
                    ErrorCode::InvalidValue,
                    format!("transfer_to must be another mission than the training one ({id})."),
                )
                .with_field("transfer_to"))
            }
            Some(target) => Some(target),
            None => {
                return Err(ApiError::new(
                    ErrorCode::UnknownDataset,
                    format!("Unknown mission '{}' for transfer_to. Choose kepler, tess or k2.", shorten(id)),
                )
                .with_field("transfer_to"))
            }
        },
    };
    Ok(TrainingConfig {
        fine_tune: None,
        transfer_to,
        mission,
        params,
        seed: request.seed,
        split: SplitRule::Grouped { test_fraction: request.test_fraction },
        data_dir: config.data_dir.clone(),
        cross_validation: request.cross_validation,
        upload,
    })
}

/// Why a training cannot run, found before queueing: a table problem (422 / 413 naming
/// file, column, row or limit) or a cost beyond the budget (422 naming the figure).
fn training_check_error(error: MlError) -> ApiError {
    match error {
        MlError::InvalidHyperparameter { .. } => hyperparameter_error(error),
        MlError::Split(_) | MlError::Training(_) => ApiError::new(ErrorCode::InvalidValue, error.to_string()),
        other => super::uploads::upload_error(other),
    }
}

/// A refused hyperparameter, named in the message and the field.
fn hyperparameter_error(error: MlError) -> ApiError {
    match error {
        MlError::InvalidHyperparameter { name, reason } => {
            ApiError::new(ErrorCode::InvalidHyperparameter, format!("Hyperparameter '{name}' {reason}."))
                .with_field(format!("hyperparameters.{name}"))
        }
        other => ApiError::new(ErrorCode::InvalidRequest, other.to_string()),
    }
}

fn check_test_fraction(fraction: f64) -> Result<(), ApiError> {
    if TEST_FRACTION_RANGE.contains(&fraction) {
        return Ok(());
    }
    let (lo, hi) = (TEST_FRACTION_RANGE.start(), TEST_FRACTION_RANGE.end());
    Err(ApiError::new(ErrorCode::InvalidValue, format!("test_fraction must be between {lo} and {hi}, got {fraction}."))
        .with_field("test_fraction"))
}

/// Boosting rounds a fine-tuning adds unless the request sets `n_rounds`.
pub const FINE_TUNE_ROUNDS: u64 = 100;

/// A fine-tuning request checked: the pretrained model as base, one labelled upload, the
/// booster's hyperparameters (the file's labelled rows are checked with the data, by
/// `check_training`).
fn fine_tune_job(
    config: &Config,
    pretrained: Option<&Arc<PretrainedModel>>,
    store: &dyn SessionStore,
    base: &str,
    request: &TrainRequest,
) -> Result<FineTuneJob, ApiError> {
    if base != "pretrained" {
        return Err(ApiError::new(
            ErrorCode::UnknownModel,
            format!(
                "Only the pretrained model can be fine-tuned: use \"fine_tune\": \"pretrained\", not '{}'.",
                shorten(base)
            ),
        )
        .with_field("fine_tune"));
    }
    let base = pretrained.ok_or_else(|| {
        ApiError::new(ErrorCode::Internal, "The pretrained model is not loaded on this server (see its log).")
    })?;
    if request.model != ModelKind::GradientBoosting.id() {
        return Err(ApiError::new(ErrorCode::InvalidValue, format!("Fine-tuning continues the pretrained gradient boosting: \"model\" must be \"gradient_boosting\", not '{}'.", shorten(&request.model))).with_field("model"));
    }
    let files = match (request.dataset.as_str(), &request.upload) {
        ("upload", Some(files)) => files,
        _ => {
            return Err(ApiError::new(ErrorCode::InvalidRequest, "Fine-tuning learns from your labelled table: send it as multipart/form-data with \"dataset\": \"upload\" in the 'config' part and the table as 'train_file'.")
                .with_field("dataset"))
        }
    };
    if files.test_id.is_some() || request.mapping.is_some() || request.transfer_to.is_some() || request.cross_validation
    {
        return Err(ApiError::new(ErrorCode::InvalidRequest, "Fine-tuning takes one table (split by host star into your training and held-out rows): no test file, column mapping, transfer or cross-validation."));
    }
    check_test_fraction(request.test_fraction)?;
    let params = BoostingParams::check(&request.hyperparameters).map_err(hyperparameter_error)?;
    let file = super::uploads::load(store, &files.train_id, &files.train_name)?;
    Ok(FineTuneJob {
        base: base.clone(),
        config: FineTuneConfig {
            file,
            columns: request.columns.clone(),
            params,
            seed: request.seed,
            test_fraction: request.test_fraction,
            data_dir: config.data_dir.clone(),
        },
    })
}

/// A training by the id a client sent, with what the caller may do with it; someone else's
/// private training is "not found", exactly like one that does not exist. `with_result`
/// also reads its result (megabytes: only the result routes need it).
fn find(state: &AppState, caller: &Caller, id: &str, with_result: bool) -> Result<(TrainingSession, Access), ApiError> {
    let Ok(uuid) = Uuid::parse_str(id.trim()) else { return Err(ApiError::not_found("training", id)) };
    let found = if with_result { state.store.get(&uuid)? } else { state.store.status(&uuid)? };
    let session = found.ok_or_else(|| ApiError::not_found("training", id))?;
    match Access::of(caller, session.owner, session.share.as_ref()) {
        Access::None => Err(ApiError::not_found("training", id)),
        access => Ok((session, access)),
    }
}

/// A training the caller may read (their own, or shared).
fn session(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingSession, ApiError> {
    find(state, caller, id, false).map(|(s, _)| s)
}

/// A training the caller may change: the owner's or the operator's; a reader of a shared
/// one is told why not.
fn managed(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingSession, ApiError> {
    match find(state, caller, id, false)? {
        (s, Access::Manage) => Ok(s),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "This training was shared with you to read; only its owner can cancel, delete or share it.",
        )),
    }
}

pub fn progress(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingProgress, ApiError> {
    let s = session(state, caller, id)?;
    // Place in the queue: queued trainings start in the order they were created.
    let queue_position = (s.status == TrainingStatus::Queued).then(|| {
        1 + state
            .store
            .list()
            .unwrap_or_default()
            .iter()
            .filter(|o| o.status == TrainingStatus::Queued && (o.created_at, o.id) < (s.created_at, s.id))
            .count()
    });
    Ok(TrainingProgress {
        id: s.id.to_string(),
        status: s.status,
        progress: s.progress,
        step: s.step,
        error: s.error,
        dataset: s.request.dataset,
        model: s.request.model,
        created_at: s.created_at,
        started_at: s.started_at,
        finished_at: s.finished_at,
        queue_position,
        attempts: s.attempts,
    })
}

/// The stored files of an upload training, checked now so that a bad table is refused
/// before anything is queued (each failure names file, column and row).
fn upload_source(
    config: &Config,
    store: &dyn SessionStore,
    files: &UploadedFiles,
    mapping: Option<&UploadMapping>,
) -> Result<UploadSource, ApiError> {
    if let Some(m) = mapping {
        check_mapping_size(config, m)?;
    }
    let train = super::uploads::load(store, &files.train_id, &files.train_name)?;
    let test = match (&files.test_id, &files.test_name) {
        (Some(id), Some(name)) => Some(super::uploads::load(store, id, name)?),
        _ => None,
    };
    Ok(UploadSource { train, test, mapping: mapping.map(super::uploads::to_ml) })
}

/// A mapping's lists, bounded before the table is read: no more features than a table may
/// have columns, each named once, and no more label values than a column could list.
fn check_mapping_size(config: &Config, m: &UploadMapping) -> Result<(), ApiError> {
    let max = config.table_limits.max_columns;
    if m.features.len() > max {
        return Err(ApiError::new(ErrorCode::TooLarge, format!("The mapping names {} features; a table has at most {max} columns (EXO_MAX_UPLOAD_COLUMNS), so name each feature column once.", m.features.len()))
            .with_field("mapping.features"));
    }
    crate::ml::upload::check_mapping_features("mapping", &m.features, max)
        .map_err(super::uploads::upload_error)
        .map_err(|e| e.with_field("mapping.features"))?;
    if m.label_values.len() > MAX_LABEL_VALUES {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!(
                "The mapping lists {} label values; at most {MAX_LABEL_VALUES} can be mapped to classes.",
                m.label_values.len()
            ),
        )
        .with_field("mapping.label_values"));
    }
    Ok(())
}

const MAX_LABEL_VALUES: usize = 1_000;

/// The caller's trainings (the operator's view: every one), newest first.
pub fn list_trainings(state: &AppState, caller: &Caller) -> Result<Vec<TrainingSummaryItem>, ApiError> {
    let sessions = match caller.owner() {
        Some(owner) => state.store.list_owned(&owner)?,
        None => state.store.list()?,
    };
    Ok(sessions
        .into_iter()
        .map(|s| TrainingSummaryItem {
            id: s.id.to_string(),
            model_name: match ModelKind::from_id(&s.request.model) {
                Some(kind) if s.request.fine_tune.is_some() => {
                    format!("{}, fine-tuned from the pretrained model", kind.name())
                }
                Some(kind) => kind.name().to_string(),
                None => s.request.model.clone(),
            },
            dataset: s.request.dataset,
            model: s.request.model,
            status: s.status,
            created_at: s.created_at,
            finished_at: s.finished_at,
            seed: s.request.seed,
            has_model: s.status == TrainingStatus::Completed,
            headline: s.headline,
        })
        .collect())
}

/// Deletes a finished training with its result and model; a queued or running one must be
/// cancelled first.
pub fn delete_training(state: &AppState, caller: &Caller, id: &str) -> Result<(), ApiError> {
    let s = managed(state, caller, id)?;
    if !s.status.is_finished() {
        return Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is {}; cancel it before deleting it.", s.status.as_str()),
        ));
    }
    state.store.delete(&s.id)?;
    tracing::info!(id = %s.id, "training deleted");
    Ok(())
}

/// The trained model as JSON, with a file name for the download: for its owner, or for
/// anyone when it was shared with its rows (a fine-tuned model names the rows it learned).
pub fn model_file(state: &AppState, caller: &Caller, id: &str) -> Result<(String, String), ApiError> {
    let (s, access) = find(state, caller, id, false)?;
    if !access.reaches_rows() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Its owner shared the result without its rows and model; the model cannot be downloaded.",
        ));
    }
    let json = state.store.model(&s.id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("Training {} has no saved model (only completed trainings keep one).", s.id),
        )
    })?;
    let short: String = s.id.to_string().chars().take(8).collect();
    Ok((format!("{}-{}-{short}.json", s.request.model, s.request.dataset), json))
}

/// Stops a queued or running training; its status becomes `cancelled` once the worker
/// notices (between trees or explained objects).
pub fn cancel(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingProgress, ApiError> {
    let s = managed(state, caller, id)?;
    if s.status.is_finished() || !state.jobs.cancel(&s.id)? {
        return Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is already {}; there is nothing to cancel.", s.status.as_str()),
        ));
    }
    progress(state, caller, id)
}

/// Makes a training public (anyone with its link reads it) or private again.
pub fn share(state: &AppState, caller: &Caller, id: &str, request: ShareRequest) -> Result<ResultAccess, ApiError> {
    let s = managed(state, caller, id)?;
    let share = request.shared.then(|| Share { by: caller.display_name(), include_rows: request.include_rows });
    state.store.set_share(&s.id, share.clone())?;
    tracing::info!(id = %s.id, shared = request.shared, include_rows = request.include_rows, "sharing changed");
    Ok(access_report(Access::Manage, share.as_ref()))
}

fn access_report(access: Access, share: Option<&Share>) -> ResultAccess {
    ResultAccess {
        can_manage: access == Access::Manage,
        shared: share.is_some(),
        include_rows: share.is_some_and(|s| s.include_rows),
        shared_by: share.map(|s| s.by.clone()),
    }
}

pub fn result(state: &AppState, caller: &Caller, id: &str) -> Result<std::sync::Arc<TrainingResult>, ApiError> {
    result_with_access(state, caller, id).map(|(r, _)| r)
}

/// The result as this caller may read it: whole for its owner; for the reader of a result
/// shared without its rows, without the per-object rows and the uploaded file's name.
fn result_with_access(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<(std::sync::Arc<TrainingResult>, ResultAccess), ApiError> {
    let (s, access) = find(state, caller, id, true)?;
    let report = access_report(access, s.share.as_ref());
    let uploaded = s.request.dataset == "upload";
    match (s.status, s.result) {
        (TrainingStatus::Completed, Some(result)) if !access.reaches_rows() => {
            Ok((std::sync::Arc::new(without_rows(&result, uploaded)), report))
        }
        (TrainingStatus::Completed, Some(result)) => Ok((result, report)),
        (TrainingStatus::Cancelled, _) => {
            Err(ApiError::new(ErrorCode::NotFinished, "This training was cancelled, so it has no result."))
        }
        (TrainingStatus::Failed, _) => Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training failed, so it has no result: {}", s.error.unwrap_or_default()),
        )),
        (status, _) => Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is {}; its result is not ready yet.", status.as_str()),
        )),
    }
}

/// A result's scores, charts and model details, without its rows: what a reader sees of a
/// result shared without them (the owner chose so).
fn without_rows(result: &TrainingResult, uploaded: bool) -> TrainingResult {
    // Field by field, so the rows (megabytes) are never copied just to be dropped.
    let mut model_info = result.report.model_info.clone();
    if uploaded {
        model_info.dataset_name = "an uploaded table (its owner shared the result without it)".into();
    }
    TrainingResult { report: ResultReport { model_info, ..result.report.clone() }, predictions: Vec::new() }
}

pub fn summary(state: &AppState, caller: &Caller, id: &str) -> Result<ResultSummary, ApiError> {
    let (r, access) = result_with_access(state, caller, id)?;
    Ok(ResultSummary { report: r.report.clone(), access })
}

pub fn importance(state: &AppState, caller: &Caller, id: &str) -> Result<ImportanceReport, ApiError> {
    Ok(result(state, caller, id)?.report.importance.clone())
}

pub fn predictions(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: &PredictionQuery,
) -> Result<PredictionPage, ApiError> {
    if !(1..=500).contains(&query.per_page) {
        return Err(
            ApiError::new(ErrorCode::InvalidValue, "per_page must be between 1 and 500.").with_field("per_page")
        );
    }
    let r = result(state, caller, id)?;
    Ok(page_of(&r.predictions, query))
}

/// Filters, sorts (ties broken by object id, so paging is stable) and cuts one page.
pub fn page_of(predictions: &[Prediction], query: &PredictionQuery) -> PredictionPage {
    let mut rows: Vec<&Prediction> =
        predictions.iter().filter(|p| !query.only_errors || p.correct == Some(false)).collect();
    let prob = |p: &Prediction, class: ClassLabel| p.probabilities.get(&class).copied().unwrap_or(0.0);
    let key = |a: &Prediction, b: &Prediction| -> Ordering {
        match query.sort {
            PredictionSort::Id => Ordering::Equal,
            PredictionSort::Prediction => a.prediction.cmp(&b.prediction),
            PredictionSort::Confidence => a.confidence.total_cmp(&b.confidence),
            PredictionSort::Confirmed => prob(a, ClassLabel::Confirmed).total_cmp(&prob(b, ClassLabel::Confirmed)),
            PredictionSort::Candidate => prob(a, ClassLabel::Candidate).total_cmp(&prob(b, ClassLabel::Candidate)),
            PredictionSort::FalsePositive => {
                prob(a, ClassLabel::FalsePositive).total_cmp(&prob(b, ClassLabel::FalsePositive))
            }
            PredictionSort::Actual => a.actual.cmp(&b.actual),
            PredictionSort::Correct => a.correct.cmp(&b.correct),
        }
    };
    rows.sort_by(|a, b| {
        let primary = key(a, b).then_with(|| a.id.cmp(&b.id));
        if query.descending {
            primary.reverse()
        } else {
            primary
        }
    });
    let total = rows.len();
    let pages = total.div_ceil(query.per_page).max(1);
    let page = query.page.min(pages - 1);
    let rows = rows.into_iter().skip(page * query.per_page).take(query.per_page).cloned().collect();
    PredictionPage { rows, total, page, per_page: query.per_page }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pred(id: &str, confidence: f64, correct: bool) -> Prediction {
        Prediction {
            id: id.into(),
            prediction: ClassLabel::Confirmed,
            confidence,
            probabilities: [(ClassLabel::Confirmed, confidence)].into_iter().collect(),
            actual: Some(if correct { ClassLabel::Confirmed } else { ClassLabel::Candidate }),
            correct: Some(correct),
            explanation: None,
            reasons: vec![],
        }
    }

    fn query(sort: PredictionSort, descending: bool, page: usize) -> PredictionQuery {
        PredictionQuery { sort, descending, page, per_page: 2, only_errors: false }
    }

    #[test]
    fn sorts_pages_and_filters() {
        let all = vec![pred("b", 0.5, true), pred("a", 0.9, false), pred("c", 0.7, true)];
        let p = page_of(&all, &query(PredictionSort::Confidence, true, 0));
        assert_eq!(p.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!((p.total, p.pages()), (3, 2));
        let p = page_of(&all, &query(PredictionSort::Id, false, 1));
        assert_eq!(p.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["c"]);
        let p = page_of(&all, &query(PredictionSort::Id, false, 9));
        assert_eq!(p.page, 1, "page past the end is clamped");
        let p = page_of(&all, &PredictionQuery { only_errors: true, ..query(PredictionSort::Id, false, 0) });
        assert_eq!(p.total, 1);
    }
}
