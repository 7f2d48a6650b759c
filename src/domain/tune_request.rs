//! What a training asks of hyperparameter tuning (`"tune"`): how many trials, how they are
//! searched, and an optional time budget.

use serde::{Deserialize, Serialize};

/// Most trials one training may run (each is a 5-fold cross-validation).
pub const MAX_TUNE_TRIALS: usize = 60;
/// Trials the train form offers unless changed.
pub const DEFAULT_TUNE_TRIALS: usize = 10;
/// Longest time budget one training may give its tuning.
pub const MAX_TUNE_MINUTES: f64 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TuneMethod {
    /// Seeded draws from the family's ranges, each scored on all of the training part.
    #[default]
    Random,
    /// Successive halving: every draw is scored on a small share of the training part's
    /// stars, the best third goes on to three times as many, until the best are scored on
    /// all of it. More draws for the same time.
    Halving,
}

impl TuneMethod {
    pub const ALL: [TuneMethod; 2] = [TuneMethod::Random, TuneMethod::Halving];

    pub fn id(self) -> &'static str {
        match self {
            TuneMethod::Random => "random",
            TuneMethod::Halving => "halving",
        }
    }

    pub fn from_id(id: &str) -> Option<TuneMethod> {
        TuneMethod::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            TuneMethod::Random => "Random search",
            TuneMethod::Halving => "Successive halving",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TuneRequest {
    /// Hyperparameter settings to try, the request's own included (1 to [`MAX_TUNE_TRIALS`]).
    pub trials: usize,
    #[serde(default)]
    pub method: TuneMethod,
    /// Stop starting new trials after this many minutes (at most [`MAX_TUNE_MINUTES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
}

impl TuneRequest {
    /// The problem with it, in words a form or an API client can act on.
    pub fn problem(&self) -> Option<String> {
        if !(2..=MAX_TUNE_TRIALS).contains(&self.trials) {
            return Some(format!("tune.trials must be between 2 and {MAX_TUNE_TRIALS}, got {}.", self.trials));
        }
        match self.minutes {
            Some(m) if !(m > 0.0 && m <= MAX_TUNE_MINUTES) => {
                Some(format!("tune.minutes must be more than 0 and at most {MAX_TUNE_MINUTES}, got {m}."))
            }
            _ => None,
        }
    }
}
