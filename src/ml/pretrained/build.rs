//! Building the shipped models from the bundled tables. On all leak-free columns, both ways
//! of giving it the mission are fitted and scored on each mission's held-out part, the
//! better one kept; on physical quantities only, the mission is told only through the
//! per-mission calibration of class shares (a mission input would be one more observational
//! proxy), so that variant alone is built.

use std::path::Path;

use ndarray::{concatenate, Array2, Axis};

use super::model::{with_mission_codes, MissionScore, PretrainedModel, MISSION_FEATURE};
use crate::ml::dataset::count_classes;
use crate::ml::error::Result;
use crate::ml::harmonised;
use crate::ml::metrics::evaluate;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams, TrainedModel};
use crate::ml::progress::{ProgressSink, ProgressSlice};
use crate::ml::split::grouped_stratified_split;
use crate::ml::{ClassLabel, FeatureSet, Mission};

const K: usize = ClassLabel::COUNT;
pub const SEED: u64 = 42;
pub const TEST_FRACTION: f64 = 0.2;

/// One mission's table on the harmonised features, split by host star: the training part
/// on the model's own features, the test part on every harmonised feature (as predictions
/// take them).
struct MissionPart {
    mission: Mission,
    train_ids: Vec<String>,
    x_train: Array2<f64>,
    y_train: Vec<ClassLabel>,
    x_test: Array2<f64>,
    y_test: Vec<ClassLabel>,
}

fn shares(counts: [usize; K]) -> [f64; K] {
    let total = counts.iter().sum::<usize>().max(1) as f64;
    counts.map(|c| c as f64 / total)
}

fn score(mission: Mission, y: &[ClassLabel], p: &[[f64; K]]) -> MissionScore {
    let m = evaluate(y, p);
    MissionScore {
        mission,
        test_objects: y.len(),
        accuracy: m.accuracy,
        macro_f1: m.macro_f1,
        roc_auc: m.roc_auc_macro,
        log_loss: m.log_loss,
        brier: Some(m.calibration.brier),
        ece: Some(m.calibration.ece),
    }
}

fn mean_macro_f1(scores: &[MissionScore]) -> f64 {
    scores.iter().map(|s| s.macro_f1).sum::<f64>() / scores.len().max(1) as f64
}

/// Builds the pretrained model on `set`: on all leak-free columns both variants, keeping the
/// better; on physical quantities the mission-calibration variant.
pub fn build(data_dir: &Path, set: FeatureSet, progress: &dyn ProgressSink) -> Result<PretrainedModel> {
    let mut parts = Vec::new();
    for mission in Mission::ALL {
        progress.report(0.0, &format!("Loading {} on the harmonised features", mission.table_name()));
        let data = harmonised::load(mission, data_dir)?;
        let split = grouped_stratified_split(&data.labels, &data.groups, TEST_FRACTION, SEED)?;
        let (x_train, y_train) = data.keep_features(|name| set.keeps(name)).rows(&split.train);
        let (x_test, y_test) = data.rows(&split.test);
        let mut train_ids: Vec<String> = split.train.iter().map(|&r| data.ids[r].clone()).collect();
        train_ids.sort(); // binary search in `was_trained_on`
        parts.push(MissionPart { mission, train_ids, x_train, y_train, x_test, y_test });
    }
    let pooled = |with_mission: bool| -> Array2<f64> {
        let blocks: Vec<Array2<f64>> = parts
            .iter()
            .map(|p| {
                if with_mission {
                    with_mission_codes(&p.x_train, &vec![Some(p.mission); p.x_train.nrows()])
                } else {
                    p.x_train.clone()
                }
            })
            .collect();
        concatenate(Axis(0), &blocks.iter().map(|b| b.view()).collect::<Vec<_>>()).expect("same columns")
    };
    let y: Vec<ClassLabel> = parts.iter().flat_map(|p| p.y_train.iter().copied()).collect();
    let params = ModelParams::check(ModelKind::GradientBoosting, &RawHyperparameters::default())?;

    let with_mission_input = set == FeatureSet::AllLeakFree;
    let fit_a = ProgressSlice { sink: progress, start: 0.05, end: 0.5 };
    let with_feature =
        if with_mission_input { Some(TrainedModel::fit(&params, &pooled(true), &y, SEED, &fit_a)?) } else { None };
    let fit_b = ProgressSlice { sink: progress, start: if with_mission_input { 0.5 } else { 0.05 }, end: 0.95 };
    let without = TrainedModel::fit(&params, &pooled(false), &y, SEED, &fit_b)?;

    let pooled_shares = shares(count_classes(y.iter().copied()));
    let mut factors = [[1.0; K]; 3];
    for (i, p) in parts.iter().enumerate() {
        let own = shares(count_classes(p.y_train.iter().copied()));
        for c in 0..K {
            factors[i][c] = if pooled_shares[c] > 0.0 { own[c] / pooled_shares[c] } else { 1.0 };
        }
    }

    let mut features = harmonised::feature_names_of(set);
    debug_assert_eq!(features.len(), parts[0].x_train.ncols());
    let train_objects = [parts[0].y_train.len(), parts[1].y_train.len(), parts[2].y_train.len()];
    let b = PretrainedModel {
        feature_set: set,
        variant: "mission_calibration".into(),
        seed: SEED,
        test_fraction: TEST_FRACTION,
        features: features.clone(),
        calibration: Some(factors),
        train_objects,
        train_ids: parts.iter().map(|p| p.train_ids.clone()).collect(),
        other_train_ids: Vec::new(),
        train_class_counts: count_classes(y.iter().copied()),
        scores: Vec::new(),
        alternative_variant: String::new(),
        alternative_scores: Vec::new(),
        model: without,
    };
    let scores = |m: &PretrainedModel| -> Vec<MissionScore> {
        parts.iter().map(|p| score(p.mission, &p.y_test, &m.predict_proba(&p.x_test, Some(p.mission)))).collect()
    };
    let scores_b = scores(&b);
    let Some(with_feature) = with_feature else {
        progress.report(1.0, "Done");
        return Ok(PretrainedModel { scores: scores_b, ..b });
    };
    features.push(MISSION_FEATURE.to_string());
    let a = PretrainedModel {
        variant: "mission_feature".into(),
        features,
        calibration: None,
        alternative_variant: "mission_calibration".into(),
        model: with_feature,
        ..b.clone()
    };
    let scores_a = scores(&a);
    let b = PretrainedModel { alternative_variant: "mission_feature".into(), ..b };
    progress.report(1.0, "Done");
    Ok(if mean_macro_f1(&scores_a) >= mean_macro_f1(&scores_b) {
        PretrainedModel { scores: scores_a, alternative_scores: scores_b, ..a }
    } else {
        PretrainedModel { scores: scores_b, alternative_scores: scores_a, ..b }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::pretrained::{file_of, load};
    use crate::ml::progress::SilentProgress;
    use std::path::PathBuf;

    /// The committed models are what the build command makes, bit for bit: rebuilding each
    /// from the bundled tables writes exactly the committed file.
    #[test]
    fn rebuilding_gives_the_committed_models_bit_for_bit() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        for set in FeatureSet::ALL {
            let file = root.join(file_of(set));
            let committed = std::fs::read_to_string(&file).unwrap();
            let rebuilt = serde_json::to_string(&build(&root.join("data"), set, &SilentProgress).unwrap()).unwrap();
            assert!(
                committed == rebuilt,
                "{} differs from a rebuild ({} vs {} bytes)",
                file.display(),
                committed.len(),
                rebuilt.len()
            );
            let model = load(&file).unwrap();
            assert_eq!(model.feature_set, set);
            assert_eq!(model.features.iter().any(|f| f.ends_with("_err")), set == FeatureSet::AllLeakFree);
        }
    }
}
