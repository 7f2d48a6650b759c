//! Explanations in probability for the models whose probabilities pass their class scores
//! through a softmax (the booster, logistic regression): per reference object of the
//! model's [`Background`](crate::ml::models::background::Background), the exact
//! interventional SHAP values of each class score, turned into probability by that
//! reference's exact shares of the softmax ([`super::softmax_shares`]), averaged over the
//! references. Additive: the mean probability over the references plus the values is the
//! probability shown.

use ndarray::Array2;
use rayon::prelude::*;

use super::explanations::Explanations;
use super::prepared_booster::PreparedBooster;
use super::softmax_shares::shares;
use crate::domain::ExplanationSpace;
use crate::ml::models::gradient_boosting::GradientBoosting;
use crate::ml::models::linear::{softmax, LinearSoftmax};
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// `None` when the booster has no background (saved before one was kept) or a path splits
/// on more features than the masks hold: explain it in margin space instead.
pub(super) fn explain_boosting_probability(
    m: &GradientBoosting,
    x: &Array2<f64>,
    progress: &ProgressSlice,
) -> Option<Explanations> {
    if m.background.rows.ncols() != x.ncols() {
        return None;
    }
    let PreparedBooster { leaves, masks, reference_scores } = m.explainer.get(m)?;
    let scores = m.raw_scores(x);
    let x = x.as_standard_layout();
    let rows: Vec<&[f64]> = x.rows().into_iter().map(|r| r.to_slice().expect("standard layout")).collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let values = rows
        .par_iter()
        .zip(&scores)
        .map(|(row, score)| {
            let mut phi = vec![[0.0; K]; row.len()];
            if progress.is_cancelled() {
                return phi; // the caller discards the result
            }
            let rates: Vec<[[f64; K]; K]> = reference_scores.iter().map(|r| shares(score, r)).collect();
            leaves.add_object(row, masks, &rates, &mut phi);
            let n = reference_scores.len() as f64;
            for v in &mut phi {
                for value in v.iter_mut() {
                    *value /= n;
                }
            }
            report(&done, rows.len(), progress);
            phi
        })
        .collect();
    Some(Explanations {
        space: ExplanationSpace::Probability,
        method: format!(
            "Exact interventional TreeSHAP of each class score against {} training objects, turned into probability per object by exact Shapley shares of the softmax",
            reference_scores.len()
        ),
        background: reference_scores.len(),
        base: mean_probability(reference_scores),
        values,
        outputs: scores.iter().map(softmax).collect(),
    })
}

/// `None` when the model has no background (saved before one was kept).
pub(super) fn explain_linear_probability(m: &LinearSoftmax, x: &Array2<f64>) -> Option<Explanations> {
    let background = &m.background.rows;
    if background.nrows() == 0 || background.ncols() != x.ncols() {
        return None;
    }
    let weight = |j: usize, c: usize| if m.intercept[c].is_finite() { m.weights[[j, c]] } else { 0.0 };
    let standardised = |rows: &Array2<f64>| {
        let rows = rows.as_standard_layout();
        rows.rows()
            .into_iter()
            .map(|r| {
                let mut z = vec![0.0; r.len()];
                m.standardizer.transform_row(r.as_slice().expect("standard layout"), &mut z);
                z
            })
            .collect::<Vec<_>>()
    };
    let (z_refs, z_rows) = (standardised(background), standardised(x));
    let score_rows = |scores: Array2<f64>| -> Vec<[f64; K]> {
        scores.rows().into_iter().map(|r| std::array::from_fn(|c| r[c])).collect()
    };
    let (reference_scores, scores) = (score_rows(m.logits(background)), score_rows(m.logits(x)));
    let n = z_refs.len() as f64;
    let values = z_rows
        .par_iter()
        .zip(&scores)
        .map(|(z, score)| {
            // Score c moves by w_jc (z_j − z_rj) through feature j against reference r.
            let mut phi = vec![[0.0; K]; z.len()];
            for (z_ref, reference) in z_refs.iter().zip(&reference_scores) {
                let rate = shares(score, reference);
                for (j, v) in phi.iter_mut().enumerate() {
                    let d = z[j] - z_ref[j];
                    for k in 0..K {
                        v[k] += (0..K).map(|c| rate[k][c] * weight(j, c) * d).sum::<f64>() / n;
                    }
                }
            }
            phi
        })
        .collect();
    Some(Explanations {
        space: ExplanationSpace::Probability,
        method: format!(
            "Exact linear SHAP of each class score against {} training objects, turned into probability per object by exact Shapley shares of the softmax",
            z_refs.len()
        ),
        background: reference_scores.len(),
        base: mean_probability(&reference_scores),
        values,
        outputs: scores.iter().map(softmax).collect(),
    })
}

fn mean_probability(scores: &[[f64; K]]) -> [f64; K] {
    let n = scores.len().max(1) as f64;
    let mut base = [0.0; K];
    for p in scores.iter().map(softmax) {
        for c in 0..K {
            base[c] += p[c] / n;
        }
    }
    base
}

fn report(done: &std::sync::atomic::AtomicUsize, total: usize, progress: &ProgressSlice) {
    let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    if finished.is_multiple_of(64) || finished == total {
        progress.report(finished as f64 / total as f64, &format!("Explaining predictions ({finished}/{total})"));
    }
}
