//! The network's hyperparameters: their specs for the form, and the checked values.

use crate::ml::error::Result;
use crate::ml::models::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use crate::ml::models::standardize::INPUT_SCALE;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec { name: "hidden_layers", label: "Hidden layers", kind: Kind::Choice { default: "64,32", options: &["32", "64", "64,32", "128,64", "128,64,32"] },
        help: "Neurons per hidden layer; bigger networks can learn more and overfit sooner." },
    Spec { name: "learning_rate", label: "Learning rate", kind: Kind::Number { default: 0.001, min: 0.00001, max: 0.1 },
        help: "Adam's step size; too large and training oscillates, too small and it crawls." },
    Spec { name: "l2", label: "L2 penalty", kind: Kind::Number { default: 0.0001, min: 0.0, max: 1.0 },
        help: "Weight decay; larger values give smoother, less overfitted networks." },
    Spec { name: "batch_size", label: "Batch size", kind: Kind::Integer { default: 200, min: 8, max: 2048 },
        help: "Objects per gradient step." },
    Spec { name: "max_epochs", label: "Maximum epochs", kind: Kind::Integer { default: 200, min: 1, max: 2000 },
        help: "Upper bound on passes over the training data." },
    Spec { name: "patience", label: "Early-stopping patience", kind: Kind::Integer { default: 10, min: 1, max: 200 },
        help: "Stop after this many epochs without a better validation loss (10 % of the training part is held out for this); the best epoch's weights are kept." },
    Spec { name: "class_weight", label: "Class weights", kind: Kind::Choice { default: "none", options: &["none", "balanced"] },
        help: "'balanced' weighs each class inversely to its frequency in the loss." },
    INPUT_SCALE,
];

#[derive(Debug, Clone, PartialEq)]
pub struct MlpParams {
    pub hidden: Vec<usize>,
    pub learning_rate: f64,
    pub l2: f64,
    pub batch_size: usize,
    pub max_epochs: usize,
    pub patience: usize,
    pub balanced: bool,
    pub log_scale: bool,
}

impl MlpParams {
    pub fn check(raw: &RawHyperparameters) -> Result<MlpParams> {
        let v = CheckedValues::new("neural network", HYPERPARAMETERS, raw)?;
        Ok(MlpParams {
            hidden: v.choice("hidden_layers")?.split(',').map(|s| s.parse().expect("option list")).collect(),
            learning_rate: v.number("learning_rate")?,
            l2: v.number("l2")?,
            batch_size: v.integer("batch_size")? as usize,
            max_epochs: v.integer("max_epochs")? as usize,
            patience: v.integer("patience")? as usize,
            balanced: v.choice("class_weight")? == "balanced",
            log_scale: v.choice("input_scale")? == "log",
        })
    }
}
