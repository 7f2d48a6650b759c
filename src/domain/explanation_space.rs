//! What an explanation's values add up to, so no chart calls a margin a probability.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum ExplanationSpace {
    /// Class probabilities (tree ensembles averaging probabilities, sampled estimators).
    #[default]
    #[serde(rename = "probability")]
    Probability,
    /// A linear model's log-odds (softmax scores).
    #[serde(rename = "log-odds")]
    LogOdds,
    /// A booster's raw additive score before the softmax.
    #[serde(rename = "margin")]
    Margin,
}

impl ExplanationSpace {
    pub fn as_str(self) -> &'static str {
        match self {
            ExplanationSpace::Probability => "probability",
            ExplanationSpace::LogOdds => "log-odds",
            ExplanationSpace::Margin => "margin",
        }
    }

    /// What the values are, for chart axes and sentences.
    pub fn describe(self) -> &'static str {
        match self {
            ExplanationSpace::Probability => "probability",
            ExplanationSpace::LogOdds => "log-odds score",
            ExplanationSpace::Margin => "raw boosting score (margin)",
        }
    }
}

impl std::fmt::Display for ExplanationSpace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
