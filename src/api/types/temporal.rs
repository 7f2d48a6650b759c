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
}
