//! The default model's held-out scores on each mission with each feature set (the About
//! page, `GET /api/v1/feature-sets`).

use serde::{Deserialize, Serialize};

use crate::domain::{FeatureSet, Mission};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSetComparison {
    pub model: String,
    pub model_name: String,
    pub seed: u64,
    /// How the held-out objects were chosen, in words.
    pub split: String,
    pub sets: Vec<FeatureSetInfo>,
    pub missions: Vec<MissionFeatureSetScores>,
    /// The same model proved on the future (the TOI table's temporal split at its default
    /// cut-off), one entry per set in the order of `sets`.
    #[serde(default)]
    pub temporal: Vec<FeatureSetTemporal>,
    /// The cut-off of those figures.
    #[serde(default)]
    pub temporal_cutoff: String,
}

/// The default model on one feature set, learned before the cut-off and scored on the TOI
/// candidates resolved after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSetTemporal {
    pub feature_set: FeatureSet,
    pub ranking: super::temporal::RankingFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSetInfo {
    pub id: FeatureSet,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionFeatureSetScores {
    pub mission: Mission,
    /// In the order of `sets`.
    pub scores: Vec<FeatureSetScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSetScore {
    pub feature_set: FeatureSet,
    pub features: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
}
