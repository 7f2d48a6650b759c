//! Which explainer each model family gets, the sampled explainer's budgets, and the exact
//! linear SHAP of the logistic models.

use crate::domain::ExplanationSpace;
use ndarray::Array2;

use super::boosting_shap::explain_boosting;
use super::explanations::Explanations;
use super::forest_shap::explain_trees;
use super::permutation_shap::{background_sample, explain_sampled, Budget};
use super::probability_shap::{explain_boosting_probability, explain_linear_probability};
use crate::ml::models::linear::LinearSoftmax;
use crate::ml::models::TrainedModel;
use crate::ml::progress::ProgressSlice;

/// Budgets of the sampled explainer: the SVM is ~50× costlier to evaluate than the MLP.
pub const SVM_BUDGET: Budget = Budget { background: 8, permutations: 1 };
pub const MLP_BUDGET: Budget = Budget { background: 16, permutations: 2 };

/// Explains `x` (the held-out objects). `train` supplies the background sample of the
/// sampled explainer; `seed` makes its draws reproducible.
pub fn explain(
    model: &TrainedModel,
    x: &Array2<f64>,
    train: &Array2<f64>,
    seed: u64,
    progress: &ProgressSlice,
) -> Explanations {
    match model {
        TrainedModel::DecisionTree(m) => {
            Explanations { outputs: m.predict_proba(x), ..explain_trees(&[&m.tree], x, progress) }
        }
        TrainedModel::RandomForest(m) => Explanations {
            outputs: m.predict_proba(x),
            ..explain_trees(&m.trees.iter().collect::<Vec<_>>(), x, progress)
        },
        // In probability against the model's background; a model saved before backgrounds
        // were kept has only its scores to explain.
        TrainedModel::GradientBoosting(m) => {
            explain_boosting_probability(m, x, progress).unwrap_or_else(|| explain_boosting(m, x, progress))
        }
        TrainedModel::LogisticRegression(m) | TrainedModel::PcaLogistic(m, _) => {
            explain_linear_probability(m, x).unwrap_or_else(|| explain_linear(m, x))
        }
        TrainedModel::Svm(m) => {
            let bg = background_sample(train, SVM_BUDGET.background, seed);
            explain_sampled(|b| m.predict_proba(b), x, &bg, SVM_BUDGET, seed, progress)
        }
        TrainedModel::NeuralNetwork(m) => {
            let bg = background_sample(train, MLP_BUDGET.background, seed);
            explain_sampled(|b| m.predict_proba(b), x, &bg, MLP_BUDGET, seed, progress)
        }
    }
}

/// The explanation of the class scores the softmax turns into probabilities (the booster's
/// margins, logistic regression's log-odds): exact, path-dependent TreeSHAP for the booster
/// and linear SHAP for the logistic models. `None` for the families explained in
/// probability only (their outputs are probabilities).
pub fn explain_scores(model: &TrainedModel, x: &Array2<f64>, progress: &ProgressSlice) -> Option<Explanations> {
    match model {
        TrainedModel::GradientBoosting(m) => Some(explain_boosting(m, x, progress)),
        TrainedModel::LogisticRegression(m) | TrainedModel::PcaLogistic(m, _) => Some(explain_linear(m, x)),
        _ => None,
    }
}

/// Exact linear SHAP: see [`LinearSoftmax::shap_row`].
fn explain_linear(m: &LinearSoftmax, x: &Array2<f64>) -> Explanations {
    let x = x.as_standard_layout();
    let values = x.rows().into_iter().map(|r| m.shap_row(r.as_slice().expect("standard layout"))).collect();
    Explanations {
        space: ExplanationSpace::LogOdds,
        method: "Exact linear SHAP on the model's weights (features taken as independent; baseline = training mean of the scaled inputs)".into(),
        background: 0,
        base: m.intercept.map(finite_or_zero),
        values,
        outputs: m.logits(&x.to_owned()).rows().into_iter().map(|r| std::array::from_fn(|c| finite_or_zero(r[c]))).collect(),
    }
}

/// A class absent from training has a −∞ score; its explanation is reported as all zeros.
pub(super) fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}
