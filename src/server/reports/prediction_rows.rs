//! One API prediction per object, with its explanation and its reasons in words.

use crate::api::*;
use crate::ml::explain::Explanations;
use crate::ml::metrics::argmax;
use crate::ml::ClassLabel;

/// One API prediction per object: predicted class, probabilities, the label when known, and
/// the SHAP explanation of the predicted class with its three largest contributions in words
/// (none while the explanations are still being computed: `explained` is `None`).
pub fn prediction_rows(
    ids: &[String],
    actual: &[Option<ClassLabel>],
    probabilities: &[[f64; ClassLabel::COUNT]],
    x: &ndarray::Array2<f64>,
    features: &[String],
    explained: Option<&Explanations>,
) -> Vec<Prediction> {
    (0..ids.len())
        .map(|row| {
            let p = &probabilities[row];
            let predicted = argmax(p);
            let class = predicted.index();
            let values: Vec<Option<f64>> =
                x.row(row).iter().map(|v| if v.is_nan() { None } else { Some(*v) }).collect();
            let (explanation, reasons) = match explained {
                Some(explained) => explain_row(explained, row, predicted, features, values),
                None => (None, Vec::new()),
            };
            Prediction {
                id: ids[row].clone(),
                prediction: predicted,
                confidence: p[class],
                probabilities: ClassLabel::ALL.iter().map(|c| (*c, p[c.index()])).collect(),
                actual: actual[row],
                correct: actual[row].map(|a| a == predicted),
                explanation,
                reasons,
                planet: None,
            }
        })
        .collect()
}

/// One row's explanation of its predicted class and its three largest contributions in words.
fn explain_row(
    explained: &Explanations,
    row: usize,
    predicted: ClassLabel,
    features: &[String],
    values: Vec<Option<f64>>,
) -> (Option<Explanation>, Vec<Reason>) {
    let class = predicted.index();
    let phi = &explained.values[row];
    let mut ranked: Vec<usize> = (0..features.len()).collect();
    ranked.sort_by(|&a, &b| phi[b][class].abs().total_cmp(&phi[a][class].abs()).then(a.cmp(&b)));
    let reasons =
        ranked.iter().take(3).map(|&f| Reason::new(&features[f], values[f], phi[f][class], predicted)).collect();
    let explanation = Explanation {
        class: predicted,
        space: explained.space,
        base_value: explained.base[class],
        output_value: explained.outputs[row][class],
        contributions: features.iter().zip(phi).map(|(f, v)| (f.clone(), v[class])).collect(),
        feature_values: features.iter().cloned().zip(values).collect(),
        method: explained.method.clone(),
        background_objects: explained.background,
    };
    (Some(explanation), reasons)
}
