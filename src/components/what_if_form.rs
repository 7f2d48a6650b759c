//! The "What if: one object" form: one input per model feature (and the mission), and the
//! pretrained or chosen model's answer, following as values are typed.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::components::reason_item::ReasonItem;

use super::error_panel::ErrorPanel;
use super::explanation_waterfall::ExplanationWaterfall;
use super::format::percent;
use super::what_if_summary::WhatIfSummary;
use crate::api::functions::predict_rows;
use crate::api::{ApiError, ClassLabel, FeatureCard, PredictRequest};
use crate::domain::ErrorCode;

/// A starting value inside the typical range (its geometric middle), so the form answers
/// before anything is typed.
fn starting_value(f: &FeatureCard) -> String {
    let v = if f.typical_low > 0.0 {
        (f.typical_low * f.typical_high).sqrt()
    } else {
        (f.typical_low + f.typical_high) / 2.0
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 1.0 {
        2
    } else {
        5
    };
    format!("{v:.digits$}")
}

/// One object typed in by hand; `model` answers it ("pretrained" or a saved training's id).
#[component]
pub fn WhatIfForm(
    features: Vec<FeatureCard>,
    descriptions: BTreeMap<String, String>,
    model: Memo<String>,
) -> impl IntoView {
    let values = RwSignal::new(
        features.iter().map(|f| (f.name.clone(), starting_value(f))).collect::<BTreeMap<String, String>>(),
    );
    let mission = RwSignal::new("kepler".to_string());
    let answer = Resource::new(
        move || (values.get(), mission.get(), model.get()),
        |(values, mission, model)| async move {
            let mut row: BTreeMap<String, serde_json::Value> = BTreeMap::new();
            row.insert("id".into(), "your object".into());
            for (name, text) in values {
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let number: f64 = text.parse().map_err(|_| {
                    ApiError::new(ErrorCode::InvalidValue, format!("{name}: '{text}' is not a number."))
                        .with_field(name.clone())
                })?;
                row.insert(name, number.into());
            }
            let mission = (!mission.is_empty()).then_some(mission);
            predict_rows(PredictRequest { model, rows: vec![row], mission, columns: None, space: None }).await
        },
    );
    let fields = features
        .into_iter()
        .map(|f| {
            let id = format!("what-if-{}", f.name);
            let name = f.name.clone();
            let current = name.clone();
            view! {
                <div class="field">
                    <label for=id.clone()>{format!("{} [{}]", f.description, f.unit)}</label>
                    <input
                        id=id
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        prop:value=move || { values.with(|v| v.get(&current).cloned().unwrap_or_default()) }
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            values
                                .update(|v| {
                                    v.insert(name.clone(), text);
                                });
                        }
                    />
                    <p class="hint">{format!("typical {} to {}; empty = unknown", f.typical_low, f.typical_high)}</p>
                </div>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="what-if-heading" class="what-if">
            <h2 id="what-if-heading">"What if: one object"</h2>
            <p>"Change any value; the answer follows as you type. Leave a field empty when the value is unknown."</p>
            <div class="what-if-layout">
                <WhatIfSummary answer />
                <form class="what-if-form" on:submit=|ev| ev.prevent_default()>
                    <div class="field">
                        <label for="what-if-mission">"Mission"</label>
                        <select
                            id="what-if-mission"
                            prop:value=move || mission.get()
                            on:change=move |ev| mission.set(event_target_value(&ev))
                        >
                            <option value="kepler">"Kepler"</option>
                            <option value="tess">"TESS"</option>
                            <option value="k2">"K2"</option>
                            <option value="">"Not known"</option>
                        </select>
                    </div>
                    {fields}
                </form>
                <div class="what-if-answer" aria-live="polite" data-testid="what-if-answer">
                    <Transition fallback=|| {
                        view! { <p class="loading">"Predicting…"</p> }
                    }>
                        {move || Suspend::new({
                            let descriptions = descriptions.clone();
                            async move {
                                match answer.await {
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                    Ok(response) => {
                                        match response.predictions.into_iter().next() {
                                            None => view! { <p>"No answer."</p> }.into_any(),
                                            Some(p) => {
                                                let bars = ClassLabel::ALL
                                                    .into_iter()
                                                    .map(|c| {
                                                        let v = p.probabilities.get(&c).copied().unwrap_or(0.0);
                                                        view! {
                                                            <li>
                                                                <span class="prob-label">{c.title()}</span>
                                                                <span
                                                                    class="prob-bar"
                                                                    style=format!("width:{:.1}%", v * 100.0)
                                                                ></span>
                                                                <span class="prob-value" data-class=c.as_str()>
                                                                    {percent(v)}
                                                                </span>
                                                            </li>
                                                        }
                                                    })
                                                    .collect::<Vec<_>>();
                                                view! {
                                                    <p class="verdict" data-testid="what-if-verdict">
                                                        {format!(
                                                            "{} ({})",
                                                            p.prediction.title(),
                                                            percent(p.confidence),
                                                        )}
                                                    </p>
                                                    <ul class="prob-list">{bars}</ul>
                                                    <ul class="reasons">
                                                        {p
                                                            .reasons
                                                            .iter()
                                                            .map(|r| view! { <ReasonItem reason=r.clone() /> })
                                                            .collect::<Vec<_>>()}
                                                    </ul>
                                                    <ExplanationWaterfall prediction=p descriptions=descriptions />
                                                }
                                                    .into_any()
                                            }
                                        }
                                    }
                                }
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </section>
    }
}
