//! A fitted model of any family: fitting dispatched by its parameters, class
//! probabilities, and the structural summary shown with a result.

use ndarray::Array2;

use super::background::Background;
use super::decision_tree::DecisionTreeModel;
use super::gradient_boosting::GradientBoosting;
use super::linear::LinearSoftmax;
use super::model_params::ModelParams;
use super::neural_network::Mlp;
use super::random_forest::RandomForest;
use super::svm::SvmModel;
use super::{logistic_regression, pca_logistic};
use crate::ml::error::{MlError, Result};
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

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
                progress.report(0.0, "Fitting logistic regression (Newton's method)");
                let model = logistic_regression::fit(p, x, y)?;
                TrainedModel::LogisticRegression(LinearSoftmax { background: Background::sample(x, seed), ..model })
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
                TrainedModel::PcaLogistic(LinearSoftmax { background: Background::sample(x, seed), ..model }, kept)
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
    use super::*;
    use crate::ml::metrics::argmax;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::models::ModelKind;
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
    fn a_single_class_is_refused_not_a_panic() {
        let (x, _) = blobs();
        let y = vec![ClassLabel::Confirmed; x.nrows()];
        for kind in [ModelKind::Svm, ModelKind::GradientBoosting] {
            let params = ModelParams::check(kind, &quick(kind)).unwrap();
            assert!(TrainedModel::fit(&params, &x, &y, 1, &slice()).is_err(), "{}", kind.id());
        }
    }
}
