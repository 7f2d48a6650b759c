//! "Planet or not" at a threshold the user chooses: a slider (and a number box) over the
//! planet score, precision, recall, F1 and the 2×2 updated live in the browser from the
//! held-out objects' probabilities, the precision–recall curve with the current point,
//! presets for common goals, and saving the threshold with the model (its owner only).
//! The numbers come from `domain::planet_decision`, the code the server's check runs too.

use leptos::prelude::*;

use super::unit_square_plot::{x, y, UnitSquarePlot};
use crate::api::functions::{get_decision_scores, save_decision_threshold};
use crate::api::{scored, DecisionScores};
use crate::domain::planet_decision::pr_curve;
use crate::domain::{BinaryCounts, DecisionThreshold, PlanetQuestion, ThresholdPreset};

#[component]
pub fn ThresholdExplorer(training_id: String) -> impl IntoView {
    let id = training_id.clone();
    let scores = Resource::new(move || id.clone(), get_decision_scores);
    view! {
        <Suspense fallback=|| {
            view! { <p class="loading">"Loading the held-out probabilities…"</p> }
        }>
            {move || Suspend::new({
                let training_id = training_id.clone();
                async move {
                    match scores.await {
                        Ok(s) if !s.objects.is_empty() => view! { <Explorer training_id scores=s /> }.into_any(),
                        Ok(_) => {
                            view! { <p>"No labelled held-out objects: nothing to set a threshold on."</p> }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                    }
                }
            })}
        </Suspense>
    }
}

/// A share as the page shows it; "–" when undefined (nothing called a planet, no planets).
fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), super::format::percent)
}

#[component]
fn Explorer(training_id: String, scores: DecisionScores) -> impl IntoView {
    let objects = StoredValue::new(scores.objects);
    let question = RwSignal::new(scores.saved.map(|s| s.question).unwrap_or_default());
    let threshold = RwSignal::new(scores.saved.map_or(0.5, |s| s.threshold));
    let saved = RwSignal::new(scores.saved);
    let scored = Memo::new(move |_| objects.with_value(|o| scored(question.get(), o)));
    let curve = Memo::new(move |_| pr_curve(&scored.read()));
    let counts = Memo::new(move |_| BinaryCounts::at(&scored.read(), threshold.get()));
    let set_threshold = move |text: String| {
        if let Ok(t) = text.trim().parse::<f64>() {
            threshold.set(t.clamp(0.0, 1.0));
        }
    };

    let questions = PlanetQuestion::ALL
        .into_iter()
        .map(|q| {
            view! {
                <label class="radio">
                    <input
                        type="radio"
                        name="planet-question"
                        value=q.id()
                        prop:checked=move || question.get() == q
                        on:change=move |_| question.set(q)
                    />
                    {format!(" {}", q.title())}
                </label>
            }
        })
        .collect::<Vec<_>>();
    let presets = ThresholdPreset::ALL
        .into_iter()
        .map(|p| {
            view! {
                <button
                    type="button"
                    class="secondary"
                    data-testid=format!("preset-{}", p.label().to_lowercase().replace([' ', '%'], ""))
                    prop:disabled=move || p.threshold(&curve.read()).is_none()
                    on:click=move |_| {
                        if let Some(t) = p.threshold(&curve.read_untracked()) {
                            threshold.set(t);
                        }
                    }
                >
                    {p.label()}
                </button>
            }
        })
        .collect::<Vec<_>>();
    let curve_path = move || {
        curve
            .read()
            .iter()
            .filter_map(|p| Some((p.counts.recall()?, p.counts.precision()?)))
            .enumerate()
            .map(|(i, (r, p))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x(r), y(p)))
            .collect::<String>()
    };
    let point = move || {
        let c = counts.get();
        (c.recall().unwrap_or(0.0), c.precision().unwrap_or(1.0))
    };
    let save = Action::new(move |threshold: &Option<DecisionThreshold>| {
        let (id, threshold) = (training_id.clone(), *threshold);
        async move { save_decision_threshold(id, threshold).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(now)) = save.value().get() {
            saved.set(now);
        }
    });
    let save_state = move || match (save.value().get(), saved.get()) {
        (Some(Err(e)), _) => e.message,
        (_, Some(s)) => format!(
            "Saved with the model: {} ≥ {:.3}. Predictions with this model say \"planet\" or not by it.",
            s.question.title(),
            s.threshold
        ),
        (_, None) => "No threshold saved: predictions with this model give probabilities only.".into(),
    };
    let cell = |testid: &'static str, value: Box<dyn Fn(BinaryCounts) -> usize + Send + Sync>| {
        view! { <td data-testid=testid>{move || value(counts.get())}</td> }
    };
    view! {
        <div class="threshold-explorer" data-testid="threshold-explorer">
            <fieldset class="question">
                <legend>"Planet score"</legend>
                {questions}
            </fieldset>
            <div class="field threshold-field">
                <label for="threshold">"Call it a planet when the score is at least"</label>
                <div class="threshold-inputs">
                    <input
                        id="threshold"
                        type="range"
                        min="0"
                        max="1"
                        step="any"
                        prop:value=move || threshold.get().to_string()
                        on:input=move |ev| set_threshold(event_target_value(&ev))
                    />
                    <input
                        type="number"
                        aria-label="Threshold"
                        data-testid="threshold-number"
                        min="0"
                        max="1"
                        step="0.001"
                        inputmode="decimal"
                        prop:value=move || format!("{:.3}", threshold.get())
                        on:change=move |ev| set_threshold(event_target_value(&ev))
                    />
                </div>
                <p class="figures" data-testid="threshold-value" data-threshold=move || threshold.get().to_string()>
                    {move || format!("Threshold {:.3}", threshold.get())}
                </p>
            </div>
            <div class="preset-buttons" role="group" aria-label="Threshold presets">
                {presets}
            </div>
            <p class="figures" role="status">
                <span data-testid="explorer-precision">
                    {move || format!("Precision {}", percent(counts.get().precision()))}
                </span>
                " · "
                <span data-testid="explorer-recall">
                    {move || format!("recall {}", percent(counts.get().recall()))}
                </span>
                " · "
                <span data-testid="explorer-f1">{move || format!("F1 {:.3}", counts.get().f1())}</span>
            </p>
            <div class="chart-row">
                <div class="table-scroll">
                    <table class="two-by-two" data-testid="explorer-matrix">
                        <caption>"Held-out objects at this threshold"</caption>
                        <thead>
                            <tr>
                                <td></td>
                                <th scope="col">"Called planet"</th>
                                <th scope="col">"Called not"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <tr>
                                <th scope="row">"Planet"</th>
                                {cell("tp", Box::new(|c| c.true_positive))}
                                {cell("fn", Box::new(|c| c.false_negative))}
                            </tr>
                            <tr>
                                <th scope="row">"Not a planet"</th>
                                {cell("fp", Box::new(|c| c.false_positive))}
                                {cell("tn", Box::new(|c| c.true_negative))}
                            </tr>
                        </tbody>
                    </table>
                </div>
                <figure class="chart pr-curve" data-testid="pr-curve">
                    <UnitSquarePlot
                        label="Precision against recall at every threshold, with the current threshold marked."
                            .to_string()
                        x_title="Recall"
                        y_title="Precision"
                        diagonal=false
                    >
                        <path d=curve_path class="pr-line"></path>
                        <circle cx=move || x(point().0) cy=move || y(point().1) r="5" class="pr-point"></circle>
                    </UnitSquarePlot>
                </figure>
            </div>
            {scores
                .can_save
                .then(|| {
                    view! {
                        <div class="save-threshold">
                            <button
                                type="button"
                                data-testid="save-threshold"
                                on:click=move |_| {
                                    save.dispatch(
                                        Some(DecisionThreshold {
                                            question: question.get_untracked(),
                                            threshold: threshold.get_untracked(),
                                        }),
                                    );
                                }
                            >
                                "Save this threshold with the model"
                            </button>
                            <button
                                type="button"
                                class="secondary"
                                prop:disabled=move || saved.get().is_none()
                                on:click=move |_| {
                                    save.dispatch(None);
                                }
                            >
                                "Clear"
                            </button>
                        </div>
                    }
                })}
            <p class="hint" role="status" data-testid="threshold-saved">
                {save_state}
            </p>
        </div>
    }
}
