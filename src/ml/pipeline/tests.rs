//! Training runs end to end on K2: progress, reproducibility, additive explanations for
//! every family, cross-validation and cancellation.

use std::path::PathBuf;

use super::outcome::K;
use super::*;
use crate::ml::error::MlError;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::progress::ProgressSink;
use crate::ml::Mission;
use std::sync::Mutex;

struct Recorder(Mutex<Vec<(f64, String)>>);
impl ProgressSink for Recorder {
    fn report(&self, fraction: f64, step: &str) {
        self.0.lock().unwrap().push((fraction, step.to_string()));
    }
}

fn config(kind: ModelKind, raw: serde_json::Value) -> TrainingConfig {
    let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
    TrainingConfig::on_mission(
        Mission::K2,
        ModelParams::check(kind, &raw).unwrap(),
        SplitRule::Grouped { test_fraction: 0.2 },
        42,
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
    )
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
    assert_eq!(a.explanations.as_ref().unwrap().values.len(), a.test_rows);
    for (p, phi) in a.predictions.iter().zip(&a.explanations.as_ref().unwrap().values) {
        for c in 0..K {
            let total = a.explanations.as_ref().unwrap().base[c] + phi.iter().map(|v| v[c]).sum::<f64>();
            assert!((total - p.probabilities[c]).abs() < 1e-9, "{}: {total} vs {}", p.id, p.probabilities[c]);
        }
    }
    assert!(a.metrics.as_ref().unwrap().accuracy > 0.6, "K2 forest accuracy {}", a.metrics.as_ref().unwrap().accuracy);
    let b = run(&cfg, &crate::ml::progress::SilentProgress).unwrap();
    assert_eq!(a.metrics, b.metrics);
}

/// Every family explains every held-out object, additively in its stated space, and the
/// output it explains is the model's own: the probability, or logits / raw scores whose
/// softmax is the probability.
#[test]
fn every_family_explains_every_object_additively() {
    let quick = |kind: ModelKind| match kind {
        ModelKind::RandomForest => serde_json::json!({"n_trees": 20}),
        ModelKind::GradientBoosting => serde_json::json!({"n_rounds": 40}),
        ModelKind::NeuralNetwork => serde_json::json!({"max_epochs": 30}),
        _ => serde_json::json!({}),
    };
    for kind in ModelKind::ALL {
        let out = run(&config(kind, quick(kind)), &crate::ml::progress::SilentProgress).unwrap();
        let e = out.explanations.as_ref().unwrap();
        assert_eq!(e.values.len(), out.test_rows, "{}", kind.id());
        let exact = !e.method.starts_with("Permutation");
        for (row, p) in out.predictions.iter().enumerate() {
            for c in 0..K {
                let total = e.base[c] + e.values[row].iter().map(|v| v[c]).sum::<f64>();
                assert!(
                    (total - e.outputs[row][c]).abs() < if exact { 1e-9 } else { 1e-12 },
                    "{} {}: {total} vs {}",
                    kind.id(),
                    p.id,
                    e.outputs[row][c]
                );
            }
            let probabilities = match e.space {
                crate::domain::ExplanationSpace::Probability => e.outputs[row],
                _ => crate::ml::models::linear::softmax(&e.outputs[row]),
            };
            for c in 0..K {
                assert!((probabilities[c] - p.probabilities[c]).abs() < 1e-9, "{} {} class {c}", kind.id(), p.id);
            }
        }
        assert!(
            out.metrics.as_ref().unwrap().macro_f1 > 0.5,
            "{} macro-F1 {}",
            kind.id(),
            out.metrics.as_ref().unwrap().macro_f1
        );
    }
}

#[test]
fn cross_validation_scores_five_grouped_folds() {
    let mut cfg = config(ModelKind::LogisticRegression, serde_json::json!({}));
    if let TrainingJob::Train { model, .. } = &mut cfg.job {
        model.cross_validation = true;
    }
    let recorder = Recorder(Mutex::new(Vec::new()));
    let out = run(&cfg, &recorder).unwrap();
    let folds = out.cross_validation.expect("asked for");
    assert_eq!(folds.len(), CV_FOLDS);
    assert_eq!(folds.iter().map(|f| f.rows).sum::<usize>(), out.train_rows);
    assert!(folds.iter().all(|f| f.accuracy > 0.5));
    let steps = recorder.0.lock().unwrap();
    assert!(steps.iter().any(|(_, s)| s.starts_with("Cross-validation fold 5/5")));
    let fractions: Vec<f64> = steps.iter().map(|(f, _)| *f).collect();
    assert!(fractions.windows(2).all(|w| w[1] >= w[0] - 1e-12), "progress never goes back");
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

/// A calibrated training learns from the training part less its slice, reports the same
/// held-out objects with calibrated probabilities (the calibrator applied to the model's
/// own), states before and after, and is reproducible.
#[test]
fn calibrated_training_holds_back_a_slice_and_reports_before_and_after() {
    use crate::domain::CalibrationMethod;
    let plain =
        run(&config(ModelKind::RandomForest, serde_json::json!({"n_trees": 30})), &crate::ml::progress::SilentProgress)
            .unwrap();
    for method in CalibrationMethod::ALL {
        let cfg = config(ModelKind::RandomForest, serde_json::json!({"n_trees": 30})).with_calibration(method);
        let a = run(&cfg, &crate::ml::progress::SilentProgress).unwrap();
        let c = a.calibrated.as_ref().expect("calibrated");
        assert_eq!(c.calibrator.method(), method);
        assert_eq!(
            a.train_rows + c.slice_rows,
            plain.train_rows,
            "{method:?}: the slice comes out of the training part"
        );
        assert!(
            c.slice_rows * 10 > plain.train_rows && c.slice_rows * 10 < plain.train_rows * 3,
            "{} of {}",
            c.slice_rows,
            plain.train_rows
        );
        let ids = |o: &TrainingOutcome| o.predictions.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&plain), "the held-out objects do not change");
        let raw = a.model.predict_proba(&a.test_features);
        for (p, r) in a.predictions.iter().zip(&raw) {
            assert_eq!(p.probabilities, c.calibrator.apply(r));
        }
        let (before, after) = (c.before.unwrap(), c.after.unwrap());
        assert!(
            (after.log_loss - a.metrics.as_ref().unwrap().log_loss).abs() < 1e-12,
            "metrics are the calibrated ones"
        );
        assert!(before.log_loss.is_finite() && after.log_loss.is_finite() && after.ece >= 0.0);
        let b = run(&cfg, &crate::ml::progress::SilentProgress).unwrap();
        assert_eq!(a.metrics, b.metrics, "{method:?} is reproducible");
    }
}
