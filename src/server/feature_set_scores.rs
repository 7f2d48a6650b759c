//! The default model (the train page's random forest, default hyperparameters, seed 42,
//! 20 % of stars held out) trained on each mission with each feature set, scored without
//! explanations, and proved on the future on the TOI table's temporal split: the About
//! page's answer to "what do the uncertainty columns buy?".
//! Computed once for everyone (a few seconds; see `shared_answers`): the figures depend only
//! on the bundled tables and the code.

use std::path::Path;

use crate::api::{
    ApiError, FeatureSetComparison, FeatureSetInfo, FeatureSetScore, FeatureSetTemporal, MissionFeatureSetScores,
};
use crate::domain::FeatureSet;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::pipeline::{held_out_scores, SplitRule, TrainingConfig};
use crate::ml::progress::ProgressSink;
use crate::ml::temporal::{CutoffDate, DEFAULT_CUTOFF};
use crate::ml::Mission;

const SEED: u64 = 42;
const TEST_FRACTION: f64 = 0.2;

/// The comparison, reporting to `progress` after each of the six fits.
pub fn compute(data_dir: &Path, progress: &dyn ProgressSink) -> Result<FeatureSetComparison, ApiError> {
    let kind = ModelKind::RandomForest;
    // Six held-out fits, then two temporal evaluations (reported at the end).
    let fits = (Mission::ALL.len() * FeatureSet::ALL.len()) as f64 / 0.8;
    let done = std::sync::atomic::AtomicUsize::new(0);
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
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress.report(n as f64 / fits, &format!("{mission}, {}: fitted", set.title()));
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
    let tess =
        crate::ml::dataset::LabelledDataset::load_mission(Mission::Tess, data_dir).map_err(ApiError::internal)?;
    let cutoff = CutoffDate::parse(DEFAULT_CUTOFF).expect("a valid date");
    let temporal = FeatureSet::ALL
        .into_iter()
        .map(|set| {
            let own = tess.keep_features(|name| set.keeps(name));
            let e = crate::ml::temporal::evaluate(&own, &params, SEED, &cutoff, &crate::ml::progress::SilentProgress)
                .map_err(ApiError::internal)?;
            progress.report(1.0, &format!("TESS, {}: proved on the future", set.title()));
            Ok(FeatureSetTemporal { feature_set: set, ranking: crate::server::sky::figures(&e.temporal) })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(FeatureSetComparison {
        temporal,
        temporal_cutoff: cutoff.as_str().to_string(),
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
