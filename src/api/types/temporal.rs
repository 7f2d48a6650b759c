//! "Prove the ranking on the future": a recipe learned only from objects settled before a
//! cut-off date, scored on the candidates resolved after it, next to the usual random split.

use serde::{Deserialize, Serialize};

/// How well P(confirmed) ranks later-confirmed planets above later false positives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankingFigures {
    /// The chance that a confirmed planet is ranked above a false positive (0.5 = chance).
    pub auc: f64,
    /// Share of confirmed planets among the 10 and the 50 highest P(confirmed).
    pub precision_at_10: f64,
    pub precision_at_50: f64,
    pub confirmed: usize,
    pub false_positives: usize,
}

/// A training's temporal split (`"split": "temporal"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemporalSplitReport {
    pub cutoff: String,
    pub date_column: String,
    /// Objects learned from: settled before the cut-off (stars of test objects left out).
    pub train_objects: usize,
    /// Confirmed and false-positive objects updated on or after the cut-off.
    pub test_objects: usize,
    pub still_open: usize,
    pub undated: usize,
    pub shared_star: usize,
    /// Ranking by P(confirmed) on the test objects.
    pub ranking: Option<RankingFigures>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemporalReport {
    /// `YYYY-MM-DD`.
    pub cutoff: String,
    /// The table and its date column.
    pub table: String,
    pub date_column: String,
    /// What was trained: family, hyperparameters, features.
    pub recipe: String,
    /// Objects learned from (settled before the cut-off, stars of test objects left out).
    pub train_objects: usize,
    /// Objects updated after the cut-off that are still candidates (in neither part).
    pub still_open: usize,
    /// Training objects left out because their star has a test object.
    pub shared_star: usize,
    /// On the objects resolved after the cut-off.
    pub temporal: RankingFigures,
    /// The same recipe on the random split by host star (its resolved test objects).
    pub random: RankingFigures,
    /// Why the dates are a fair proxy for "known at the time", and the limits.
    pub notes: Vec<String>,
    /// Each pretrained model's recipe on the same split, side by side, with 95 % bootstrap
    /// intervals (`temporal` and `random` above are the triage default's).
    #[serde(default)]
    pub models: Vec<ModelTemporalFigures>,
    /// The model the triage page ranks by unless asked otherwise (`"pretrained"` or
    /// `"pretrained_physical"`), chosen by these figures, and why in words.
    #[serde(default)]
    pub triage_default: String,
    #[serde(default)]
    pub triage_default_reason: String,
}

/// A 95 % bootstrap interval: the 2.5th and 97.5th percentiles over the resamples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FigureInterval {
    pub low: f64,
    pub high: f64,
}

/// The intervals of the three ranking figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankingIntervals {
    pub auc: FigureInterval,
    pub precision_at_10: FigureInterval,
    pub precision_at_50: FigureInterval,
}

/// One pretrained model's recipe proved on the future.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelTemporalFigures {
    /// `"pretrained"` or `"pretrained_physical"`.
    pub model: String,
    pub title: String,
    /// Inputs it learns from.
    pub features: usize,
    pub temporal: RankingFigures,
    pub random: RankingFigures,
    /// On the temporal test objects, resampled.
    pub intervals: RankingIntervals,
    /// This model minus the one on all leak-free columns, on the same resamples (absent for
    /// that model itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference: Option<RankingIntervals>,
    /// Resamples drawn.
    pub replicates: usize,
}
