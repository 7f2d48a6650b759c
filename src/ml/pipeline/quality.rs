//! The quality target: a default forest on Kepler.

use std::path::PathBuf;

use super::*;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::progress::SilentProgress;
use crate::ml::Mission;

/// The target: a default forest on Kepler reaches accuracy ≥ 0.78 and
/// macro-F1 ≥ 0.73 on a grouped 20 % test split (scikit-learn: 0.79 / 0.74).
#[test]
fn kepler_default_forest_meets_quality_target() {
    let cfg = TrainingConfig::on_mission(
        Mission::Kepler,
        ModelParams::check(ModelKind::RandomForest, &RawHyperparameters::new()).unwrap(),
        SplitRule::Grouped { test_fraction: 0.2 },
        42,
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
    );
    let out = run(&cfg, &SilentProgress).unwrap();
    println!(
        "kepler forest: acc {:.4} macro-F1 {:.4} fit {:.2}s",
        out.metrics.as_ref().unwrap().accuracy,
        out.metrics.as_ref().unwrap().macro_f1,
        out.fit_seconds
    );
    assert!(out.metrics.as_ref().unwrap().accuracy >= 0.78, "accuracy {:.4}", out.metrics.as_ref().unwrap().accuracy);
    assert!(out.metrics.as_ref().unwrap().macro_f1 >= 0.73, "macro-F1 {:.4}", out.metrics.as_ref().unwrap().macro_f1);
}
