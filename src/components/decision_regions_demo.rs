//! The live demo of "How the models work": a family trained on the server on two features
//! of the Kepler table, its decision regions redrawn as the reader moves one hyperparameter.

use leptos::prelude::*;

use crate::api::functions::{get_decision_regions, get_demo_controls};
use crate::api::{DecisionRegions, DemoControl};
use crate::domain::ClassLabel;

/// Side of the plot in SVG units.
const PLOT: f64 = 400.0;

/// `family`: the model family shown (the page's sections set it too).
#[component]
pub fn DecisionRegionsDemo(family: RwSignal<String>) -> impl IntoView {
    let controls = Resource::new(|| (), |_| get_demo_controls());
    view! {
        <Suspense fallback=|| {
            view! { <p class="loading">"Loading the demo…"</p> }
        }>
            {move || Suspend::new(async move {
                match controls.await {
                    Ok(controls) => view! { <Demo controls family /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Demo(controls: Vec<DemoControl>, family: RwSignal<String>) -> impl IntoView {
    let controls = StoredValue::new(controls);
    let control = move || controls.with_value(|c| c.iter().find(|c| c.family == family.get()).cloned());
    let start = move |f: &str| controls.with_value(|c| c.iter().find(|c| c.family == f).map_or(0, |c| c.start));
    let step = RwSignal::new(start(&family.get_untracked()));
    // A new family starts at its own default position.
    Effect::new(move |previous: Option<String>| {
        let now = family.get();
        if previous.as_ref().is_some_and(|p| *p != now) {
            step.set(start(&now));
        }
        now
    });
    let regions = Resource::new(move || (family.get(), step.get()), |(f, s)| get_decision_regions(f, s));
    let options = controls.with_value(|c| {
        c.iter()
            .map(|c| {
                let id = c.family.clone();
                view! {
                    <option value=id.clone() selected=move || family.get() == id>
                        {c.name.clone()}
                    </option>
                }
            })
            .collect::<Vec<_>>()
    });
    view! {
        <div class="regions-demo" data-testid="regions-demo">
            <div class="demo-controls">
                <div class="field">
                    <label for="demo-family">"Model"</label>
                    <select id="demo-family" on:change=move |ev| family.set(event_target_value(&ev))>
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for="demo-step">{move || control().map(|c| c.label).unwrap_or_default()}</label>
                    <input
                        id="demo-step"
                        type="range"
                        min="0"
                        step="1"
                        max=move || control().map_or(0, |c| c.values.len().saturating_sub(1))
                        prop:value=move || step.get().to_string()
                        aria-valuetext=move || {
                            control().and_then(|c| c.values.get(step.get()).cloned()).unwrap_or_default()
                        }
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse() {
                                step.set(v)
                            }
                        }
                    />
                    <p class="figures" data-testid="demo-value">
                        {move || control().and_then(|c| c.values.get(step.get()).cloned()).unwrap_or_default()}
                    </p>
                </div>
            </div>
            <Transition fallback=|| {
                view! { <p class="loading">"Training…"</p> }
            }>
                {move || Suspend::new(async move {
                    match regions.await {
                        Ok(r) => view! { <RegionsPlot regions=r /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn RegionsPlot(regions: DecisionRegions) -> impl IntoView {
    let side = regions.side.max(1);
    let cell = PLOT / side as f64;
    let counts: Vec<String> =
        ClassLabel::ALL.iter().map(|c| regions.cells.iter().filter(|x| *x == c).count().to_string()).collect();
    let rects = regions
        .cells
        .iter()
        .zip(&regions.confidence)
        .enumerate()
        .map(|(i, (class, confidence))| {
            let opacity = 0.2 + 0.6 * ((*confidence as f64 - 1.0 / 3.0) / (2.0 / 3.0)).clamp(0.0, 1.0);
            view! {
                <rect
                    x=format!("{:.1}", (i % side) as f64 * cell)
                    y=format!("{:.1}", (i / side) as f64 * cell)
                    width=format!("{:.2}", cell + 0.3)
                    height=format!("{:.2}", cell + 0.3)
                    class=format!("region region-{class}")
                    fill-opacity=format!("{opacity:.2}")
                ></rect>
            }
        })
        .collect::<Vec<_>>();
    let ([x0, x1], [y0, y1]) = (regions.x_range, regions.y_range);
    let points = regions
        .points
        .iter()
        .filter(|(x, y, _)| (x0..=x1).contains(x) && (y0..=y1).contains(y))
        .map(|(x, y, class)| {
            view! {
                <circle
                    cx=format!("{:.1}", (x - x0) / (x1 - x0) * PLOT)
                    cy=format!("{:.1}", (y1 - y) / (y1 - y0) * PLOT)
                    r="2.6"
                    class=format!("demo-point roc-{class}")
                ></circle>
            }
        })
        .collect::<Vec<_>>();
    let summary = format!(
        "{} on {} Kepler objects: {:.1} % of them classified right from these two features alone (trained in {:.2} s).",
        regions.family_name,
        regions.objects,
        regions.training_accuracy * 100.0,
        regions.seconds,
    );
    view! {
        <figure class="chart regions" data-testid="regions-plot" data-regions=counts.join(",")>
            <svg
                viewBox=format!("-4 -4 {} {}", PLOT + 8.0, PLOT + 8.0)
                role="img"
                aria-label=format!("Decision regions. {summary}")
            >
                {rects}
                {points}
            </svg>
            <figcaption>
                <p>
                    {format!(
                        "Across: {} ({:.1} to {:.1}). Up: {} ({:.1} to {:.1}).",
                        regions.x_label,
                        x0,
                        x1,
                        regions.y_label,
                        y0,
                        y1,
                    )}
                </p>
                <ul class="legend">
                    {ClassLabel::ALL
                        .iter()
                        .map(|c| {
                            view! {
                                <li>
                                    <span class=format!("swatch roc-{c}") aria-hidden="true"></span>
                                    {c.title()}
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ul>
                <p data-testid="demo-summary">{summary}</p>
            </figcaption>
        </figure>
    }
}
