//! The explanation of a set of rows ([`Explanations`]) and its per-feature summary.

use crate::domain::ExplanationSpace;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// SHAP values of a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanations {
    /// The output the values add up to.
    pub space: ExplanationSpace,
    /// How they were computed, stated with the result.
    pub method: String,
    /// Reference objects the values are measured against (0: none; path-dependent TreeSHAP
    /// weighs the training objects through the trees' covers instead).
    pub background: usize,
    /// Expected model output per class (the SHAP base value).
    pub base: [f64; K],
    /// `values[row][feature][class]`.
    pub values: Vec<Vec<[f64; K]>>,
    /// The model's own output per row and class in `space`, computed independently of the
    /// explainer: `base + Σ values = outputs` is what the tests check.
    pub outputs: Vec<[f64; K]>,
}

/// Mean |SHAP| per feature, per class (`[feature][class]`).
pub fn mean_abs(explanations: &Explanations) -> Vec<[f64; K]> {
    let n = explanations.values.len().max(1) as f64;
    let features = explanations.values.first().map_or(0, |v| v.len());
    let mut out = vec![[0.0; K]; features];
    for row in &explanations.values {
        for (f, v) in row.iter().enumerate() {
            for c in 0..K {
                out[f][c] += v[c].abs() / n;
            }
        }
    }
    out
}
