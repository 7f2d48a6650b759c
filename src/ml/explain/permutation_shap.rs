//! Model-agnostic SHAP values by permutation sampling (the estimator of Štrumbelj &
//! Kononenko, with antithetic permutations as in Python shap's PermutationExplainer), for
//! the families that have no exact algorithm here (SVM, neural network).
//!
//! For one object and one permutation of the features, start from a background row and
//! switch the object's values in one feature at a time; each feature is credited with the
//! change in the model's output when it was switched in, averaged over the background
//! sample. Each permutation is also walked in reverse (antithetic), which cancels much of
//! the sampling noise. The credits of one walk telescope to `f(x) − E_bg f`, so every
//! explanation adds up exactly to the prediction, whatever the budget.

use crate::domain::ExplanationSpace;
use ndarray::{Array2, Axis};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::Explanations;
use crate::ml::models::random_forest::tree_seed;
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// The sampling budget, stated with every result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Background rows drawn (seeded) from the training part.
    pub background: usize,
    /// Permutations per object, each walked forwards and backwards.
    pub permutations: usize,
}

impl Budget {
    pub fn describe(&self) -> String {
        format!(
            "Permutation SHAP (sampled, seeded): {} antithetic permutation pairs per object against {} background objects drawn from the training part",
            self.permutations, self.background
        )
    }
}

/// Picks `n` background rows from `train` with the seed.
pub fn background_sample(train: &Array2<f64>, n: usize, seed: u64) -> Array2<f64> {
    let mut rows: Vec<usize> = (0..train.nrows()).collect();
    rows.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
    rows.truncate(n.min(train.nrows()));
    rows.sort_unstable();
    train.select(Axis(0), &rows)
}

pub fn explain_sampled<F>(
    predict: F,
    x: &Array2<f64>,
    background: &Array2<f64>,
    budget: Budget,
    seed: u64,
    progress: &ProgressSlice,
) -> Explanations
where
    F: Fn(&Array2<f64>) -> Vec<[f64; K]> + Sync,
{
    let m = x.ncols();
    let b = background.nrows().max(1);
    let base_rows = predict(background);
    let base: [f64; K] = std::array::from_fn(|c| base_rows.iter().map(|p| p[c]).sum::<f64>() / b as f64);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = x.nrows();
    let values = (0..x.nrows())
        .into_par_iter()
        .map(|r| {
            let mut phi = vec![[0.0; K]; m];
            if progress.is_cancelled() {
                return phi; // the pipeline discards the result
            }
            let row = x.row(r);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(tree_seed(seed, r as u64));
            let mut order: Vec<usize> = (0..m).collect();
            let walks = 2 * budget.permutations;
            // One batch per walk: (m + 1) coalitions × b background rows.
            let mut batch = Array2::zeros(((m + 1) * b, m));
            for walk in 0..walks {
                if walk % 2 == 0 {
                    order.shuffle(&mut rng);
                } else {
                    order.reverse();
                }
                for step in 0..=m {
                    for k in 0..b {
                        let mut out = batch.row_mut(step * b + k);
                        out.assign(&background.row(k));
                        for &j in &order[..step] {
                            out[j] = row[j];
                        }
                    }
                }
                let p = predict(&batch);
                let mean = |step: usize| -> [f64; K] {
                    std::array::from_fn(|c| p[step * b..(step + 1) * b].iter().map(|v| v[c]).sum::<f64>() / b as f64)
                };
                let mut previous = mean(0);
                for step in 1..=m {
                    let current = mean(step);
                    let j = order[step - 1];
                    for c in 0..K {
                        phi[j][c] += (current[c] - previous[c]) / walks as f64;
                    }
                    previous = current;
                }
            }
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if finished.is_multiple_of(16) || finished == total {
                progress
                    .report(finished as f64 / total as f64, &format!("Explaining predictions ({finished}/{total})"));
            }
            phi
        })
        .collect();
    Explanations {
        space: ExplanationSpace::Probability,
        method: budget.describe(),
        background: background.nrows(),
        base,
        values,
        outputs: predict(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::SilentProgress;
    use ndarray::array;

    fn slice() -> ProgressSlice<'static> {
        ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
    }

    /// For an additive model the estimator is exact whatever the permutations:
    /// φ_j = g_j(x_j) − mean over the background of g_j.
    #[test]
    fn exact_for_additive_models_and_always_additive() {
        let f = |x: &Array2<f64>| -> Vec<[f64; K]> {
            x.rows().into_iter().map(|r| [2.0 * r[0], r[1] * r[1], -r[2]]).collect()
        };
        let bg = array![[0.0, 1.0, 2.0], [2.0, 3.0, 0.0]];
        let x = array![[1.0, 2.0, 5.0]];
        let e = explain_sampled(f, &x, &bg, Budget { background: 2, permutations: 3 }, 7, &slice());
        assert_eq!(e.base, [2.0, 5.0, -1.0]);
        // Class 0 depends only on x0: 2·1 − mean(0, 4) = 0.
        assert!((e.values[0][0][0] - 0.0).abs() < 1e-12);
        // Class 1 only on x1: 4 − 5 = −1; class 2 only on x2: −5 − (−1) = −4.
        assert!((e.values[0][1][1] + 1.0).abs() < 1e-12);
        assert!((e.values[0][2][2] + 4.0).abs() < 1e-12);
        assert_eq!(e.values[0][2][0], 0.0);
    }

    /// Interactions are shared, the sum is exact, and the same seed gives the same values.
    #[test]
    fn interaction_credit_sums_to_output_and_is_reproducible() {
        let f = |x: &Array2<f64>| -> Vec<[f64; K]> { x.rows().into_iter().map(|r| [r[0] * r[1], 0.0, 0.0]).collect() };
        let bg = array![[0.0, 0.0, 0.0]];
        let x = array![[2.0, 3.0, 1.0]];
        let budget = Budget { background: 1, permutations: 4 };
        let e = explain_sampled(f, &x, &bg, budget, 1, &slice());
        let total: f64 = e.values[0].iter().map(|v| v[0]).sum();
        assert!((e.base[0] + total - 6.0).abs() < 1e-12);
        // Symmetric in x0, x1 (antithetic pairs make this exact): 3 each; x2 unused.
        assert!((e.values[0][0][0] - 3.0).abs() < 1e-12 && (e.values[0][1][0] - 3.0).abs() < 1e-12);
        assert_eq!(e.values[0][2][0], 0.0);
        assert_eq!(e, explain_sampled(f, &x, &bg, budget, 1, &slice()));
    }
}
