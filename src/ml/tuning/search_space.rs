//! Where tuning looks, per family: a few hyperparameters that matter, each over a range
//! narrower than what the form accepts (the form allows 5,000 boosting rounds; a search
//! should not spend its budget there). Log-scaled where the effect is multiplicative.

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::{json, Value};

use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::ModelKind;

/// One searched hyperparameter's values.
#[derive(Debug, Clone, Copy)]
pub enum Range {
    /// Whole numbers from `lo` to `hi`, drawn uniformly on a log scale when `log`.
    Integer {
        lo: i64,
        hi: i64,
        log: bool,
    },
    Number {
        lo: f64,
        hi: f64,
        log: bool,
    },
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub struct Dimension {
    pub name: &'static str,
    pub range: Range,
}

const fn int(name: &'static str, lo: i64, hi: i64, log: bool) -> Dimension {
    Dimension { name, range: Range::Integer { lo, hi, log } }
}

const fn num(name: &'static str, lo: f64, hi: f64, log: bool) -> Dimension {
    Dimension { name, range: Range::Number { lo, hi, log } }
}

const fn choice(name: &'static str, options: &'static [&'static str]) -> Dimension {
    Dimension { name, range: Range::Choice(options) }
}

const RANDOM_FOREST: &[Dimension] = &[
    int("n_trees", 50, 400, true),
    choice("max_features", &["sqrt", "log2", "third", "half"]),
    int("max_depth", 0, 40, false),
    int("min_samples_leaf", 1, 20, true),
    choice("class_weight", &["none", "balanced"]),
];

const GRADIENT_BOOSTING: &[Dimension] = &[
    int("n_rounds", 100, 600, true),
    num("learning_rate", 0.02, 0.2, true),
    int("max_leaves", 8, 64, true),
    int("min_data_in_leaf", 5, 60, true),
    num("lambda_l2", 0.01, 10.0, true),
    num("feature_fraction", 0.5, 1.0, false),
    num("subsample", 0.6, 1.0, false),
];

const DECISION_TREE: &[Dimension] = &[
    int("max_depth", 2, 20, false),
    int("min_samples_leaf", 1, 50, true),
    choice("criterion", &["gini", "entropy"]),
    choice("class_weight", &["none", "balanced"]),
];

const LOGISTIC_REGRESSION: &[Dimension] = &[num("c", 0.01, 100.0, true)];

const PCA_LOGISTIC: &[Dimension] = &[num("variance_kept", 0.8, 0.99, false), num("c", 0.01, 100.0, true)];

const SVM: &[Dimension] = &[num("c", 0.1, 100.0, true), num("gamma_scale", 0.1, 10.0, true)];

const NEURAL_NETWORK: &[Dimension] = &[
    choice("hidden_layers", &["32", "64", "64,32", "128,64"]),
    num("learning_rate", 0.0003, 0.01, true),
    num("l2", 0.000001, 0.01, true),
];

/// The family's searched hyperparameters (the others keep their defaults).
pub fn search_space(kind: ModelKind) -> &'static [Dimension] {
    match kind {
        ModelKind::RandomForest => RANDOM_FOREST,
        ModelKind::GradientBoosting => GRADIENT_BOOSTING,
        ModelKind::DecisionTree => DECISION_TREE,
        ModelKind::LogisticRegression => LOGISTIC_REGRESSION,
        ModelKind::PcaLogistic => PCA_LOGISTIC,
        ModelKind::Svm => SVM,
        ModelKind::NeuralNetwork => NEURAL_NETWORK,
    }
}

/// One draw from the space; names not drawn keep their defaults.
pub fn sample(space: &[Dimension], rng: &mut Xoshiro256PlusPlus) -> RawHyperparameters {
    space
        .iter()
        .map(|d| {
            let value: Value = match d.range {
                Range::Integer { lo, hi, log: false } => json!(rng.gen_range(lo..=hi)),
                Range::Integer { lo, hi, log: true } => {
                    let v = rng.gen_range((lo as f64).ln()..=(hi as f64).ln()).exp().round() as i64;
                    json!(v.clamp(lo, hi))
                }
                Range::Number { lo, hi, log: false } => json!(round4(rng.gen_range(lo..=hi))),
                Range::Number { lo, hi, log: true } => json!(round4(rng.gen_range(lo.ln()..=hi.ln()).exp())),
                Range::Choice(options) => json!(options[rng.gen_range(0..options.len())]),
            };
            (d.name.to_string(), value)
        })
        .collect()
}

/// Four significant digits: the trials table stays readable and a value copied from it
/// reproduces the trial.
fn round4(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(3 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::ModelParams;
    use rand::SeedableRng;

    #[test]
    fn every_draw_of_every_family_is_accepted_and_reproducible() {
        for kind in ModelKind::ALL {
            let mut a = Xoshiro256PlusPlus::seed_from_u64(7);
            let mut b = Xoshiro256PlusPlus::seed_from_u64(7);
            for _ in 0..50 {
                let raw = sample(search_space(kind), &mut a);
                assert_eq!(raw, sample(search_space(kind), &mut b));
                ModelParams::check(kind, &raw).unwrap_or_else(|e| panic!("{}: {raw:?}: {e}", kind.id()));
            }
        }
        assert_eq!(round4(0.0123456), 0.01235);
        assert_eq!(round4(123.456), 123.5);
    }
}
