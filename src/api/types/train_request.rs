//! What a client asks to train: the wire form of `POST /api/v1/trainings`.
//! `server::trainings::training_config` checks it into the pipeline's typed `TrainingJob`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{CalibrationMethod, FeatureSet, SplitKind, TuneRequest};

fn default_seed() -> u64 {
    42
}

fn default_test_fraction() -> f64 {
    0.2
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRequest {
    pub dataset: String,
    pub model: String,
    #[serde(default)]
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_test_fraction")]
    pub test_fraction: f64,
    /// A preset's values are applied first; `hyperparameters` override them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Also run 5-fold cross-validation (grouped by star) on the training part.
    #[serde(default)]
    pub cross_validation: bool,
    /// For `"dataset": "upload"` with a table that is not an archive export: how its
    /// columns become labels and features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<UploadMapping>,
    /// Cross-mission transfer: train on `dataset`, test on this mission's held-out part
    /// (both on the harmonised features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<String>,
    /// Fine-tuning: `"pretrained"` continues boosting the shipped model on the uploaded
    /// `train_file` (an archive export or a table with the harmonised columns and a
    /// label), instead of training a new model. Needs `"dataset": "upload"` and
    /// `"model": "gradient_boosting"`; its hyperparameters are the booster's (100 rounds
    /// unless set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_tune: Option<String>,
    /// Fine-tuning a table that is neither an archive export nor on the harmonised names:
    /// the column choice of a prediction request (`columns` there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<BTreeMap<String, String>>,
    /// `"temporal"`: learn from the objects settled before `cutoff` and test on those
    /// resolved after it (the TESS table); `"random"` (the default): by host star at random.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitKind>,
    /// The temporal split's cut-off date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<String>,
    /// `"all"` (the default: every leak-free column) or `"physical"` (without the
    /// measurement uncertainties); bundled tables only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_set: Option<FeatureSet>,
    /// `"isotonic"` or `"platt"`: recalibrate the probabilities on a held-back slice (a
    /// fifth of the training part's stars); new models only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrate: Option<CalibrationMethod>,
    /// `{"trials": N, "method": "random"|"halving", "minutes"?}`: tune the hyperparameters by
    /// grouped 5-fold cross-validation on the training part before training; new models only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tune: Option<TuneRequest>,
}

/// How an uploaded table's columns become labels and features: the API's name for the
/// one mapping type the ML layer reads tables through.
pub use crate::domain::ColumnMapping as UploadMapping;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn train_request_defaults() {
        let r: TrainRequest = serde_json::from_str(r#"{"dataset":"kepler","model":"random_forest"}"#).unwrap();
        assert_eq!(r.seed, 42);
        assert_eq!(r.test_fraction, 0.2);
        assert!(r.hyperparameters.is_empty());
    }
}
