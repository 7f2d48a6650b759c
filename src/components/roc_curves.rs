use leptos::prelude::*;

use crate::api::RocCurve;

/// One-vs-rest ROC curve per class on one pair of axes, with the chance diagonal.
#[component]
pub fn RocCurves(curves: Vec<RocCurve>) -> impl IntoView {
    const SIZE: f64 = 260.0;
    const PAD: f64 = 36.0;
    let x = |fpr: f64| PAD + fpr * SIZE;
    let y = |tpr: f64| PAD / 2.0 + (1.0 - tpr) * SIZE;
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
    let ticks = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|t| {
            view! {
                <text x=x(t) y=y(0.0) + 16.0 text-anchor="middle" class="axis-label">
                    {format!("{t}")}
                </text>
                <text x=PAD - 6.0 y=y(t) + 4.0 text-anchor="end" class="axis-label">
                    {format!("{t}")}
                </text>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <figure class="chart roc" data-testid="roc-curves">
            <svg
                viewBox=format!("0 0 {} {}", SIZE + PAD + 10.0, SIZE + PAD + 14.0)
                role="img"
                aria-label=format!("One-vs-rest ROC curves. Area under each: {summary}.")
            >
                <rect x=x(0.0) y=y(1.0) width=SIZE height=SIZE class="plot-area"></rect>
                <line x1=x(0.0) y1=y(0.0) x2=x(1.0) y2=y(1.0) class="chance"></line>
                {ticks}
                {lines}
                <text x=x(0.5) y=y(0.0) + 32.0 text-anchor="middle" class="axis-title">
                    "False-positive rate"
                </text>
                <text
                    x=10.0
                    y=y(0.5)
                    text-anchor="middle"
                    class="axis-title"
                    transform=format!("rotate(-90 10 {})", y(0.5))
                >
                    "True-positive rate"
                </text>
            </svg>
            <ul class="legend">{legend}</ul>
            <figcaption>
                "Each curve ranks the held-out objects by the model's probability for that class; the dashed diagonal is guessing."
            </figcaption>
        </figure>
    }
}
