//! Everything a finished training produced, whole (the JSON route) or without its rows (the result page).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CrossValidationReport, ImportanceReport, MetricsReport, Prediction, ScoreSet};
use crate::domain::{ClassLabel, DatasetRef, ScoredOn};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelDetails {
    pub dataset: DatasetRef,
    pub dataset_name: String,
    pub model: String,
    pub model_name: String,
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    pub seed: u64,
    pub features: Vec<String>,
    /// The feature set chosen for a bundled table (`None`: the default, or an upload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_set: Option<crate::domain::FeatureSet>,
    pub missing_values: String,
    pub split: String,
    pub train_rows: usize,
    pub test_rows: usize,
    pub train_stars: usize,
    pub test_stars: usize,
    pub structure: String,
    pub fit_seconds: f64,
    pub predict_ms: f64,
    pub explain_seconds: f64,
    /// How the explanations were computed (and, for estimators, their sampling budget).
    pub explanation_method: String,
    /// Caveats that belong next to these figures (for example K2's missingness leak).
    pub caveats: Vec<String>,
}

/// Everything a finished training produced except the prediction rows (which are paged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultReport {
    pub id: String,
    /// `None` when the test file had no labels: predictions and explanations only.
    pub metrics: Option<MetricsReport>,
    pub model_info: ModelDetails,
    /// Held-out objects per predicted class id.
    pub predicted_counts: BTreeMap<ClassLabel, usize>,
    pub importance: ImportanceReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_validation: Option<CrossValidationReport>,
    /// Cross-mission transfer: the features whose distributions differ most between the
    /// training and the test mission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Vec<FeatureShiftInfo>>,
    /// A fine-tuning: the pretrained model and the fine-tuned one side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_tune: Option<FineTuneReport>,
    /// A temporal split: its cut-off, which objects went where, and the ranking's figures
    /// on the objects the future resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporal: Option<super::temporal::TemporalSplitReport>,
    /// Present when the probabilities were calibrated on a held-back slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrated: Option<super::RecalibrationReport>,
    /// Present when the hyperparameters were tuned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuning: Option<super::TuningReport>,
    /// Set while the explanations are computed: the scores, charts and predictions are
    /// final, the importance is empty and the rows have no explanation yet. Only pages see
    /// such a result (the training still runs); the JSON API answers once it is whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub explaining: bool,
}

/// Everything a finished training produced (the JSON route returns it whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingResult {
    #[serde(flatten)]
    pub report: ResultReport,
    pub predictions: Vec<Prediction>,
}

/// What fine-tuning gained on the user's rows and lost (or gained) on NASA's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FineTuneReport {
    pub base_model: String,
    pub base_trees: usize,
    pub added_trees: usize,
    /// Your held-out rows, each mission's NASA held-out part, then NASA's three pooled;
    /// both models scored on exactly the same objects in each.
    pub comparisons: Vec<BeforeAfterInfo>,
    /// Rows of the file without a label (not used).
    pub unlabelled_rows: usize,
    /// Held-out rows of the file that the pretrained model learned from (left out: they
    /// would flatter "before").
    pub user_rows_left_out: usize,
    /// NASA held-out objects the fine-tuning learned from (left out of the NASA rows).
    pub nasa_objects_left_out: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfterInfo {
    /// `your_table`, `kepler`, `tess`, `k2` or `nasa` (the three pooled).
    pub on: ScoredOn,
    /// "Your held-out rows", "Kepler KOI held-out part", …
    pub label: String,
    pub objects: usize,
    pub before: ScoreSet,
    pub after: ScoreSet,
}

/// One feature's shift from the training mission to the test mission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureShiftInfo {
    pub feature: String,
    /// Kolmogorov–Smirnov distance of the present values (0 same, 1 disjoint).
    pub ks: f64,
    pub train_median: Option<f64>,
    pub test_median: Option<f64>,
    pub train_missing: f64,
    pub test_missing: f64,
}

/// The result page's summary: the report and what the reader may do with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultSummary {
    #[serde(flatten)]
    pub report: ResultReport,
    /// What the reader may do with it (share, delete) and who shared it.
    #[serde(default)]
    pub access: crate::api::account::ResultAccess,
}
