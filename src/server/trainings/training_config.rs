//! The pipeline's config for a training request: every field checked, presets already
//! applied, uploaded tables read from the store, fine-tuning requests turned into their job.

use crate::api::error::shorten;
use crate::api::*;
use crate::domain::{FeatureSet, ModelRef};
use crate::ml::fine_tune::FineTuneConfig;
use crate::ml::models::gradient_boosting::BoostingParams;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::pipeline::{DataSource, FineTuneJob, ModelSetup, SplitRule, TrainingConfig, TrainingJob, UploadSource};
use crate::ml::split::TEST_FRACTION_RANGE;
use crate::ml::Mission;
use crate::server::config::Config;
use crate::server::pretrained_models::PretrainedModels;
use crate::server::store::{SessionStore, UploadedFiles};

/// The pipeline's config for a request, every field checked, uploaded tables read from the
/// store. Called before queueing (then [`crate::ml::pipeline::check_training`] reads the
/// data and estimates the cost) and again by the worker that takes the training from the
/// queue.
pub fn training_config(
    config: &Config,
    pretrained: &PretrainedModels,
    store: &dyn SessionStore,
    request: &TrainRequest,
    upload: Option<&UploadedFiles>,
) -> Result<TrainingConfig, ApiError> {
    if let Some(base) = request.fine_tune.as_deref() {
        let job = fine_tune_job(config, pretrained, store, base, request, upload)?;
        return Ok(TrainingConfig {
            job: TrainingJob::FineTune(job),
            seed: request.seed,
            data_dir: config.data_dir.clone(),
        });
    }
    let upload = match (request.dataset.as_str(), upload) {
        ("upload", None) => {
            return Err(ApiError::new(ErrorCode::InvalidRequest, "To train on your own table, send it as multipart/form-data: a 'config' part with this JSON and a 'train_file' part (optionally 'test_file').")
                .with_field("dataset"))
        }
        ("upload", Some(files)) => Some(upload_source(config, store, files, request.mapping.as_ref())?),
        (_, Some(_)) => return Err(ApiError::new(ErrorCode::InvalidRequest, "Uploaded files need \"dataset\": \"upload\".").with_field("dataset")),
        _ => None,
    };
    let has_test_file = upload.as_ref().is_some_and(|u| u.test.is_some());
    let data = match upload {
        Some(upload) => DataSource::Upload(Box::new(upload)),
        None => DataSource::Mission(Mission::from_id(&request.dataset).ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownDataset,
                format!("Unknown dataset '{}'. Choose one of: kepler, tess, k2, upload.", shorten(&request.dataset)),
            )
            .with_field("dataset")
        })?),
    };
    let kind = ModelKind::from_id(&request.model).ok_or_else(|| {
        let known: Vec<&str> = ModelKind::ALL.iter().map(|m| m.id()).collect();
        ApiError::new(
            ErrorCode::UnknownModel,
            format!("Unknown model '{}'. Choose one of: {}.", shorten(&request.model), known.join(", ")),
        )
        .with_field("model")
    })?;
    let params = ModelParams::check(kind, &request.hyperparameters).map_err(ApiError::from)?;
    check_test_fraction(request.test_fraction)?;
    let feature_set = request.feature_set.unwrap_or_default();
    if feature_set != FeatureSet::AllLeakFree && matches!(data, DataSource::Upload(_)) {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            "feature_set chooses among a bundled table's columns; an upload's column mapping chooses its features, so leave feature_set out.",
        )
        .with_field("feature_set"));
    }
    let model = ModelSetup {
        params,
        split: split_rule(request, has_test_file)?,
        cross_validation: request.cross_validation,
        feature_set,
        calibrate: request.calibrate,
        tune: match request.tune {
            None => None,
            Some(tune) => {
                if let Some(problem) = tune.problem() {
                    return Err(ApiError::new(ErrorCode::InvalidValue, problem).with_field("tune"));
                }
                if tune.trials > config.max_tune_trials {
                    return Err(ApiError::new(
                        ErrorCode::InvalidValue,
                        format!(
                            "tune.trials: this server runs at most {} trials per training (EXO_MAX_TUNE_TRIALS); ask for fewer.",
                            config.max_tune_trials
                        ),
                    )
                    .with_field("tune"));
                }
                Some(crate::ml::tuning::TuneSettings { request: tune, requested: request.hyperparameters.clone() })
            }
        },
    };
    let job = match (request.transfer_to.as_deref(), data) {
        (None | Some(""), data) => TrainingJob::Train { data, model },
        (Some(_), DataSource::Upload(_)) => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "Cross-mission transfer trains on a bundled mission table, not an upload.",
            )
            .with_field("transfer_to"))
        }
        (Some(id), DataSource::Mission(from)) => match Mission::from_id(id) {
            Some(to) if to == from => {
                return Err(ApiError::new(
                    ErrorCode::InvalidValue,
                    format!("transfer_to must be another mission than the training one ({id})."),
                )
                .with_field("transfer_to"))
            }
            Some(to) => TrainingJob::Transfer { from, to, model },
            None => {
                return Err(ApiError::new(
                    ErrorCode::UnknownDataset,
                    format!("Unknown mission '{}' for transfer_to. Choose kepler, tess or k2.", shorten(id)),
                )
                .with_field("transfer_to"))
            }
        },
    };
    Ok(TrainingConfig { job, seed: request.seed, data_dir: config.data_dir.clone() })
}

/// The request's split: random by host star, or temporal at a checked cut-off on a table
/// that dates its rows: the bundled TOI table, or an upload with a date column (checked
/// with the data, where a missing date column gets its own message).
fn split_rule(request: &TrainRequest, has_test_file: bool) -> Result<SplitRule, ApiError> {
    match request.split.unwrap_or_default() {
        SplitKind::Random => {
            if request.cutoff.is_some() {
                return Err(ApiError::new(
                    ErrorCode::InvalidValue,
                    "cutoff applies to a temporal split: add \"split\": \"temporal\" or leave cutoff out.",
                )
                .with_field("cutoff"));
            }
            Ok(SplitRule::Grouped { test_fraction: request.test_fraction })
        }
        SplitKind::Temporal => {
            let transfer = request.transfer_to.as_deref().is_some_and(|t| !t.is_empty());
            let dated = request.dataset == Mission::Tess.id() || request.dataset == "upload";
            if !dated || transfer {
                return Err(ApiError::new(ErrorCode::InvalidValue, format!("A temporal split needs dated rows: the TESS TOI table dates them (its rowupdate column), and so does an upload with a date column; use \"dataset\": \"tess\" or \"upload\" without transfer_to, not '{}'.", shorten(&request.dataset))).with_field("split"));
            }
            if has_test_file {
                return Err(ApiError::new(
                    ErrorCode::InvalidValue,
                    "A temporal split chooses the test part by date, so it cannot use a separate test file: send only train_file, or use the random split.",
                )
                .with_field("split"));
            }
            let text = request.cutoff.as_deref().unwrap_or("");
            let cutoff = crate::ml::temporal::CutoffDate::parse(text).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidValue,
                    format!(
                        "cutoff '{}' is not a date: write it as YYYY-MM-DD, for example {}.",
                        shorten(text),
                        crate::ml::temporal::DEFAULT_CUTOFF
                    ),
                )
                .with_field("cutoff")
            })?;
            Ok(SplitRule::Temporal { cutoff })
        }
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
    pretrained: &PretrainedModels,
    store: &dyn SessionStore,
    base: &str,
    request: &TrainRequest,
    upload: Option<&UploadedFiles>,
) -> Result<FineTuneJob, ApiError> {
    let Some(set) = ModelRef::parse(base).pretrained() else {
        return Err(ApiError::new(
            ErrorCode::UnknownModel,
            format!(
                "Only a pretrained model can be fine-tuned: use \"fine_tune\": \"pretrained\" or \"pretrained_physical\", not '{}'.",
                shorten(base)
            ),
        )
        .with_field("fine_tune"));
    };
    let base = pretrained.model(set)?;
    if request.model != ModelKind::GradientBoosting.id() {
        return Err(ApiError::new(ErrorCode::InvalidValue, format!("Fine-tuning continues the pretrained gradient boosting: \"model\" must be \"gradient_boosting\", not '{}'.", shorten(&request.model))).with_field("model"));
    }
    let files = match (request.dataset.as_str(), upload) {
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
    if request.calibrate.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidValue, "Calibration applies to new models: a fine-tuning keeps the pretrained model's probabilities, so leave calibrate out.").with_field("calibrate"));
    }
    if request.tune.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidValue, "Tuning searches a new model's hyperparameters: a fine-tuning continues the pretrained model with the booster's settings you give, so leave tune out.").with_field("tune"));
    }
    check_test_fraction(request.test_fraction)?;
    let params = BoostingParams::check(&request.hyperparameters).map_err(ApiError::from)?;
    let file = crate::server::uploads::load(store, &files.train_id, &files.train_name)?;
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
    let train = crate::server::uploads::load(store, &files.train_id, &files.train_name)?;
    let test = match (&files.test_id, &files.test_name) {
        (Some(id), Some(name)) => Some(crate::server::uploads::load(store, id, name)?),
        _ => None,
    };
    Ok(UploadSource { train, test, mapping: mapping.map(crate::server::uploads::to_ml) })
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
        .map_err(ApiError::from)
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
