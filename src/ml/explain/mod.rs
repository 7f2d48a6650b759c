//! Per-prediction explanations: SHAP values for every held-out object and every class,
//! always additive: `base[class] + Σ_features values[row][feature][class] = output`, where
//! the output lives in the stated space.
//!
//! - Decision tree, random forest: exact path-dependent TreeSHAP on their own trees, in
//!   probability space.
//! - Gradient boosting, logistic regression, PCA + logistic: in probability by default
//!   ([`probability_shap`]): per reference object of the model's background, the exact
//!   interventional SHAP values of the class scores ([`interventional_tree`], or linear),
//!   turned into probability by exact shares of the softmax ([`softmax_shares`]). Their
//!   scores themselves (the booster's margins, by path-dependent TreeSHAP on its trees;
//!   logistic regression's log-odds, by linear SHAP) on request ([`explain_scores`]).
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
mod interventional_tree;
mod lane_walk;
mod prepared_booster;
mod probability_shap;
#[cfg(test)]
mod probability_tests;
mod quadrature;
mod softmax_shares;
mod subtree_memo;
mod subtree_walk;
#[cfg(test)]
mod walk_tests;

pub use by_family::{explain, explain_scores, MLP_BUDGET, SVM_BUDGET};
pub use explanations::{mean_abs, Explanations};
pub use forest_shap::explain_trees;
pub use prepared_booster::ExplainerCache;
pub use quadrature::gauss_legendre_01;
pub use subtree_memo::MAX_MEMO_BYTES;
