//! Bars of predicted against actual objects per class.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::ClassLabel;

/// Horizontal bars: how many held-out objects were predicted as each class, next to how
/// many truly are (from the per-class support).
#[component]
pub fn ClassCountsChart(predicted: BTreeMap<ClassLabel, usize>, actual: BTreeMap<ClassLabel, usize>) -> impl IntoView {
    let max = ClassLabel::ALL
        .iter()
        .flat_map(|c| [predicted.get(c).copied().unwrap_or(0), actual.get(c).copied().unwrap_or(0)])
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    const ROW: f64 = 56.0;
    const LEFT: f64 = 120.0;
    const WIDTH: f64 = 300.0;
    let bars = ClassLabel::ALL
        .iter()
        .enumerate()
        .map(|(i, class)| {
            let p = predicted.get(class).copied().unwrap_or(0);
            let a = actual.get(class).copied().unwrap_or(0);
            let y = 10.0 + ROW * i as f64;
            view! {
                <g data-class=class.as_str()>
                    <text x=LEFT - 8.0 y=y + 20.0 text-anchor="end" class="bar-label">
                        {class.title()}
                    </text>
                    <rect x=LEFT y=y width=WIDTH * p as f64 / max height="18" class=format!("bar bar-{class}")></rect>
                    <text x=LEFT + WIDTH * p as f64 / max + 6.0 y=y + 14.0 class="bar-value">
                        {format!("{p} predicted")}
                    </text>
                    <rect x=LEFT y=y + 22.0 width=WIDTH * a as f64 / max height="10" class="bar bar-actual"></rect>
                    <text x=LEFT + WIDTH * a as f64 / max + 6.0 y=y + 32.0 class="bar-value bar-value-actual">
                        {format!("{a} actual")}
                    </text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let label = ClassLabel::ALL
        .iter()
        .map(|c| {
            format!(
                "{}: {} predicted, {} actual",
                c.title(),
                predicted.get(c).unwrap_or(&0),
                actual.get(c).unwrap_or(&0)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart class-counts">
            <svg viewBox="0 0 560 180" role="img" aria-label=format!("Held-out objects per class. {label}.")>
                {bars}
            </svg>
            <figcaption>"Thick bars: objects predicted as each class. Thin bars: objects that truly are."</figcaption>
        </figure>
    }
}
