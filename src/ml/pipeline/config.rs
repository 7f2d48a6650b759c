//! What a training run is asked to do: train a new model (on a mission or an upload), a
//! cross-mission transfer, or a fine-tuning of the pretrained model.

use std::path::PathBuf;

use crate::ml::models::ModelParams;
use crate::ml::upload::{ColumnMapping, TableFile};
use crate::ml::Mission;

/// One training run: what to do, the seed every random step derives from, and where the
/// bundled tables are.
#[derive(Debug, Clone)]
pub struct TrainingConfig {
    pub job: TrainingJob,
    pub seed: u64,
    /// Folder holding the bundled NASA tables.
    pub data_dir: PathBuf,
}

/// What a run does. Each kind carries exactly what it needs, so an impossible combination
/// (a transfer from an upload, a fine-tuning with cross-validation) cannot be written down.
#[derive(Debug, Clone)]
pub enum TrainingJob {
    /// A new model on one table, scored on its held-out part.
    Train { data: DataSource, model: ModelSetup },
    /// A new model trained on one mission's training part and scored on another mission's
    /// held-out part, both on the harmonised features.
    Transfer { from: Mission, to: Mission, model: ModelSetup },
    /// The pretrained model boosted further on the user's labelled upload.
    FineTune(FineTuneJob),
}

/// Where a new model's rows come from.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// A bundled mission table.
    Mission(Mission),
    /// The user's own file(s).
    Upload(Box<UploadSource>),
}

/// A new model: its family and hyperparameters, how the held-out part is chosen, and
/// whether 5-fold cross-validation (grouped by star) also runs on the training part.
#[derive(Debug, Clone)]
pub struct ModelSetup {
    pub params: ModelParams,
    pub split: SplitRule,
    pub cross_validation: bool,
    /// Which of the table's default columns it learns from (bundled tables; an upload's
    /// mapping chooses its own).
    pub feature_set: crate::domain::FeatureSet,
    /// Recalibrate the probabilities on a held-back slice of the training part.
    pub calibrate: Option<crate::domain::CalibrationMethod>,
    /// Tune the hyperparameters by cross-validation on the training part first; `params`
    /// is then the first trial (the request's own settings).
    pub tune: Option<crate::ml::tuning::TuneSettings>,
}

impl TrainingConfig {
    /// A new model on a bundled mission table: the common case (benches, tests).
    pub fn on_mission(mission: Mission, params: ModelParams, split: SplitRule, seed: u64, data_dir: PathBuf) -> Self {
        let model = ModelSetup {
            params,
            split,
            cross_validation: false,
            feature_set: Default::default(),
            calibrate: None,
            tune: None,
        };
        TrainingConfig { job: TrainingJob::Train { data: DataSource::Mission(mission), model }, seed, data_dir }
    }

    /// The same run on `set` of the table's columns (a fine-tuning has no choice).
    pub fn with_feature_set(mut self, set: crate::domain::FeatureSet) -> Self {
        if let TrainingJob::Train { model, .. } | TrainingJob::Transfer { model, .. } = &mut self.job {
            model.feature_set = set;
        }
        self
    }

    /// The same run, its probabilities calibrated by `method` (a fine-tuning has no choice).
    pub fn with_calibration(mut self, method: crate::domain::CalibrationMethod) -> Self {
        if let TrainingJob::Train { model, .. } | TrainingJob::Transfer { model, .. } = &mut self.job {
            model.calibrate = Some(method);
        }
        self
    }

    /// The same run, its hyperparameters tuned first (a fine-tuning has no choice).
    pub fn with_tuning(mut self, settings: crate::ml::tuning::TuneSettings) -> Self {
        if let TrainingJob::Train { model, .. } | TrainingJob::Transfer { model, .. } = &mut self.job {
            model.tune = Some(settings);
        }
        self
    }

    /// The new model's setup; `None` for a fine-tuning.
    pub fn model(&self) -> Option<&ModelSetup> {
        match &self.job {
            TrainingJob::Train { model, .. } | TrainingJob::Transfer { model, .. } => Some(model),
            TrainingJob::FineTune(_) => None,
        }
    }
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
    /// Learn from the objects settled before the cut-off, test on those resolved after it
    /// (the TESS table's `rowupdate`; see `ml::temporal`).
    Temporal { cutoff: crate::ml::temporal::CutoffDate },
}
