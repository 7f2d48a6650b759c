//! The model shipped with the app: gradient boosting on the harmonised features of all three
//! missions together, built from the bundled tables with a fixed seed by
//! `cargo run --release --features ssr --bin pretrain` (which writes [`FILE`], committed).
//!
//! Each mission's table is split by host star (seed [`SEED`]); the model learns from the
//! three training parts pooled and is scored on each mission's held-out part. Two ways to
//! tell the model which mission an object comes from are built and measured, and the better
//! one (mean macro-F1 over the missions) is kept, the other's scores recorded beside it:
//! - `mission_feature`: the mission as one more input (0 Kepler, 1 TESS, 2 K2);
//! - `mission_calibration`: no mission input; the pooled model's probabilities are shifted
//!   to each mission's own class mix (Bayes' rule with the training part's class shares).

use std::path::Path;

use ndarray::{concatenate, Array2, Axis};
use serde::{Deserialize, Serialize};

use super::dataset::count_classes;
use super::error::Result;
use super::harmonised;
use super::metrics::evaluate;
use super::models::hyperparameters::RawHyperparameters;
use super::models::{ModelKind, ModelParams, TrainedModel};
use super::progress::{ProgressSink, ProgressSlice};
use super::split::grouped_stratified_split;
use super::{ClassLabel, Mission};

const K: usize = ClassLabel::COUNT;
pub const SEED: u64 = 42;
pub const TEST_FRACTION: f64 = 0.2;
/// Where the built model lives, relative to the project root.
pub const FILE: &str = "models/pretrained.json";
/// Name of the mission input of the `mission_feature` variant.
pub const MISSION_FEATURE: &str = "mission";

/// Held-out scores on one mission's test part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionScore {
    pub mission: String,
    pub test_objects: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PretrainedModel {
    /// Which of the two variants this is: `mission_feature` or `mission_calibration`.
    pub variant: String,
    pub seed: u64,
    pub test_fraction: f64,
    /// The model's inputs in order: the harmonised features, then `mission` for that variant.
    pub features: Vec<String>,
    /// Per mission ([`Mission::ALL`] order), the factor each class's probability is
    /// multiplied by before renormalising (`mission_calibration` only).
    pub calibration: Option<[[f64; K]; 3]>,
    /// Training objects per mission.
    pub train_objects: [usize; 3],
    /// The ids of the training objects per mission ([`Mission::ALL`] order), so predictions
    /// for bundled objects can say which the model learned from (their scores would flatter it).
    #[serde(default)]
    pub train_ids: Vec<Vec<String>>,
    /// Ids (sorted) of training objects that did not say their mission: rows a fine-tuning
    /// learned from (the shipped model has none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_train_ids: Vec<String>,
    /// Class counts of the pooled training part.
    pub train_class_counts: [usize; K],
    pub scores: Vec<MissionScore>,
    /// The other variant's scores, for the model card.
    pub alternative_variant: String,
    pub alternative_scores: Vec<MissionScore>,
    pub model: TrainedModel,
}

/// One mission's table on the harmonised features, split by host star.
struct MissionPart {
    mission: Mission,
    train_ids: Vec<String>,
    x_train: Array2<f64>,
    y_train: Vec<ClassLabel>,
    x_test: Array2<f64>,
    y_test: Vec<ClassLabel>,
}

fn mission_code(mission: Mission) -> f64 {
    Mission::ALL.iter().position(|m| *m == mission).unwrap_or(0) as f64
}

/// `x` with each row's mission code appended as a last column (missing when not known).
fn with_mission_codes(x: &Array2<f64>, missions: &[Option<Mission>]) -> Array2<f64> {
    let codes = Array2::from_shape_fn((x.nrows(), 1), |(i, _)| {
        missions.get(i).copied().flatten().map(mission_code).unwrap_or(f64::NAN)
    });
    concatenate(Axis(1), &[x.view(), codes.view()]).expect("same number of rows")
}

impl PretrainedModel {
    fn has_mission_input(&self) -> bool {
        self.features.last().map(String::as_str) == Some(MISSION_FEATURE)
    }

    /// Class probabilities for rows of harmonised features, all from `mission` (`None`: not
    /// known, then no mission input / no calibration is applied).
    pub fn predict_proba(&self, x: &Array2<f64>, mission: Option<Mission>) -> Vec<[f64; K]> {
        self.predict_proba_per_row(x, &vec![mission; x.nrows()])
    }

    /// Like [`Self::predict_proba`], each row with its own mission.
    pub fn predict_proba_per_row(&self, x: &Array2<f64>, missions: &[Option<Mission>]) -> Vec<[f64; K]> {
        if self.has_mission_input() {
            return self.model.predict_proba(&with_mission_codes(x, missions));
        }
        let p = self.model.predict_proba(x);
        match &self.calibration {
            Some(factors) => p
                .into_iter()
                .zip(missions)
                .map(|(row, m)| match m {
                    Some(m) => calibrate(row, &factors[mission_code(*m) as usize]),
                    None => row,
                })
                .collect(),
            None => p,
        }
    }

    /// The model's input matrix (harmonised features, then each row's mission code when the
    /// variant has a mission input), e.g. for explanations.
    pub fn model_input_per_row(&self, x: &Array2<f64>, missions: &[Option<Mission>]) -> Array2<f64> {
        if self.has_mission_input() {
            with_mission_codes(x, missions)
        } else {
            x.clone()
        }
    }

    /// True when the model learned from this object (a bundled object of its training part).
    pub fn was_trained_on(&self, mission: Mission, id: &str) -> bool {
        let i = mission_code(mission) as usize;
        self.train_ids.get(i).is_some_and(|ids| ids.binary_search_by(|x| x.as_str().cmp(id)).is_ok())
    }

    /// [`Self::was_trained_on`] for a row whose mission may not be known.
    pub fn learned_from(&self, mission: Option<Mission>, id: &str) -> bool {
        match mission {
            Some(m) => self.was_trained_on(m, id),
            None => self.other_train_ids.binary_search_by(|x| x.as_str().cmp(id)).is_ok(),
        }
    }

    /// Records more objects the model learned from (a fine-tuning's training rows), kept
    /// sorted for [`Self::learned_from`].
    pub fn add_train_ids<'a>(&mut self, objects: impl IntoIterator<Item = (Option<Mission>, &'a str)>) {
        self.train_ids.resize(Mission::ALL.len(), Vec::new());
        for (mission, id) in objects {
            match mission {
                Some(m) => self.train_ids[mission_code(m) as usize].push(id.to_string()),
                None => self.other_train_ids.push(id.to_string()),
            }
        }
        for ids in self.train_ids.iter_mut().chain(std::iter::once(&mut self.other_train_ids)) {
            ids.sort();
            ids.dedup();
        }
    }
}

fn calibrate(p: [f64; K], factors: &[f64; K]) -> [f64; K] {
    let mut q = [0.0; K];
    for c in 0..K {
        q[c] = p[c] * factors[c];
    }
    let total: f64 = q.iter().sum();
    if total > 0.0 {
        q.iter_mut().for_each(|v| *v /= total);
        q
    } else {
        p
    }
}

fn shares(counts: [usize; K]) -> [f64; K] {
    let total = counts.iter().sum::<usize>().max(1) as f64;
    counts.map(|c| c as f64 / total)
}

fn score(mission: Mission, y: &[ClassLabel], p: &[[f64; K]]) -> MissionScore {
    let m = evaluate(y, p);
    MissionScore {
        mission: mission.id().into(),
        test_objects: y.len(),
        accuracy: m.accuracy,
        macro_f1: m.macro_f1,
        roc_auc: m.roc_auc_macro,
        log_loss: m.log_loss,
    }
}

fn mean_macro_f1(scores: &[MissionScore]) -> f64 {
    scores.iter().map(|s| s.macro_f1).sum::<f64>() / scores.len().max(1) as f64
}

/// Builds both variants from the bundled tables and keeps the better one.
pub fn build(data_dir: &Path, progress: &dyn ProgressSink) -> Result<PretrainedModel> {
    let mut parts = Vec::new();
    for mission in Mission::ALL {
        progress.report(0.0, &format!("Loading {} on the harmonised features", mission.table_name()));
        let data = harmonised::load(mission, data_dir)?;
        let split = grouped_stratified_split(&data.labels, &data.groups, TEST_FRACTION, SEED)?;
        let (x_train, y_train) = data.rows(&split.train);
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

    let fit_a = ProgressSlice { sink: progress, start: 0.05, end: 0.5 };
    let with_feature = TrainedModel::fit(&params, &pooled(true), &y, SEED, &fit_a)?;
    let fit_b = ProgressSlice { sink: progress, start: 0.5, end: 0.95 };
    let without = TrainedModel::fit(&params, &pooled(false), &y, SEED, &fit_b)?;

    let pooled_shares = shares(count_classes(y.iter().copied()));
    let mut factors = [[1.0; K]; 3];
    for (i, p) in parts.iter().enumerate() {
        let own = shares(count_classes(p.y_train.iter().copied()));
        for c in 0..K {
            factors[i][c] = if pooled_shares[c] > 0.0 { own[c] / pooled_shares[c] } else { 1.0 };
        }
    }

    let mut features = harmonised::feature_names();
    let train_objects = [parts[0].y_train.len(), parts[1].y_train.len(), parts[2].y_train.len()];
    let a = PretrainedModel {
        variant: "mission_feature".into(),
        seed: SEED,
        test_fraction: TEST_FRACTION,
        features: features.iter().cloned().chain([MISSION_FEATURE.to_string()]).collect(),
        calibration: None,
        train_objects,
        train_ids: parts.iter().map(|p| p.train_ids.clone()).collect(),
        other_train_ids: Vec::new(),
        train_class_counts: count_classes(y.iter().copied()),
        scores: Vec::new(),
        alternative_variant: "mission_calibration".into(),
        alternative_scores: Vec::new(),
        model: with_feature,
    };
    features.shrink_to_fit();
    let b = PretrainedModel {
        variant: "mission_calibration".into(),
        features,
        calibration: Some(factors),
        alternative_variant: "mission_feature".into(),
        model: without,
        ..a.clone()
    };
    let scores = |m: &PretrainedModel| -> Vec<MissionScore> {
        parts.iter().map(|p| score(p.mission, &p.y_test, &m.predict_proba(&p.x_test, Some(p.mission)))).collect()
    };
    let (scores_a, scores_b) = (scores(&a), scores(&b));
    progress.report(1.0, "Done");
    Ok(if mean_macro_f1(&scores_a) >= mean_macro_f1(&scores_b) {
        PretrainedModel { scores: scores_a, alternative_scores: scores_b, ..a }
    } else {
        PretrainedModel { scores: scores_b, alternative_scores: scores_a, ..b }
    })
}

/// Reads the committed model file.
pub fn load(path: &Path) -> std::result::Result<PretrainedModel, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the pretrained model {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("the pretrained model {} is unreadable: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::SilentProgress;
    use std::path::PathBuf;

    /// The committed model is what the build command makes: rebuilding from the bundled
    /// tables gives the same variant, the same held-out scores and the same predictions.
    #[test]
    fn rebuilding_gives_the_committed_model() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let committed = load(&root.join(FILE)).unwrap();
        let rebuilt = build(&root.join("data"), &SilentProgress).unwrap();
        assert_eq!(rebuilt.variant, committed.variant);
        assert_eq!(rebuilt.scores, committed.scores);
        assert_eq!(rebuilt.alternative_scores, committed.alternative_scores);
        for mission in Mission::ALL {
            let data = harmonised::load(mission, &root.join("data")).unwrap();
            let (a, b) =
                (committed.predict_proba(&data.x, Some(mission)), rebuilt.predict_proba(&data.x, Some(mission)));
            for (pa, pb) in a.iter().zip(&b) {
                for c in 0..K {
                    assert!((pa[c] - pb[c]).abs() < 1e-12, "{}: {pa:?} vs {pb:?}", mission.id());
                }
            }
        }
    }

    #[test]
    fn calibration_shifts_towards_a_missions_class_mix() {
        let p = calibrate([0.5, 0.3, 0.2], &[2.0, 1.0, 1.0]);
        assert!((p[0] - 1.0 / 1.5).abs() < 1e-12 && (p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
