//! What the pretrained model is, how it was made and how good it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{ClassLabel, Mission};

/// Held-out scores of the pretrained model on one mission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionScoreInfo {
    pub mission: Mission,
    pub mission_name: String,
    pub test_objects: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
    /// Multi-class Brier score and expected calibration error (how far its probabilities
    /// are from the frequencies they claim).
    #[serde(default)]
    pub brier: Option<f64>,
    #[serde(default)]
    pub ece: Option<f64>,
}

/// One input of the pretrained model, for the model card and the what-if form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureCard {
    pub name: String,
    pub description: String,
    pub unit: String,
    pub typical_low: f64,
    pub typical_high: f64,
    /// Per mission id, the archive column it is read from (absent: the mission lacks it).
    pub columns: BTreeMap<Mission, String>,
}

/// What the pretrained model is, how it was made, how good it is and where it is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// `"pretrained"` or `"pretrained_physical"`: what requests name it by.
    #[serde(default)]
    pub model: String,
    /// How pages name it, plainly.
    #[serde(default)]
    pub title: String,
    /// Which harmonised features it reads.
    #[serde(default)]
    pub feature_set: crate::domain::FeatureSet,
    pub model_name: String,
    pub variant: String,
    pub alternative_variant: String,
    pub seed: u64,
    pub test_fraction: f64,
    /// Per mission: name, table and download date.
    pub tables: Vec<(String, String)>,
    pub train_objects: BTreeMap<Mission, usize>,
    pub train_class_counts: BTreeMap<ClassLabel, usize>,
    pub features: Vec<FeatureCard>,
    pub scores: Vec<MissionScoreInfo>,
    pub alternative_scores: Vec<MissionScoreInfo>,
    pub build_command: String,
}
