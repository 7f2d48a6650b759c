//! Per-prediction explanations: SHAP values for every held-out object and every class,
//! always additive: `base[class] + Σ_features values[row][feature][class] = output`, where
//! the output lives in the stated space.
//!
//! - Decision tree, random forest: exact path-dependent TreeSHAP on their own trees, in
//!   probability space.
//! - Gradient boosting: the same TreeSHAP on its regression trees, in margin space (the
//!   raw per-class scores that the softmax turns into probabilities).
//! - Logistic regression, PCA + logistic: exact linear SHAP in log-odds space.
//! - SVM, neural network: sampled permutation SHAP in probability space, with its budget.
//!
//! For trees the one-pass algorithm of [`linear_tree_shap`] does the work; the classic
//! algorithm of [`tree_shap`] is kept as the fallback for paths through more than 64
//! distinct features and as an independent cross-check in tests.

pub mod linear_tree_shap;
pub mod permutation_shap;
pub mod tree_shap;

use ndarray::Array2;
use rayon::prelude::*;

use self::permutation_shap::{background_sample, explain_sampled, Budget};
use super::models::gradient_boosting::GradientBoosting;
use super::models::linear::LinearSoftmax;
use super::models::tree::Tree;
use super::models::TrainedModel;
use super::progress::ProgressSlice;
use super::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// SHAP values of a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanations {
    /// The output the values add up to: "probability", "log-odds" or "margin".
    pub space: &'static str,
    /// How they were computed, stated with the result.
    pub method: String,
    /// Expected model output per class (the SHAP base value).
    pub base: [f64; K],
    /// `values[row][feature][class]`.
    pub values: Vec<Vec<[f64; K]>>,
    /// The model's own output per row and class in `space`, computed independently of the
    /// explainer: `base + Σ values = outputs` is what the tests check.
    pub outputs: Vec<[f64; K]>,
}

/// Budgets of the sampled explainer: the SVM is ~50× costlier to evaluate than the MLP.
pub const SVM_BUDGET: Budget = Budget { background: 8, permutations: 1 };
pub const MLP_BUDGET: Budget = Budget { background: 16, permutations: 2 };

/// Explains `x` (the held-out objects). `train` supplies the background sample of the
/// sampled explainer; `seed` makes its draws reproducible.
pub fn explain(
    model: &TrainedModel,
    x: &Array2<f64>,
    train: &Array2<f64>,
    seed: u64,
    progress: &ProgressSlice,
) -> Explanations {
    match model {
        TrainedModel::DecisionTree(m) => {
            Explanations { outputs: m.predict_proba(x), ..explain_trees(&[&m.tree], x, progress) }
        }
        TrainedModel::RandomForest(m) => Explanations {
            outputs: m.predict_proba(x),
            ..explain_trees(&m.trees.iter().collect::<Vec<_>>(), x, progress)
        },
        TrainedModel::GradientBoosting(m) => explain_boosting(m, x, progress),
        TrainedModel::LogisticRegression(m) | TrainedModel::PcaLogistic(m, _) => explain_linear(m, x),
        TrainedModel::Svm(m) => {
            let bg = background_sample(train, SVM_BUDGET.background, seed);
            explain_sampled(|b| m.predict_proba(b), x, &bg, SVM_BUDGET, seed, progress)
        }
        TrainedModel::NeuralNetwork(m) => {
            let bg = background_sample(train, MLP_BUDGET.background, seed);
            explain_sampled(|b| m.predict_proba(b), x, &bg, MLP_BUDGET, seed, progress)
        }
    }
}

/// Exact linear SHAP: see [`LinearSoftmax::shap_row`].
fn explain_linear(m: &LinearSoftmax, x: &Array2<f64>) -> Explanations {
    let x = x.as_standard_layout();
    let values = x.rows().into_iter().map(|r| m.shap_row(r.as_slice().expect("standard layout"))).collect();
    Explanations {
        space: "log-odds",
        method: "Exact linear SHAP on the model's weights (features taken as independent; baseline = training mean of the scaled inputs)".into(),
        base: m.intercept.map(finite_or_zero),
        values,
        outputs: m.logits(&x.to_owned()).rows().into_iter().map(|r| std::array::from_fn(|c| finite_or_zero(r[c]))).collect(),
    }
}

/// Exact TreeSHAP of every boosting tree, each credited to its class, in margin space.
fn explain_boosting(m: &GradientBoosting, x: &Array2<f64>, progress: &ProgressSlice) -> Explanations {
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
                if finished % 64 == 0 || finished == total {
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
        space: "margin",
        method: "Exact path-dependent TreeSHAP on the booster's own trees, in raw-score (margin) space".into(),
        base,
        values,
        outputs,
    }
}

/// A class absent from training has a −∞ score; its explanation is reported as all zeros.
fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// Exact TreeSHAP of the mean of `trees` (a single tree is a forest of one).
pub fn explain_trees(trees: &[&Tree], x: &Array2<f64>, progress: &ProgressSlice) -> Explanations {
    let n_trees = trees.len().max(1) as f64;
    let mut base = [0.0; K];
    for tree in trees {
        let e = tree_shap::expected_value(tree);
        for c in 0..K {
            base[c] += e[c] / n_trees;
        }
    }
    // Each tree once: the one-pass form, or its depth for the classic algorithm's buffer.
    let prepared: Vec<Result<linear_tree_shap::PreparedTree, usize>> =
        trees.iter().map(|t| linear_tree_shap::PreparedTree::new(t, x.ncols()).ok_or_else(|| t.depth())).collect();
    let rows: Vec<Vec<f64>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = rows.len();
    // Rows in blocks, and each tree walks the whole block before the next tree: a tree's
    // nodes then stay in cache instead of all trees (tens of MB) streaming past every row.
    const BLOCK: usize = 32;
    let values = rows
        .par_chunks(BLOCK)
        .map_init(
            || (linear_tree_shap::PathState::default(), Vec::new()),
            |(state, buffer), block| {
                let mut phis = vec![vec![[0.0; K]; x.ncols()]; block.len()];
                if progress.is_cancelled() {
                    return phis; // the pipeline discards the result
                }
                for (tree, how) in trees.iter().zip(&prepared) {
                    for (row, phi) in block.iter().zip(phis.iter_mut()) {
                        match how {
                            Ok(p) => p.add_shap(row, 1.0 / n_trees, phi, state),
                            Err(depth) => tree_shap::add_tree_shap(tree, *depth, row, 1.0 / n_trees, phi, buffer),
                        }
                    }
                }
                // Probabilities sum to 1, so per feature the classes' values sum to 0; the
                // one-pass walk leaves the last class to be derived here.
                for v in phis.iter_mut().flatten() {
                    v[K - 1] = -v[..K - 1].iter().sum::<f64>();
                }
                let finished = done.fetch_add(block.len(), std::sync::atomic::Ordering::Relaxed) + block.len();
                if finished % (2 * BLOCK) == 0 || finished == total {
                    progress.report(
                        finished as f64 / total as f64,
                        &format!("Explaining predictions ({finished}/{total})"),
                    );
                }
                phis
            },
        )
        .flatten()
        .collect();
    // The caller fills in the model's own outputs (the mean of these trees' leaves).
    Explanations {
        space: "probability",
        method: "Exact path-dependent TreeSHAP on the model's own trees".into(),
        base,
        values,
        outputs: Vec::new(),
    }
}

/// Mean |SHAP| per feature, per class (`[feature][class]`).
pub fn mean_abs(explanations: &Explanations) -> Vec<[f64; K]> {
    let n = explanations.values.len().max(1) as f64;
    let features = explanations.values.first().map_or(0, |v| v.len());
    let mut out = vec![[0.0; K]; features];
    for row in &explanations.values {
        for (f, v) in row.iter().enumerate() {
            for c in 0..K {
                out[f][c] += v[c].abs() / n;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::tree::Node;
    use crate::ml::progress::SilentProgress;
    use ndarray::array;

    fn slice() -> ProgressSlice<'static> {
        ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
    }

    /// x0 < 0.5 → left leaf; else split on x1 < 0.5. Covers 4 / 2 / 1 / 1.
    fn small_tree() -> Tree {
        Tree {
            nodes: vec![
                Node {
                    feature: 0,
                    threshold: 0.5,
                    missing_left: true,
                    left: 1,
                    right: 2,
                    distribution: [0.5, 0.25, 0.25],
                    weight: 4.0,
                },
                Node::leaf([1.0, 0.0, 0.0], 2.0),
                Node {
                    feature: 1,
                    threshold: 0.5,
                    missing_left: false,
                    left: 3,
                    right: 4,
                    distribution: [0.0, 0.5, 0.5],
                    weight: 2.0,
                },
                Node::leaf([0.0, 1.0, 0.0], 1.0),
                Node::leaf([0.0, 0.0, 1.0], 1.0),
            ],
        }
    }

    #[test]
    fn additivity_and_unused_feature_gets_zero() {
        let tree = small_tree();
        let x = array![[0.0, 0.0, 7.0], [1.0, 0.0, 7.0], [1.0, 1.0, -3.0], [f64::NAN, 1.0, 0.0], [1.0, f64::NAN, 0.0]];
        let e = explain_trees(&[&tree], &x, &slice());
        assert_eq!(e.base, [0.5, 0.25, 0.25]);
        for (row, values) in x.rows().into_iter().zip(&e.values) {
            let p = tree.predict_proba_row(row.as_slice().unwrap());
            for c in 0..K {
                let total: f64 = e.base[c] + values.iter().map(|v| v[c]).sum::<f64>();
                assert!((total - p[c]).abs() < 1e-12, "row {row:?} class {c}: {total} vs {}", p[c]);
            }
            assert_eq!(values[2], [0.0; K], "feature 2 is never split on");
        }
    }

    #[test]
    fn hand_computed_values_for_a_stump() {
        // One split on x0 with covers 3 (left, class 0) and 1 (right, class 2):
        // E = [0.75, 0, 0.25]; a right-going row has phi0 = [0 - 0.75, 0, 1 - 0.25].
        let tree = Tree {
            nodes: vec![
                Node {
                    feature: 0,
                    threshold: 0.0,
                    missing_left: true,
                    left: 1,
                    right: 2,
                    distribution: [0.75, 0.0, 0.25],
                    weight: 4.0,
                },
                Node::leaf([1.0, 0.0, 0.0], 3.0),
                Node::leaf([0.0, 0.0, 1.0], 1.0),
            ],
        };
        let e = explain_trees(&[&tree], &array![[1.0, 5.0]], &slice());
        let v = e.values[0][0];
        assert!((v[0] + 0.75).abs() < 1e-12 && v[1].abs() < 1e-12 && (v[2] - 0.75).abs() < 1e-12, "{v:?}");
        assert_eq!(e.values[0][1], [0.0; K]);
    }

    /// The one-pass algorithm against the classic one on deep, fully grown forest trees
    /// (the fixture test checks shallower trees against Python's shap).
    #[test]
    fn one_pass_and_classic_algorithms_agree_on_deep_trees() {
        use crate::ml::dataset::LabelledDataset;
        use crate::ml::models::random_forest::{ForestParams, RandomForest};
        let data_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        let d = LabelledDataset::load_mission(crate::ml::Mission::Kepler, &data_dir).unwrap();
        let rows: Vec<usize> = (0..d.len()).collect();
        let (x, y) = d.rows(&rows);
        let raw = serde_json::from_value(serde_json::json!({"n_trees": 3})).unwrap();
        let forest = RandomForest::fit(&ForestParams::check(&raw).unwrap(), &x, &y, 5, &slice()).unwrap();
        assert!(forest.trees.iter().all(|t| t.depth() > 15), "trees should be deep");
        let sample = x.slice(ndarray::s![..25, ..]).to_owned();
        let fast = explain(&TrainedModel::RandomForest(forest.clone()), &sample, &x, 1, &slice());
        let mut buffer = Vec::new();
        for (r, row) in sample.rows().into_iter().enumerate() {
            let mut classic = vec![[0.0; K]; sample.ncols()];
            for tree in &forest.trees {
                tree_shap::add_tree_shap(
                    tree,
                    tree.depth(),
                    row.as_slice().unwrap(),
                    1.0 / 3.0,
                    &mut classic,
                    &mut buffer,
                );
            }
            for f in 0..sample.ncols() {
                for c in 0..K {
                    assert!((classic[f][c] - fast.values[r][f][c]).abs() < 1e-9, "row {r} feature {f} class {c}");
                }
            }
        }
    }

    #[test]
    fn identical_features_share_credit_equally() {
        // Both features carry the same value and the tree splits on each in turn; a
        // symmetric tree gives them equal SHAP values.
        let tree = Tree {
            nodes: vec![
                Node {
                    feature: 0,
                    threshold: 0.5,
                    missing_left: true,
                    left: 1,
                    right: 2,
                    distribution: [0.5, 0.0, 0.5],
                    weight: 4.0,
                },
                Node {
                    feature: 1,
                    threshold: 0.5,
                    missing_left: true,
                    left: 3,
                    right: 4,
                    distribution: [0.5, 0.0, 0.5],
                    weight: 2.0,
                },
                Node {
                    feature: 1,
                    threshold: 0.5,
                    missing_left: true,
                    left: 5,
                    right: 6,
                    distribution: [0.5, 0.0, 0.5],
                    weight: 2.0,
                },
                Node::leaf([1.0, 0.0, 0.0], 1.0),
                Node::leaf([0.5, 0.0, 0.5], 1.0),
                Node::leaf([0.5, 0.0, 0.5], 1.0),
                Node::leaf([0.0, 0.0, 1.0], 1.0),
            ],
        };
        let e = explain_trees(&[&tree], &array![[1.0, 1.0]], &slice());
        for c in 0..K {
            assert!((e.values[0][0][c] - e.values[0][1][c]).abs() < 1e-12);
        }
    }
}
