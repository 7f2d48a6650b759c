//! Building the API answer from predicted objects: the rows with their explanations, the
//! metrics over labelled objects the model never learned from, and the notes.

use crate::api::{ApiError, PredictionResponse};
use crate::ml::metrics::evaluate;
use crate::ml::predict::predict_within;
use crate::ml::pretrained::PretrainedModel;
use crate::ml::ClassLabel;
use crate::server::reports::{metrics_report, prediction_rows};
use crate::server::request_budget::RequestBudget;

pub(super) fn respond(
    model: &PretrainedModel,
    model_id: &str,
    objects: crate::ml::predict::ObjectsToPredict,
    budget: &RequestBudget,
    scores: bool,
) -> Result<PredictionResponse, ApiError> {
    let rows = objects.ids.len();
    let predicted = predict_within(model, objects, budget, scores).map_err(|_| budget.exceeded(rows))?;
    let objects = &predicted.objects;
    let seen: Vec<bool> =
        (0..objects.ids.len()).map(|i| model.learned_from(objects.missions[i], &objects.ids[i])).collect();
    let mut notes = Vec::new();
    if objects.missions.iter().any(Option::is_none) {
        notes.push("Some rows do not say which mission they come from (a 'mission' column or the request's \"mission\"); the model then answers without that input.".into());
    }
    Ok(response(model_id, &predicted, &seen, notes))
}

/// The API answer: predictions with explanations, and metrics over the labelled rows the
/// model did not learn from (`seen` marks those it did).
pub(super) fn response(
    model_id: &str,
    predicted: &crate::ml::predict::PredictedObjects,
    seen: &[bool],
    mut notes: Vec<String>,
) -> PredictionResponse {
    let objects = &predicted.objects;
    let labelled: Vec<usize> = (0..objects.labels.len()).filter(|&i| objects.labels[i].is_some() && !seen[i]).collect();
    let metrics = (!labelled.is_empty()).then(|| {
        let y: Vec<ClassLabel> = labelled.iter().filter_map(|&i| objects.labels[i]).collect();
        let p: Vec<[f64; ClassLabel::COUNT]> = labelled.iter().map(|&i| predicted.probabilities[i]).collect();
        metrics_report(&evaluate(&y, &p))
    });
    let seen_in_training = seen.iter().filter(|s| **s).count();
    if seen_in_training > 0 {
        notes.insert(
            0,
            format!(
                "{seen_in_training} of these objects are bundled NASA objects the model learned from; they are predicted but left out of the metrics, which cover the {} labelled objects it never saw.",
                labelled.len()
            ),
        );
    }
    let predictions = prediction_rows(
        &objects.ids,
        &objects.labels,
        &predicted.probabilities,
        &predicted.model_input,
        &predicted.features,
        Some(&predicted.explanations),
    );
    PredictionResponse {
        model: model_id.to_string(),
        read_as: objects.read_as.clone(),
        features: predicted.features.clone(),
        predictions,
        metrics,
        labelled_rows: labelled.len(),
        seen_in_training,
        notes,
        threshold: None,
    }
}
