//! Per-prediction explanations: SHAP values for every held-out object and every class,
//! always additive: `base[class] + Σ_features values[row][feature][class] = output`, where
//! the output lives in the stated space.
//!
//! - Decision tree, random forest: exact path-dependent TreeSHAP on their own trees, in
//!   probability space.
//! - Gradient boosting: the same TreeSHAP on its regression trees, in margin space (the
//!   raw per-class scores that the softmax turns into probabilities).
//! - Logistic regression, PCA + logistic: exact linear SHAP in log-odds space.
//! - SVM, neural network: sampled permutation SHAP in probability space, with its budget.
//!
//! For trees the one-pass algorithm of [`linear_tree_shap`] does the work (for a forest,
//! sharing the bottom of each tree between objects, [`subtree_memo`]); the classic
//! algorithm of [`tree_shap`] is kept as the fallback for paths through more than 64
//! distinct features and as an independent cross-check in tests.

pub mod linear_tree_shap;
pub mod permutation_shap;
pub mod tree_shap;

mod boosting_shap;
mod by_family;
mod explanations;
mod forest_shap;
mod lane_walk;
mod quadrature;
mod subtree_memo;
mod subtree_walk;
#[cfg(test)]
mod walk_tests;

pub use by_family::{explain, MLP_BUDGET, SVM_BUDGET};
pub use explanations::{mean_abs, Explanations};
pub use forest_shap::explain_trees;
pub use subtree_memo::MAX_MEMO_BYTES;
