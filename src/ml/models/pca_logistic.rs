//! PCA (linfa-reduction) on the scaled inputs, keeping the fewest components that explain
//! the chosen share of variance, then multinomial logistic regression on those components
//! (the same Newton solver as [`super::logistic_regression`]).
//!
//! Both steps are linear, so after fitting the projection is folded into the weights: the
//! model predicts, and is explained, as one linear map of the original (scaled) features.

use linfa::prelude::*;
use linfa_reduction::Pca;
use ndarray::{s, Array2};

use super::background::Background;
use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::linear::LinearSoftmax;
use super::logistic_regression::fit_softmax;
use super::standardize::{Standardizer, INPUT_SCALE};
use crate::ml::error::{MlError, Result};
use crate::ml::ClassLabel;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec {
        name: "variance_kept",
        label: "Variance kept",
        kind: Kind::Number { default: 0.95, min: 0.5, max: 1.0 },
        help: "Share of the scaled features' variance the kept components must explain; lower keeps fewer components.",
    },
    Spec {
        name: "c",
        label: "Inverse regularisation C",
        kind: Kind::Number { default: 1.0, min: 0.0001, max: 10000.0 },
        help: "Regularisation of the logistic regression on the components; smaller is simpler.",
    },
    Spec {
        name: "max_iterations",
        label: "Solver iterations",
        kind: Kind::Integer { default: 300, min: 10, max: 5000 },
        help: "Upper bound on the Newton iterations of the logistic regression (about ten are needed).",
    },
    INPUT_SCALE,
];

#[derive(Debug, Clone, PartialEq)]
pub struct PcaLogisticParams {
    pub variance_kept: f64,
    pub c: f64,
    pub max_iterations: u64,
    pub log_scale: bool,
}

impl PcaLogisticParams {
    pub fn check(raw: &RawHyperparameters) -> Result<PcaLogisticParams> {
        let v = CheckedValues::new("PCA + logistic regression", HYPERPARAMETERS, raw)?;
        Ok(PcaLogisticParams {
            variance_kept: v.number("variance_kept")?,
            c: v.number("c")?,
            max_iterations: v.integer("max_iterations")? as u64,
            log_scale: v.choice("input_scale")? == "log",
        })
    }
}

/// The fitted model plus how many components it kept.
pub fn fit(params: &PcaLogisticParams, x: &Array2<f64>, y: &[ClassLabel]) -> Result<(LinearSoftmax, usize)> {
    let (standardizer, z) = Standardizer::fit_transform(x, params.log_scale);
    let n_features = z.ncols();
    let pca = Pca::params(n_features)
        .fit(&DatasetBase::from(z.clone()))
        .map_err(|e| MlError::Training(format!("PCA: {e}")))?;
    let ratio = pca.explained_variance_ratio();
    let mut kept = 0;
    let mut cumulative = 0.0;
    for r in ratio.iter() {
        kept += 1;
        cumulative += r;
        if cumulative >= params.variance_kept - 1e-12 {
            break;
        }
    }
    // components: one row per component, in decreasing variance.
    let components = pca.components().slice(s![..kept, ..]).to_owned();
    let mean = pca.mean().clone();
    let projected = (&z - &mean).dot(&components.t());
    let (w, b) = fit_softmax(&projected, y, params.c, params.max_iterations)?;
    // logits = (z − mean)·Pᵀ·W + b = z·(PᵀW) + (b − mean·PᵀW)
    let weights = components.t().dot(&w);
    let shift = mean.dot(&weights);
    let intercept = std::array::from_fn(|c| b[c] - shift[c]);
    Ok((LinearSoftmax { standardizer, weights, intercept, background: Background::default() }, kept))
}
