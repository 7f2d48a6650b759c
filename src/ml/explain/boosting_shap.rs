//! Exact TreeSHAP of a gradient-boosted model: every tree credited to its own class, in
//! margin space.

use crate::domain::ExplanationSpace;
use ndarray::Array2;
use rayon::prelude::*;

use super::by_family::finite_or_zero;
use super::explanations::Explanations;
use super::{linear_tree_shap, tree_shap};
use crate::ml::models::gradient_boosting::GradientBoosting;
use crate::ml::models::tree::Tree;
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// Exact TreeSHAP of every boosting tree, each credited to its class, in margin space.
pub(super) fn explain_boosting(m: &GradientBoosting, x: &Array2<f64>, progress: &ProgressSlice) -> Explanations {
    let mut base = m.init.map(finite_or_zero);
    for (class, tree) in &m.trees {
        base[*class] += tree_shap::expected_value(tree)[0];
    }
    let prepared: Vec<(usize, &Tree, Result<linear_tree_shap::PreparedTree, usize>)> = m
        .trees
        .iter()
        .map(|(c, t)| (*c, t, linear_tree_shap::PreparedTree::new(t, x.ncols()).ok_or_else(|| t.depth())))
        .collect();
    let rows: Vec<Vec<f64>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = rows.len();
    const LANES: usize = linear_tree_shap::LANES;
    let values = rows
        .par_chunks(LANES)
        .map_init(
            || (linear_tree_shap::PathState::default(), Vec::new()),
            |(state, buffer), block| {
                let m_features = block[0].len();
                // Per object, one accumulator per class; a tree's value sits in slot 0 of its
                // leaves.
                let mut per_class = vec![vec![vec![[0.0; K]; m_features]; K]; block.len()];
                if !progress.is_cancelled() {
                    let lanes: Vec<&[f64]> = block.iter().map(Vec::as_slice).collect();
                    for (class, tree, how) in &prepared {
                        match how {
                            Ok(p) => {
                                let mut phis: Vec<&mut [[f64; K]]> =
                                    per_class.iter_mut().map(|c| c[*class].as_mut_slice()).collect();
                                p.add_shap(&lanes, 1.0, &mut phis, state);
                            }
                            Err(depth) => {
                                for (row, per_class) in block.iter().zip(per_class.iter_mut()) {
                                    tree_shap::add_tree_shap(tree, *depth, row, 1.0, &mut per_class[*class], buffer)
                                }
                            }
                        }
                    }
                }
                let finished = done.fetch_add(block.len(), std::sync::atomic::Ordering::Relaxed) + block.len();
                if finished.is_multiple_of(8 * LANES) || finished == total {
                    progress.report(
                        finished as f64 / total as f64,
                        &format!("Explaining predictions ({finished}/{total})"),
                    );
                }
                per_class
                    .into_iter()
                    .map(|per_class| -> Vec<[f64; K]> {
                        (0..m_features).map(|f| std::array::from_fn(|c| per_class[c][f][0])).collect()
                    })
                    .collect::<Vec<_>>()
            },
        )
        .flatten()
        .collect();
    let outputs = m.raw_scores(x).into_iter().map(|r| r.map(finite_or_zero)).collect();
    Explanations {
        space: ExplanationSpace::Margin,
        method: "Exact path-dependent TreeSHAP on the booster's own trees, in raw-score (margin) space".into(),
        background: 0,
        base,
        values,
        outputs,
    }
}
