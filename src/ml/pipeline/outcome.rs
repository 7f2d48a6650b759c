//! What a training run returns: the held-out predictions, metrics, explanations and model.

use crate::ml::explain::Explanations;
use crate::ml::metrics::Metrics;
use crate::ml::models::{ModelKind, TrainedModel};
use crate::ml::shift::FeatureShift;
use crate::ml::ClassLabel;

use super::cross_validation::FoldScore;

pub(super) const K: usize = ClassLabel::COUNT;

/// One held-out object's prediction.
#[derive(Debug, Clone)]
pub struct HeldOutPrediction {
    pub id: String,
    /// `None` when the test file has no labels.
    pub actual: Option<ClassLabel>,
    pub probabilities: [f64; K],
}

#[derive(Debug, Clone)]
pub struct TrainingOutcome {
    pub dataset_name: String,
    pub model_kind: ModelKind,
    /// `None` when the test file has no labels: nothing to score against.
    pub metrics: Option<Metrics>,
    pub predictions: Vec<HeldOutPrediction>,
    pub feature_names: Vec<String>,
    /// "Orbital Period [days]" per feature, from the archive header (may be empty).
    pub feature_descriptions: Vec<String>,
    /// Feature values of each held-out object, in `predictions` order (NaN = missing).
    pub test_features: ndarray::Array2<f64>,
    /// SHAP values of every held-out object, in `predictions` order; `None` only in the
    /// outcome [`super::run_with`] shows before it explains (scores and predictions first).
    pub explanations: Option<Explanations>,
    pub explain_seconds: f64,
    pub train_rows: usize,
    pub test_rows: usize,
    pub train_stars: usize,
    pub test_stars: usize,
    pub train_class_counts: [usize; K],
    pub fit_seconds: f64,
    pub predict_ms: f64,
    pub model_summary: String,
    pub model: TrainedModel,
    /// Present when the config asked for cross-validation.
    pub cross_validation: Option<Vec<FoldScore>>,
    /// Cross-mission transfer: every feature's shift from the training mission to the test
    /// mission, largest first.
    pub shift: Option<Vec<FeatureShift>>,
    /// Present for a fine-tuning: the before/after comparison and the fine-tuned model.
    pub fine_tune: Option<crate::ml::fine_tune::FineTuneOutcome>,
    /// Present when a temporal split chose the parts.
    pub temporal: Option<TemporalOutcome>,
    /// Present when the probabilities were calibrated on a held-back slice: `predictions`
    /// and `metrics` are then the calibrated ones (the explanations explain `model` itself).
    pub calibrated: Option<super::calibration_slice::CalibratedOutcome>,
    /// Present when the hyperparameters were tuned: every trial, and which won (the model
    /// is the winner's).
    pub tuning: Option<crate::ml::tuning::TuningOutcome>,
}

/// A temporal split's cut-off and counts, and how well P(confirmed) ranked the objects the
/// future resolved.
#[derive(Debug, Clone)]
pub struct TemporalOutcome {
    pub cutoff: crate::ml::temporal::CutoffDate,
    /// The column the rows were dated by: `rowupdate` for TOI, an upload's own.
    pub date_column: String,
    pub split: crate::ml::temporal::TemporalSplit,
    pub ranking: Option<crate::ml::temporal::RankingQuality>,
}
