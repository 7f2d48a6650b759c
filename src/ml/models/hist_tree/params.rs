//! How a tree may grow: the purity criterion and the limits on depth, node and leaf sizes
//! and features per split.

/// How the purity of a split is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    Gini,
    Entropy,
}

#[derive(Debug, Clone, Copy)]
pub struct GrowthParams {
    pub criterion: Criterion,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Non-constant features evaluated per split (random subset drawn at every node).
    pub max_features: usize,
}
