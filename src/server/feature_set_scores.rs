//! The default model (the train page's random forest, default hyperparameters, seed 42,
//! 20 % of stars held out) trained on each mission with each feature set, scored without
//! explanations: the About page's answer to "what do the uncertainty columns buy?".
//! Computed once per process on first request (a few seconds), then kept: the figures
//! depend only on the bundled tables and the code.

use std::path::Path;
use std::sync::OnceLock;

use crate::api::{ApiError, FeatureSetComparison, FeatureSetInfo, FeatureSetScore, MissionFeatureSetScores};
use crate::domain::FeatureSet;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::pipeline::{held_out_scores, SplitRule, TrainingConfig};
use crate::ml::Mission;

const SEED: u64 = 42;
const TEST_FRACTION: f64 = 0.2;

/// The comparison, computed on first call.
pub fn feature_set_scores(data_dir: &Path) -> Result<FeatureSetComparison, ApiError> {
    static KEPT: OnceLock<Result<FeatureSetComparison, ApiError>> = OnceLock::new();
    KEPT.get_or_init(|| compute(data_dir)).clone()
}

fn compute(data_dir: &Path) -> Result<FeatureSetComparison, ApiError> {
    let kind = ModelKind::RandomForest;
    let params = ModelParams::check(kind, &RawHyperparameters::default()).map_err(ApiError::internal)?;
    let missions = Mission::ALL
        .into_iter()
        .map(|mission| {
            let scores = FeatureSet::ALL
                .into_iter()
                .map(|set| {
                    let split = SplitRule::Grouped { test_fraction: TEST_FRACTION };
                    let config =
                        TrainingConfig::on_mission(mission, params.clone(), split, SEED, data_dir.to_path_buf())
                            .with_feature_set(set);
                    let s = held_out_scores(&config).map_err(ApiError::internal)?;
                    Ok(FeatureSetScore {
                        feature_set: set,
                        features: s.features,
                        accuracy: s.metrics.accuracy,
                        macro_f1: s.metrics.macro_f1,
                        roc_auc: s.metrics.roc_auc_macro,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok(MissionFeatureSetScores { mission, scores })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(FeatureSetComparison {
        model: kind.id().into(),
        model_name: kind.name().into(),
        seed: SEED,
        split: format!(
            "{:.0} % of host stars held out at random (seed {SEED}), the same split for both sets",
            TEST_FRACTION * 100.0
        ),
        sets: FeatureSet::ALL
            .into_iter()
            .map(|set| FeatureSetInfo { id: set, title: set.title().into(), description: set.description().into() })
            .collect(),
        missions,
    })
}
