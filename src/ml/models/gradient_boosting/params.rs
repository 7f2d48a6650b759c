//! The booster's hyperparameters: their specs for the form, and the checked values.

use crate::ml::error::Result;
use crate::ml::models::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec { name: "n_rounds", label: "Boosting rounds", kind: Kind::Integer { default: 300, min: 1, max: 5000 },
        help: "Trees per class; more rounds fit more closely (pair with a smaller learning rate)." },
    Spec { name: "learning_rate", label: "Learning rate", kind: Kind::Number { default: 0.05, min: 0.001, max: 1.0 },
        help: "How much each tree's answer counts; smaller needs more rounds and usually generalises better." },
    Spec { name: "max_leaves", label: "Leaves per tree", kind: Kind::Integer { default: 31, min: 2, max: 1024 },
        help: "Trees grow leaf by leaf, best split first, up to this many leaves." },
    Spec { name: "max_depth", label: "Maximum depth", kind: Kind::Integer { default: 0, min: 0, max: 50 },
        help: "Depth limit per tree; 0 means only the leaf budget limits it." },
    Spec { name: "min_data_in_leaf", label: "Minimum objects per leaf", kind: Kind::Integer { default: 20, min: 1, max: 500 },
        help: "Larger values give smoother, less overfitted trees." },
    Spec { name: "lambda_l2", label: "L2 regularisation", kind: Kind::Number { default: 1.0, min: 0.0, max: 100.0 },
        help: "Shrinks leaf values towards zero; helps with small leaves." },
    Spec { name: "subsample", label: "Row subsample", kind: Kind::Number { default: 1.0, min: 0.1, max: 1.0 },
        help: "Share of training objects drawn (without replacement) for each round; below 1 adds randomness that can reduce overfitting." },
    Spec { name: "feature_fraction", label: "Feature fraction", kind: Kind::Number { default: 1.0, min: 0.1, max: 1.0 },
        help: "Share of features each tree may use, drawn per tree." },
    Spec { name: "class_weight", label: "Class weights", kind: Kind::Choice { default: "none", options: &["none", "balanced"] },
        help: "'balanced' weighs each class inversely to its frequency in the loss." },
];

#[derive(Debug, Clone, PartialEq)]
pub struct BoostingParams {
    pub n_rounds: usize,
    pub learning_rate: f64,
    pub max_leaves: usize,
    pub max_depth: usize,
    pub min_data_in_leaf: usize,
    pub lambda_l2: f64,
    pub subsample: f64,
    pub feature_fraction: f64,
    pub balanced: bool,
}

impl BoostingParams {
    pub fn check(raw: &RawHyperparameters) -> Result<BoostingParams> {
        let v = CheckedValues::new("gradient boosting", HYPERPARAMETERS, raw)?;
        Ok(BoostingParams {
            n_rounds: v.integer("n_rounds")? as usize,
            learning_rate: v.number("learning_rate")?,
            max_leaves: v.integer("max_leaves")? as usize,
            max_depth: v.integer("max_depth")? as usize,
            min_data_in_leaf: v.integer("min_data_in_leaf")? as usize,
            lambda_l2: v.number("lambda_l2")?,
            subsample: v.number("subsample")?,
            feature_fraction: v.number("feature_fraction")?,
            balanced: v.choice("class_weight")? == "balanced",
        })
    }
}
