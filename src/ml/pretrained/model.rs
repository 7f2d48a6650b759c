//! The shipped model as used: its file format, predictions with each row's mission (as an
//! input or as a calibration), and the record of which objects it learned from.

use std::borrow::Cow;
use std::path::Path;

use ndarray::{concatenate, Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::ml::models::TrainedModel;
use crate::ml::{ClassLabel, FeatureSet, Mission};

const K: usize = ClassLabel::COUNT;
/// Where the built model on all leak-free columns lives, relative to the project root.
pub const FILE: &str = "models/pretrained.json";
/// Where the built model on physical quantities lives.
pub const PHYSICAL_FILE: &str = "models/pretrained_physical.json";

/// The committed file of the pretrained model on `set`.
pub fn file_of(set: FeatureSet) -> &'static str {
    match set {
        FeatureSet::AllLeakFree => FILE,
        FeatureSet::PhysicalOnly => PHYSICAL_FILE,
    }
}
/// Name of the mission input of the `mission_feature` variant.
pub const MISSION_FEATURE: &str = "mission";

/// Held-out scores on one mission's test part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionScore {
    pub mission: Mission,
    pub test_objects: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
    /// Multi-class Brier score and expected calibration error on the same objects.
    #[serde(default)]
    pub brier: Option<f64>,
    #[serde(default)]
    pub ece: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PretrainedModel {
    /// Which harmonised features it reads: all leak-free ones, or physical quantities only.
    #[serde(default)]
    pub feature_set: FeatureSet,
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

fn mission_code(mission: Mission) -> f64 {
    Mission::ALL.iter().position(|m| *m == mission).unwrap_or(0) as f64
}

/// `x` with each row's mission code appended as a last column (missing when not known).
pub(super) fn with_mission_codes(x: &Array2<f64>, missions: &[Option<Mission>]) -> Array2<f64> {
    let codes = Array2::from_shape_fn((x.nrows(), 1), |(i, _)| {
        missions.get(i).copied().flatten().map(mission_code).unwrap_or(f64::NAN)
    });
    concatenate(Axis(1), &[x.view(), codes.view()]).expect("same number of rows")
}

impl PretrainedModel {
    /// Prepares the booster's probability explainer, about a tenth of a second: called when
    /// the server loads the model, so the first what-if answer after a start is as quick as
    /// the next (under 100 ms, issue 17).
    pub fn prepare_explainer(&self) {
        if let TrainedModel::GradientBoosting(m) = &self.model {
            m.explainer.prepare(m);
        }
    }

    fn has_mission_input(&self) -> bool {
        self.features.last().map(String::as_str) == Some(MISSION_FEATURE)
    }

    /// The model's own inputs, picked from rows of every harmonised feature (in
    /// `harmonised::FEATURES` order, as every reader of a table gives them): the model on
    /// physical quantities reads fewer of them.
    fn own_columns<'a>(&self, x: &'a Array2<f64>) -> Cow<'a, Array2<f64>> {
        let all = crate::ml::harmonised::feature_names();
        let own: Vec<usize> = self
            .features
            .iter()
            .filter(|f| f.as_str() != MISSION_FEATURE)
            .filter_map(|f| all.iter().position(|a| a == f))
            .collect();
        if own.len() == x.ncols() && own.iter().enumerate().all(|(i, j)| i == *j) {
            Cow::Borrowed(x)
        } else {
            Cow::Owned(x.select(Axis(1), &own))
        }
    }

    /// Class probabilities for rows of every harmonised feature, all from `mission` (`None`:
    /// not known, then no mission input / no calibration is applied).
    pub fn predict_proba(&self, x: &Array2<f64>, mission: Option<Mission>) -> Vec<[f64; K]> {
        self.predict_proba_per_row(x, &vec![mission; x.nrows()])
    }

    /// Like [`Self::predict_proba`], each row with its own mission.
    pub fn predict_proba_per_row(&self, x: &Array2<f64>, missions: &[Option<Mission>]) -> Vec<[f64; K]> {
        let x = self.own_columns(x);
        if self.has_mission_input() {
            return self.model.predict_proba(&with_mission_codes(&x, missions));
        }
        let p = self.model.predict_proba(&x);
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

    /// The model's input matrix (its harmonised features, then each row's mission code when
    /// the variant has a mission input), from rows of every harmonised feature, e.g. for
    /// explanations.
    pub fn model_input_per_row(&self, x: &Array2<f64>, missions: &[Option<Mission>]) -> Array2<f64> {
        let x = self.own_columns(x);
        if self.has_mission_input() {
            with_mission_codes(&x, missions)
        } else {
            x.into_owned()
        }
    }

    /// "Orbital period [days]" for each of the model's inputs, in order.
    pub fn feature_descriptions(&self) -> Vec<String> {
        let (names, descriptions) =
            (crate::ml::harmonised::feature_names(), crate::ml::harmonised::feature_descriptions());
        self.features
            .iter()
            .map(|f| match names.iter().position(|n| n == f) {
                Some(i) => descriptions[i].clone(),
                None => "Mission (0 Kepler, 1 TESS, 2 K2)".into(),
            })
            .collect()
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

/// Reads the committed model file.
pub fn load(path: &Path) -> std::result::Result<PretrainedModel, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the pretrained model {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("the pretrained model {} is unreadable: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_shifts_towards_a_missions_class_mix() {
        let p = calibrate([0.5, 0.3, 0.2], &[2.0, 1.0, 1.0]);
        assert!((p[0] - 1.0 / 1.5).abs() < 1e-12 && (p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
