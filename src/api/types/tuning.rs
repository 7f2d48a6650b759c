//! A tuned training's search: every trial with its cross-validated score, and the winner
//! the model was trained with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::TuneMethod;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuningReport {
    pub method: TuneMethod,
    /// How each trial was scored, in words.
    pub scoring: String,
    /// In the order they ran (successive halving scores a setting once per round it reaches).
    pub trials: Vec<TrialReport>,
    /// The winner's full hyperparameters: what the model was trained with ("train with these").
    pub best_hyperparameters: BTreeMap<String, serde_json::Value>,
    /// The trial number of the winner (1 = the request's own settings).
    pub best_trial: usize,
    /// The time budget ran out before every trial ran.
    pub stopped_early: bool,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialReport {
    /// 1 is the request's own settings; the draws follow.
    pub number: usize,
    /// The values it set (the rest are the family's defaults).
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    /// Successive halving's round, from 1 (random search: 1).
    pub round: usize,
    /// Share of the training part's stars it was cross-validated on.
    pub stars_share: f64,
    pub rows: usize,
    pub cv_macro_f1_mean: f64,
    pub cv_macro_f1_std: f64,
    pub seconds: f64,
    pub best: bool,
}
