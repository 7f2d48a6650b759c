//! Scores in the API's types: held-out metrics, cross-validation folds, and the before/after
//! comparison of a fine-tuning.

use crate::api::*;
use crate::domain::model_ref::pretrained_name;
use crate::ml::metrics::Metrics;
use crate::ml::pipeline::{mean_std, FoldScore};
use crate::ml::ClassLabel;

pub fn metrics_report(m: &Metrics) -> MetricsReport {
    let labels = ClassLabel::ALL.to_vec();
    MetricsReport {
        accuracy: m.accuracy,
        macro_f1: m.macro_f1,
        weighted_f1: m.weighted_f1,
        roc_auc: m.roc_auc_macro,
        log_loss: m.log_loss,
        per_class: ClassLabel::ALL
            .iter()
            .map(|c| {
                let s = &m.per_class[c.index()];
                (*c, ClassScores { precision: s.precision, recall: s.recall, f1: s.f1, support: s.support })
            })
            .collect(),
        confusion_matrix: ConfusionMatrix { labels, matrix: m.confusion.iter().map(|r| r.to_vec()).collect() },
        roc_curves: ClassLabel::ALL
            .iter()
            .map(|c| RocCurve {
                class: *c,
                auc: m.roc_auc_per_class[c.index()],
                points: m.roc_curves[c.index()].iter().map(|&(x, y)| [x, y]).collect(),
            })
            .collect(),
        calibration: Some(calibration_report(&m.calibration)),
    }
}

fn calibration_report(c: &crate::ml::calibration::Calibration) -> CalibrationReport {
    let bins = crate::ml::calibration::BINS as f64;
    CalibrationReport {
        brier: c.brier,
        ece: c.ece,
        classes: ClassLabel::ALL
            .iter()
            .map(|class| {
                let k = &c.per_class[class.index()];
                ClassCalibrationReport {
                    class: *class,
                    brier: k.brier,
                    ece: k.ece,
                    bins: k
                        .bins
                        .iter()
                        .enumerate()
                        .map(|(i, b)| ReliabilityBinReport {
                            lower: b.lower,
                            upper: (i + 1) as f64 / bins,
                            count: b.count,
                            mean_predicted: b.mean_predicted,
                            observed: b.observed,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// Mean ± std per metric over the folds.
pub fn cross_validation_report(folds: &[FoldScore]) -> CrossValidationReport {
    let metric = |id: &str, label: &str, values: Vec<f64>| {
        let (mean, std) = mean_std(&values);
        CvMetric { metric: id.into(), label: label.into(), mean, std, per_fold: values }
    };
    let mut metrics = vec![
        metric("accuracy", "Accuracy", folds.iter().map(|f| f.accuracy).collect()),
        metric("macro_f1", "Macro-F1", folds.iter().map(|f| f.macro_f1).collect()),
        metric("weighted_f1", "Weighted-F1", folds.iter().map(|f| f.weighted_f1).collect()),
    ];
    if let Some(aucs) = folds.iter().map(|f| f.roc_auc).collect::<Option<Vec<f64>>>() {
        metrics.push(metric("roc_auc", "ROC-AUC", aucs));
    }
    metrics.push(metric("log_loss", "Log-loss", folds.iter().map(|f| f.log_loss).collect()));
    CrossValidationReport {
        folds: folds.len(),
        method: format!("{} folds of the training part, whole host stars per fold, stratified by class; each fold scored by a model trained on the other folds with the same settings.", folds.len()),
        fold_rows: folds.iter().map(|f| f.rows).collect(),
        metrics,
    }
}

pub(super) fn fine_tune_report(f: &crate::ml::fine_tune::FineTuneOutcome) -> FineTuneReport {
    let scores = |s: &crate::ml::fine_tune::Scores| ScoreSet {
        accuracy: s.accuracy,
        macro_f1: s.macro_f1,
        roc_auc: s.roc_auc,
        log_loss: s.log_loss,
    };
    FineTuneReport {
        base_model: pretrained_name(f.model.feature_set).into(),
        base_trees: f.base_trees,
        added_trees: f.added_trees,
        unlabelled_rows: f.unlabelled_rows,
        user_rows_left_out: f.user_rows_left_out,
        nasa_objects_left_out: f.nasa_objects_left_out,
        comparisons: f
            .comparisons
            .iter()
            .map(|c| BeforeAfterInfo {
                on: c.on,
                label: c.on.label(),
                objects: c.objects,
                before: scores(&c.before),
                after: scores(&c.after),
            })
            .collect(),
    }
}
