//! Multinomial logistic regression (linfa-logistic, L-BFGS) on imputed, scaled inputs.
//!
//! linfa minimises `Σ −log softmax + α/2 ‖W‖²` over the rows (a sum, not a mean), which is
//! scikit-learn's objective with `α = 1 / C`; the form asks for `C` so figures compare one
//! to one. linfa-logistic takes no sample weights, so this family offers no class weights.

use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};

use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::linear::{by_class, LinearSoftmax};
use super::standardize::{Standardizer, INPUT_SCALE};
use crate::ml::error::{MlError, Result};
use crate::ml::ClassLabel;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec {
        name: "c",
        label: "Inverse regularisation C",
        kind: Kind::Number { default: 1.0, min: 0.0001, max: 10000.0 },
        help: "Smaller C pulls the weights towards zero (simpler model); larger C fits the training set more closely.",
    },
    Spec {
        name: "max_iterations",
        label: "Solver iterations",
        kind: Kind::Integer { default: 300, min: 10, max: 5000 },
        help: "Upper bound on L-BFGS iterations; raise it if the solver stops before converging.",
    },
    INPUT_SCALE,
];

#[derive(Debug, Clone, PartialEq)]
pub struct LogisticParams {
    pub c: f64,
    pub max_iterations: u64,
    pub log_scale: bool,
}

impl LogisticParams {
    pub fn check(raw: &RawHyperparameters) -> Result<LogisticParams> {
        let v = CheckedValues::new("logistic regression", HYPERPARAMETERS, raw)?;
        Ok(LogisticParams {
            c: v.number("c")?,
            max_iterations: v.integer("max_iterations")? as u64,
            log_scale: v.choice("input_scale")? == "log",
        })
    }
}

pub fn fit(params: &LogisticParams, x: &Array2<f64>, y: &[ClassLabel]) -> Result<LinearSoftmax> {
    let standardizer = Standardizer::fit(x, params.log_scale);
    let z = standardizer.transform(x);
    let (weights, intercept) = fit_softmax(&z, y, params.c, params.max_iterations)?;
    Ok(LinearSoftmax { standardizer, weights, intercept })
}

/// linfa's multinomial fit on already prepared inputs; weights come back in our class order.
pub fn fit_softmax(
    z: &Array2<f64>,
    y: &[ClassLabel],
    c: f64,
    max_iterations: u64,
) -> Result<(Array2<f64>, [f64; ClassLabel::COUNT])> {
    let targets: Array1<usize> = y.iter().map(|c| c.index()).collect();
    let dataset = Dataset::new(z.clone(), targets);
    let fitted = MultiLogisticRegression::new()
        .alpha(1.0 / c)
        .max_iterations(max_iterations)
        .fit(&dataset)
        .map_err(|e| MlError::Training(format!("logistic regression: {e}")))?;
    Ok(by_class(fitted.params(), fitted.intercept(), fitted.classes(), z.ncols()))
}
