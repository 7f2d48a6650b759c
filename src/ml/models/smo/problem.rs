//! One binary SVM problem as the solver takes it, the solution it gives, and the row norms
//! the RBF kernel is computed from. The kernel itself is not part of a problem: the
//! one-vs-rest machines of a fit share one [`super::KernelRows`].

use ndarray::{Array2, ArrayView1};

/// One binary problem: labels and penalties (the kernel rows come separately).
pub struct SmoProblem<'a> {
    /// +1 for the positive side, −1 for the rest.
    pub y: &'a [f64],
    pub c_pos: f64,
    pub c_neg: f64,
    /// Stop when the maximal violation is below this.
    pub eps: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SmoSolution {
    /// `yᵢαᵢ` per row (0 for rows that are not support vectors).
    pub coef: Vec<f64>,
    pub rho: f64,
    pub iterations: usize,
    /// False when the iteration cap stopped it before the tolerance was met.
    pub converged: bool,
}

/// Solving stopped because cancellation was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// `‖row‖²` of every row.
pub fn squared_norms(z: &Array2<f64>) -> Vec<f64> {
    z.rows().into_iter().map(|r: ArrayView1<f64>| r.dot(&r)).collect()
}
