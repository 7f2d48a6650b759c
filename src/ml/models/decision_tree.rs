//! A single decision tree: exact-threshold CART on the same histogram builder as the
//! forest, every feature considered at every split, no resampling.
//!
//! Not linfa-trees: measured on the Kepler benchmark split, four identical runs of a
//! linfa-trees tree gave four different accuracies (0.7382–0.7393), because it sums class
//! weights through a `HashMap` whose order changes per process, so near-tied splits flip.
//! A seed must give the same model, so the tree is grown by our own builder, which also
//! handles missing values natively and yields leaf class frequencies for probabilities.

use ndarray::Array2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::binning::{BinnedMatrix, MAX_VALUE_BINS};
use super::hist_tree::{grow_tree, Criterion, GrowthParams};
use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::random_forest::{class_weights, sample_weights, tree_seed};
use super::tree::Tree;
use crate::ml::error::{MlError, Result};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec {
        name: "max_depth",
        label: "Maximum depth",
        kind: Kind::Integer { default: 12, min: 1, max: 50 },
        help: "Deepest level the tree may grow to; deeper trees fit the training set more closely and overfit sooner.",
    },
    Spec {
        name: "min_samples_split",
        label: "Minimum objects to split",
        kind: Kind::Integer { default: 2, min: 2, max: 500 },
        help: "A node with fewer training objects than this becomes a leaf.",
    },
    Spec {
        name: "min_samples_leaf",
        label: "Minimum objects per leaf",
        kind: Kind::Integer { default: 1, min: 1, max: 200 },
        help: "Every leaf keeps at least this many training objects; larger values give smoother probabilities.",
    },
    Spec {
        name: "criterion",
        label: "Split criterion",
        kind: Kind::Choice { default: "gini", options: &["gini", "entropy"] },
        help: "How the purity of a split is measured; the two rarely differ much.",
    },
    Spec {
        name: "class_weight",
        label: "Class weights",
        kind: Kind::Choice { default: "none", options: &["none", "balanced"] },
        help: "'balanced' weighs each class inversely to its frequency, raising recall of rare classes.",
    },
];

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeParams {
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub criterion: Criterion,
    pub balanced: bool,
}

impl DecisionTreeParams {
    pub fn check(raw: &RawHyperparameters) -> Result<DecisionTreeParams> {
        let v = CheckedValues::new("decision tree", HYPERPARAMETERS, raw)?;
        Ok(DecisionTreeParams {
            max_depth: v.integer("max_depth")? as usize,
            min_samples_split: v.integer("min_samples_split")? as usize,
            min_samples_leaf: v.integer("min_samples_leaf")? as usize,
            criterion: if v.choice("criterion")? == "entropy" { Criterion::Entropy } else { Criterion::Gini },
            balanced: v.choice("class_weight")? == "balanced",
        })
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DecisionTreeModel {
    pub tree: Tree,
}

impl DecisionTreeModel {
    pub fn fit(params: &DecisionTreeParams, x: &Array2<f64>, y: &[ClassLabel], seed: u64) -> Result<DecisionTreeModel> {
        if x.nrows() == 0 {
            return Err(MlError::Training("no training rows".into()));
        }
        let binned = BinnedMatrix::new(x, MAX_VALUE_BINS);
        let labels: Vec<u8> = y.iter().map(|c| c.index() as u8).collect();
        // The generator only orders features, which matters when two splits tie exactly.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(tree_seed(seed, 0));
        let weights = sample_weights(&labels, &class_weights(y, params.balanced), false, &mut rng);
        let growth = GrowthParams {
            criterion: params.criterion,
            max_depth: Some(params.max_depth),
            min_samples_split: params.min_samples_split,
            min_samples_leaf: params.min_samples_leaf,
            max_features: x.ncols(),
        };
        Ok(DecisionTreeModel { tree: grow_tree(&binned, &labels, &weights, &growth, &mut rng) })
    }

    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        x.rows().into_iter().map(|r| self.tree.predict_proba_row(&r.to_vec())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use serde_json::json;

    #[test]
    fn learns_a_threshold_and_sends_missing_values_to_a_side() {
        let x = array![[1.0], [2.0], [3.0], [10.0], [11.0], [12.0], [f64::NAN]];
        let y = [
            ClassLabel::Confirmed,
            ClassLabel::Confirmed,
            ClassLabel::Confirmed,
            ClassLabel::FalsePositive,
            ClassLabel::FalsePositive,
            ClassLabel::FalsePositive,
            ClassLabel::FalsePositive,
        ];
        let params = DecisionTreeParams::check(&RawHyperparameters::new()).unwrap();
        let model = DecisionTreeModel::fit(&params, &x, &y, 1).unwrap();
        let p = model.predict_proba(&array![[1.5], [11.5], [f64::NAN]]);
        assert_eq!(p[0], [1.0, 0.0, 0.0]);
        assert_eq!(p[1], [0.0, 0.0, 1.0]);
        assert_eq!(p[2], [0.0, 0.0, 1.0], "the missing training row was a false positive");
    }

    #[test]
    fn same_data_gives_the_same_tree_every_time() {
        let x = ndarray::Array2::from_shape_fn((200, 3), |(i, j)| ((i * 31 + j * 17) % 23) as f64);
        let y: Vec<ClassLabel> = (0..200).map(|i| ClassLabel::ALL[(i * 7 % 11) % 3]).collect();
        let params = DecisionTreeParams::check(&RawHyperparameters::new()).unwrap();
        let a = DecisionTreeModel::fit(&params, &x, &y, 3).unwrap();
        let b = DecisionTreeModel::fit(&params, &x, &y, 3).unwrap();
        assert_eq!(a.tree, b.tree);
    }

    #[test]
    fn entropy_criterion_also_separates() {
        let x = array![[1.0], [2.0], [10.0], [11.0]];
        let y = [ClassLabel::Candidate, ClassLabel::Candidate, ClassLabel::Confirmed, ClassLabel::Confirmed];
        let raw = serde_json::from_value(json!({"criterion": "entropy"})).unwrap();
        let model = DecisionTreeModel::fit(&DecisionTreeParams::check(&raw).unwrap(), &x, &y, 1).unwrap();
        assert_eq!(model.tree.leaf_count(), 2);
    }

    #[test]
    fn invalid_hyperparameters_are_refused() {
        for bad in [
            json!({"max_depth": 0}),
            json!({"max_depth": 51}),
            json!({"criterion": "log_loss"}),
            json!({"min_samples_split": 1}),
        ] {
            assert!(
                DecisionTreeParams::check(&serde_json::from_value(bad.clone()).unwrap()).is_err(),
                "{bad} accepted"
            );
        }
    }
}
