//! One training run, start to finish: load → split → fit → evaluate.
//! Reports progress at every stage and returns plain results.

use std::path::PathBuf;
use std::time::Instant;

use super::dataset::{count_classes, LabelledDataset};
use super::error::{MlError, Result};
use super::explain::{explain, Explanations};
use super::metrics::{evaluate, Metrics};
use super::models::{ModelKind, ModelParams, TrainedModel};
use super::progress::{ProgressSink, ProgressSlice};
use super::split::{grouped_stratified_split, split_by_ids};
use super::{ClassLabel, Mission};

const K: usize = ClassLabel::COUNT;

#[derive(Debug, Clone)]
pub struct TrainingConfig {
    pub mission: Mission,
    pub params: ModelParams,
    pub seed: u64,
    pub split: SplitRule,
    /// Folder holding the bundled NASA tables.
    pub data_dir: PathBuf,
}

/// How the test part is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum SplitRule {
    /// Our grouped, stratified split from the config's seed, holding out about this share.
    Grouped { test_fraction: f64 },
    /// Exactly these object ids are the test part (the benchmark's canonical split).
    HeldOutIds(Vec<String>),
}

/// One held-out object's prediction.
#[derive(Debug, Clone)]
pub struct HeldOutPrediction {
    pub id: String,
    pub actual: ClassLabel,
    pub probabilities: [f64; K],
}

#[derive(Debug, Clone)]
pub struct TrainingOutcome {
    pub dataset_name: String,
    pub model_kind: ModelKind,
    pub metrics: Metrics,
    pub predictions: Vec<HeldOutPrediction>,
    pub feature_names: Vec<String>,
    /// "Orbital Period [days]" per feature, from the archive header (may be empty).
    pub feature_descriptions: Vec<String>,
    /// Feature values of each held-out object, in `predictions` order (NaN = missing).
    pub test_features: ndarray::Array2<f64>,
    /// SHAP values of every held-out object, in `predictions` order.
    pub explanations: Explanations,
    pub explain_seconds: f64,
    pub train_rows: usize,
    pub test_rows: usize,
    pub train_stars: usize,
    pub test_stars: usize,
    pub train_class_counts: [usize; K],
    pub fit_seconds: f64,
    pub predict_ms: f64,
    pub model_summary: String,
    pub model: TrainedModel,
}

pub fn run(config: &TrainingConfig, sink: &dyn ProgressSink) -> Result<TrainingOutcome> {
    let check = || if sink.is_cancelled() { Err(MlError::Cancelled) } else { Ok(()) };
    sink.report(0.0, &format!("Loading {} table", config.mission.table_name()));
    let data = LabelledDataset::load_mission(config.mission, &config.data_dir)?;
    check()?;

    sink.report(0.06, &format!("Splitting {} objects by host star (seed {})", data.len(), config.seed));
    let split = match &config.split {
        SplitRule::Grouped { test_fraction } => grouped_stratified_split(&data.labels, &data.groups, *test_fraction, config.seed)?,
        SplitRule::HeldOutIds(ids) => split_by_ids(&data.ids, ids)?,
    };
    let (x_train, y_train) = data.rows(&split.train);
    let (x_test, y_test) = data.rows(&split.test);
    check()?;

    let fit_slice = ProgressSlice { sink, start: 0.08, end: 0.85 };
    let started = Instant::now();
    let model = TrainedModel::fit(&config.params, &x_train, &y_train, config.seed, &fit_slice)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    check()?;

    sink.report(0.85, &format!("Evaluating on {} held-out objects", split.test.len()));
    let started = Instant::now();
    let probabilities = model.predict_proba(&x_test);
    let predict_ms = started.elapsed().as_secs_f64() * 1000.0;
    let metrics = evaluate(&y_test, &probabilities);
    let predictions = split
        .test
        .iter()
        .zip(probabilities)
        .map(|(&row, probabilities)| HeldOutPrediction { id: data.ids[row].clone(), actual: data.labels[row], probabilities })
        .collect();

    check()?;
    let explain_slice = ProgressSlice { sink, start: 0.87, end: 0.99 };
    explain_slice.report(0.0, "Explaining predictions");
    let started = Instant::now();
    let explanations = explain(&model, &x_test, &explain_slice);
    let explain_seconds = started.elapsed().as_secs_f64();
    check()?;

    let stars = |rows: &[usize]| rows.iter().map(|&r| &data.groups[r]).collect::<std::collections::HashSet<_>>().len();
    sink.report(1.0, "Done");
    Ok(TrainingOutcome {
        dataset_name: data.name.clone(),
        model_kind: config.params.kind(),
        metrics,
        predictions,
        feature_names: data.feature_names.clone(),
        feature_descriptions: data.feature_descriptions.clone(),
        test_features: x_test,
        explanations,
        explain_seconds,
        train_rows: split.train.len(),
        test_rows: split.test.len(),
        train_stars: stars(&split.train),
        test_stars: stars(&split.test),
        train_class_counts: count_classes(y_train.iter().copied()),
        fit_seconds,
        predict_ms,
        model_summary: model.summary(),
        model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::progress::ProgressSink;
    use std::sync::Mutex;

    struct Recorder(Mutex<Vec<(f64, String)>>);
    impl ProgressSink for Recorder {
        fn report(&self, fraction: f64, step: &str) {
            self.0.lock().unwrap().push((fraction, step.to_string()));
        }
    }

    fn config(kind: ModelKind, raw: serde_json::Value) -> TrainingConfig {
        let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
        TrainingConfig {
            mission: Mission::K2,
            params: ModelParams::check(kind, &raw).unwrap(),
            seed: 42,
            split: SplitRule::Grouped { test_fraction: 0.2 },
            data_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
        }
    }

    #[test]
    fn forest_run_reports_progress_per_tree_and_is_reproducible() {
        let recorder = Recorder(Mutex::new(Vec::new()));
        let cfg = config(ModelKind::RandomForest, serde_json::json!({"n_trees": 25}));
        let a = run(&cfg, &recorder).unwrap();
        let steps = recorder.0.lock().unwrap().clone();
        assert!(steps.iter().any(|(_, s)| s == "Training tree 25/25"));
        assert!(steps.iter().any(|(_, s)| s.starts_with("Loading K2")));
        assert!(steps.iter().all(|(f, _)| (0.0..=1.0).contains(f)));
        assert_eq!(steps.last().unwrap(), &(1.0, "Done".to_string()));
        assert_eq!(a.predictions.len(), a.test_rows);
        // Every held-out object is explained, additively, for every class.
        assert_eq!(a.explanations.values.len(), a.test_rows);
        for (p, phi) in a.predictions.iter().zip(&a.explanations.values) {
            for c in 0..K {
                let total = a.explanations.base[c] + phi.iter().map(|v| v[c]).sum::<f64>();
                assert!((total - p.probabilities[c]).abs() < 1e-9, "{}: {total} vs {}", p.id, p.probabilities[c]);
            }
        }
        assert!(a.metrics.accuracy > 0.6, "K2 forest accuracy {}", a.metrics.accuracy);
        let b = run(&cfg, &crate::ml::progress::SilentProgress).unwrap();
        assert_eq!(a.metrics, b.metrics);
    }

    #[test]
    fn cancelled_run_stops() {
        struct Cancelled;
        impl ProgressSink for Cancelled {
            fn report(&self, _: f64, _: &str) {}
            fn is_cancelled(&self) -> bool {
                true
            }
        }
        let cfg = config(ModelKind::DecisionTree, serde_json::json!({}));
        assert!(matches!(run(&cfg, &Cancelled), Err(MlError::Cancelled)));
    }
}

#[cfg(test)]
mod quality {
    use super::*;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::progress::SilentProgress;

    /// The target: a default forest on Kepler reaches accuracy ≥ 0.78 and
    /// macro-F1 ≥ 0.73 on a grouped 20 % test split (scikit-learn: 0.79 / 0.74).
    #[test]
    fn kepler_default_forest_meets_quality_target() {
        let cfg = TrainingConfig {
            mission: Mission::Kepler,
            params: ModelParams::check(ModelKind::RandomForest, &RawHyperparameters::new()).unwrap(),
            seed: 42,
            split: SplitRule::Grouped { test_fraction: 0.2 },
            data_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
        };
        let out = run(&cfg, &SilentProgress).unwrap();
        println!("kepler forest: acc {:.4} macro-F1 {:.4} fit {:.2}s", out.metrics.accuracy, out.metrics.macro_f1, out.fit_seconds);
        assert!(out.metrics.accuracy >= 0.78, "accuracy {:.4}", out.metrics.accuracy);
        assert!(out.metrics.macro_f1 >= 0.73, "macro-F1 {:.4}", out.metrics.macro_f1);
    }
}
