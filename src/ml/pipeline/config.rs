//! What a training run is asked to do: the mission or upload, the model, the split rule,
//! and the optional cross-validation, transfer or fine-tuning.

use std::path::PathBuf;

use crate::ml::models::ModelParams;
use crate::ml::upload::{ColumnMapping, TableFile};
use crate::ml::Mission;

#[derive(Debug, Clone)]
pub struct TrainingConfig {
    pub mission: Mission,
    pub params: ModelParams,
    pub seed: u64,
    pub split: SplitRule,
    /// Folder holding the bundled NASA tables.
    pub data_dir: PathBuf,
    /// Also run 5-fold cross-validation (grouped by star) on the training part.
    pub cross_validation: bool,
    /// Train on the user's own file(s) instead of the mission's bundled table.
    pub upload: Option<UploadSource>,
    /// Cross-mission transfer: train on `mission`'s training part and test on this
    /// mission's held-out part, both on the harmonised features.
    pub transfer_to: Option<Mission>,
    /// Fine-tuning the pretrained model on an upload instead of training a new model (the
    /// fields above other than `seed` and `data_dir` are then unused).
    pub fine_tune: Option<FineTuneJob>,
}

/// The model to continue from and the fine-tuning's own settings.
#[derive(Debug, Clone)]
pub struct FineTuneJob {
    pub base: std::sync::Arc<crate::ml::pretrained::PretrainedModel>,
    pub config: crate::ml::fine_tune::FineTuneConfig,
}

/// Uploaded files: the name the user gave each (for messages) and their bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadSource {
    pub train: TableFile,
    /// A separate test file; without one the training file is split like the NASA tables.
    pub test: Option<TableFile>,
    /// How a table that is not an archive export maps to labels and features.
    pub mapping: Option<ColumnMapping>,
}

/// How the test part is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum SplitRule {
    /// Our grouped, stratified split from the config's seed, holding out about this share.
    Grouped { test_fraction: f64 },
    /// Exactly these object ids are the test part (the benchmark's canonical split).
    HeldOutIds(Vec<String>),
}
