//! Tests of the one-pass TreeSHAP walk on fully grown forest trees: its AVX2 and portable
//! builds, shared subtrees against the walk of every node, the classic algorithm, and the
//! forest's explanations on one thread and several.

use ndarray::Array2;

use super::linear_tree_shap;
use super::tree_shap;
use crate::ml::explain::explain;
use crate::ml::models::random_forest::RandomForest;
use crate::ml::models::TrainedModel;
use crate::ml::progress::{ProgressSlice, SilentProgress};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

fn slice() -> ProgressSlice<'static> {
    ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
}

/// A fully grown three-tree forest on all of `mission`'s labelled objects, and their features.
fn three_tree_forest(mission: crate::ml::Mission) -> (Array2<f64>, RandomForest) {
    use crate::ml::dataset::LabelledDataset;
    use crate::ml::models::random_forest::ForestParams;
    let data_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let d = LabelledDataset::load_mission(mission, &data_dir).unwrap();
    let rows: Vec<usize> = (0..d.len()).collect();
    let (x, y) = d.rows(&rows);
    let raw = serde_json::from_value(serde_json::json!({"n_trees": 3})).unwrap();
    let forest = RandomForest::fit(&ForestParams::check(&raw).unwrap(), &x, &y, 5, &slice()).unwrap();
    (x, forest)
}

/// Explains every row of `x` with `forest`'s trees, sharing subtrees or not, with the
/// AVX2 build of the walk or the portable one.
fn walk_all(x: &Array2<f64>, forest: &RandomForest, shared: bool, portable: bool) -> Vec<Vec<[f64; K]>> {
    walk_all_with(x, forest, shared, portable, super::subtree_memo::MAX_ENTRY_BYTES)
}

/// [`walk_all`] with memos of at most `memo_bytes` of entries.
fn walk_all_with(
    x: &Array2<f64>,
    forest: &RandomForest,
    shared: bool,
    portable: bool,
    memo_bytes: usize,
) -> Vec<Vec<[f64; K]>> {
    let rows: Vec<&[f64]> = x.rows().into_iter().map(|r| r.to_slice().unwrap()).collect();
    let mut state = linear_tree_shap::PathState { portable, ..Default::default() };
    let mut phis = vec![vec![[0.0; K]; x.ncols()]; rows.len()];
    for tree in &forest.trees {
        let mut prepared = linear_tree_shap::PreparedTree::new(tree, x.ncols()).unwrap().share_subtrees();
        prepared.max_memo_entry_bytes = memo_bytes;
        let mut views: Vec<&mut [[f64; K]]> = phis.iter_mut().map(Vec::as_mut_slice).collect();
        if shared {
            prepared.add_shap_shared(&rows, 1.0 / 3.0, &mut views, &mut state);
        } else {
            for (rows, views) in rows.chunks(linear_tree_shap::LANES).zip(views.chunks_mut(linear_tree_shap::LANES)) {
                prepared.add_shap(rows, 1.0 / 3.0, views, &mut state);
            }
        }
    }
    phis
}

#[test]
fn the_avx2_walk_gives_the_same_bits_as_the_portable_one() {
    let (x, forest) = three_tree_forest(crate::ml::Mission::K2);
    for shared in [false, true] {
        let (fast, portable) = (walk_all(&x, &forest, shared, false), walk_all(&x, &forest, shared, true));
        assert!(fast.iter().flatten().any(|v| v[0] != 0.0), "something was explained");
        for (a, b) in fast.iter().flatten().zip(portable.iter().flatten()) {
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits), "shared: {shared}");
        }
    }
}

/// Sharing the bottom of the trees between objects of the same signature changes only
/// the rounding: every object of a fully grown forest, against the walk of every node.
#[test]
fn shared_subtrees_give_the_walks_values() {
    let (x, forest) = three_tree_forest(crate::ml::Mission::Kepler);
    let (shared, walked) = (walk_all(&x, &forest, true, false), walk_all(&x, &forest, false, false));
    let mut largest = 0.0f64;
    for (a, b) in shared.iter().flatten().zip(walked.iter().flatten()) {
        for c in 0..K - 1 {
            assert!((a[c] - b[c]).abs() <= 1e-12, "{} against {}", a[c], b[c]);
            largest = largest.max(b[c].abs());
        }
    }
    assert!(largest > 0.01, "values worth comparing");
    // A memo far too small for the forest starts again empty over and over: same values.
    let small = walk_all_with(&x, &forest, true, false, 4096);
    for (a, b) in small.iter().flatten().zip(walked.iter().flatten()) {
        for c in 0..K - 1 {
            assert!((a[c] - b[c]).abs() <= 1e-12, "small memo: {} against {}", a[c], b[c]);
        }
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
            tree_shap::add_tree_shap(tree, tree.depth(), row.as_slice().unwrap(), 1.0 / 3.0, &mut classic, &mut buffer);
        }
        for f in 0..sample.ncols() {
            for c in 0..K {
                assert!((classic[f][c] - fast.values[r][f][c]).abs() < 1e-9, "row {r} feature {f} class {c}");
            }
        }
    }
}

/// The forest's explanations are the same bits on one thread as on several (each thread
/// walks every tree over its own share of the objects, without waiting for the others),
/// and their progress ends at the last tree.
#[test]
fn forest_explanations_are_the_same_whatever_the_threads() {
    use crate::ml::progress::ProgressSink;
    use std::sync::Mutex;
    struct Last(Mutex<(f64, String)>);
    impl ProgressSink for Last {
        fn report(&self, fraction: f64, step: &str) {
            let mut last = self.0.lock().unwrap();
            if fraction >= last.0 {
                *last = (fraction, step.to_string());
            }
        }
    }
    let (x, forest) = three_tree_forest(crate::ml::Mission::K2);
    let trees: Vec<&crate::ml::models::tree::Tree> = forest.trees.iter().collect();
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let last = Last(Mutex::new((0.0, String::new())));
        let values = pool.install(|| {
            super::forest_shap::explain_trees(&trees, &x, &ProgressSlice { sink: &last, start: 0.0, end: 1.0 }).values
        });
        (values, last.0.into_inner().unwrap())
    };
    let (one, one_progress) = on(1);
    let (three, three_progress) = on(3);
    assert_eq!(one, three);
    for progress in [one_progress, three_progress] {
        assert_eq!(progress, (1.0, "Explaining predictions (tree 3/3)".to_string()));
    }
}
