//! A linear softmax classifier on standardised inputs: what logistic regression and
//! PCA + logistic regression both become after fitting (PCA folds into the weights).
//! Being linear in its (transformed) inputs, its SHAP values are exact and cheap.

use ndarray::Array2;

use super::background::Background;
use super::standardize::Standardizer;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinearSoftmax {
    pub standardizer: Standardizer,
    /// `weights[[feature, class]]` on standardised inputs.
    pub weights: Array2<f64>,
    /// Per class; a class absent from training gets −∞ (probability 0).
    #[serde(with = "super::float_serde::three")]
    pub intercept: [f64; K],
    /// Training rows its probability-space explanations are measured against (set by
    /// [`crate::ml::models::TrainedModel::fit`]; empty in models saved before they were kept).
    #[serde(default, skip_serializing_if = "Background::is_empty")]
    pub background: Background,
}

impl LinearSoftmax {
    /// Log-odds (softmax inputs) per row and class.
    pub fn logits(&self, x: &Array2<f64>) -> Array2<f64> {
        let z = self.standardizer.transform(x);
        let mut out = z.dot(&self.weights);
        for mut row in out.rows_mut() {
            for c in 0..K {
                row[c] += self.intercept[c];
            }
        }
        out
    }

    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        self.logits(x).rows().into_iter().map(|r| softmax(&[r[0], r[1], r[2]])).collect()
    }

    /// Per-feature contribution `w_jc · (z_j − E z_j)`: the exact SHAP value of an additive
    /// model with independent features. The standardised inputs have mean 0 over the
    /// training part, so the base value is the intercept.
    pub fn shap_row(&self, row: &[f64]) -> Vec<[f64; K]> {
        let mut z = vec![0.0; row.len()];
        self.standardizer.transform_row(row, &mut z);
        z.iter()
            .enumerate()
            .map(|(j, zj)| {
                std::array::from_fn(|c| if self.intercept[c].is_finite() { self.weights[[j, c]] * zj } else { 0.0 })
            })
            .collect()
    }

    /// Largest absolute weights, for the model summary.
    pub fn weight_norm(&self) -> f64 {
        self.weights.iter().map(|w| w * w).sum::<f64>().sqrt()
    }
}

pub fn softmax(z: &[f64; K]) -> [f64; K] {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = z.map(|v| if v == f64::NEG_INFINITY { 0.0 } else { (v - max).exp() });
    let total: f64 = e.iter().sum();
    e.map(|v| v / total)
}
