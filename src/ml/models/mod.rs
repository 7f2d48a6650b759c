//! Model families behind one interface: pick a [`ModelKind`], check raw hyperparameters into
//! [`ModelParams`], fit into a [`TrainedModel`] that gives class probabilities.

pub mod binning;
pub mod boost_tree;
pub mod cost;
pub mod decision_tree;
pub mod float_serde;
pub mod gradient_boosting;
pub mod hist_tree;
pub mod hyperparameters;
pub mod linear;
pub mod logistic_regression;
pub mod neural_network;
pub mod pca_logistic;
pub mod presets;
pub mod random_forest;
pub mod smo;
pub mod standardize;
pub mod svm;
pub mod tree;

use ndarray::Array2;

use self::decision_tree::{DecisionTreeModel, DecisionTreeParams};
use self::gradient_boosting::{BoostingParams, GradientBoosting};
use self::hyperparameters::{HyperparameterSpec, RawHyperparameters};
use self::linear::LinearSoftmax;
use self::logistic_regression::LogisticParams;
use self::neural_network::{Mlp, MlpParams};
use self::pca_logistic::PcaLogisticParams;
use self::random_forest::{ForestParams, RandomForest};
use self::svm::{SvmModel, SvmParams};
use super::error::{MlError, Result};
use super::progress::ProgressSlice;
use super::ClassLabel;

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

/// A fitted model; serialised (JSON, tagged by family) for the model store and downloads.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "family", content = "model", rename_all = "snake_case")]
pub enum TrainedModel {
    LogisticRegression(LinearSoftmax),
    Svm(SvmModel),
    DecisionTree(DecisionTreeModel),
    RandomForest(RandomForest),
    GradientBoosting(GradientBoosting),
    /// The folded linear model and the number of components kept.
    PcaLogistic(LinearSoftmax, usize),
    NeuralNetwork(Mlp),
}

impl TrainedModel {
    pub fn fit(
        params: &ModelParams,
        x: &Array2<f64>,
        y: &[ClassLabel],
        seed: u64,
        progress: &ProgressSlice,
    ) -> Result<TrainedModel> {
        if progress.is_cancelled() {
            return Err(MlError::Cancelled);
        }
        Ok(match params {
            ModelParams::LogisticRegression(p) => {
                progress.report(0.0, "Fitting logistic regression (L-BFGS)");
                TrainedModel::LogisticRegression(logistic_regression::fit(p, x, y)?)
            }
            ModelParams::Svm(p) => TrainedModel::Svm(SvmModel::fit(p, x, y, progress)?),
            ModelParams::DecisionTree(p) => {
                progress.report(0.0, "Growing the decision tree");
                TrainedModel::DecisionTree(DecisionTreeModel::fit(p, x, y, seed)?)
            }
            ModelParams::RandomForest(p) => TrainedModel::RandomForest(RandomForest::fit(p, x, y, seed, progress)?),
            ModelParams::GradientBoosting(p) => {
                TrainedModel::GradientBoosting(GradientBoosting::fit(p, x, y, seed, progress)?)
            }
            ModelParams::PcaLogistic(p) => {
                progress.report(0.0, "Projecting onto principal components (PCA)");
                let (model, kept) = pca_logistic::fit(p, x, y)?;
                progress.report(1.0, &format!("Fitted logistic regression on {kept} components"));
                TrainedModel::PcaLogistic(model, kept)
            }
            ModelParams::NeuralNetwork(p) => TrainedModel::NeuralNetwork(Mlp::fit(p, x, y, seed, progress)?),
        })
    }

    /// One probability vector per row, in [`ClassLabel::ALL`] order, each summing to 1.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; ClassLabel::COUNT]> {
        match self {
            TrainedModel::LogisticRegression(m) | TrainedModel::PcaLogistic(m, _) => m.predict_proba(x),
            TrainedModel::Svm(m) => m.predict_proba(x),
            TrainedModel::DecisionTree(m) => m.predict_proba(x),
            TrainedModel::RandomForest(m) => m.predict_proba(x),
            TrainedModel::GradientBoosting(m) => m.predict_proba(x),
            TrainedModel::NeuralNetwork(m) => m.predict_proba(x),
        }
    }

    /// A short structural summary for the result page ("200 trees, mean depth 24.1").
    pub fn summary(&self) -> String {
        match self {
            TrainedModel::LogisticRegression(m) => {
                format!("{} weights per class on scaled inputs, weight norm {:.2}", m.weights.nrows(), m.weight_norm())
            }
            TrainedModel::PcaLogistic(m, kept) => {
                format!("{kept} of {} principal components kept, logistic regression on them", m.weights.nrows())
            }
            TrainedModel::Svm(m) => {
                format!("3 one-vs-rest RBF machines, {} support vectors pooled, γ = {:.4}", m.support_count(), m.gamma)
            }
            TrainedModel::DecisionTree(m) => {
                format!("1 tree, depth {}, {} leaves", m.tree.depth(), m.tree.leaf_count())
            }
            TrainedModel::RandomForest(m) => {
                let n = m.trees.len().max(1) as f64;
                let depth = m.trees.iter().map(|t| t.depth() as f64).sum::<f64>() / n;
                let leaves = m.trees.iter().map(|t| t.leaf_count() as f64).sum::<f64>() / n;
                format!("{} trees, mean depth {depth:.1}, mean {leaves:.0} leaves", m.trees.len())
            }
            TrainedModel::GradientBoosting(m) => {
                let n = m.trees.len().max(1) as f64;
                let leaves = m.trees.iter().map(|(_, t)| t.leaf_count() as f64).sum::<f64>() / n;
                format!("{} trees ({} rounds × classes), mean {leaves:.1} leaves", m.trees.len(), m.trees.len() / 3)
            }
            TrainedModel::NeuralNetwork(m) => {
                let sizes: Vec<String> = m.layers.iter().map(|l| l.w.ncols().to_string()).collect();
                format!(
                    "layers {} → {}, {} epochs run, weights of epoch {} kept",
                    m.layers[0].w.nrows(),
                    sizes.join(" → "),
                    m.epochs,
                    m.best_epoch
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::hyperparameters::HyperparameterKind;
    use super::*;
    use crate::ml::metrics::argmax;
    use crate::ml::progress::SilentProgress;
    use serde_json::json;

    fn slice() -> ProgressSlice<'static> {
        ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
    }

    /// Three separable blobs in four features, with missing values and one useless column.
    fn blobs() -> (Array2<f64>, Vec<ClassLabel>) {
        let n = 180;
        let x = Array2::from_shape_fn((n, 4), |(i, j)| {
            let class = (i % 3) as f64;
            let jitter = ((i * 7 + j * 13) % 11) as f64 / 11.0;
            match j {
                0 => class * 4.0 + jitter,
                1 if i % 9 == 0 => f64::NAN,
                1 => -class * 3.0 + jitter,
                2 => 100.0 * jitter,
                _ => 1.0,
            }
        });
        let y = (0..n).map(|i| ClassLabel::ALL[i % 3]).collect();
        (x, y)
    }

    /// Small settings so every family trains in well under a second here.
    fn quick(kind: ModelKind) -> RawHyperparameters {
        let raw = match kind {
            ModelKind::RandomForest => json!({"n_trees": 20}),
            ModelKind::GradientBoosting => json!({"n_rounds": 30, "min_data_in_leaf": 5}),
            ModelKind::NeuralNetwork => json!({"max_epochs": 60, "batch_size": 16, "learning_rate": 0.01}),
            _ => json!({}),
        };
        serde_json::from_value(raw).unwrap()
    }

    #[test]
    fn every_family_fits_predicts_and_reproduces_bit_for_bit() {
        let (x, y) = blobs();
        for kind in ModelKind::ALL {
            let params = ModelParams::check(kind, &quick(kind)).unwrap();
            let model = TrainedModel::fit(&params, &x, &y, 3, &slice()).unwrap();
            let p = model.predict_proba(&x);
            assert_eq!(p.len(), x.nrows());
            for row in &p {
                assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{}: {row:?}", kind.id());
                assert!(row.iter().all(|v| (0.0..=1.0).contains(v)), "{}: {row:?}", kind.id());
            }
            let correct = p.iter().zip(&y).filter(|(p, y)| argmax(p) == **y).count();
            assert!(
                correct as f64 / y.len() as f64 >= 0.9,
                "{}: {correct}/{} right on separable blobs",
                kind.id(),
                y.len()
            );
            let again = TrainedModel::fit(&params, &x, &y, 3, &slice()).unwrap().predict_proba(&x);
            assert_eq!(p, again, "{} is not reproducible", kind.id());
            assert!(!model.summary().is_empty());
        }
    }

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

    #[test]
    fn a_single_class_is_refused_not_a_panic() {
        let (x, _) = blobs();
        let y = vec![ClassLabel::Confirmed; x.nrows()];
        for kind in [ModelKind::Svm, ModelKind::GradientBoosting] {
            let params = ModelParams::check(kind, &quick(kind)).unwrap();
            assert!(TrainedModel::fit(&params, &x, &y, 1, &slice()).is_err(), "{}", kind.id());
        }
    }
}
