//! The SVM's solver: sequential minimal optimisation for a C-SVM with an RBF kernel,
//! libsvm's algorithm (Fan, Chen & Lin 2005, second-order working-set selection, no
//! shrinking), written here instead of calling linfa-svm for two reasons measured on this
//! app: linfa-svm 0.8 builds the whole n × n kernel before solving (an 80,000-row table
//! asked for 51 GB and aborted the process), and its solver has no cancel hook (a cancelled
//! SVM kept two cores busy in the background until it finished). Here kernel rows are
//! computed on demand into one LRU cache of bounded size that the one-vs-rest machines of
//! a fit share (the kernel does not depend on the labels), and the solver polls for
//! cancellation, so memory is O(cache + n) and a cancel ends every solver thread.
//!
//! Dual: min ½ αᵀQα − Σα subject to 0 ≤ αᵢ ≤ Cᵢ and Σ yᵢαᵢ = 0, with Qᵢⱼ = yᵢyⱼK(xᵢ, xⱼ).
//! The decision function is f(x) = Σ yᵢαᵢ K(xᵢ, x) − ρ.

mod kernel_cache;
mod problem;
mod solver;

pub use kernel_cache::KernelRows;
pub use problem::{squared_norms, Cancelled, SmoProblem, SmoSolution};
pub use solver::solve;
