//! The beeswarm of SHAP values against feature values for the top features.

use leptos::prelude::*;

use crate::api::{ClassLabel, DotPlot, ExplanationSpace};

/// A beeswarm-style dot plot: per top feature, one dot per sampled held-out object at its
/// SHAP value for the chosen class, coloured by where its feature value ranks (blue = low,
/// red = high, grey = missing). Dots of equal value are spread vertically so they stay
/// visible.
#[component]
pub fn ShapDotPlot(plot: DotPlot, space: ExplanationSpace) -> impl IntoView {
    let class = RwSignal::new(ClassLabel::FalsePositive);
    let plot = StoredValue::new(plot);
    const ROW: f64 = 34.0;
    const LEFT: f64 = 170.0;
    const WIDTH: f64 = 360.0;
    let chart = move || {
        let chosen = class.get();
        plot.with_value(|plot| {
            let max = plot
                .features
                .iter()
                .flat_map(|f| f.shap.get(&chosen).into_iter().flatten())
                .fold(1e-12f64, |m, v| m.max(v.abs()));
            let x = |v: f64| LEFT + WIDTH / 2.0 + v / max * WIDTH / 2.0;
            let rows = plot
                .features
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let mid = ROW * i as f64 + ROW / 2.0 + 4.0;
                    let values = f.shap.get(&chosen).cloned().unwrap_or_default();
                    // Spread dots that fall into the same pixel column up and down.
                    let mut used: std::collections::HashMap<i64, usize> = Default::default();
                    let dots = values
                        .iter()
                        .zip(&f.value_rank)
                        .map(|(&v, rank)| {
                            let cx = x(v);
                            let n = used.entry((cx / 3.0).round() as i64).or_default();
                            let offset = ((*n % 7) as f64 - 3.0) * 3.2 * if n.is_multiple_of(2) { 1.0 } else { -1.0 };
                            *n += 1;
                            let fill = match rank {
                                Some(r) => format!("hsl({:.0}, 75%, 55%)", 220.0 - 220.0 * r),
                                None => "#7a819c".to_string(),
                            };
                            view! { <circle cx=format!("{cx:.1}") cy=format!("{:.1}", mid + offset) r="2.2" fill=fill></circle> }
                        })
                        .collect::<Vec<_>>();
                    view! {
                        <g>
                            <text x=LEFT - 8.0 y=mid + 4.0 text-anchor="end" class="bar-label">
                                {f.feature.clone()}
                            </text>
                            <line x1=LEFT y1=mid x2=LEFT + WIDTH y2=mid class="row-line"></line>
                            {dots}
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let height = ROW * plot.features.len() as f64 + 36.0;
            view! {
                <svg
                    viewBox=format!("0 0 {} {height}", LEFT + WIDTH + 20.0)
                    role="img"
                    aria-label=format!(
                        "SHAP value against feature value for the {} most important features, class {}.",
                        plot.features.len(),
                        chosen.title(),
                    )
                >
                    <line x1=x(0.0) y1=0 x2=x(0.0) y2=height - 30.0 class="zero-line"></line>
                    {rows}
                    <text x=x(-max) y=height - 12.0 class="axis-label">
                        {format!("{:.3}", -max)}
                    </text>
                    <text x=x(0.0) y=height - 12.0 text-anchor="middle" class="axis-label">
                        "0"
                    </text>
                    <text x=x(max) y=height - 12.0 text-anchor="end" class="axis-label">
                        {format!("{max:.3}")}
                    </text>
                </svg>
            }
        })
    };
    let objects = plot.with_value(|p| p.objects);
    view! {
        <figure class="chart dots" data-testid="shap-dot-plot">
            <div class="field inline-field">
                <label for="dot-class">"SHAP values for class"</label>
                <select
                    id="dot-class"
                    prop:value=move || class.get().as_str()
                    on:change=move |ev| {
                        if let Some(chosen) = ClassLabel::from_id(&event_target_value(&ev)) {
                            class.set(chosen)
                        }
                    }
                >
                    {ClassLabel::ALL
                        .into_iter()
                        .map(|c| view! { <option value=c.as_str()>{c.title()}</option> })
                        .collect_view()}
                </select>
            </div>
            {chart}
            <p class="legend-line">
                <span class="ramp" aria-hidden="true"></span>
                " dot colour: the object's feature value, low (blue) to high (red); grey = missing"
            </p>
            <figcaption>
                {format!(
                    "{objects} held-out objects (evenly spaced through the table); right of the centre line pushes toward the class, left away ({space} space).",
                )}
            </figcaption>
        </figure>
    }
}
