//! Starting a training: the catalogue a request chooses from, the preset written into it,
//! the checks that refuse a bad or unaffordable training before it is queued, and the queueing.

use uuid::Uuid;

use super::training_config::{training_config, FINE_TUNE_ROUNDS};
use crate::api::error::shorten;
use crate::api::*;
use crate::ml::models::presets::presets;
use crate::ml::models::ModelKind;
use crate::server::owner::Caller;
use crate::server::reports::model_info;
use crate::server::state::AppState;
use crate::server::store::{TrainingSession, UploadedFiles};

pub fn list_datasets(state: &AppState) -> Vec<DatasetInfo> {
    state.catalog.datasets.clone()
}

pub fn list_models() -> Vec<ModelInfo> {
    ModelKind::ALL.into_iter().map(model_info).collect()
}

/// Validates the request completely, then queues the training as the caller's, charged to
/// the caller's principal. `upload`: the tables the server stored for it
/// ([`super::start_with_files`]); `None` otherwise.
pub fn start_training(
    state: &AppState,
    caller: &Caller,
    mut request: TrainRequest,
    upload: Option<UploadedFiles>,
) -> Result<StartedTraining, ApiError> {
    // A cheap first look (outside the transaction), so a caller at a limit is told before
    // its data is read; the admission below decides.
    crate::server::fairness::check_can_start(state, caller)?;
    apply_preset(&mut request)?;
    if request.fine_tune.is_some() {
        // Continuing a model of 300 rounds: a third as many again unless the request says.
        request.hyperparameters.entry("n_rounds".into()).or_insert(serde_json::json!(FINE_TUNE_ROUNDS));
    }
    let config = training_config(&state.config, &state.pretrained, state.store.as_ref(), &request, upload.as_ref())?;
    // Data read and checked, memory and time estimated: a bad table or an unaffordable
    // training is refused now, never queued (422 / 413 naming file, column, row, limit or figure).
    let cost = crate::ml::pipeline::check_training(&config)?;
    crate::server::fairness::check_time(state, &cost)?;
    let id = Uuid::new_v4();
    let principal = caller.principal();
    let session = TrainingSession::queued_for(id, request, upload, caller.owner(), &principal);
    crate::server::fairness::admit(state, principal, session)?;
    state.jobs.queued();
    tracing::info!(%id, %principal, estimated_mb = cost.peak_bytes / 1_000_000, work = cost.work, "training queued");
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
