//! One sorted, filtered page of a result's predictions.

use serde::{Deserialize, Serialize};

use super::Prediction;

/// Columns the predictions table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PredictionSort {
    Id,
    Prediction,
    Confidence,
    Confirmed,
    Candidate,
    FalsePositive,
    Actual,
    Correct,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionQuery {
    pub sort: PredictionSort,
    pub descending: bool,
    /// 0-based.
    pub page: usize,
    pub per_page: usize,
    /// Show only wrong predictions.
    #[serde(default)]
    pub only_errors: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionPage {
    pub rows: Vec<Prediction>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl PredictionPage {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}
