//! The SMO iterations: second-order working-set selection, the two-variable update within
//! the box constraints, the gradient update, and ρ at the end.

use super::kernel_cache::KernelRows;
use super::problem::{Cancelled, SmoProblem, SmoSolution};

/// libsvm's τ: stands in for a non-positive curvature.
const TAU: f64 = 1e-12;
/// Cancellation is polled this often (iterations are microseconds to milliseconds).
const POLL_EVERY: usize = 64;

/// Solves `problem` with the kernel rows of `kernel` (one row per object of `problem.y`,
/// possibly shared with other solvers on other threads); `cancelled` is polled.
pub fn solve(
    problem: &SmoProblem,
    kernel: &KernelRows,
    cancelled: &dyn Fn() -> bool,
) -> Result<SmoSolution, Cancelled> {
    let n = problem.y.len();
    assert_eq!(kernel.len(), n, "one kernel row per object");
    let y = problem.y;
    let c = |t: usize| if y[t] > 0.0 { problem.c_pos } else { problem.c_neg };
    let mut alpha = vec![0.0; n];
    // Gradient of the dual objective: Qα − e, so −1 at α = 0.
    let mut g = vec![-1.0; n];
    let max_iterations = (100 * n).max(10_000_000);
    let mut iterations = 0;
    let mut converged = false;
    let upper = |a: f64, t: usize| a >= c(t);
    let lower = |a: f64| a <= 0.0;
    while iterations < max_iterations {
        if iterations % POLL_EVERY == 0 && cancelled() {
            return Err(Cancelled);
        }
        // i: the index that violates the optimality conditions most (first order).
        let (mut gmax, mut i) = (f64::NEG_INFINITY, usize::MAX);
        for t in 0..n {
            if y[t] > 0.0 {
                if !upper(alpha[t], t) && -g[t] >= gmax {
                    (gmax, i) = (-g[t], t);
                }
            } else if !lower(alpha[t]) && g[t] >= gmax {
                (gmax, i) = (g[t], t);
            }
        }
        if i == usize::MAX {
            converged = true;
            break;
        }
        let k_i = kernel.row(i);
        // j: the partner giving the largest decrease of the objective (second order).
        let (mut gmax2, mut j, mut best) = (f64::NEG_INFINITY, usize::MAX, f64::INFINITY);
        for t in 0..n {
            let q_it = y[i] * y[t] * k_i[t];
            let (grad_diff, quad) = if y[t] > 0.0 {
                if lower(alpha[t]) {
                    continue;
                }
                gmax2 = gmax2.max(g[t]);
                (gmax + g[t], 1.0 + 1.0 - 2.0 * y[i] * q_it)
            } else {
                if upper(alpha[t], t) {
                    continue;
                }
                gmax2 = gmax2.max(-g[t]);
                (gmax - g[t], 1.0 + 1.0 + 2.0 * y[i] * q_it)
            };
            if grad_diff > 0.0 {
                let gain = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                if gain <= best {
                    (best, j) = (gain, t);
                }
            }
        }
        if gmax + gmax2 < problem.eps || j == usize::MAX {
            converged = true;
            break;
        }
        iterations += 1;
        let k_j = kernel.row(j);
        let (c_i, c_j) = (c(i), c(j));
        let (old_i, old_j) = (alpha[i], alpha[j]);
        let q_ij = y[i] * y[j] * k_i[j];
        if y[i] != y[j] {
            let quad = (2.0 + 2.0 * q_ij).max(TAU);
            let delta = (-g[i] - g[j]) / quad;
            let diff = alpha[i] - alpha[j];
            alpha[i] += delta;
            alpha[j] += delta;
            if diff > 0.0 {
                if alpha[j] < 0.0 {
                    alpha[j] = 0.0;
                    alpha[i] = diff;
                }
            } else if alpha[i] < 0.0 {
                alpha[i] = 0.0;
                alpha[j] = -diff;
            }
            if diff > c_i - c_j {
                if alpha[i] > c_i {
                    alpha[i] = c_i;
                    alpha[j] = c_i - diff;
                }
            } else if alpha[j] > c_j {
                alpha[j] = c_j;
                alpha[i] = c_j + diff;
            }
        } else {
            let quad = (2.0 - 2.0 * q_ij).max(TAU);
            let delta = (g[i] - g[j]) / quad;
            let sum = alpha[i] + alpha[j];
            alpha[i] -= delta;
            alpha[j] += delta;
            if sum > c_i {
                if alpha[i] > c_i {
                    alpha[i] = c_i;
                    alpha[j] = sum - c_i;
                }
            } else if alpha[j] < 0.0 {
                alpha[j] = 0.0;
                alpha[i] = sum;
            }
            if sum > c_j {
                if alpha[j] > c_j {
                    alpha[j] = c_j;
                    alpha[i] = sum - c_j;
                }
            } else if alpha[i] < 0.0 {
                alpha[i] = 0.0;
                alpha[j] = sum;
            }
        }
        let (d_i, d_j) = (alpha[i] - old_i, alpha[j] - old_j);
        for t in 0..n {
            g[t] += y[t] * (y[i] * k_i[t] * d_i + y[j] * k_j[t] * d_j);
        }
    }
    Ok(SmoSolution {
        coef: (0..n).map(|t| y[t] * alpha[t]).collect(),
        rho: rho(y, &alpha, &g, &c),
        iterations,
        converged,
    })
}

/// ρ: the mean of yᵢGᵢ over free vectors, else the middle of the feasible interval.
fn rho(y: &[f64], alpha: &[f64], g: &[f64], c: &dyn Fn(usize) -> f64) -> f64 {
    let (mut upper_bound, mut lower_bound, mut free, mut sum_free) = (f64::INFINITY, f64::NEG_INFINITY, 0usize, 0.0);
    for t in 0..y.len() {
        let yg = y[t] * g[t];
        if alpha[t] >= c(t) {
            if y[t] < 0.0 {
                upper_bound = upper_bound.min(yg);
            } else {
                lower_bound = lower_bound.max(yg);
            }
        } else if alpha[t] <= 0.0 {
            if y[t] > 0.0 {
                upper_bound = upper_bound.min(yg);
            } else {
                lower_bound = lower_bound.max(yg);
            }
        } else {
            free += 1;
            sum_free += yg;
        }
    }
    if free > 0 {
        sum_free / free as f64
    } else {
        (upper_bound + lower_bound) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::smo::squared_norms;
    use ndarray::Array2;

    /// Two separable clusters: every training point on its side, and the margin's support
    /// vectors balance (Σ yα = 0), whatever the cache size.
    #[test]
    fn separates_two_clusters_with_any_cache_size() {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..40 {
            let (cx, label) = if i % 2 == 0 { (-2.0, 1.0) } else { (2.0, -1.0) };
            rows.extend([cx + (i % 5) as f64 * 0.1, (i % 7) as f64 * 0.1]);
            y.push(label);
        }
        let z = Array2::from_shape_vec((40, 2), rows).unwrap();
        let norms = squared_norms(&z);
        let problem = SmoProblem { y: &y, c_pos: 1.0, c_neg: 1.0, eps: 1e-3 };
        let big = solve(&problem, &KernelRows::new(&z, &norms, 0.5, 1 << 20), &|| false).unwrap();
        let tiny = solve(&problem, &KernelRows::new(&z, &norms, 0.5, 0), &|| false).unwrap();
        assert_eq!(big, tiny, "the cache changes speed, never the answer");
        assert!(big.converged);
        assert!(big.coef.iter().sum::<f64>().abs() < 1e-9);
        for t in 0..40 {
            let k: Vec<f64> =
                (0..40).map(|s| (-0.5 * (norms[t] + norms[s] - 2.0 * z.row(t).dot(&z.row(s)))).exp()).collect();
            let f: f64 = (0..40).map(|s| big.coef[s] * k[s]).sum::<f64>() - big.rho;
            assert!(f * y[t] > 0.0, "row {t} on the wrong side: {f}");
        }
    }

    #[test]
    fn a_cancel_stops_the_solver() {
        let z = Array2::from_shape_fn((200, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
        let norms = squared_norms(&z);
        let y: Vec<f64> = (0..200).map(|i| if i % 3 == 0 { 1.0 } else { -1.0 }).collect();
        let problem = SmoProblem { y: &y, c_pos: 1.0, c_neg: 1.0, eps: 1e-3 };
        assert_eq!(solve(&problem, &KernelRows::new(&z, &norms, 0.3, 1 << 20), &|| true), Err(Cancelled));
    }
}
