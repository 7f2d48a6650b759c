//! Both models scored on the same objects: the user's held-out rows, and NASA's held-out
//! parts minus the objects the fine-tuning learned from.

use std::path::Path;

use crate::domain::ScoredOn;
use crate::ml::error::Result;
use crate::ml::harmonised;
use crate::ml::metrics::{evaluate, Metrics};
use crate::ml::pretrained::PretrainedModel;
use crate::ml::{ClassLabel, Mission};

const K: usize = ClassLabel::COUNT;

/// One model's scores on a set of objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

impl From<&Metrics> for Scores {
    fn from(m: &Metrics) -> Scores {
        Scores { accuracy: m.accuracy, macro_f1: m.macro_f1, roc_auc: m.roc_auc_macro, log_loss: m.log_loss }
    }
}

/// The base model and the fine-tuned one on the same objects.
#[derive(Debug, Clone, PartialEq)]
pub struct BeforeAfter {
    /// The user's held-out rows, one mission's held-out part, or the three pooled.
    pub on: ScoredOn,
    pub objects: usize,
    pub before: Scores,
    pub after: Scores,
}

pub(super) fn scores(y: &[ClassLabel], p: &[[f64; K]]) -> Scores {
    Scores::from(&evaluate(y, p))
}

/// Both models on each mission's held-out part (the objects the shipped model never learned
/// from), minus those the fine-tuning learned from; then the three pooled.
pub(super) fn nasa_comparisons(
    base: &PretrainedModel,
    tuned: &PretrainedModel,
    data_dir: &Path,
) -> Result<(Vec<BeforeAfter>, usize)> {
    let mut out = Vec::new();
    let mut left_out = 0;
    let (mut y_all, mut before_all, mut after_all) = (Vec::new(), Vec::new(), Vec::new());
    for mission in Mission::ALL {
        let data = harmonised::load(mission, data_dir)?;
        let held_out: Vec<usize> =
            (0..data.ids.len()).filter(|&i| !base.was_trained_on(mission, &data.ids[i])).collect();
        let kept: Vec<usize> =
            held_out.iter().copied().filter(|&i| !tuned.was_trained_on(mission, &data.ids[i])).collect();
        left_out += held_out.len() - kept.len();
        if kept.is_empty() {
            continue;
        }
        let (x, y) = data.rows(&kept);
        let (before, after) = (base.predict_proba(&x, Some(mission)), tuned.predict_proba(&x, Some(mission)));
        out.push(BeforeAfter {
            on: ScoredOn::Mission(mission),
            objects: y.len(),
            before: scores(&y, &before),
            after: scores(&y, &after),
        });
        y_all.extend(y);
        before_all.extend(before);
        after_all.extend(after);
    }
    if !y_all.is_empty() {
        out.push(BeforeAfter {
            on: ScoredOn::Nasa,
            objects: y_all.len(),
            before: scores(&y_all, &before_all),
            after: scores(&y_all, &after_all),
        });
    }
    Ok((out, left_out))
}
