use leptos::prelude::*;

use super::unit_square_plot::{x, y, UnitSquarePlot};
use crate::api::RocCurve;

/// One-vs-rest ROC curve per class on one pair of axes, with the chance diagonal.
#[component]
pub fn RocCurves(curves: Vec<RocCurve>) -> impl IntoView {
    let drawn: Vec<&RocCurve> = curves.iter().filter(|c| c.points.len() >= 2).collect();
    let lines = drawn
        .iter()
        .map(|c| {
            let path: String = c
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x(p[0]), y(p[1])))
                .collect();
            view! {
                <path d=path class=format!("roc-line roc-{}", c.class)>
                    <title>{c.class.title()}</title>
                </path>
            }
        })
        .collect::<Vec<_>>();
    let legend = curves
        .iter()
        .map(|c| {
            let auc = c.auc.map_or("not defined (class absent)".to_string(), |a| format!("AUC {a:.3}"));
            view! {
                <li>
                    <span class=format!("swatch roc-{}", c.class) aria-hidden="true"></span>
                    {format!("{} vs rest: {auc}", c.class.title())}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let summary = curves
        .iter()
        .map(|c| format!("{} {}", c.class.title(), c.auc.map_or("n/a".into(), |a| format!("{a:.3}"))))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="chart roc" data-testid="roc-curves">
            <UnitSquarePlot
                label=format!("One-vs-rest ROC curves. Area under each: {summary}.")
                x_title="False-positive rate"
                y_title="True-positive rate"
            >
                {lines}
            </UnitSquarePlot>
            <ul class="legend">{legend}</ul>
            <figcaption>
                "Each curve ranks the held-out objects by the model's probability for that class; the dashed diagonal is guessing."
            </figcaption>
        </figure>
    }
}
