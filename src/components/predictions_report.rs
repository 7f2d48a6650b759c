//! The answer for many objects at once (an uploaded table or a held-out part): summary,
//! scores and charts, a CSV download of every row, and the first rows with their reasons.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::components::reason_item::ReasonItem;

use super::class_counts_chart::ClassCountsChart;
use super::confusion_matrix::ConfusionMatrixChart;
use super::explanation_waterfall::ExplanationWaterfall;
use super::format::{count, percent};
use super::metrics_summary::MetricsSummary;
use super::roc_curves::RocCurves;
use crate::api::predictions_csv::predictions_csv;
use crate::api::{ClassLabel, Prediction, PredictionResponse};

/// A `data:` URL holding `csv`, for a download link that needs no second request.
fn csv_data_url(csv: &str) -> String {
    let mut url = String::from("data:text/csv;charset=utf-8,");
    for b in csv.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~ ".contains(&b) {
            url.push(if b == b' ' { '+' } else { b as char });
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.replace('+', "%20")
}

/// Rows shown on the page; the CSV download has all of them.
const SHOWN_ROWS: usize = 100;

/// Predictions of many objects: summary, notes, held-out scores, a CSV download, the first
/// rows with their top reasons, and the chosen object's explanation.
#[component]
pub fn PredictionsReport(response: PredictionResponse, descriptions: BTreeMap<String, String>) -> impl IntoView {
    let selected = RwSignal::new(None::<Prediction>);
    let r = response;
    let csv = csv_data_url(&predictions_csv(&r.predictions));
    let total = r.predictions.len();
    // Every object counts here (the scores above cover only those the model never learned from).
    let (mut predicted_counts, mut actual_counts) = (BTreeMap::new(), BTreeMap::new());
    for p in &r.predictions {
        *predicted_counts.entry(p.prediction).or_insert(0usize) += 1;
        if let Some(a) = p.actual {
            *actual_counts.entry(a).or_insert(0usize) += 1;
        }
    }
    let rows = r
        .predictions
        .iter()
        .take(SHOWN_ROWS)
        .map(|p| {
            let this = p.clone();
            view! {
                <tr>
                    <th scope="row">
                        <button type="button" class="link-button" on:click=move |_| selected.set(Some(this.clone()))>
                            {p.id.clone()}
                        </button>
                    </th>
                    <td>{p.prediction.title()}</td>
                    <td>{percent(p.confidence)}</td>
                    <td>{p.actual.map(ClassLabel::title).unwrap_or("")}</td>
                    <td class="reasons">
                        <ul>
                            {p.reasons.iter().map(|r| view! { <ReasonItem reason=r.clone() /> }).collect::<Vec<_>>()}
                        </ul>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <p role="status" data-testid="predict-summary">
            {format!("{} objects predicted (read by {}).", count(total), r.read_as)}
        </p>
        <ul class="notes">{r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect::<Vec<_>>()}</ul>
        {r
            .metrics
            .clone()
            .map(|m| {
                view! {
                    <h3>
                        {format!(
                            "Scores on the {} labelled objects the model never learned from",
                            count(r.labelled_rows),
                        )}
                    </h3>
                    <MetricsSummary metrics=m.clone() />
                    <div class="chart-row">
                        <section aria-label="Confusion matrix">
                            <h3>"Confusion matrix"</h3>
                            <ConfusionMatrixChart matrix=m.confusion_matrix.clone() />
                        </section>
                        <section aria-label="ROC curves">
                            <h3>"ROC curves"</h3>
                            <RocCurves curves=m.roc_curves.clone() />
                        </section>
                    </div>
                }
                    .into_any()
            })}
        <section aria-label="Predicted classes" class="predicted-classes">
            <h3>"Predicted classes"</h3>
            <ClassCountsChart predicted=predicted_counts actual=actual_counts />
        </section>
        <p>
            <a href=csv download="predictions.csv" class="button">
                "Download all predictions (CSV)"
            </a>
        </p>
        {move || {
            selected
                .get()
                .map(|p| {
                    view! {
                        <section class="explanation" aria-label="Why this prediction">
                            <h3>{format!("Why {} is predicted {}", p.id, p.prediction.title().to_lowercase())}</h3>
                            <ExplanationWaterfall prediction=p descriptions=descriptions.clone() />
                        </section>
                    }
                })
        }}
        <div class="table-scroll">
            <table data-testid="predict-table">
                <caption>
                    {format!(
                        "The first {} of {} objects; the CSV has all. Choose a name for its explanation.",
                        SHOWN_ROWS.min(total),
                        count(total),
                    )}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Object"</th>
                        <th scope="col">"Prediction"</th>
                        <th scope="col">"Confidence"</th>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Top reasons"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
