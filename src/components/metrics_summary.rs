use leptos::prelude::*;

use super::format::{percent, score};
use crate::api::{ClassLabel, MetricsReport};

/// Headline figures and the per-class precision / recall / F1 table.
#[component]
pub fn MetricsSummary(metrics: MetricsReport) -> impl IntoView {
    let cards = vec![
        ("Accuracy", percent(metrics.accuracy), "Share of held-out objects classified correctly."),
        ("Macro-F1", score(metrics.macro_f1), "Mean F1 over the three classes, each counting equally."),
        ("Weighted-F1", score(metrics.weighted_f1), "Mean F1 weighted by how many objects each class has."),
        (
            "ROC-AUC",
            metrics.roc_auc.map(score).unwrap_or_else(|| "n/a".into()),
            "One-vs-rest, averaged over classes: how well probabilities rank objects.",
        ),
        ("Log-loss", score(metrics.log_loss), "Penalty for confident mistakes; lower is better."),
    ];
    let rows = ClassLabel::ALL
        .iter()
        .filter_map(|c| metrics.per_class.get(c).map(|s| (c, s.clone())))
        .map(|(class, s)| {
            view! {
                <tr>
                    <th scope="row">{class.title()}</th>
                    <td>{score(s.precision)}</td>
                    <td>{score(s.recall)}</td>
                    <td>{score(s.f1)}</td>
                    <td>{s.support}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="metric-cards">
            {cards
                .into_iter()
                .map(|(name, value, help)| {
                    view! {
                        <div class="metric-card" title=help>
                            <span class="metric-name">{name}</span>
                            <span class="metric-value" data-testid=format!("metric-{}", name.to_lowercase())>
                                {value}
                            </span>
                            <span class="metric-help">{help}</span>
                        </div>
                    }
                })
                .collect::<Vec<_>>()}
        </div>
        <div class="table-scroll">
            <table class="per-class">
                <caption>"Per-class scores on the held-out objects"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Class"</th>
                        <th scope="col">"Precision"</th>
                        <th scope="col">"Recall"</th>
                        <th scope="col">"F1"</th>
                        <th scope="col">"Support"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
