//! Scores of a model on held-out objects: per class, confusion, ROC, cross-validation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::ClassLabel;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    pub labels: Vec<ClassLabel>,
    /// `matrix[actual][predicted]`.
    pub matrix: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
    pub per_class: BTreeMap<ClassLabel, ClassScores>,
    pub confusion_matrix: ConfusionMatrix,
    /// One-vs-rest ROC curve per class.
    pub roc_curves: Vec<RocCurve>,
    /// Whether the probabilities mean what they say; absent from results stored before it
    /// was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationReport>,
}

/// Brier score (multi-class: mean over objects of Σ_k (p_k − y_k)², 0 is perfect) and
/// expected calibration error (mean over the classes of Σ_bins n_b/N · |observed − mean
/// predicted|, 10 equal bins), with each class's reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    pub brier: f64,
    pub ece: f64,
    pub classes: Vec<ClassCalibrationReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassCalibrationReport {
    pub class: ClassLabel,
    /// One-vs-rest Brier score of this class.
    pub brier: f64,
    pub ece: f64,
    /// Ten bins of the predicted probability of this class, lowest first.
    pub bins: Vec<ReliabilityBinReport>,
}

/// Predicted probabilities in `[lower, upper)` (the last bin includes 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBinReport {
    pub lower: f64,
    pub upper: f64,
    pub count: usize,
    /// Mean predicted probability in the bin; `null` when it is empty.
    pub mean_predicted: Option<f64>,
    /// Share of the bin's objects that are of the class; `null` when it is empty.
    pub observed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    pub class: ClassLabel,
    pub auc: Option<f64>,
    /// (false-positive rate, true-positive rate), from (0, 0) to (1, 1).
    pub points: Vec<[f64; 2]>,
}

/// Mean ± standard deviation of one metric over the cross-validation folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvMetric {
    pub metric: String,
    pub label: String,
    pub mean: f64,
    pub std: f64,
    pub per_fold: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidationReport {
    pub folds: usize,
    /// How the folds were made.
    pub method: String,
    pub fold_rows: Vec<usize>,
    pub metrics: Vec<CvMetric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSet {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

/// A training whose probabilities were recalibrated on a held-back slice of its training
/// part (`"calibrate"`): the map, the slice, and the held-out scores without and with it.
/// The result's predictions and metrics are the calibrated ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecalibrationReport {
    pub method: crate::domain::CalibrationMethod,
    /// Objects (and their host stars) held back from the fit to calibrate on.
    pub slice_objects: usize,
    pub slice_stars: usize,
    /// The fitted temperature (`platt`; above 1 softens the probabilities).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// On the held-out objects; absent when the test file has no labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ProbabilityScoreSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ProbabilityScoreSet>,
}

/// The figures a calibration is judged by (lower is better for each).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProbabilityScoreSet {
    pub log_loss: f64,
    pub brier: f64,
    pub ece: f64,
}
