//! Raw hyperparameters checked into one family's parameters: the only form `fit` accepts.

use super::decision_tree::DecisionTreeParams;
use super::gradient_boosting::BoostingParams;
use super::hyperparameters::RawHyperparameters;
use super::logistic_regression::LogisticParams;
use super::model_kind::ModelKind;
use super::neural_network::MlpParams;
use super::pca_logistic::PcaLogisticParams;
use super::random_forest::ForestParams;
use super::svm::SvmParams;
use crate::ml::error::Result;

/// Checked hyperparameters: only these reach `fit`.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelParams {
    LogisticRegression(LogisticParams),
    Svm(SvmParams),
    DecisionTree(DecisionTreeParams),
    RandomForest(ForestParams),
    GradientBoosting(BoostingParams),
    PcaLogistic(PcaLogisticParams),
    NeuralNetwork(MlpParams),
}

impl ModelParams {
    pub fn check(kind: ModelKind, raw: &RawHyperparameters) -> Result<ModelParams> {
        Ok(match kind {
            ModelKind::LogisticRegression => ModelParams::LogisticRegression(LogisticParams::check(raw)?),
            ModelKind::Svm => ModelParams::Svm(SvmParams::check(raw)?),
            ModelKind::DecisionTree => ModelParams::DecisionTree(DecisionTreeParams::check(raw)?),
            ModelKind::RandomForest => ModelParams::RandomForest(ForestParams::check(raw)?),
            ModelKind::GradientBoosting => ModelParams::GradientBoosting(BoostingParams::check(raw)?),
            ModelKind::PcaLogistic => ModelParams::PcaLogistic(PcaLogisticParams::check(raw)?),
            ModelKind::NeuralNetwork => ModelParams::NeuralNetwork(MlpParams::check(raw)?),
        })
    }

    pub fn kind(&self) -> ModelKind {
        match self {
            ModelParams::LogisticRegression(_) => ModelKind::LogisticRegression,
            ModelParams::Svm(_) => ModelKind::Svm,
            ModelParams::DecisionTree(_) => ModelKind::DecisionTree,
            ModelParams::RandomForest(_) => ModelKind::RandomForest,
            ModelParams::GradientBoosting(_) => ModelKind::GradientBoosting,
            ModelParams::PcaLogistic(_) => ModelKind::PcaLogistic,
            ModelParams::NeuralNetwork(_) => ModelKind::NeuralNetwork,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hyperparameters::HyperparameterKind;
    use serde_json::json;

    #[test]
    fn every_hyperparameter_refuses_bad_values_with_a_reason() {
        for kind in ModelKind::ALL {
            for spec in kind.hyperparameters() {
                let bad = match spec.kind {
                    HyperparameterKind::Integer { max, .. } => json!(max + 1),
                    HyperparameterKind::Number { max, .. } => json!(max * 2.0 + 1.0),
                    HyperparameterKind::Choice { .. } => json!("bogus"),
                    HyperparameterKind::Boolean { .. } => json!(3),
                };
                let raw: RawHyperparameters = [(spec.name.to_string(), bad.clone())].into_iter().collect();
                let err = ModelParams::check(kind, &raw)
                    .err()
                    .unwrap_or_else(|| panic!("{} accepted {}={bad}", kind.id(), spec.name));
                let text = err.to_string();
                assert!(
                    text.contains(spec.name)
                        && (text.contains("between") || text.contains("one of") || text.contains("true or false")),
                    "{text}"
                );
            }
            let typo: RawHyperparameters = [("no_such_setting".to_string(), json!(1))].into_iter().collect();
            assert!(ModelParams::check(kind, &typo).is_err(), "{} accepted an unknown name", kind.id());
        }
    }
}
