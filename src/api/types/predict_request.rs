//! Predicting with a saved or the pretrained model: rows or a table in, predictions out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{MetricsReport, Prediction};
use crate::domain::ExplanationSpace;

/// `POST /api/v1/predictions` (JSON): rows of column → value, by the archive's column names
/// (`koi_period`, `pl_orbper`, …) or the harmonised ones (`period`, `depth`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictRequest {
    /// `"pretrained"`.
    pub model: String,
    #[serde(default)]
    pub rows: Vec<BTreeMap<String, serde_json::Value>>,
    /// The mission of rows that do not say (`kepler`, `tess`, `k2`).
    #[serde(default)]
    pub mission: Option<String>,
    /// For a table that is neither an archive export nor on the harmonised names: which
    /// column holds each model input (`period`, `depth`, …) and, optionally, `id`, `label`,
    /// `mission`, `star`. Inputs left out are missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<BTreeMap<String, String>>,
    /// What the explanations add up to: `"probability"` (the default) or the model's class
    /// scores, `"margin"` / `"log-odds"` (the booster's and the logistic models' only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<ExplanationSpace>,
}

impl PredictRequest {
    /// Whether the class scores' explanation was asked for instead of the probabilities'.
    pub fn wants_scores(&self) -> bool {
        matches!(self.space, Some(ExplanationSpace::Margin | ExplanationSpace::LogOdds))
    }
}

/// Predictions for every row, each with its explanation, and metrics over the rows that
/// carry a label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionResponse {
    pub model: String,
    /// How the columns were read ("the archive's TESS TOI columns", "harmonised column names").
    pub read_as: String,
    /// The model's inputs, in order.
    pub features: Vec<String>,
    pub predictions: Vec<Prediction>,
    /// Over the rows with a label that the model did not learn from; absent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsReport>,
    /// Rows the metrics cover.
    pub labelled_rows: usize,
    /// Rows that are bundled objects the model learned from (left out of the metrics).
    pub seen_in_training: usize,
    /// What to keep in mind reading these predictions.
    pub notes: Vec<String>,
    /// The "planet or not" threshold saved with the model; each prediction's `planet` applies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<crate::domain::DecisionThreshold>,
}
