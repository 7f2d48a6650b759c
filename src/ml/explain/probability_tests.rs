//! Tests of the probability-space explainers: the interventional tree walk against brute
//! force over every hybrid object, and additivity on fitted models.

use ndarray::{array, Array2};

use super::interventional_tree::Leaves;
use super::{explain, explain_scores};
use crate::domain::ExplanationSpace;
use crate::ml::models::background::Background;
use crate::ml::models::gradient_boosting::GradientBoosting;
use crate::ml::models::tree::{Node, Tree};
use crate::ml::models::TrainedModel;
use crate::ml::progress::{ProgressSlice, SilentProgress};

const K: usize = 3;

fn slice() -> ProgressSlice<'static> {
    ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
}

fn split(feature: u32, threshold: f64, missing_left: bool, left: u32, right: u32) -> Node {
    Node { feature, threshold, missing_left, left, right, distribution: [0.0; K], weight: 1.0 }
}

fn leaf(value: f64) -> Node {
    Node::leaf([value, 0.0, 0.0], 1.0)
}

/// Two trees for class 0, one for class 2; feature 0 is split twice on one path.
fn trees() -> Vec<(usize, Tree)> {
    let a = Tree {
        nodes: vec![
            split(0, 0.5, true, 1, 2),
            split(1, 2.0, false, 3, 4),
            split(0, 1.5, false, 5, 6),
            leaf(1.0),
            leaf(-2.0),
            split(2, 0.0, true, 7, 8),
            leaf(0.25),
            leaf(3.0),
            leaf(-1.0),
        ],
    };
    let b = Tree { nodes: vec![split(2, 1.0, false, 1, 2), leaf(0.5), leaf(-0.5)] };
    let c =
        Tree { nodes: vec![split(1, 0.0, true, 1, 2), leaf(2.0), split(0, 1.0, true, 3, 4), leaf(-1.5), leaf(0.75)] };
    vec![(0, a), (0, b), (2, c)]
}

/// Class scores of a row without the init: the sum of each class's trees.
fn scores(trees: &[(usize, Tree)], row: &[f64]) -> [f64; K] {
    let mut s = [0.0; K];
    for (class, tree) in trees {
        s[*class] += tree.leaf_for(row).distribution[0];
    }
    s
}

/// Shapley values of the class scores in the game "features in S take the object's
/// values, the others the reference's", by enumerating every subset.
fn brute_force(trees: &[(usize, Tree)], x: &[f64], r: &[f64]) -> Vec<[f64; K]> {
    let n = x.len();
    let factorial = |m: usize| (1..=m).product::<usize>() as f64;
    let value = |set: usize| {
        let hybrid: Vec<f64> = (0..n).map(|j| if set & (1 << j) != 0 { x[j] } else { r[j] }).collect();
        scores(trees, &hybrid)
    };
    let mut phi = vec![[0.0; K]; n];
    for j in 0..n {
        for set in 0..(1usize << n) {
            if set & (1 << j) != 0 {
                continue;
            }
            let size = set.count_ones() as usize;
            let w = factorial(size) * factorial(n - size - 1) / factorial(n);
            let (with, without) = (value(set | (1 << j)), value(set));
            for k in 0..K {
                phi[j][k] += w * (with[k] - without[k]);
            }
        }
    }
    phi
}

#[test]
fn the_leaf_walk_equals_brute_force_for_every_pair() {
    let trees = trees();
    let leaves = Leaves::new(&trees).unwrap();
    let points = [
        [0.2, 3.0, -1.0],
        [1.7, 1.0, 0.5],
        [1.0, f64::NAN, 2.0],
        [f64::NAN, -1.0, f64::NAN],
        [0.5, 2.0, 0.0],
        [1.5, 0.0, 1.0],
    ];
    let identity: [[f64; K]; K] = std::array::from_fn(|k| std::array::from_fn(|c| f64::from(u8::from(k == c))));
    for x in &points {
        for r in &points {
            let masks = leaves.masks(&[r.as_slice()]);
            let mut phi = vec![[0.0; K]; 3];
            leaves.add_object(x, &masks, &[identity], &mut phi);
            let want = brute_force(&trees, x, r);
            for j in 0..3 {
                for k in 0..K {
                    assert!(
                        (phi[j][k] - want[j][k]).abs() < 1e-12,
                        "x {x:?} r {r:?} feature {j} class {k}: {} vs {}",
                        phi[j][k],
                        want[j][k]
                    );
                }
            }
        }
    }
}

fn assert_additive(model: &TrainedModel, x: &Array2<f64>) {
    let e = explain(model, x, &Array2::zeros((0, x.ncols())), 0, &slice());
    assert_eq!(e.space, ExplanationSpace::Probability, "{}", e.method);
    let probabilities = model.predict_proba(x);
    for (row, values) in e.values.iter().enumerate() {
        for k in 0..K {
            let total = e.base[k] + values.iter().map(|v| v[k]).sum::<f64>();
            assert!(
                (total - probabilities[row][k]).abs() < 1e-12,
                "row {row} class {k}: {total} vs {}",
                probabilities[row][k]
            );
            assert_eq!(e.outputs[row][k], probabilities[row][k]);
        }
        for v in values {
            assert!(v.iter().sum::<f64>().abs() < 1e-12, "a feature's values over the classes sum to 0");
        }
    }
}

#[test]
fn the_booster_in_probability_adds_up_and_its_scores_stay_available() {
    let model = TrainedModel::GradientBoosting(GradientBoosting {
        init: [-0.3, 0.1, 0.0],
        trees: trees(),
        background: Background { rows: array![[0.2, 3.0, -1.0], [1.7, 1.0, 0.5], [f64::NAN, -1.0, 2.0]] },
        explainer: Default::default(),
    });
    let x = array![[1.0, f64::NAN, 2.0], [0.4, 2.5, 0.2], [1.6, -0.5, f64::NAN]];
    assert_additive(&model, &x);
    let scores = explain_scores(&model, &x, &slice()).unwrap();
    assert_eq!(scores.space, ExplanationSpace::Margin);
    // Without a background (a model saved before they were kept): its scores.
    let TrainedModel::GradientBoosting(m) = &model else { unreachable!() };
    let old = TrainedModel::GradientBoosting(GradientBoosting { background: Background::default(), ..m.clone() });
    assert_eq!(explain(&old, &x, &x, 0, &slice()).space, ExplanationSpace::Margin);
}

#[test]
fn fitted_boosters_and_logistic_models_add_up_in_probability() {
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::models::{ModelKind, ModelParams};
    use crate::ml::ClassLabel;
    let n = 120;
    let x = Array2::from_shape_fn(
        (n, 4),
        |(i, j)| if (i + j) % 17 == 0 { f64::NAN } else { ((i * (j + 3)) % 23) as f64 / 7.0 },
    );
    let y: Vec<ClassLabel> = (0..n).map(|i| ClassLabel::ALL[(i * 7 / 11 + i % 3) % 3]).collect();
    for (kind, raw) in [
        (ModelKind::GradientBoosting, serde_json::json!({"n_rounds": 15, "max_leaves": 7, "min_data_in_leaf": 3})),
        (ModelKind::LogisticRegression, serde_json::json!({})),
        (ModelKind::PcaLogistic, serde_json::json!({})),
    ] {
        let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
        let model = TrainedModel::fit(&ModelParams::check(kind, &raw).unwrap(), &x, &y, 3, &slice()).unwrap();
        assert_additive(&model, &x.slice(ndarray::s![..30, ..]).to_owned());
    }
}
