//! Model families behind one interface: pick a [`ModelKind`], check raw hyperparameters into
//! [`ModelParams`], fit into a [`TrainedModel`] that gives class probabilities.

pub mod binning;
pub mod decision_tree;
pub mod hist_tree;
pub mod hyperparameters;
pub mod random_forest;
pub mod tree;

use ndarray::Array2;

use self::decision_tree::{DecisionTreeModel, DecisionTreeParams};
use self::hyperparameters::{HyperparameterSpec, RawHyperparameters};
use self::random_forest::{ForestParams, RandomForest};
use super::error::{MlError, Result};
use super::progress::ProgressSlice;
use super::ClassLabel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    DecisionTree,
    RandomForest,
}

impl ModelKind {
    pub const ALL: [ModelKind; 2] = [ModelKind::DecisionTree, ModelKind::RandomForest];

    pub fn id(self) -> &'static str {
        match self {
            ModelKind::DecisionTree => "decision_tree",
            ModelKind::RandomForest => "random_forest",
        }
    }

    pub fn from_id(id: &str) -> Option<ModelKind> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::DecisionTree => "Decision tree",
            ModelKind::RandomForest => "Random forest",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ModelKind::DecisionTree => "One tree of yes/no questions on the features. Fast and readable, but its probabilities are coarse.",
            ModelKind::RandomForest => "Many trees on resampled data, each split choosing among a random subset of features; their probabilities are averaged.",
        }
    }

    pub fn hyperparameters(self) -> &'static [HyperparameterSpec] {
        match self {
            ModelKind::DecisionTree => decision_tree::HYPERPARAMETERS,
            ModelKind::RandomForest => random_forest::HYPERPARAMETERS,
        }
    }

    /// How the family treats missing values, stated with every result.
    pub fn missing_values(self) -> &'static str {
        match self {
            ModelKind::DecisionTree | ModelKind::RandomForest => "Native: at each split, missing values go to the side that scores better (learned on the training part); no imputation.",
        }
    }
}

/// Checked hyperparameters: only these reach `fit`.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelParams {
    DecisionTree(DecisionTreeParams),
    RandomForest(ForestParams),
}

impl ModelParams {
    pub fn check(kind: ModelKind, raw: &RawHyperparameters) -> Result<ModelParams> {
        Ok(match kind {
            ModelKind::DecisionTree => ModelParams::DecisionTree(DecisionTreeParams::check(raw)?),
            ModelKind::RandomForest => ModelParams::RandomForest(ForestParams::check(raw)?),
        })
    }

    pub fn kind(&self) -> ModelKind {
        match self {
            ModelParams::DecisionTree(_) => ModelKind::DecisionTree,
            ModelParams::RandomForest(_) => ModelKind::RandomForest,
        }
    }
}

#[derive(Debug, Clone)]
pub enum TrainedModel {
    DecisionTree(DecisionTreeModel),
    RandomForest(RandomForest),
}

impl TrainedModel {
    pub fn fit(params: &ModelParams, x: &Array2<f64>, y: &[ClassLabel], seed: u64, progress: &ProgressSlice) -> Result<TrainedModel> {
        if progress.is_cancelled() {
            return Err(MlError::Cancelled);
        }
        Ok(match params {
            ModelParams::DecisionTree(p) => {
                progress.report(0.0, "Growing the decision tree");
                TrainedModel::DecisionTree(DecisionTreeModel::fit(p, x, y, seed)?)
            }
            ModelParams::RandomForest(p) => TrainedModel::RandomForest(RandomForest::fit(p, x, y, seed, progress)?),
        })
    }

    /// One probability vector per row, in [`ClassLabel::ALL`] order, each summing to 1.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; ClassLabel::COUNT]> {
        match self {
            TrainedModel::DecisionTree(m) => m.predict_proba(x),
            TrainedModel::RandomForest(m) => m.predict_proba(x),
        }
    }

    /// A short structural summary for the result page ("200 trees, mean depth 24.1").
    pub fn summary(&self) -> String {
        match self {
            TrainedModel::DecisionTree(m) => {
                format!("1 tree, depth {}, {} leaves", m.tree.depth(), m.tree.leaf_count())
            }
            TrainedModel::RandomForest(m) => {
                let n = m.trees.len().max(1) as f64;
                let depth = m.trees.iter().map(|t| t.depth() as f64).sum::<f64>() / n;
                let leaves = m.trees.iter().map(|t| t.leaf_count() as f64).sum::<f64>() / n;
                format!("{} trees, mean depth {depth:.1}, mean {leaves:.0} leaves", m.trees.len())
            }
        }
    }
}
