//! Our multinomial logistic regression solver: Newton's method with the exact Hessian and a
//! backtracking line search, on the same objective linfa-logistic minimised,
//! `Σᵢ −log softmax(zᵢW + b)[yᵢ] + α/2 ‖W‖²` (intercepts not penalised).
//!
//! Why not linfa-logistic: its L-BFGS (argmin, More–Thuente line search) took 4.6–8.2× as
//! long as scikit-learn's fit on the benchmark missions (docs/design.md has the figures).
//! The problem is tiny in parameters ((features + 1) × 3) and large in rows, so the exact
//! Hessian is cheap: for three classes it is three weighted `Z̃ᵀ diag(w) Z̃` products per
//! iteration (the diagonal blocks follow from the off-diagonal ones, since a softmax
//! Hessian's block rows sum to zero), and Newton needs about ten iterations where L-BFGS
//! needs hundreds of gradient evaluations. Everything is sequential or a fixed-size matrix
//! product, so a fit is bit-reproducible.
//!
//! Softmax logits are invariant to adding one constant to every intercept; that direction
//! is the Hessian's only null space (the weights are penalised). The Newton system adds
//! `v vᵀ` along it, which leaves every step orthogonal to it, so the intercepts keep
//! summing to zero from the zero start, as in linfa's solution.

use ndarray::{s, Array2};

/// A solution: `theta[[j, c]]` is feature `j`'s weight for class `c`, and its last row the
/// intercepts.
pub(super) struct NewtonFit {
    pub theta: Array2<f64>,
    /// Newton steps taken, and whether the tolerance was met before the iteration cap. Read
    /// by the tests only: a fit stopped by the cap is still used, as linfa's was.
    #[cfg_attr(not(test), allow(dead_code))]
    pub iterations: usize,
    #[cfg_attr(not(test), allow(dead_code))]
    pub converged: bool,
}

/// Armijo's sufficient-decrease constant for the backtracking line search.
const ARMIJO: f64 = 1e-4;
/// Halvings of the step before giving up (the objective then no longer decreases in
/// floating point: the solution is as exact as it gets).
const MAX_HALVINGS: usize = 40;
/// Stop when the Newton decrement's estimate of the remaining decrease, per row, is below
/// this (near the precision of a sum over the rows in f64).
const TOLERANCE_PER_ROW: f64 = 1e-13;

/// Minimises the objective for `classes` classes; `y[i]` is row `i`'s class in `0..classes`.
pub(super) fn fit(z: &Array2<f64>, y: &[usize], classes: usize, alpha: f64, max_iterations: usize) -> NewtonFit {
    let (n, d) = z.dim();
    let p = d + 1;
    // Inputs with a column of ones for the intercept.
    let mut zt = Array2::ones((n, p));
    zt.slice_mut(s![.., ..d]).assign(z);
    let mut theta = Array2::<f64>::zeros((p, classes));
    let mut state = Evaluation::at(&zt, y, &theta, alpha);
    let tolerance = TOLERANCE_PER_ROW * n.max(1) as f64;
    let (mut iterations, mut converged) = (0, false);
    let mut weighted = Array2::<f64>::zeros((n, p));
    while iterations < max_iterations {
        let gradient = state.gradient(&zt, y, &theta, alpha);
        let hessian = hessian(&zt, &state.probabilities, alpha, &mut weighted);
        let mut step = solve(hessian, &gradient);
        // Remove the rounding-level component along the null direction (equal intercepts).
        let shift = step.row(d).sum() / classes as f64;
        step.row_mut(d).mapv_inplace(|v| v - shift);
        let slope: f64 = (&gradient * &step).sum();
        if -slope / 2.0 <= tolerance {
            converged = true;
            break;
        }
        iterations += 1;
        let mut length = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let candidate = &theta + &(&step * length);
            let evaluation = Evaluation::at(&zt, y, &candidate, alpha);
            if evaluation.loss <= state.loss + ARMIJO * length * slope {
                accepted = Some((candidate, evaluation));
                break;
            }
            length /= 2.0;
        }
        match accepted {
            Some((candidate, evaluation)) => (theta, state) = (candidate, evaluation),
            None => {
                converged = true;
                break;
            }
        }
    }
    NewtonFit { theta, iterations, converged }
}

/// The objective and the class probabilities at one point.
struct Evaluation {
    loss: f64,
    /// Softmax probabilities, one row per object.
    probabilities: Array2<f64>,
}

impl Evaluation {
    fn at(zt: &Array2<f64>, y: &[usize], theta: &Array2<f64>, alpha: f64) -> Evaluation {
        let d = theta.nrows() - 1;
        let mut probabilities = zt.dot(theta);
        let mut loss = 0.0;
        for (mut row, &label) in probabilities.rows_mut().into_iter().zip(y) {
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut total = 0.0;
            for v in row.iter_mut() {
                *v = (*v - max).exp();
                total += *v;
            }
            // −log softmax[label] = log Σ exp(l − max) − (l_label − max).
            loss += total.ln() - row[label].ln();
            row.mapv_inplace(|v| v / total);
        }
        let penalty: f64 = theta.slice(s![..d, ..]).iter().map(|w| w * w).sum();
        Evaluation { loss: loss + 0.5 * alpha * penalty, probabilities }
    }

    /// `Z̃ᵀ(P − Y)`, plus `αW` on the weight rows.
    fn gradient(&self, zt: &Array2<f64>, y: &[usize], theta: &Array2<f64>, alpha: f64) -> Array2<f64> {
        let d = theta.nrows() - 1;
        let mut residual = self.probabilities.clone();
        for (mut row, &label) in residual.rows_mut().into_iter().zip(y) {
            row[label] -= 1.0;
        }
        let mut gradient = zt.t().dot(&residual);
        gradient.slice_mut(s![..d, ..]).scaled_add(alpha, &theta.slice(s![..d, ..]));
        gradient
    }
}

/// The Hessian in the order (class, feature) with the intercept last in each class:
/// block (c, m) is `Σᵢ pᵢc(δcm − pᵢm) z̃ᵢz̃ᵢᵀ`, plus α on the weights' diagonal and `v vᵀ` on
/// the intercepts (v = 1/√classes along equal intercepts). Only the blocks c < m are
/// products; since each block row sums to zero, block (c, c) is minus the others in its row.
fn hessian(zt: &Array2<f64>, probabilities: &Array2<f64>, alpha: f64, weighted: &mut Array2<f64>) -> Array2<f64> {
    let (classes, p) = (probabilities.ncols(), zt.ncols());
    let mut h = Array2::<f64>::zeros((classes * p, classes * p));
    for c in 0..classes {
        for m in c + 1..classes {
            for ((mut out, row), pr) in weighted.rows_mut().into_iter().zip(zt.rows()).zip(probabilities.rows()) {
                let w = pr[c] * pr[m];
                out.zip_mut_with(&row, |o, &v| *o = v * w);
            }
            let block = weighted.t().dot(zt);
            h.slice_mut(s![c * p..(c + 1) * p, m * p..(m + 1) * p]).scaled_add(-1.0, &block);
            h.slice_mut(s![m * p..(m + 1) * p, c * p..(c + 1) * p]).scaled_add(-1.0, &block);
            h.slice_mut(s![c * p..(c + 1) * p, c * p..(c + 1) * p]).scaled_add(1.0, &block);
            h.slice_mut(s![m * p..(m + 1) * p, m * p..(m + 1) * p]).scaled_add(1.0, &block);
        }
    }
    for c in 0..classes {
        for j in 0..p - 1 {
            h[[c * p + j, c * p + j]] += alpha;
        }
        for m in 0..classes {
            h[[c * p + p - 1, m * p + p - 1]] += 1.0 / classes as f64;
        }
    }
    h
}

/// The Newton step `−H⁻¹g` by Cholesky factorisation, in `g`'s shape (features + 1 rows, one
/// column per class). H is positive definite; should rounding make a pivot non-positive, a
/// small ridge is added and the factorisation redone.
fn solve(h: Array2<f64>, gradient: &Array2<f64>) -> Array2<f64> {
    let (p, classes) = gradient.dim();
    let size = p * classes;
    // Stacked per class: index c·p + j holds gradient[[j, c]].
    let rhs: Vec<f64> = (0..size).map(|i| -gradient[[i % p, i / p]]).collect();
    let scale = (0..size).map(|i| h[[i, i]].abs()).fold(0.0, f64::max).max(1.0);
    let mut ridge = 0.0;
    let l = loop {
        match cholesky(&h, ridge) {
            Some(l) => break l,
            None => ridge = if ridge == 0.0 { scale * 1e-12 } else { ridge * 100.0 },
        }
    };
    // L y = rhs, then Lᵀ x = y.
    let mut x = rhs;
    for i in 0..size {
        let dot: f64 = (0..i).map(|k| l[[i, k]] * x[k]).sum();
        x[i] = (x[i] - dot) / l[[i, i]];
    }
    for i in (0..size).rev() {
        let dot: f64 = (i + 1..size).map(|k| l[[k, i]] * x[k]).sum();
        x[i] = (x[i] - dot) / l[[i, i]];
    }
    Array2::from_shape_fn((p, classes), |(j, c)| x[c * p + j])
}

/// Lower-triangular L with `L Lᵀ = h + ridge·I`, or None if a pivot is not positive.
fn cholesky(h: &Array2<f64>, ridge: f64) -> Option<Array2<f64>> {
    let size = h.nrows();
    let mut l = Array2::<f64>::zeros((size, size));
    for i in 0..size {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[[i, k]] * l[[j, k]]).sum();
            if i == j {
                let pivot = h[[i, i]] + ridge - dot;
                if pivot <= 0.0 || !pivot.is_finite() {
                    return None;
                }
                l[[i, i]] = pivot.sqrt();
            } else {
                l[[i, j]] = (h[[i, j]] - dot) / l[[j, j]];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Three overlapping Gaussian-ish classes in four features (one useless).
    fn data(n: usize, seed: u64) -> (Array2<f64>, Vec<usize>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let y: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let z = Array2::from_shape_fn((n, 4), |(i, j)| {
            let centre = [[1.0, 0.0, -0.5, 0.0], [-1.0, 0.5, 0.0, 0.0], [0.0, -1.0, 0.5, 0.0]][y[i]][j];
            centre + rng.gen_range(-1.5..1.5)
        });
        (z, y)
    }

    fn with_ones(z: &Array2<f64>) -> Array2<f64> {
        let mut zt = Array2::ones((z.nrows(), z.ncols() + 1));
        zt.slice_mut(s![.., ..z.ncols()]).assign(z);
        zt
    }

    /// The Hessian is the derivative of the gradient (central differences), apart from the
    /// `v vᵀ` term added along equal intercepts.
    #[test]
    fn hessian_matches_finite_differences_of_the_gradient() {
        let (z, y) = data(60, 1);
        let zt = with_ones(&z);
        let (p, k, alpha) = (5, 3, 0.7);
        let theta = Array2::from_shape_fn((p, k), |(j, c)| 0.1 * (j as f64 - 2.0) * (c as f64 - 1.0) + 0.05 * j as f64);
        let at = |t: &Array2<f64>| Evaluation::at(&zt, &y, t, alpha).gradient(&zt, &y, t, alpha);
        let mut h =
            hessian(&zt, &Evaluation::at(&zt, &y, &theta, alpha).probabilities, alpha, &mut Array2::zeros((60, p)));
        for c in 0..k {
            for m in 0..k {
                h[[c * p + p - 1, m * p + p - 1]] -= 1.0 / k as f64;
            }
        }
        let eps = 1e-6;
        for c in 0..k {
            for j in 0..p {
                let (mut plus, mut minus) = (theta.clone(), theta.clone());
                plus[[j, c]] += eps;
                minus[[j, c]] -= eps;
                let numeric = (at(&plus) - at(&minus)) / (2.0 * eps);
                for m in 0..k {
                    for l in 0..p {
                        let exact = h[[m * p + l, c * p + j]];
                        assert!(
                            (numeric[[l, m]] - exact).abs() < 1e-5 * (1.0 + exact.abs()),
                            "{exact} vs {}",
                            numeric[[l, m]]
                        );
                    }
                }
            }
        }
    }

    /// At the solution the gradient vanishes, the intercepts and each feature's weights sum
    /// to zero across classes (the symmetric solution), and a second fit is bit-identical.
    #[test]
    fn converges_to_the_symmetric_optimum_reproducibly() {
        let (z, y) = data(300, 2);
        let fit_once = || fit(&z, &y, 3, 1.0, 100);
        let first = fit_once();
        assert!(first.converged && first.iterations < 20, "{} iterations", first.iterations);
        let zt = with_ones(&z);
        let g = Evaluation::at(&zt, &y, &first.theta, 1.0).gradient(&zt, &y, &first.theta, 1.0);
        assert!(g.iter().all(|v| v.abs() < 1e-8), "{g}");
        for row in first.theta.rows() {
            assert!(row.sum().abs() < 1e-10, "{row}");
        }
        assert_eq!(first.theta, fit_once().theta);
    }

    /// linfa-logistic (the solver this replaced) minimises the same objective: both land on
    /// the same weights, ours with the smaller objective.
    #[test]
    fn agrees_with_linfa_logistic() {
        use linfa::prelude::*;
        let (z, y) = data(300, 3);
        let ours = fit(&z, &y, 3, 0.5, 100);
        let dataset = Dataset::new(z.clone(), ndarray::Array1::from(y.clone()));
        let linfa =
            linfa_logistic::MultiLogisticRegression::new().alpha(0.5).max_iterations(300).fit(&dataset).unwrap();
        assert_eq!(linfa.classes(), &[0, 1, 2]);
        for c in 0..3 {
            for j in 0..4 {
                assert!((ours.theta[[j, c]] - linfa.params()[[j, c]]).abs() < 1e-3, "weight {j},{c}");
            }
            assert!((ours.theta[[4, c]] - linfa.intercept()[c]).abs() < 1e-3, "intercept {c}");
        }
        let zt = with_ones(&z);
        let mut theirs = Array2::zeros((5, 3));
        theirs.slice_mut(s![..4, ..]).assign(linfa.params());
        theirs.row_mut(4).assign(linfa.intercept());
        assert!(Evaluation::at(&zt, &y, &ours.theta, 0.5).loss <= Evaluation::at(&zt, &y, &theirs, 0.5).loss);
    }

    /// Separable classes with almost no penalty: the weights grow large but stay finite, and
    /// the line search keeps every step a decrease.
    #[test]
    fn separable_classes_with_a_tiny_penalty_stay_finite() {
        let z = Array2::from_shape_fn((30, 1), |(i, _)| (i % 2) as f64 * 4.0 - 2.0);
        let y: Vec<usize> = (0..30).map(|i| i % 2).collect();
        let fitted = fit(&z, &y, 2, 1e-4, 300);
        assert!(fitted.theta.iter().all(|v| v.is_finite()));
        assert!(fitted.theta[[0, 1]] > fitted.theta[[0, 0]]);
    }
}
