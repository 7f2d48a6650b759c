//! Multinomial logistic regression on imputed, scaled inputs, fitted by our own Newton
//! solver ([`newton`]).
//!
//! The objective is linfa-logistic's, which this family used before: `Σ −log softmax +
//! α/2 ‖W‖²` over the rows (a sum, not a mean, intercepts not penalised), scikit-learn's
//! objective with `α = 1 / C`; the form asks for `C` so figures compare one to one. linfa's
//! L-BFGS was replaced because it was 4.6–8.2× slower than scikit-learn's fit (see
//! [`newton`]); the fitted model is the same [`LinearSoftmax`], so saved models load and
//! predict as before. No sample weights (as before), so this family has no class weights.

mod newton;

use ndarray::Array2;

use super::background::Background;
use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::linear::LinearSoftmax;
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
        help: "Upper bound on the solver's Newton iterations (about ten are needed); a lower bound stops it early.",
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
    let (standardizer, z) = Standardizer::fit_transform(x, params.log_scale);
    let (weights, intercept) = fit_softmax(&z, y, params.c, params.max_iterations)?;
    Ok(LinearSoftmax { standardizer, weights, intercept, background: Background::default() })
}

/// The multinomial fit on already prepared inputs; weights come back in our class order,
/// with −∞ intercepts (probability 0) for classes absent from `y`.
pub fn fit_softmax(
    z: &Array2<f64>,
    y: &[ClassLabel],
    c: f64,
    max_iterations: u64,
) -> Result<(Array2<f64>, [f64; ClassLabel::COUNT])> {
    const K: usize = ClassLabel::COUNT;
    let present: Vec<usize> = (0..K).filter(|&k| y.iter().any(|l| l.index() == k)).collect();
    if present.len() < 2 {
        return Err(MlError::Training("logistic regression needs at least two classes in the training part".into()));
    }
    if z.iter().any(|v| !v.is_finite()) {
        return Err(MlError::Training("logistic regression: the scaled inputs are not all finite".into()));
    }
    let column = |label: &ClassLabel| present.iter().position(|&k| k == label.index()).expect("a present class");
    let targets: Vec<usize> = y.iter().map(column).collect();
    let fitted = newton::fit(z, &targets, present.len(), 1.0 / c, max_iterations as usize);
    let d = z.ncols();
    let mut weights = Array2::zeros((d, K));
    let mut intercept = [f64::NEG_INFINITY; K];
    for (col, &class) in present.iter().enumerate() {
        weights.column_mut(class).assign(&fitted.theta.column(col).slice(ndarray::s![..d]));
        intercept[class] = fitted.theta[[d, col]];
    }
    Ok((weights, intercept))
}
