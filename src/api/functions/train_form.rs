//! The server side of the train form's multipart post (`submit_train_form`): its parts
//! read within the upload limit, turned into the same `TrainRequest` the JSON API takes,
//! and started through the same `server::trainings::start_training`.

use std::collections::BTreeMap;

use leptos::server_fn::codec::MultipartData;

use crate::api::{ApiError, SplitKind, StartedTraining, TrainRequest};
use crate::domain::{CalibrationMethod, ErrorCode, FeatureSet, TuneMethod, TuneRequest};
use crate::server::owner::Caller;
use crate::server::trainings::{self, SentFile, SentFiles};
use crate::server::{uploads, AppState};

/// Largest text field of the form (the `config` JSON with a 1,000-column mapping fits).
const TEXT_FIELD_MAX: usize = 256 * 1024;

/// What the form carried: the training request, and the user's files when it trains on them.
pub struct TrainForm {
    request: TrainRequest,
    files: Option<SentFiles>,
}

/// True when a browser posted the form itself (no WebAssembly): it wants a page back.
pub fn plain_form_post() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|p| {
        p.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// A plain form post goes on to the training's progress page; after an error, back to the
/// train page with the error in the query, where `ServerAction::new` finds and shows it
/// (the way Leptos reports a server function's error to a form without JavaScript; the
/// pages send no `Referer`, so the way back is named here).
pub fn redirect_after<S: leptos::server_fn::ServerFn>(result: &Result<StartedTraining, ApiError>) {
    let to = match result {
        Ok(started) => format!("/trainings/{}", started.id),
        Err(error) => leptos::server_fn::error::ServerFnUrlError::new(S::PATH, error.clone())
            .to_url("http://localhost/train")
            .map(|url| format!("{}?{}", url.path(), url.query().unwrap_or_default()))
            .unwrap_or_else(|_| "/train".into()),
    };
    leptos_axum::redirect(&to);
}

/// Reads every part; files and fields together stay within `EXO_MAX_UPLOAD_MB` (413 beyond).
pub async fn read(state: &AppState, data: MultipartData) -> Result<TrainForm, ApiError> {
    // Always the server's side of the form here (the browser's `FormData` never arrives).
    let mut data = data.into_inner().ok_or_else(|| ApiError::new(ErrorCode::InvalidRequest, "No form data."))?;
    let limit = state.config.max_upload_mb as usize * 1024 * 1024;
    let too_large = || {
        ApiError::new(
            ErrorCode::TooLarge,
            format!("The upload is larger than the limit of {} MB (EXO_MAX_UPLOAD_MB).", state.config.max_upload_mb),
        )
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::new(ErrorCode::InvalidRequest, format!("The form could not be read: {e}"))
    };
    let (mut total, mut fields, mut files) = (0usize, BTreeMap::new(), BTreeMap::new());
    while let Some(mut field) = data.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(uploads::display_name);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
            total += chunk.len();
            if total > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
            if file_name.is_none() && bytes.len() > TEXT_FIELD_MAX {
                return Err(ApiError::new(ErrorCode::TooLarge, "A field of the form is too large.").with_field(&name));
            }
        }
        match (name.as_str(), file_name) {
            ("train_file" | "test_file", Some(file_name)) if !bytes.is_empty() => {
                files.insert(name, SentFile { name: file_name, bytes });
            }
            ("train_file" | "test_file", _) => {}
            (_, _) => {
                fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    let request = match fields.remove("config") {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            ApiError::new(ErrorCode::InvalidRequest, format!("The 'config' part is not a valid training request: {e}"))
        })?,
        None => from_fields(fields)?,
    };
    let files = match (request.dataset == "upload", files.remove("train_file")) {
        (false, _) => None,
        (true, Some(train)) => Some(SentFiles { train, test: files.remove("test_file") }),
        (true, None) => {
            return Err(ApiError::new(ErrorCode::InvalidRequest, "Choose a training table (CSV) first.")
                .with_field("train_file"))
        }
    };
    Ok(TrainForm { request, files })
}

/// The form's own fields (named as its inputs) → the request, checked by the same rule the
/// page applies while typing: the chosen model's hyperparameters by their names, others ignored.
fn from_fields(mut fields: BTreeMap<String, String>) -> Result<TrainRequest, ApiError> {
    let mut take = |name: &str| fields.remove(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let dataset = take("dataset").unwrap_or_else(|| "kepler".into());
    let model = take("model").unwrap_or_else(|| "random_forest".into());
    let seed = take("seed");
    let cross_validation = take("cross_validation").is_some_and(|v| v != "false");
    let transfer_to = take("transfer_to").filter(|_| dataset != "upload");
    // The cut-off box is shown for the dated tables only (TESS, an upload); a date there
    // asks for the temporal split.
    let cutoff = take("cutoff").filter(|_| matches!(dataset.as_str(), "tess" | "upload"));
    let feature_set = take("feature_set").filter(|_| dataset != "upload");
    let mut problems = Vec::new();
    let feature_set = match feature_set.as_deref().map(|id| (id, FeatureSet::from_id(id))) {
        None => None,
        Some((_, Some(set))) => Some(set),
        Some((id, None)) => {
            problems.push(format!("Features: '{id}' is not a feature set; choose all or physical."));
            None
        }
    };
    let calibrate = match take("calibrate") {
        None => None,
        Some(id) => match CalibrationMethod::from_id(&id) {
            Some(method) => Some(method),
            None => {
                problems.push(format!("Probabilities: '{id}' is not a calibration; choose isotonic or platt."));
                None
            }
        },
    };
    let tune = match take("tune_method") {
        None => None,
        Some(id) => match TuneMethod::from_id(&id) {
            None => {
                problems.push(format!("Tuning: '{id}' is not a method; choose random or halving."));
                None
            }
            Some(method) => {
                let trials = take("tune_trials").unwrap_or_else(|| crate::domain::DEFAULT_TUNE_TRIALS.to_string());
                match trials.parse::<usize>() {
                    Ok(trials) => Some(TuneRequest { trials, method, minutes: None }),
                    Err(_) => {
                        problems.push(format!("Settings to try: '{trials}' is not a whole number."));
                        None
                    }
                }
            }
        },
    };
    let mut hyperparameters = BTreeMap::new();
    if let Some(info) = trainings::list_models().into_iter().find(|m| m.id == model) {
        for spec in info.hyperparameters {
            // A blank field keeps the default (the server-rendered inputs start blank).
            if let Some(text) = fields.get(&spec.name).filter(|t| !t.trim().is_empty()) {
                match spec.validate(text) {
                    Ok(value) => {
                        hyperparameters.insert(spec.name.clone(), value);
                    }
                    Err(message) => problems.push(format!("{}: {message}", spec.label)),
                }
            }
        }
    }
    let seed = match seed.map(|s| s.parse::<u64>()) {
        None => 42,
        Some(Ok(seed)) => seed,
        Some(Err(_)) => {
            problems.push("Seed: enter a whole number of 0 or more.".into());
            42
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidRequest, format!("Please fix: {}", problems.join(" "))));
    }
    Ok(TrainRequest {
        dataset,
        model,
        hyperparameters,
        seed,
        test_fraction: 0.2,
        preset: None,
        cross_validation,
        mapping: None,
        transfer_to,
        fine_tune: None,
        columns: None,
        split: cutoff.as_ref().map(|_| SplitKind::Temporal),
        cutoff,
        feature_set,
        calibrate,
        tune,
    })
}

/// Starts the training, on the user's files when the form carried them, as
/// `POST /api/v1/trainings` does (quotas, then the files stored; a refusal keeps none).
pub fn start(state: &AppState, caller: &Caller, form: TrainForm) -> Result<StartedTraining, ApiError> {
    match form.files {
        Some(files) => trainings::start_with_files(state, caller, form.request, files),
        None => trainings::start_training(state, caller, form.request, None),
    }
}
