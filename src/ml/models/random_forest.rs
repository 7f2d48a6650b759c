//! Random forest: bootstrap samples, a random feature subset at every split, fully grown
//! Gini trees on binned features, probabilities averaged over trees (not majority votes).
//!
//! Our own rather than linfa-ensemble's: that one votes instead of averaging
//! probabilities, draws its feature subset once per tree rather than per split, needs
//! imputed inputs, and sorts at every node. Trees are grown in parallel with rayon; each
//! tree has its own seeded generator, so results are identical whatever the thread timing.

use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::binning::{BinnedMatrix, MAX_VALUE_BINS};
use super::hist_tree::{grow_tree, Criterion, GrowthParams};
use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::tree::Tree;
use crate::ml::error::{MlError, Result};
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec {
        name: "n_trees",
        label: "Number of trees",
        kind: Kind::Integer { default: 200, min: 1, max: 1000 },
        help: "More trees give steadier probabilities; past ~200 the gain is small and training is slower.",
    },
    Spec {
        name: "max_features",
        label: "Features per split",
        kind: Kind::Choice { default: "sqrt", options: &["sqrt", "log2", "third", "half", "all"] },
        help: "How many randomly drawn features each split may choose from; fewer makes trees more diverse.",
    },
    Spec {
        name: "max_depth",
        label: "Maximum depth",
        kind: Kind::Integer { default: 0, min: 0, max: 100 },
        help: "Deepest level a tree may grow to; 0 means no limit (trees grow until leaves are pure).",
    },
    Spec {
        name: "min_samples_leaf",
        label: "Minimum objects per leaf",
        kind: Kind::Integer { default: 1, min: 1, max: 200 },
        help: "Larger values smooth the probabilities and reduce overfitting.",
    },
    Spec {
        name: "min_samples_split",
        label: "Minimum objects to split",
        kind: Kind::Integer { default: 2, min: 2, max: 500 },
        help: "A node with fewer training objects than this becomes a leaf.",
    },
    Spec {
        name: "bootstrap",
        label: "Bootstrap samples",
        kind: Kind::Boolean { default: true },
        help:
            "Train each tree on a resample of the training set (with replacement); off uses every object in every tree.",
    },
    Spec {
        name: "class_weight",
        label: "Class weights",
        kind: Kind::Choice { default: "none", options: &["none", "balanced"] },
        help: "'balanced' weighs each class inversely to its frequency, raising recall of rare classes.",
    },
];

#[derive(Debug, Clone, PartialEq)]
pub struct ForestParams {
    pub n_trees: usize,
    pub max_features: &'static str,
    pub max_depth: Option<usize>,
    pub min_samples_leaf: usize,
    pub min_samples_split: usize,
    pub bootstrap: bool,
    pub balanced: bool,
}

impl ForestParams {
    pub fn check(raw: &RawHyperparameters) -> Result<ForestParams> {
        let v = CheckedValues::new("random forest", HYPERPARAMETERS, raw)?;
        Ok(ForestParams {
            n_trees: v.integer("n_trees")? as usize,
            max_features: v.choice("max_features")?,
            max_depth: match v.integer("max_depth")? {
                0 => None,
                d => Some(d as usize),
            },
            min_samples_leaf: v.integer("min_samples_leaf")? as usize,
            min_samples_split: v.integer("min_samples_split")? as usize,
            bootstrap: v.boolean("bootstrap")?,
            balanced: v.choice("class_weight")? == "balanced",
        })
    }

    fn features_per_split(&self, n_features: usize) -> usize {
        let n = n_features as f64;
        let k = match self.max_features {
            "sqrt" => n.sqrt(),
            "log2" => n.log2(),
            "third" => n / 3.0,
            "half" => n / 2.0,
            _ => n,
        };
        (k.floor() as usize).clamp(1, n_features.max(1))
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RandomForest {
    pub trees: Vec<Tree>,
}

impl RandomForest {
    pub fn fit(
        params: &ForestParams,
        x: &Array2<f64>,
        y: &[ClassLabel],
        seed: u64,
        progress: &ProgressSlice,
    ) -> Result<RandomForest> {
        if x.nrows() == 0 {
            return Err(MlError::Training("no training rows".into()));
        }
        let binned = BinnedMatrix::new(x, MAX_VALUE_BINS);
        let labels: Vec<u8> = y.iter().map(|c| c.index() as u8).collect();
        let class_weight = class_weights(y, params.balanced);
        let growth = GrowthParams {
            criterion: Criterion::Gini,
            max_depth: params.max_depth,
            min_samples_split: params.min_samples_split,
            min_samples_leaf: params.min_samples_leaf,
            max_features: params.features_per_split(x.ncols()),
        };
        let done = AtomicUsize::new(0);
        let n = params.n_trees;
        let trees = (0..n)
            .into_par_iter()
            .map(|t| {
                if progress.is_cancelled() {
                    return Err(MlError::Cancelled);
                }
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(tree_seed(seed, t as u64));
                let weights = sample_weights(&labels, &class_weight, params.bootstrap, &mut rng);
                let tree = grow_tree(&binned, &labels, &weights, &growth, &mut rng);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress.report(finished as f64 / n as f64, &format!("Training tree {finished}/{n}"));
                Ok(tree)
            })
            .collect::<Result<Vec<Tree>>>()?;
        Ok(RandomForest { trees })
    }

    /// Mean of the trees' leaf class frequencies.
    ///
    /// Rows are taken in blocks and each tree walks the whole block before the next tree
    /// starts, so a tree's nodes stay in cache instead of all trees streaming past per row.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        const BLOCK: usize = 256;
        let x = x.as_standard_layout();
        let n_trees = self.trees.len() as f64;
        let row_starts: Vec<usize> = (0..x.nrows()).step_by(BLOCK).collect();
        row_starts
            .par_iter()
            .flat_map_iter(|&start| {
                let end = (start + BLOCK).min(x.nrows());
                let mut sums = vec![[0.0; K]; end - start];
                for tree in &self.trees {
                    for (i, sum) in sums.iter_mut().enumerate() {
                        let row = x.row(start + i);
                        let leaf = tree.predict_proba_row(row.as_slice().expect("standard layout"));
                        for c in 0..K {
                            sum[c] += leaf[c];
                        }
                    }
                }
                sums.into_iter().map(move |s| s.map(|v| v / n_trees))
            })
            .collect()
    }
}

/// Independent, well-mixed seeds per tree from one user seed (SplitMix64 finaliser).
pub(crate) fn tree_seed(seed: u64, tree: u64) -> u64 {
    let mut z = seed ^ tree.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n / (K * count_c)` per class when balanced (scikit-learn's rule), else 1.
pub(crate) fn class_weights(y: &[ClassLabel], balanced: bool) -> [f64; K] {
    if !balanced {
        return [1.0; K];
    }
    let counts = crate::ml::dataset::count_classes(y.iter().copied());
    std::array::from_fn(|c| if counts[c] == 0 { 0.0 } else { y.len() as f64 / (K as f64 * counts[c] as f64) })
}

/// Bootstrap counts (how often each row was drawn) times its class weight.
pub(crate) fn sample_weights(labels: &[u8], class_weight: &[f64; K], bootstrap: bool, rng: &mut impl Rng) -> Vec<f64> {
    let n = labels.len();
    let mut counts = vec![if bootstrap { 0.0 } else { 1.0 }; n];
    if bootstrap {
        for _ in 0..n {
            counts[rng.gen_range(0..n)] += 1.0;
        }
    }
    counts.iter().zip(labels).map(|(c, &y)| c * class_weight[y as usize]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::SilentProgress;
    use serde_json::json;

    fn slice() -> ProgressSlice<'static> {
        ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
    }

    fn toy() -> (Array2<f64>, Vec<ClassLabel>) {
        // Three blobs along x0, noise in x1, some missing x1.
        let x = Array2::from_shape_fn((90, 2), |(i, j)| {
            if j == 0 {
                (i / 30) as f64 * 10.0 + (i % 7) as f64
            } else if i % 5 == 0 {
                f64::NAN
            } else {
                (i % 11) as f64
            }
        });
        let y = (0..90).map(|i| ClassLabel::ALL[i / 30]).collect();
        (x, y)
    }

    #[test]
    fn fits_toy_data_and_probabilities_sum_to_one() {
        let (x, y) = toy();
        let params = ForestParams::check(&serde_json::from_value(json!({"n_trees": 20})).unwrap()).unwrap();
        let forest = RandomForest::fit(&params, &x, &y, 42, &slice()).unwrap();
        let probs = forest.predict_proba(&x);
        for (p, label) in probs.iter().zip(&y) {
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert_eq!(crate::ml::metrics::argmax(p), *label);
        }
    }

    #[test]
    fn same_seed_gives_identical_forest() {
        let (x, y) = toy();
        let params = ForestParams::check(&serde_json::from_value(json!({"n_trees": 10})).unwrap()).unwrap();
        let a = RandomForest::fit(&params, &x, &y, 7, &slice()).unwrap();
        let b = RandomForest::fit(&params, &x, &y, 7, &slice()).unwrap();
        assert_eq!(a.trees, b.trees);
    }

    #[test]
    fn invalid_hyperparameters_are_refused() {
        for bad in [
            json!({"n_trees": 0}),
            json!({"n_trees": 1001}),
            json!({"max_features": "most"}),
            json!({"min_samples_leaf": 0}),
            json!({"bootstrap": 3}),
            json!({"trees": 5}),
        ] {
            let raw = serde_json::from_value(bad.clone()).unwrap();
            assert!(ForestParams::check(&raw).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn features_per_split_rules() {
        let p = ForestParams::check(&RawHyperparameters::new()).unwrap();
        assert_eq!(p.features_per_split(35), 5);
        assert_eq!(ForestParams { max_features: "all", ..p.clone() }.features_per_split(35), 35);
        assert_eq!(ForestParams { max_features: "log2", ..p }.features_per_split(1), 1);
    }
}
