//! Named hyperparameter presets per family ("fast", "balanced", "accurate"). "balanced" is
//! always the defaults; the others trade time for quality in the direction their name says
//! (measured with the `bench` binary on the canonical split).

use serde_json::{json, Value};

use super::ModelKind;

pub struct Preset {
    pub id: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    /// Values that differ from the defaults.
    pub values: Value,
}

pub fn presets(kind: ModelKind) -> Vec<Preset> {
    let (fast, fast_text, accurate, accurate_text) = match kind {
        ModelKind::LogisticRegression => (
            json!({"max_iterations": 100}),
            "fewer solver iterations",
            json!({"max_iterations": 2000, "c": 0.5}),
            "more iterations, a little more regularisation",
        ),
        ModelKind::Svm => (
            json!({"tolerance": 0.01}),
            "looser solver tolerance",
            json!({"tolerance": 0.0001, "c": 2.0}),
            "tighter tolerance, larger C",
        ),
        ModelKind::DecisionTree => (
            json!({"max_depth": 6}),
            "a shallow tree",
            json!({"max_depth": 10, "min_samples_leaf": 5}),
            "smoother leaves",
        ),
        ModelKind::RandomForest => (
            json!({"n_trees": 50}),
            "50 trees",
            json!({"n_trees": 500, "max_features": "third"}),
            "500 trees, a third of the features per split",
        ),
        ModelKind::GradientBoosting => (
            json!({"n_rounds": 100, "learning_rate": 0.15}),
            "100 rounds at a higher learning rate",
            json!({"n_rounds": 1000, "learning_rate": 0.02, "subsample": 0.8, "feature_fraction": 0.8}),
            "1000 slower rounds with row and feature sampling",
        ),
        ModelKind::PcaLogistic => (
            json!({"variance_kept": 0.8}),
            "fewer components",
            json!({"variance_kept": 0.99}),
            "nearly all variance kept",
        ),
        ModelKind::NeuralNetwork => (
            json!({"hidden_layers": "32", "max_epochs": 50}),
            "one small layer, at most 50 epochs",
            json!({"hidden_layers": "128,64", "patience": 20}),
            "a wider network, more patience",
        ),
    };
    vec![
        Preset { id: "fast", label: "Fast", description: fast_text, values: fast },
        Preset { id: "balanced", label: "Balanced", description: "the defaults", values: json!({}) },
        Preset { id: "accurate", label: "Accurate", description: accurate_text, values: accurate },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::ModelParams;

    /// Every preset is a valid set of hyperparameters for its family.
    #[test]
    fn every_preset_passes_validation() {
        for kind in ModelKind::ALL {
            for preset in presets(kind) {
                let raw = serde_json::from_value(preset.values.clone()).unwrap();
                ModelParams::check(kind, &raw).unwrap_or_else(|e| panic!("{} {}: {e}", kind.id(), preset.id));
            }
        }
    }
}
