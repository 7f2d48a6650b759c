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
    let values = rows
        .par_iter()
        .map_init(
            || (linear_tree_shap::PathState::default(), Vec::new()),
            |(state, buffer), row| {
                let m_features = row.len();
                // One accumulator per class; a tree's value sits in slot 0 of its leaves.
                let mut per_class = vec![vec![[0.0; K]; m_features]; K];
                if !progress.is_cancelled() {
                    for (class, tree, how) in &prepared {
                        match how {
                            Ok(p) => p.add_shap(row, 1.0, &mut per_class[*class], state),
                            Err(depth) => {
                                tree_shap::add_tree_shap(tree, *depth, row, 1.0, &mut per_class[*class], buffer)
                            }
                        }
                    }
                }
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if finished.is_multiple_of(64) || finished == total {
                    progress.report(
                        finished as f64 / total as f64,
                        &format!("Explaining predictions ({finished}/{total})"),
                    );
                }
                (0..m_features).map(|f| std::array::from_fn(|c| per_class[c][f][0])).collect()
            },
        )
        .collect();
    let outputs = m.raw_scores(x).into_iter().map(|r| r.map(finite_or_zero)).collect();
    Explanations {
        space: ExplanationSpace::Margin,
        method: "Exact path-dependent TreeSHAP on the booster's own trees, in raw-score (margin) space".into(),
        base,
        values,
        outputs,
    }
}
