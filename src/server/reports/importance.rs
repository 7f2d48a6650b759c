//! Feature importance of a training (mean |SHAP| per feature and class) and the sampled dot
//! plot of its most important features.

use crate::api::*;
use crate::ml::explain::{mean_abs, Explanations};
use crate::ml::pipeline::TrainingOutcome;
use crate::ml::ClassLabel;

/// Mean |SHAP| per feature over the held-out objects, per class and averaged over classes;
/// empty while the explanations are being computed.
pub(super) fn importance_report(outcome: &TrainingOutcome) -> ImportanceReport {
    let Some(e) = outcome.explanations.as_ref() else {
        return ImportanceReport {
            space: crate::domain::ExplanationSpace::Probability,
            method: String::new(),
            base_values: Default::default(),
            features: Vec::new(),
            dots: DotPlot::default(),
        };
    };
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
        dots: dot_plot(outcome, e, &features),
        features,
    }
}

/// Objects in the dot plot's sample, and features shown.
const DOT_OBJECTS: usize = 300;
const DOT_FEATURES: usize = 8;

fn dot_plot(outcome: &TrainingOutcome, e: &Explanations, ranked: &[FeatureImportance]) -> DotPlot {
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
