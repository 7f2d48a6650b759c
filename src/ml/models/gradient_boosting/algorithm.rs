//! The boosting itself: rounds of one leaf-wise tree per class on the softmax gradients,
//! from scratch or continuing a trained booster, and its raw scores and probabilities.

use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::params::BoostingParams;
use crate::ml::error::{MlError, Result};
use crate::ml::explain::ExplainerCache;
use crate::ml::models::background::Background;
use crate::ml::models::binning::{BinnedMatrix, MAX_VALUE_BINS};
use crate::ml::models::boost_tree::{BoostMatrix, BoostTreeParams, TreeGrower};
use crate::ml::models::linear::softmax;
use crate::ml::models::random_forest::{class_weights, tree_seed};
use crate::ml::models::tree::Tree;
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GradientBoosting {
    /// Starting raw score per class (log of the weighted class share).
    #[serde(with = "crate::ml::models::float_serde::three")]
    pub init: [f64; K],
    /// `(class, tree)`: each tree adds its leaf value (`distribution[0]`) to that class's score.
    pub trees: Vec<(usize, Tree)>,
    /// Training rows its probability-space explanations are measured against (empty in
    /// models saved before they were kept: those are explained in margin space).
    #[serde(default, skip_serializing_if = "Background::is_empty")]
    pub background: Background,
    /// Its probability explainer's leaves and background masks, built on first use.
    #[serde(skip)]
    pub explainer: ExplainerCache,
}

impl GradientBoosting {
    pub fn fit(
        params: &BoostingParams,
        x: &Array2<f64>,
        y: &[ClassLabel],
        seed: u64,
        progress: &ProgressSlice,
    ) -> Result<GradientBoosting> {
        Self::boost(params, x, y, seed, progress, None)
    }

    /// Warm start: continues boosting from `base` (its trees kept, its raw scores on `x` as
    /// the starting point) with `params.n_rounds` more rounds on `x`, `y`. The result is
    /// `base`'s trees followed by the new ones, so it predicts and explains like any booster.
    pub fn fit_from(
        base: &GradientBoosting,
        params: &BoostingParams,
        x: &Array2<f64>,
        y: &[ClassLabel],
        seed: u64,
        progress: &ProgressSlice,
    ) -> Result<GradientBoosting> {
        Self::boost(params, x, y, seed, progress, Some(base))
    }

    fn boost(
        params: &BoostingParams,
        x: &Array2<f64>,
        y: &[ClassLabel],
        seed: u64,
        progress: &ProgressSlice,
        base: Option<&GradientBoosting>,
    ) -> Result<GradientBoosting> {
        let n = x.nrows();
        if n == 0 {
            return Err(MlError::Training("no training rows".into()));
        }
        let binned = BinnedMatrix::new(x, MAX_VALUE_BINS);
        let labels: Vec<usize> = y.iter().map(|c| c.index()).collect();
        let cw = class_weights(y, params.balanced);
        let weight: Vec<f64> = labels.iter().map(|&c| cw[c]).collect();
        let mut share = [0.0; K];
        for (&c, &w) in labels.iter().zip(&weight) {
            share[c] += w;
        }
        let total: f64 = share.iter().sum();
        let present: Vec<usize> = (0..K).filter(|&c| share[c] > 0.0).collect();
        if present.len() < 2 {
            return Err(MlError::Training("gradient boosting needs at least two classes in the training part".into()));
        }
        let (init, mut scores) = match base {
            Some(base) => (base.init, base.raw_scores(x)),
            None => {
                let init: [f64; K] =
                    std::array::from_fn(|c| if share[c] > 0.0 { (share[c] / total).ln() } else { f64::NEG_INFINITY });
                (init, vec![init; n])
            }
        };
        let tree_params = BoostTreeParams {
            max_leaves: params.max_leaves,
            max_depth: params.max_depth,
            min_data_in_leaf: params.min_data_in_leaf,
            min_hessian_in_leaf: 1e-3,
            lambda_l2: params.lambda_l2,
            learning_rate: params.learning_rate,
        };
        // LightGBM's softmax hessian factor K/(K−1).
        let factor = present.len() as f64 / (present.len() as f64 - 1.0);
        let n_features = x.ncols();
        let per_tree_features =
            ((n_features as f64 * params.feature_fraction).round() as usize).clamp(1, n_features.max(1));
        let mut trees = base.map(|b| b.trees.clone()).unwrap_or_default();
        trees.reserve(params.n_rounds * present.len());
        let all_rows: Vec<u32> = (0..n as u32).collect();
        let x_rows = x.as_standard_layout();
        let matrix = BoostMatrix::new(&binned);
        // A tree's leaves hold its training rows, so their scores need no walk down the tree
        // when every row was in the tree and binning routes rows as the thresholds do (it
        // does for every value but +inf, which is binned as present but not below +inf).
        let leaves_route = params.subsample >= 1.0 && !x.iter().any(|&v| v == f64::INFINITY);
        let mut growers: Vec<TreeGrower> = present.iter().map(|_| TreeGrower::default()).collect();
        let mut gh: Vec<Vec<[f64; 2]>> = present.iter().map(|_| vec![[0.0; 2]; n]).collect();

        for round in 0..params.n_rounds {
            if progress.is_cancelled() {
                return Err(MlError::Cancelled);
            }
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(tree_seed(seed, round as u64));
            let rows: Vec<u32> = if params.subsample < 1.0 {
                let mut r = all_rows.clone();
                r.shuffle(&mut rng);
                r.truncate(((n as f64 * params.subsample).round() as usize).max(1));
                r.sort_unstable();
                r
            } else {
                all_rows.clone()
            };
            // On all threads: done on one before the round's trees, it left the other idle.
            let probs: Vec<[f64; K]> = scores.par_iter().with_min_len(1024).map(softmax).collect();
            let feature_sets: Vec<Vec<usize>> = present
                .iter()
                .map(|_| {
                    let mut f: Vec<usize> = (0..n_features).collect();
                    if per_tree_features < n_features {
                        f.shuffle(&mut rng);
                        f.truncate(per_tree_features);
                        f.sort_unstable();
                    }
                    f
                })
                .collect();
            let round_trees: Vec<(usize, Tree)> = present
                .par_iter()
                .zip(feature_sets.par_iter())
                .zip(growers.par_iter_mut().zip(gh.par_iter_mut()))
                .map(|((&class, features), (grower, gh))| {
                    for (i, gh) in gh.iter_mut().enumerate() {
                        let p = probs[i][class];
                        let target = if labels[i] == class { 1.0 } else { 0.0 };
                        *gh = [(p - target) * weight[i], (factor * p * (1.0 - p)).max(1e-16) * weight[i]];
                    }
                    (class, grower.grow(&matrix, &rows, gh, features, &tree_params))
                })
                .collect();
            for ((class, tree), grower) in round_trees.iter().zip(&growers) {
                if leaves_route {
                    for (node, leaf_rows) in grower.leaf_rows() {
                        let value = tree.nodes[node].distribution[0];
                        for &r in leaf_rows {
                            scores[r as usize][*class] += value;
                        }
                    }
                } else {
                    for (i, score) in scores.iter_mut().enumerate() {
                        let row = x_rows.row(i);
                        score[*class] += tree.leaf_for(row.as_slice().expect("standard layout")).distribution[0];
                    }
                }
            }
            trees.extend(round_trees);
            let done = round + 1;
            progress
                .report(done as f64 / params.n_rounds as f64, &format!("Boosting round {done}/{}", params.n_rounds));
        }
        Ok(GradientBoosting {
            init,
            trees,
            background: Background::sample(x, seed),
            explainer: ExplainerCache::default(),
        })
    }

    /// Raw scores (softmax inputs) per row.
    pub fn raw_scores(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        let x = x.as_standard_layout();
        let rows: Vec<usize> = (0..x.nrows()).step_by(256).collect();
        rows.par_iter()
            .flat_map_iter(|&start| {
                let end = (start + 256).min(x.nrows());
                let mut out = vec![self.init; end - start];
                for (class, tree) in &self.trees {
                    for (i, o) in out.iter_mut().enumerate() {
                        let row = x.row(start + i);
                        o[*class] += tree.leaf_for(row.as_slice().expect("standard layout")).distribution[0];
                    }
                }
                out
            })
            .collect()
    }

    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        self.raw_scores(x).iter().map(softmax).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::SilentProgress;
    use serde_json::json;

    fn slice() -> ProgressSlice<'static> {
        ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
    }

    fn params(raw: serde_json::Value) -> BoostingParams {
        BoostingParams::check(&serde_json::from_value(raw).unwrap()).unwrap()
    }

    fn log_loss(model: &GradientBoosting, x: &Array2<f64>, y: &[ClassLabel]) -> f64 {
        model.predict_proba(x).iter().zip(y).map(|(p, c)| -p[c.index()].max(1e-15).ln()).sum::<f64>() / y.len() as f64
    }

    /// Warm start keeps the base model's trees as they were, appends one tree per class per
    /// round, starts from the base's scores, and fits rows whose rule the base never saw.
    #[test]
    fn continuing_boosting_keeps_the_base_and_learns_the_new_rows() {
        // Base: the class is decided by x0. New rows: the same x0 range, class decided by x1.
        let x_old = Array2::from_shape_fn((90, 2), |(i, j)| {
            if j == 0 {
                (i / 30) as f64 * 10.0 + (i % 7) as f64
            } else {
                (i % 11) as f64
            }
        });
        let y_old: Vec<ClassLabel> = (0..90).map(|i| ClassLabel::ALL[i / 30]).collect();
        let x_new = Array2::from_shape_fn((90, 2), |(i, j)| {
            if j == 0 {
                (i % 30) as f64
            } else {
                (i / 30) as f64 * 10.0 + (i % 5) as f64
            }
        });
        let y_new = y_old.clone();
        let base =
            GradientBoosting::fit(&params(json!({"n_rounds": 20, "min_data_in_leaf": 5})), &x_old, &y_old, 1, &slice())
                .unwrap();
        let tuned = GradientBoosting::fit_from(
            &base,
            &params(json!({"n_rounds": 15, "min_data_in_leaf": 5})),
            &x_new,
            &y_new,
            1,
            &slice(),
        )
        .unwrap();
        assert_eq!(tuned.init, base.init);
        assert_eq!(&tuned.trees[..base.trees.len()], &base.trees[..]);
        assert_eq!(tuned.trees.len(), base.trees.len() + 15 * 3);
        let (before, after) = (log_loss(&base, &x_new, &y_new), log_loss(&tuned, &x_new, &y_new));
        assert!(after < before * 0.5, "log loss on the new rows {before} → {after}");
        // The same warm start twice gives the same model.
        let again = GradientBoosting::fit_from(
            &base,
            &params(json!({"n_rounds": 15, "min_data_in_leaf": 5})),
            &x_new,
            &y_new,
            1,
            &slice(),
        )
        .unwrap();
        assert_eq!(again, tuned);
    }
}
