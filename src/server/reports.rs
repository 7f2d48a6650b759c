//! Turns the ML layer's plain results into the API's types.

use std::collections::BTreeMap;

use crate::api::*;
use crate::ml::explain::mean_abs;
use crate::ml::metrics::{argmax, Metrics};
use crate::ml::models::hyperparameters::{HyperparameterKind, HyperparameterSpec};
use crate::ml::models::ModelKind;
use crate::ml::pipeline::TrainingOutcome;
use crate::ml::{ClassLabel, Mission};

pub fn model_info(kind: ModelKind) -> ModelInfo {
    ModelInfo {
        id: kind.id().into(),
        name: kind.name().into(),
        description: kind.description().into(),
        missing_values: kind.missing_values().into(),
        hyperparameters: kind.hyperparameters().iter().map(hyperparameter_info).collect(),
    }
}

fn hyperparameter_info(spec: &HyperparameterSpec) -> HyperparameterInfo {
    let (kind, default, min, max, options): (&str, serde_json::Value, _, _, Vec<String>) = match &spec.kind {
        HyperparameterKind::Integer { default, min, max } => ("integer", (*default).into(), Some(*min as f64), Some(*max as f64), vec![]),
        HyperparameterKind::Number { default, min, max } => ("number", (*default).into(), Some(*min), Some(*max), vec![]),
        HyperparameterKind::Choice { default, options } => {
            ("choice", (*default).into(), None, None, options.iter().map(|o| o.to_string()).collect())
        }
        HyperparameterKind::Boolean { default } => ("boolean", (*default).into(), None, None, vec![]),
    };
    HyperparameterInfo { name: spec.name.into(), label: spec.label.into(), kind: kind.into(), default, min, max, options, help: spec.help.into() }
}

pub fn metrics_report(m: &Metrics) -> MetricsReport {
    let labels: Vec<String> = ClassLabel::ALL.iter().map(|c| c.as_str().to_string()).collect();
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
                (c.as_str().to_string(), ClassScores { precision: s.precision, recall: s.recall, f1: s.f1, support: s.support })
            })
            .collect(),
        confusion_matrix: ConfusionMatrix { labels, matrix: m.confusion.iter().map(|r| r.to_vec()).collect() },
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

pub fn training_result(id: &str, request: &TrainRequest, outcome: &TrainingOutcome) -> TrainingResult {
    let mission = Mission::from_id(&request.dataset).unwrap_or(Mission::Kepler);
    let features = &outcome.feature_names;
    let explained = &outcome.explanations;
    let predictions: Vec<Prediction> = outcome
        .predictions
        .iter()
        .enumerate()
        .map(|(row, p)| {
            let predicted = argmax(&p.probabilities);
            let class = predicted.index();
            let values: Vec<Option<f64>> =
                outcome.test_features.row(row).iter().map(|v| if v.is_nan() { None } else { Some(*v) }).collect();
            let phi = &explained.values[row];
            let mut ranked: Vec<usize> = (0..features.len()).collect();
            ranked.sort_by(|&a, &b| phi[b][class].abs().total_cmp(&phi[a][class].abs()).then(a.cmp(&b)));
            let reasons = ranked
                .iter()
                .take(3)
                .map(|&f| Reason::new(&features[f], values[f], phi[f][class], predicted.as_str()))
                .collect();
            let explanation = Explanation {
                class: predicted.as_str().into(),
                space: explained.space.into(),
                base_value: explained.base[class],
                output_value: p.probabilities[class],
                contributions: features.iter().zip(phi).map(|(f, v)| (f.clone(), v[class])).collect(),
                feature_values: features.iter().cloned().zip(values).collect(),
            };
            Prediction {
                id: p.id.clone(),
                prediction: predicted.as_str().into(),
                confidence: p.probabilities[class],
                probabilities: ClassLabel::ALL.iter().map(|c| (c.as_str().to_string(), p.probabilities[c.index()])).collect(),
                actual: p.actual.as_str().into(),
                correct: predicted == p.actual,
                explanation: Some(explanation),
                reasons,
            }
        })
        .collect();
    let mut predicted_counts: BTreeMap<String, usize> = ClassLabel::ALL.iter().map(|c| (c.as_str().to_string(), 0)).collect();
    for p in &predictions {
        *predicted_counts.entry(p.prediction.clone()).or_default() += 1;
    }
    let model_info = ModelDetails {
        dataset: mission.id().into(),
        dataset_name: outcome.dataset_name.clone(),
        model: outcome.model_kind.id().into(),
        model_name: outcome.model_kind.name().into(),
        hyperparameters: effective_hyperparameters(outcome.model_kind, request),
        seed: request.seed,
        features: outcome.feature_names.clone(),
        missing_values: outcome.model_kind.missing_values().into(),
        split: format!(
            "Grouped by host star ({}), stratified by class, seed {}: {} training objects ({} stars), {} test objects ({} stars); no star is on both sides.",
            mission.group_column(), request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
        ),
        train_rows: outcome.train_rows,
        test_rows: outcome.test_rows,
        train_stars: outcome.train_stars,
        test_stars: outcome.test_stars,
        structure: outcome.model_summary.clone(),
        fit_seconds: outcome.fit_seconds,
        explain_seconds: outcome.explain_seconds,
        explanation_method: outcome.explanations.method.into(),
        predict_ms: outcome.predict_ms,
        caveats: caveats(mission),
    };
    TrainingResult {
        id: id.into(),
        metrics: metrics_report(&outcome.metrics),
        predictions,
        model_info,
        predicted_counts,
        importance: importance_report(outcome),
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
            per_class: ClassLabel::ALL.iter().map(|c| (c.as_str().to_string(), v[c.index()])).collect(),
        })
        .collect();
    features.sort_by(|a, b| b.overall.total_cmp(&a.overall).then_with(|| a.feature.cmp(&b.feature)));
    ImportanceReport {
        space: e.space.into(),
        method: e.method.into(),
        base_values: ClassLabel::ALL.iter().map(|c| (c.as_str().to_string(), e.base[c.index()])).collect(),
        features,
    }
}
