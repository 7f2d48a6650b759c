//! What a training will cost before it runs: peak memory and work, estimated from the
//! table's shape and the checked hyperparameters, so a training that cannot fit is refused
//! with a message instead of aborting the process when an allocation fails.
//!
//! The estimates are deliberately simple upper bounds of the dominant terms (measured
//! figures in the README's design notes):
//! - every family: the feature matrix and its copies (split, scaled, binned), and the
//!   result (a prediction and a full explanation map per held-out object);
//! - SVM: the solver's kernel-row cache (n² × 8 bytes, at most 256 MB) for each of the three
//!   one-vs-rest machines, solved at once; and, since its work grows with n², a cap on the
//!   training rows ([`SVM_MAX_TRAINING_ROWS`]);
//! - forests and trees: nodes, at most two per `min_samples_leaf` rows and 2^(depth+1) per
//!   tree, times the trees; and the explainer's shared-subtree memo, bounded per thread;
//! - boosting: rounds × 3 classes × leaves, per-row gradients and the bin histograms;
//! - the sampled explainers (SVM, neural network): one batch of coalitions × background rows;
//! - cross-validation: five more fits, one at a time, so work × 6 but not memory.

use std::sync::OnceLock;

use super::ModelParams;
use crate::ml::error::{MlError, Result};
use crate::ml::explain::{MAX_MEMO_BYTES, MLP_BUDGET, SVM_BUDGET};
use crate::ml::ClassLabel;

const K: u64 = ClassLabel::COUNT as u64;
const F64: u64 = 8;
/// One decision-tree node as stored (split feature, threshold, children, class values).
const TREE_NODE_BYTES: u64 = 64;
/// One entry of an explanation or feature-value map as kept in a result (key + value,
/// in memory and again as JSON).
const EXPLANATION_ENTRY_BYTES: u64 = 160;

/// The data a training sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataShape {
    pub train_rows: usize,
    pub test_rows: usize,
    pub features: usize,
    pub cross_validation: bool,
}

/// Estimated peak memory and work of one training.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingCost {
    pub peak_bytes: u64,
    /// Rough count of inner-loop operations, for logs and the operator.
    pub work: f64,
    /// The largest memory term, in words: what the refusal names.
    pub dominant: String,
}

/// Default memory one training may use: this 24 GiB, 2-core machine runs two trainings at
/// once and keeps room for the server, the database and the page cache.
pub const DEFAULT_MAX_TRAINING_MB: u64 = 4096;

static PROCESS_BUDGET_MB: OnceLock<u64> = OnceLock::new();

/// Sets `EXO_MAX_TRAINING_MB` for this process (first call wins; the server sets it at start-up).
pub fn set_process_budget_mb(mb: u64) {
    let _ = PROCESS_BUDGET_MB.set(mb);
}

pub fn process_budget_mb() -> u64 {
    PROCESS_BUDGET_MB.get().copied().unwrap_or(DEFAULT_MAX_TRAINING_MB)
}

fn gb(bytes: u64) -> String {
    let g = bytes as f64 / 1e9;
    if g >= 10.0 {
        format!("{g:.0} GB")
    } else if g >= 0.1 {
        format!("{g:.1} GB")
    } else {
        format!("{:.0} MB", bytes as f64 / 1e6)
    }
}

/// The TreeSHAP memos of the explaining threads, each at most [`MAX_MEMO_BYTES`].
fn memo_term() -> (u64, String) {
    let threads = rayon::current_num_threads().max(1) as u64;
    (threads * MAX_MEMO_BYTES as u64, "the explainer's shared-subtree memos".into())
}

/// The estimate for `params` on data of `shape`.
pub fn estimate(params: &ModelParams, shape: &DataShape) -> TrainingCost {
    let (n, t, f) = (shape.train_rows as u64, shape.test_rows as u64, shape.features.max(1) as u64);
    // Feature matrix, its split and scaled copies, labels and groups.
    let data = (n + t) * f * F64 * 4 + (n + t) * 64;
    // Each held-out object: probabilities, reasons, and explanation + feature-value maps.
    let result = t * (f * 2 * EXPLANATION_ENTRY_BYTES + 512);
    let mut terms: Vec<(u64, String)> = vec![
        (data, "the feature matrix".into()),
        (result, format!("the explanations of {t} held-out objects × {f} features")),
    ];
    let work = match params {
        ModelParams::Svm(_) => {
            let cache = (n * n * F64).min(crate::ml::models::svm::KERNEL_CACHE_BYTES as u64);
            terms.push((K * cache, "the SVM's kernel caches (3 one-vs-rest machines)".into()));
            // One explained object: (features + 1) coalitions × background rows, against the
            // support vectors (at most the training rows).
            let batch = (f + 1) * SVM_BUDGET.background as u64 * n.min(20_000) * F64;
            terms.push((batch, "the SVM explainer's kernel batch".into()));
            (K * n * n * f) as f64 * 10.0 + (t * 2 * (f + 1) * SVM_BUDGET.background as u64 * n * f) as f64
        }
        ModelParams::RandomForest(p) => {
            let nodes = tree_nodes(n, p.min_samples_leaf, p.max_depth);
            terms.push((
                p.n_trees as u64 * nodes * TREE_NODE_BYTES,
                format!("{} trees of up to {nodes} nodes", p.n_trees),
            ));
            terms.push((n * f + n * 8 * 2, "the binned training rows".into()));
            terms.push(memo_term());
            p.n_trees as f64 * (n * f) as f64 * 20.0 + (t * p.n_trees as u64 * nodes.min(4096) * f) as f64
        }
        ModelParams::DecisionTree(p) => {
            let nodes = tree_nodes(n, p.min_samples_leaf, Some(p.max_depth));
            terms.push((nodes * TREE_NODE_BYTES + n * f, format!("a tree of up to {nodes} nodes")));
            terms.push(memo_term());
            (n * f) as f64 * p.max_depth as f64 + (t * nodes.min(4096) * f) as f64
        }
        ModelParams::GradientBoosting(p) => {
            let trees = p.n_rounds as u64 * K;
            terms.push((
                trees * (2 * p.max_leaves as u64) * TREE_NODE_BYTES,
                format!("{} rounds × 3 classes × {} leaves", p.n_rounds, p.max_leaves),
            ));
            // Binned rows, gradients and hessians per class, histograms per leaf.
            terms.push((
                n * f + n * K * F64 * 4 + f * 256 * 24 * p.max_leaves as u64,
                "the binned rows, gradients and histograms".into(),
            ));
            trees as f64 * (n * f) as f64 + (t * trees * p.max_leaves as u64 * f) as f64
        }
        ModelParams::LogisticRegression(p) => p.max_iterations as f64 * (n * f * K) as f64 * 2.0,
        ModelParams::PcaLogistic(p) => {
            terms.push((f * f * F64 * 4, "the covariance matrix".into()));
            p.max_iterations as f64 * (n * f * K) as f64 * 2.0 + (n * f * f) as f64
        }
        ModelParams::NeuralNetwork(p) => {
            let widest = p.hidden.iter().copied().max().unwrap_or(1) as u64;
            let weights: u64 = std::iter::once(f)
                .chain(p.hidden.iter().map(|&h| h as u64))
                .chain(std::iter::once(K))
                .collect::<Vec<_>>()
                .windows(2)
                .map(|w| w[0] * w[1])
                .sum();
            terms.push((
                weights * F64 * 4 + (p.batch_size as u64).max(n.min(20_000)) * widest * F64 * 3,
                "the network's weights and activations".into(),
            ));
            let batch = (f + 1) * MLP_BUDGET.background as u64 * widest * F64;
            terms.push((batch, "the explainer's batch".into()));
            p.max_epochs as f64 * (n * weights) as f64 * 3.0
                + (t * 4 * (f + 1) * MLP_BUDGET.background as u64 * weights) as f64
        }
    };
    let peak_bytes = terms.iter().map(|(b, _)| b).sum::<u64>() + 64 * 1024 * 1024;
    let dominant = terms.into_iter().max_by_key(|(b, _)| *b).map(|(_, what)| what).unwrap_or_default();
    TrainingCost { peak_bytes, work: if shape.cross_validation { work * 6.0 } else { work }, dominant }
}

/// Nodes of one tree grown on `n` rows: two per leaf, a leaf per `min_leaf` rows at most,
/// and no more than a full tree of `depth`.
fn tree_nodes(n: u64, min_leaf: usize, depth: Option<usize>) -> u64 {
    let by_rows = 2 * n.div_ceil(min_leaf.max(1) as u64).max(1);
    match depth {
        Some(d) if d < 40 => by_rows.min(1u64 << (d + 1)),
        _ => by_rows,
    }
}

/// Most training rows an SVM takes: its solver's work grows with the square of the rows
/// (Kepler's 7,650 fit in about 2 s, all three machines, with every kernel row cached;
/// 20,000 rows is ~7× that work before cache misses; 80,000 rows ~110×, with the cache
/// missing at nearly every step).
pub const SVM_MAX_TRAINING_ROWS: usize = 20_000;

/// Refuses a training whose estimate exceeds `max_mb`, or whose work is beyond what one
/// training may take, saying which figure is too large and what to change.
pub fn check_budget(params: &ModelParams, shape: &DataShape, max_mb: u64) -> Result<TrainingCost> {
    if matches!(params, ModelParams::Svm(_)) && shape.train_rows > SVM_MAX_TRAINING_ROWS {
        return Err(MlError::TooCostly(format!(
            "An SVM on {} training rows would take too long: its solver's work grows with the square of the rows ({:.0}× the work of the largest SVM accepted); use at most {SVM_MAX_TRAINING_ROWS} training rows for an SVM, or gradient boosting, which handles this size in seconds.",
            shape.train_rows,
            (shape.train_rows as f64 / SVM_MAX_TRAINING_ROWS as f64).powi(2)
        )));
    }
    let cost = estimate(params, shape);
    let limit = max_mb.saturating_mul(1024 * 1024);
    if cost.peak_bytes <= limit {
        return Ok(cost);
    }
    let advice: String = match params {
        ModelParams::Svm(_) => {
            "use fewer rows or feature columns, or gradient boosting, which needs a fraction of that memory".into()
        }
        ModelParams::RandomForest(_) => {
            "use fewer trees, a larger min_samples_leaf or a max_depth, or fewer rows".into()
        }
        ModelParams::GradientBoosting(_) => "use fewer rounds or leaves, or fewer rows".into(),
        _ => "use fewer rows or feature columns".into(),
    };
    Err(MlError::TooCostly(format!(
        "{} on {} training rows and {} features needs ~{} of memory, mostly {}; the limit is {} (EXO_MAX_TRAINING_MB = {max_mb}): {advice}.",
        params.kind().name(),
        shape.train_rows,
        shape.features,
        gb(cost.peak_bytes),
        cost.dominant,
        gb(limit),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::models::ModelKind;

    fn params(kind: ModelKind, raw: serde_json::Value) -> ModelParams {
        let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
        ModelParams::check(kind, &raw).unwrap()
    }

    fn shape(train_rows: usize, features: usize) -> DataShape {
        DataShape { train_rows, test_rows: train_rows / 4, features, cross_validation: false }
    }

    /// The case that aborted the process: an SVM on 80,000 training rows asked linfa-svm for
    /// a 51 GB kernel. Our solver's memory is bounded, but its work is not: refused, naming a
    /// row count that is accepted.
    #[test]
    fn an_svm_on_a_huge_table_is_refused_with_what_to_change() {
        let svm = params(ModelKind::Svm, serde_json::json!({}));
        let e = check_budget(&svm, &shape(80_000, 6), DEFAULT_MAX_TRAINING_MB).unwrap_err().to_string();
        assert!(e.contains("SVM on 80000 training rows") && e.contains("16×"), "{e}");
        assert!(e.contains("use at most 20000 training rows") && e.contains("gradient boosting"), "{e}");
        // Its memory is bounded by the kernel caches, whatever the rows.
        assert!(estimate(&svm, &shape(20_000, 6)).peak_bytes < 1_200_000_000);
        // The same SVM on Kepler's training part fits.
        assert!(check_budget(&svm, &shape(7_650, 38), DEFAULT_MAX_TRAINING_MB).is_ok());
    }

    #[test]
    fn the_bundled_tables_fit_every_family_with_default_hyperparameters() {
        for kind in ModelKind::ALL {
            let p = params(kind, serde_json::json!({}));
            let cost =
                check_budget(&p, &DataShape { cross_validation: true, ..shape(7_650, 38) }, DEFAULT_MAX_TRAINING_MB);
            assert!(cost.is_ok(), "{kind:?}: {cost:?}");
        }
    }

    #[test]
    fn a_thousand_deep_trees_on_many_rows_are_refused() {
        let forest = params(ModelKind::RandomForest, serde_json::json!({"n_trees": 1000, "min_samples_leaf": 1}));
        let e = check_budget(&forest, &shape(190_000, 40), DEFAULT_MAX_TRAINING_MB).unwrap_err().to_string();
        assert!(e.contains("1000 trees"), "{e}");
    }
}
