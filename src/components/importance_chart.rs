use leptos::prelude::*;

use crate::api::ImportanceReport;

const SHOWN: usize = 15;

/// Global importance: mean |SHAP| over the held-out objects, largest first.
#[component]
pub fn ImportanceChart(report: ImportanceReport) -> impl IntoView {
    let top: Vec<_> = report.features.iter().take(SHOWN).cloned().collect();
    let max = top.first().map(|f| f.overall).unwrap_or(1.0).max(1e-12);
    const ROW: f64 = 26.0;
    const LEFT: f64 = 170.0;
    const WIDTH: f64 = 300.0;
    let bars = top
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let y = ROW * i as f64 + 4.0;
            let w = WIDTH * f.overall / max;
            view! {
                <g>
                    <title>{f.description.clone()}</title>
                    <text x=LEFT - 8.0 y=y + 16.0 text-anchor="end" class="bar-label">
                        {f.feature.clone()}
                    </text>
                    <rect x=LEFT y=y + 4.0 width=w.max(1.0) height=ROW - 8.0 class="bar"></rect>
                    <text x=LEFT + w + 6.0 y=y + 16.0 class="bar-value">
                        {format!("{:.4}", f.overall)}
                    </text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let label = top.iter().map(|f| format!("{} {:.4}", f.feature, f.overall)).collect::<Vec<_>>().join(", ");
    view! {
        <figure class="chart importance" data-testid="importance-chart">
            <svg
                viewBox=format!("0 0 560 {}", ROW * top.len() as f64 + 10.0)
                role="img"
                aria-label=format!("Mean absolute SHAP value per feature: {label}.")
            >
                {bars}
            </svg>
            <figcaption>
                {format!(
                    "Mean |SHAP value| over the held-out objects, averaged over the three classes ({} space; {}).",
                    report.space,
                    report.method,
                )}
            </figcaption>
        </figure>
    }
}
