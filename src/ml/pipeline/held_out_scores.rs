//! A new model's held-out scores without its explanations, for comparisons that show only
//! scores (the About page's two feature sets): explaining every held-out object costs
//! many times the fit, and nobody would see those explanations.

use crate::ml::error::{MlError, Result};
use crate::ml::metrics::{evaluate, Metrics};
use crate::ml::models::cost::{check_budget, process_budget_mb};
use crate::ml::models::TrainedModel;
use crate::ml::progress::{ProgressSlice, SilentProgress};

use super::config::TrainingConfig;
use super::prepare::prepare;

/// What [`held_out_scores`] returns: the metrics and what they were measured on.
#[derive(Debug, Clone)]
pub struct HeldOutScores {
    pub metrics: Metrics,
    pub features: usize,
    pub train_rows: usize,
    pub test_rows: usize,
}

/// Prepares, fits and scores `config` exactly as [`super::run`] does (the same split, seed
/// and fit, so the same figures), and stops there.
pub fn held_out_scores(config: &TrainingConfig) -> Result<HeldOutScores> {
    let setup = config.model().ok_or_else(|| MlError::Training("a fine-tuning is scored by its own run".into()))?;
    let data = prepare(config, &SilentProgress)?;
    check_budget(&setup.params, &data.shape(false), process_budget_mb())?;
    let progress = ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 };
    let model = TrainedModel::fit(&setup.params, &data.x_train, &data.y_train, config.seed, &progress)?;
    let y_test = data.y_test.as_ref().ok_or_else(|| MlError::Training("the held-out part has no labels".into()))?;
    Ok(HeldOutScores {
        metrics: evaluate(y_test, &model.predict_proba(&data.x_test)),
        features: data.feature_names.len(),
        train_rows: data.x_train.nrows(),
        test_rows: data.x_test.nrows(),
    })
}
