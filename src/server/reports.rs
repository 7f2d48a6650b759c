//! Turns the ML layer's plain results into the API's types.

use std::collections::BTreeMap;

use crate::api::*;
use crate::ml::explain::{mean_abs, Explanations};
use crate::ml::metrics::{argmax, Metrics};
use crate::ml::models::hyperparameters::{HyperparameterKind, HyperparameterSpec};
use crate::ml::models::presets::presets;
use crate::ml::models::ModelKind;
use crate::ml::pipeline::{mean_std, FoldScore, TrainingOutcome};
use crate::ml::{ClassLabel, Mission};

pub fn model_info(kind: ModelKind) -> ModelInfo {
    ModelInfo {
        id: kind.id().into(),
        name: kind.name().into(),
        description: kind.description().into(),
        missing_values: kind.missing_values().into(),
        hyperparameters: kind.hyperparameters().iter().map(hyperparameter_info).collect(),
        presets: presets(kind)
            .into_iter()
            .map(|p| PresetInfo {
                id: p.id.into(),
                label: p.label.into(),
                description: p.description.into(),
                values: serde_json::from_value(p.values).unwrap_or_default(),
            })
            .collect(),
        class_weights: kind.supports_class_weights(),
        explanation: explanation_summary(kind).into(),
    }
}

/// How a family's predictions are explained, for the model cards.
fn explanation_summary(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::DecisionTree | ModelKind::RandomForest => "Exact TreeSHAP, in probability",
        ModelKind::GradientBoosting => "Exact TreeSHAP, in margin (raw score)",
        ModelKind::LogisticRegression | ModelKind::PcaLogistic => "Exact linear SHAP, in log-odds",
        ModelKind::Svm | ModelKind::NeuralNetwork => "Sampled permutation SHAP, in probability",
    }
}

fn hyperparameter_info(spec: &HyperparameterSpec) -> HyperparameterInfo {
    let (kind, default, min, max, options): (ParamKind, serde_json::Value, _, _, Vec<String>) = match &spec.kind {
        HyperparameterKind::Integer { default, min, max } => {
            (ParamKind::Integer, (*default).into(), Some(*min as f64), Some(*max as f64), vec![])
        }
        HyperparameterKind::Number { default, min, max } => {
            (ParamKind::Number, (*default).into(), Some(*min), Some(*max), vec![])
        }
        HyperparameterKind::Choice { default, options } => {
            (ParamKind::Choice, (*default).into(), None, None, options.iter().map(|o| o.to_string()).collect())
        }
        HyperparameterKind::Boolean { default } => (ParamKind::Boolean, (*default).into(), None, None, vec![]),
    };
    HyperparameterInfo {
        name: spec.name.into(),
        label: spec.label.into(),
        kind,
        default,
        min,
        max,
        options,
        help: spec.help.into(),
    }
}

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

/// Every hyperparameter's value as used: the request's where given, else the default.
fn effective_hyperparameters(kind: ModelKind, request: &TrainRequest) -> BTreeMap<String, serde_json::Value> {
    model_info(kind)
        .hyperparameters
        .into_iter()
        .map(|h| {
            let value = request.hyperparameters.get(&h.name).cloned().unwrap_or(h.default);
            (h.name, value)
        })
        .collect()
}

/// How the test objects were chosen, in words.
fn split_description(request: &TrainRequest, outcome: &TrainingOutcome, mission: Mission) -> String {
    if let (Some(f), Some(files)) = (&outcome.fine_tune, &request.upload) {
        let mut text = format!(
            "Fine-tuning: {} split by host star (or by row when it has no star column), stratified by class, seed {}: the pretrained model continued boosting on {} rows ({} stars) and both models are scored on {} held-out rows ({} stars).",
            files.train_name, request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
        );
        if f.user_rows_left_out > 0 {
            text.push_str(&format!(
                " {} held-out rows are objects the pretrained model learned from and are left out.",
                f.user_rows_left_out
            ));
        }
        return text;
    }
    match &request.upload {
        Some(files) if files.test_name.is_some() => format!(
            "Trained on {} ({} objects), tested on {} ({} objects), as uploaded: the two files decide which objects are held out.",
            files.train_name, outcome.train_rows, files.test_name.clone().unwrap_or_default(), outcome.test_rows
        ),
        Some(files) => {
            let groups = match request.mapping.as_ref().and_then(|m| m.group_column.clone()) {
                Some(column) => format!("grouped by '{column}'"),
                None if request.mapping.is_none() => "grouped by host star".into(),
                None => "one group per row (no star column chosen)".into(),
            };
            format!(
                "{} split {groups}, stratified by class, seed {}: {} training objects ({} groups), {} test objects ({} groups); no group is on both sides.",
                files.train_name, request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
            )
        }
        None if request.transfer_to.is_some() => format!(
            "Cross-mission transfer: trained on the training part of {} ({} objects, {} stars), tested on the held-out part of {} ({} objects, {} stars); each table split by its own stars, seed {}, on the harmonised features. Stars seen by two missions cannot be matched across their catalogues.",
            mission.table_name(), outcome.train_rows, outcome.train_stars,
            request.transfer_to.as_deref().and_then(Mission::from_id).map(|m| m.table_name()).unwrap_or(""), outcome.test_rows, outcome.test_stars, request.seed
        ),
        None => format!(
            "Grouped by host star ({}), stratified by class, seed {}: {} training objects ({} stars), {} test objects ({} stars); no star is on both sides.",
            mission.group_column(), request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
        ),
    }
}

fn upload_caveats(request: &TrainRequest, outcome: &TrainingOutcome) -> Vec<String> {
    if let Some(f) = &outcome.fine_tune {
        let mut notes = vec![
            "Fine-tuning adapts the model to your rows; the NASA rows of the comparison show what it may have unlearned. Your figures are only as good as your labels.".to_string(),
        ];
        if f.unlabelled_rows > 0 {
            notes.push(format!("{} rows of your file have no label and were not used.", f.unlabelled_rows));
        }
        if f.nasa_objects_left_out > 0 {
            notes.push(format!(
                "{} NASA held-out objects are in your training part (your file includes archive objects), so they are left out of the NASA comparison.",
                f.nasa_objects_left_out
            ));
        }
        return notes;
    }
    let mut notes = vec!["Your own table: the figures are only as good as its labels, and rows of one star on both sides of the split would flatter them.".to_string()];
    if outcome.metrics.is_none() {
        notes.push("The test file has no labels (its label column is missing or empty), so this result has predictions and explanations but no scores.".into());
    }
    if request.mapping.as_ref().is_some_and(|m| m.group_column.is_none()) {
        notes.push("No star column was chosen, so each row is its own group: planets of one star may sit on both sides of the split.".into());
    }
    notes
}

/// What a user should keep in mind when reading this mission's figures.
fn caveats(mission: Mission) -> Vec<String> {
    let mut notes = vec!["Candidates are the hard class: they are unresolved signals, and many will later become confirmed planets or false positives.".to_string()];
    match mission {
        Mission::K2 => notes.push("On K2, which cells are empty depends on the reference paper, and that alone predicts the label: a forest that sees only the missing-value pattern reaches accuracy 0.80 (majority class: 0.54). Read K2 figures with that in mind.".into()),
        Mission::Tess => notes.push("About two thirds of TESS objects are candidates: always answering 'candidate' already scores accuracy 0.665.".into()),
        Mission::Kepler => {}
    }
    notes
}

/// One API prediction per object: predicted class, probabilities, the label when known, and
/// the SHAP explanation of the predicted class with its three largest contributions in words.
pub fn prediction_rows(
    ids: &[String],
    actual: &[Option<ClassLabel>],
    probabilities: &[[f64; ClassLabel::COUNT]],
    x: &ndarray::Array2<f64>,
    features: &[String],
    explained: &Explanations,
) -> Vec<Prediction> {
    (0..ids.len())
        .map(|row| {
            let p = &probabilities[row];
            let predicted = argmax(p);
            let class = predicted.index();
            let values: Vec<Option<f64>> =
                x.row(row).iter().map(|v| if v.is_nan() { None } else { Some(*v) }).collect();
            let phi = &explained.values[row];
            let mut ranked: Vec<usize> = (0..features.len()).collect();
            ranked.sort_by(|&a, &b| phi[b][class].abs().total_cmp(&phi[a][class].abs()).then(a.cmp(&b)));
            let reasons = ranked
                .iter()
                .take(3)
                .map(|&f| Reason::new(&features[f], values[f], phi[f][class], predicted))
                .collect();
            let explanation = Explanation {
                class: predicted,
                space: explained.space,
                base_value: explained.base[class],
                output_value: explained.outputs[row][class],
                contributions: features.iter().zip(phi).map(|(f, v)| (f.clone(), v[class])).collect(),
                feature_values: features.iter().cloned().zip(values).collect(),
            };
            Prediction {
                id: ids[row].clone(),
                prediction: predicted,
                confidence: p[class],
                probabilities: ClassLabel::ALL.iter().map(|c| (*c, p[c.index()])).collect(),
                actual: actual[row],
                correct: actual[row].map(|a| a == predicted),
                explanation: Some(explanation),
                reasons,
            }
        })
        .collect()
}

pub fn training_result(id: &str, request: &TrainRequest, outcome: &TrainingOutcome) -> TrainingResult {
    let mission = Mission::from_id(&request.dataset).unwrap_or(Mission::Kepler);
    let features = &outcome.feature_names;
    let explained = &outcome.explanations;
    let ids: Vec<String> = outcome.predictions.iter().map(|p| p.id.clone()).collect();
    let actual: Vec<Option<ClassLabel>> = outcome.predictions.iter().map(|p| p.actual).collect();
    let probabilities: Vec<[f64; ClassLabel::COUNT]> = outcome.predictions.iter().map(|p| p.probabilities).collect();
    let predictions = prediction_rows(&ids, &actual, &probabilities, &outcome.test_features, features, explained);
    let mut predicted_counts: BTreeMap<ClassLabel, usize> = ClassLabel::ALL.iter().map(|c| (*c, 0)).collect();
    for p in &predictions {
        *predicted_counts.entry(p.prediction).or_default() += 1;
    }
    let model_info = ModelDetails {
        dataset: if request.upload.is_some() { "upload".into() } else { mission.id().into() },
        dataset_name: outcome.dataset_name.clone(),
        model: outcome.model_kind.id().into(),
        model_name: if outcome.fine_tune.is_some() {
            format!("{}, fine-tuned from the pretrained model", outcome.model_kind.name())
        } else {
            outcome.model_kind.name().into()
        },
        hyperparameters: effective_hyperparameters(outcome.model_kind, request),
        seed: request.seed,
        features: outcome.feature_names.clone(),
        missing_values: outcome.model_kind.missing_values().into(),
        split: split_description(request, outcome, mission),
        train_rows: outcome.train_rows,
        test_rows: outcome.test_rows,
        train_stars: outcome.train_stars,
        test_stars: outcome.test_stars,
        structure: outcome.model_summary.clone(),
        fit_seconds: outcome.fit_seconds,
        explain_seconds: outcome.explain_seconds,
        explanation_method: outcome.explanations.method.clone(),
        predict_ms: outcome.predict_ms,
        caveats: if request.upload.is_some() { upload_caveats(request, outcome) } else { caveats(mission) },
    };
    let report = ResultReport {
        id: id.into(),
        metrics: outcome.metrics.as_ref().map(metrics_report),
        model_info,
        predicted_counts,
        importance: importance_report(outcome),
        cross_validation: outcome.cross_validation.as_deref().map(cross_validation_report),
        shift: outcome.shift.as_ref().map(|all| {
            all.iter()
                .take(6)
                .map(|f| FeatureShiftInfo {
                    feature: f.feature.clone(),
                    ks: f.ks,
                    train_median: f.source_median,
                    test_median: f.target_median,
                    train_missing: f.source_missing,
                    test_missing: f.target_missing,
                })
                .collect()
        }),
        fine_tune: outcome.fine_tune.as_ref().map(fine_tune_report),
    };
    TrainingResult { report, predictions }
}

fn fine_tune_report(f: &crate::ml::fine_tune::FineTuneOutcome) -> FineTuneReport {
    let scores = |s: &crate::ml::fine_tune::Scores| ScoreSet {
        accuracy: s.accuracy,
        macro_f1: s.macro_f1,
        roc_auc: s.roc_auc,
        log_loss: s.log_loss,
    };
    FineTuneReport {
        base_model: "pretrained".into(),
        base_trees: f.base_trees,
        added_trees: f.added_trees,
        unlabelled_rows: f.unlabelled_rows,
        user_rows_left_out: f.user_rows_left_out,
        nasa_objects_left_out: f.nasa_objects_left_out,
        comparisons: f
            .comparisons
            .iter()
            .map(|c| {
                let (on, label) = match (c.on.as_str(), Mission::from_id(&c.on)) {
                    (_, Some(m)) => (m.id().to_string(), format!("NASA {} held-out part", m.table_name())),
                    ("nasa", None) => ("nasa".to_string(), "NASA, three missions pooled".to_string()),
                    _ => ("your_table".to_string(), "Your held-out rows".to_string()),
                };
                BeforeAfterInfo { on, label, objects: c.objects, before: scores(&c.before), after: scores(&c.after) }
            })
            .collect(),
    }
}

/// Mean |SHAP| per feature over the held-out objects, per class and averaged over classes.
fn importance_report(outcome: &TrainingOutcome) -> ImportanceReport {
    let e = &outcome.explanations;
    let per_feature = mean_abs(e);
    let mut features: Vec<FeatureImportance> = outcome
        .feature_names
        .iter()
        .zip(&per_feature)
        .enumerate()
        .map(|(f, (name, v))| FeatureImportance {
            feature: name.clone(),
            description: outcome.feature_descriptions.get(f).cloned().unwrap_or_default(),
            overall: v.iter().sum::<f64>() / v.len() as f64,
            per_class: ClassLabel::ALL.iter().map(|c| (*c, v[c.index()])).collect(),
        })
        .collect();
    features.sort_by(|a, b| b.overall.total_cmp(&a.overall).then_with(|| a.feature.cmp(&b.feature)));
    ImportanceReport {
        space: e.space,
        method: e.method.clone(),
        base_values: ClassLabel::ALL.iter().map(|c| (*c, e.base[c.index()])).collect(),
        dots: dot_plot(outcome, &features),
        features,
    }
}

/// Objects in the dot plot's sample, and features shown.
const DOT_OBJECTS: usize = 300;
const DOT_FEATURES: usize = 8;

fn dot_plot(outcome: &TrainingOutcome, ranked: &[FeatureImportance]) -> DotPlot {
    let e = &outcome.explanations;
    let n = e.values.len();
    // Evenly spaced objects: deterministic, and spread over the whole table.
    let sample: Vec<usize> =
        if n <= DOT_OBJECTS { (0..n).collect() } else { (0..DOT_OBJECTS).map(|i| i * n / DOT_OBJECTS).collect() };
    let features = ranked
        .iter()
        .take(DOT_FEATURES)
        .filter_map(|fi| outcome.feature_names.iter().position(|f| *f == fi.feature).map(|f| (f, fi)))
        .map(|(f, fi)| {
            let column = outcome.test_features.column(f);
            let mut present: Vec<f64> = column.iter().copied().filter(|v| v.is_finite()).collect();
            present.sort_by(f64::total_cmp);
            let rank = |v: f64| -> Option<f64> {
                if !v.is_finite() || present.len() < 2 {
                    return None;
                }
                let below = present.partition_point(|&p| p < v);
                let equal_or_below = present.partition_point(|&p| p <= v);
                Some(((below + equal_or_below) as f64 / 2.0 / (present.len() - 1) as f64).min(1.0))
            };
            DotFeature {
                feature: fi.feature.clone(),
                value_rank: sample.iter().map(|&r| rank(column[r]).map(round4)).collect(),
                shap: ClassLabel::ALL
                    .iter()
                    .map(|c| (*c, sample.iter().map(|&r| round6(e.values[r][f][c.index()])).collect()))
                    .collect(),
            }
        })
        .collect();
    DotPlot { objects: sample.len(), features }
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
