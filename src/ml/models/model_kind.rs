//! The catalogue of model families: ids, names, descriptions, hyperparameters, and how
//! each treats missing values, for the forms and every result.

use super::hyperparameters::HyperparameterSpec;
use super::{decision_tree, gradient_boosting, logistic_regression, neural_network, pca_logistic, random_forest, svm};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    LogisticRegression,
    Svm,
    DecisionTree,
    RandomForest,
    GradientBoosting,
    PcaLogistic,
    NeuralNetwork,
}

impl ModelKind {
    pub const ALL: [ModelKind; 7] = [
        ModelKind::LogisticRegression,
        ModelKind::Svm,
        ModelKind::DecisionTree,
        ModelKind::RandomForest,
        ModelKind::GradientBoosting,
        ModelKind::PcaLogistic,
        ModelKind::NeuralNetwork,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ModelKind::LogisticRegression => "logistic_regression",
            ModelKind::Svm => "svm",
            ModelKind::DecisionTree => "decision_tree",
            ModelKind::RandomForest => "random_forest",
            ModelKind::GradientBoosting => "gradient_boosting",
            ModelKind::PcaLogistic => "pca_logistic",
            ModelKind::NeuralNetwork => "neural_network",
        }
    }

    pub fn from_id(id: &str) -> Option<ModelKind> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::LogisticRegression => "Logistic regression",
            ModelKind::Svm => "Support vector machine",
            ModelKind::DecisionTree => "Decision tree",
            ModelKind::RandomForest => "Random forest",
            ModelKind::GradientBoosting => "Gradient boosting",
            ModelKind::PcaLogistic => "PCA + logistic regression",
            ModelKind::NeuralNetwork => "Neural network (MLP)",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ModelKind::LogisticRegression => "A weighted sum of the (scaled) features per class, turned into probabilities. Fast, transparent, and a baseline every other model should beat.",
            ModelKind::Svm => "Finds the widest margin between each class and the rest in a curved (RBF-kernel) feature space; probabilities by Platt calibration. Slowest to train here.",
            ModelKind::DecisionTree => "One tree of yes/no questions on the features. Fast and readable, but its probabilities are coarse.",
            ModelKind::RandomForest => "Many trees on resampled data, each split choosing among a random subset of features; their probabilities are averaged.",
            ModelKind::GradientBoosting => "Hundreds of small trees, each correcting the errors of those before it (LightGBM-style histogram boosting). Usually the most accurate on tables like these.",
            ModelKind::PcaLogistic => "Compresses the scaled features into their main directions of variation (PCA), then fits logistic regression on those.",
            ModelKind::NeuralNetwork => "A small multi-layer perceptron trained by gradient descent, stopping early when a held-back slice of the training data stops improving.",
        }
    }

    pub fn hyperparameters(self) -> &'static [HyperparameterSpec] {
        match self {
            ModelKind::LogisticRegression => logistic_regression::HYPERPARAMETERS,
            ModelKind::Svm => svm::HYPERPARAMETERS,
            ModelKind::DecisionTree => decision_tree::HYPERPARAMETERS,
            ModelKind::RandomForest => random_forest::HYPERPARAMETERS,
            ModelKind::GradientBoosting => gradient_boosting::HYPERPARAMETERS,
            ModelKind::PcaLogistic => pca_logistic::HYPERPARAMETERS,
            ModelKind::NeuralNetwork => neural_network::HYPERPARAMETERS,
        }
    }

    /// How the family treats missing values, stated with every result.
    pub fn missing_values(self) -> &'static str {
        match self {
            ModelKind::DecisionTree | ModelKind::RandomForest => "Native: at each split, missing values go to the side that scores better (learned on the training part); no imputation.",
            ModelKind::GradientBoosting => "Native: at each split, missing values go to the side with the larger gain, or are split off on their own; no imputation.",
            ModelKind::LogisticRegression | ModelKind::Svm | ModelKind::PcaLogistic | ModelKind::NeuralNetwork => {
                "Imputed: a missing value is replaced by the training median of its column, then every column is scaled to mean 0 and variance 1 (on the training part)."
            }
        }
    }

    /// Whether the family can weigh classes (the `class_weight` hyperparameter).
    pub fn supports_class_weights(self) -> bool {
        self.hyperparameters().iter().any(|s| s.name == "class_weight")
    }
}
