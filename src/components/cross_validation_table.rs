use leptos::prelude::*;

use crate::api::CrossValidationReport;

/// Mean ± standard deviation of each metric over the cross-validation folds, and each fold.
#[component]
pub fn CrossValidationTable(report: CrossValidationReport) -> impl IntoView {
    let fold_headers =
        (1..=report.folds).map(|f| view! { <th scope="col">{format!("Fold {f}")}</th> }).collect::<Vec<_>>();
    let rows = report
        .metrics
        .iter()
        .map(|m| {
            let folds = m.per_fold.iter().map(|v| view! { <td>{format!("{v:.4}")}</td> }).collect::<Vec<_>>();
            view! {
                <tr>
                    <th scope="row">{m.label.clone()}</th>
                    <td class="cv-mean" data-metric=m.metric.clone()>
                        {format!("{:.4} ± {:.4}", m.mean, m.std)}
                    </td>
                    {folds}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let sizes = report.fold_rows.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ");
    view! {
        <div class="table-scroll" data-testid="cross-validation">
            <table class="cv-table">
                <caption>{format!("{} Objects per fold: {sizes}.", report.method)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Metric"</th>
                        <th scope="col">"Mean ± std"</th>
                        {fold_headers}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
