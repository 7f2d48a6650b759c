//! A model family's card for the catalogue (hyperparameters, presets, how it is explained),
//! and the hyperparameter values a training actually used.

use std::collections::BTreeMap;

use crate::api::*;
use crate::ml::models::hyperparameters::{HyperparameterKind, HyperparameterSpec};
use crate::ml::models::presets::presets;
use crate::ml::models::ModelKind;

pub fn model_info(kind: ModelKind) -> ModelInfo {
    ModelInfo {
        id: kind.id().into(),
        name: kind.name().into(),
        description: kind.description().into(),
        missing_values: kind.missing_values().into(),
        hyperparameters: kind.hyperparameters().iter().map(hyperparameter_info).collect(),
        presets: presets(kind)
            .into_iter()
            .map(|p| PresetInfo {
                id: p.id.into(),
                label: p.label.into(),
                description: p.description.into(),
                values: serde_json::from_value(p.values).unwrap_or_default(),
            })
            .collect(),
        class_weights: kind.supports_class_weights(),
        explanation: explanation_summary(kind).into(),
    }
}

/// How a family's predictions are explained, for the model cards.
fn explanation_summary(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::DecisionTree | ModelKind::RandomForest => "Exact TreeSHAP, in probability",
        ModelKind::GradientBoosting => {
            "Exact interventional TreeSHAP against 100 training objects, in probability (its margins on request: path-dependent TreeSHAP)"
        }
        ModelKind::LogisticRegression | ModelKind::PcaLogistic => {
            "Exact linear SHAP against 100 training objects, in probability (its log-odds on request)"
        }
        ModelKind::Svm | ModelKind::NeuralNetwork => "Sampled permutation SHAP, in probability",
    }
}

fn hyperparameter_info(spec: &HyperparameterSpec) -> HyperparameterInfo {
    let (kind, default, min, max, options): (ParamKind, serde_json::Value, _, _, Vec<String>) = match &spec.kind {
        HyperparameterKind::Integer { default, min, max } => {
            (ParamKind::Integer, (*default).into(), Some(*min as f64), Some(*max as f64), vec![])
        }
        HyperparameterKind::Number { default, min, max } => {
            (ParamKind::Number, (*default).into(), Some(*min), Some(*max), vec![])
        }
        HyperparameterKind::Choice { default, options } => {
            (ParamKind::Choice, (*default).into(), None, None, options.iter().map(|o| o.to_string()).collect())
        }
        HyperparameterKind::Boolean { default } => (ParamKind::Boolean, (*default).into(), None, None, vec![]),
    };
    HyperparameterInfo {
        name: spec.name.into(),
        label: spec.label.into(),
        kind,
        default,
        min,
        max,
        options,
        help: spec.help.into(),
    }
}

/// Every hyperparameter's value as used: the request's where given, else the default.
pub(super) fn effective_hyperparameters(
    kind: ModelKind,
    request: &TrainRequest,
) -> BTreeMap<String, serde_json::Value> {
    with_defaults(kind, &request.hyperparameters)
}

/// Every hyperparameter of the family: the given values, the defaults for the rest.
pub(super) fn with_defaults(
    kind: ModelKind,
    values: &BTreeMap<String, serde_json::Value>,
) -> BTreeMap<String, serde_json::Value> {
    model_info(kind)
        .hyperparameters
        .into_iter()
        .map(|h| {
            let value = values.get(&h.name).cloned().unwrap_or(h.default);
            (h.name, value)
        })
        .collect()
}
