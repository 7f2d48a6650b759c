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
