//! Exact TreeSHAP of a decision tree or a random forest (the mean of its trees), in
//! probability space, rows in cache-friendly blocks.

use crate::domain::ExplanationSpace;
use ndarray::Array2;
use rayon::prelude::*;

use super::explanations::Explanations;
use super::{linear_tree_shap, tree_shap};
use crate::ml::models::tree::Tree;
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

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
                // Up to LANES objects walk a tree together: the same groups for every tree.
                let lanes: Vec<Vec<&[f64]>> = block
                    .chunks(linear_tree_shap::LANES)
                    .map(|rows| rows.iter().map(Vec::as_slice).collect())
                    .collect();
                for (tree, how) in trees.iter().zip(&prepared) {
                    match how {
                        Ok(p) => {
                            for (rows, phis) in lanes.iter().zip(phis.chunks_mut(linear_tree_shap::LANES)) {
                                let mut phis: Vec<&mut [[f64; K]]> = phis.iter_mut().map(Vec::as_mut_slice).collect();
                                p.add_shap(rows, 1.0 / n_trees, &mut phis, state);
                            }
                        }
                        Err(depth) => {
                            for (row, phi) in block.iter().zip(phis.iter_mut()) {
                                tree_shap::add_tree_shap(tree, *depth, row, 1.0 / n_trees, phi, buffer);
                            }
                        }
                    }
                }
                // Probabilities sum to 1, so per feature the classes' values sum to 0; the
                // one-pass walk leaves the last class to be derived here.
                for v in phis.iter_mut().flatten() {
                    v[K - 1] = -v[..K - 1].iter().sum::<f64>();
                }
                let finished = done.fetch_add(block.len(), std::sync::atomic::Ordering::Relaxed) + block.len();
                if finished.is_multiple_of(2 * BLOCK) || finished == total {
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
        space: ExplanationSpace::Probability,
        method: "Exact path-dependent TreeSHAP on the model's own trees".into(),
        base,
        values,
        outputs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::explain::explain;
    use crate::ml::models::tree::Node;
    use crate::ml::models::TrainedModel;
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

    /// A fully grown three-tree forest on all of `mission`'s labelled objects, and their features.
    fn three_tree_forest(mission: crate::ml::Mission) -> (Array2<f64>, crate::ml::models::random_forest::RandomForest) {
        use crate::ml::dataset::LabelledDataset;
        use crate::ml::models::random_forest::{ForestParams, RandomForest};
        let data_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        let d = LabelledDataset::load_mission(mission, &data_dir).unwrap();
        let rows: Vec<usize> = (0..d.len()).collect();
        let (x, y) = d.rows(&rows);
        let raw = serde_json::from_value(serde_json::json!({"n_trees": 3})).unwrap();
        let forest = RandomForest::fit(&ForestParams::check(&raw).unwrap(), &x, &y, 5, &slice()).unwrap();
        (x, forest)
    }

    #[test]
    fn the_avx2_walk_gives_the_same_bits_as_the_portable_one() {
        let (x, forest) = three_tree_forest(crate::ml::Mission::K2);
        let lanes: Vec<&[f64]> = (0..linear_tree_shap::LANES).map(|r| x.row(r).to_slice().unwrap()).collect();
        let walk = |portable: bool| {
            let mut state = linear_tree_shap::PathState::default();
            state.portable = portable;
            let mut phis = vec![vec![[0.0; K]; x.ncols()]; lanes.len()];
            for tree in &forest.trees {
                let prepared = linear_tree_shap::PreparedTree::new(tree, x.ncols()).unwrap();
                let mut views: Vec<&mut [[f64; K]]> = phis.iter_mut().map(Vec::as_mut_slice).collect();
                prepared.add_shap(&lanes, 1.0 / 3.0, &mut views, &mut state);
            }
            phis
        };
        let (fast, portable) = (walk(false), walk(true));
        assert!(fast.iter().flatten().any(|v| v[0] != 0.0), "something was explained");
        for (a, b) in fast.iter().flatten().zip(portable.iter().flatten()) {
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
        }
    }

    /// The one-pass algorithm against the classic one on deep, fully grown forest trees
    /// (the fixture test checks shallower trees against Python's shap).
    #[test]
    fn one_pass_and_classic_algorithms_agree_on_deep_trees() {
        let (x, forest) = three_tree_forest(crate::ml::Mission::Kepler);
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
