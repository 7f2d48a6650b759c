//! The train form's run options: the feature set, seed, cross-validation, calibration,
//! cross-mission transfer, and the temporal split's cut-off date.

use leptos::prelude::*;

use crate::domain::{CalibrationMethod, FeatureSet};

/// Seed, 5-fold cross-validation, the mission to test on and a cut-off date; named inputs,
/// so the plain form posts them too. The transfer choice is hidden for an uploaded table,
/// the cut-off for the tables that do not date their rows (Kepler and K2; TESS dates them
/// by `rowupdate`, an upload by the date column chosen in its mapping).
#[component]
pub fn RunOptions(
    seed: RwSignal<String>,
    cross_validation: RwSignal<bool>,
    transfer_to: RwSignal<String>,
    dataset: RwSignal<String>,
    cutoff: RwSignal<String>,
    feature_set: RwSignal<FeatureSet>,
    calibrate: RwSignal<Option<CalibrationMethod>>,
) -> impl IntoView {
    let options = FeatureSet::ALL
        .into_iter()
        .map(|set| {
            view! {
                <option value=set.id() selected=move || feature_set.get() == set>
                    {set.title()}
                </option>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="field" hidden=move || dataset.get() == "upload">
            <label for="feature_set">"Features"</label>
            <select
                id="feature_set"
                name="feature_set"
                aria-describedby="feature-set-help"
                on:change=move |ev| {
                    feature_set.set(FeatureSet::from_id(&event_target_value(&ev)).unwrap_or_default())
                }
            >
                {options}
            </select>
            <p class="field-help" id="feature-set-help">
                {move || feature_set.get().description()}
            </p>
        </div>
        <div class="field">
            <label for="seed">"Random seed"</label>
            <input
                id="seed"
                name="seed"
                type="number"
                min="0"
                step="1"
                inputmode="numeric"
                aria-describedby="seed-help"
                value=seed.get_untracked()
                prop:value=move || seed.get()
                on:input=move |ev| seed.set(event_target_value(&ev))
            />
            <p class="field-help" id="seed-help">
                "Fixes the train/test split and the model's randomness: the same seed gives the same result."
            </p>
        </div>
        <div class="field field-check">
            <input
                id="cross_validation"
                name="cross_validation"
                type="checkbox"
                aria-describedby="cv-help"
                prop:checked=move || cross_validation.get()
                on:change=move |ev| cross_validation.set(event_target_checked(&ev))
            />
            <label for="cross_validation">"Also run 5-fold cross-validation"</label>
            <p class="field-help" id="cv-help">
                "Trains five more models on folds of the training part (whole stars per fold) and reports mean ± spread: a steadier estimate, about five times the training time."
            </p>
        </div>
        <div class="field">
            <label for="calibrate">"Probabilities"</label>
            <select
                id="calibrate"
                name="calibrate"
                aria-describedby="calibrate-help"
                on:change=move |ev| calibrate.set(CalibrationMethod::from_id(&event_target_value(&ev)))
            >
                <option value="" selected=move || calibrate.get().is_none()>
                    "As the model gives them"
                </option>
                {CalibrationMethod::ALL
                    .into_iter()
                    .map(|m| {
                        view! {
                            <option value=m.id() selected=move || calibrate.get() == Some(m)>
                                {format!("Calibrated: {}", m.title().to_lowercase())}
                            </option>
                        }
                    })
                    .collect::<Vec<_>>()}
            </select>
            <p class="field-help" id="calibrate-help">
                {move || match calibrate.get() {
                    None => {
                        "A fifth of the training part's stars can be held back to correct the probabilities, so that \"80 %\" means right about four times in five; the result compares both."
                            .to_string()
                    }
                    Some(m) => {
                        format!("{} The model learns from the other four fifths of the training part.", m.description())
                    }
                }}
            </p>
        </div>
        <div class="field" hidden=move || dataset.get() == "upload">
            <label for="transfer_to">"Test on another mission"</label>
            <select
                id="transfer_to"
                name="transfer_to"
                aria-describedby="transfer-help"
                prop:value=move || transfer_to.get()
                on:change=move |ev| transfer_to.set(event_target_value(&ev))
            >
                <option value="">"No: test on the same mission"</option>
                {[("kepler", "Kepler"), ("tess", "TESS"), ("k2", "K2")]
                    .into_iter()
                    .map(|(id, name)| {
                        view! {
                            <option value=id disabled=move || dataset.get() == id>
                                {name}
                            </option>
                        }
                    })
                    .collect::<Vec<_>>()}
            </select>
            <p class="field-help" id="transfer-help">
                "Cross-mission transfer: train on this mission, test on the other one's held-out objects, both on the features all missions share. The result shows which features differ most between the two."
            </p>
        </div>
        <div class="field" hidden=move || !matches!(dataset.get().as_str(), "tess" | "upload")>
            <label for="cutoff">"Test on the future: cut-off date"</label>
            <input
                id="cutoff"
                name="cutoff"
                type="date"
                aria-describedby="cutoff-help"
                prop:value=move || cutoff.get()
                on:change=move |ev| cutoff.set(event_target_value(&ev))
            />
            <p class="field-help" id="cutoff-help">
                {move || {
                    if dataset.get() == "upload" {
                        "Leave empty for the usual random split by star. With a date, the model learns only from rows whose date column (chosen above) is before it and is tested on the rows resolved on or after it. Needs a date column and no separate test file."
                    } else {
                        "Leave empty for the usual random split by star. With a date (for example 2024-01-01), the model learns only from objects whose TOI row was last updated before it and is tested on the candidates resolved after it: how a ranking of today's candidates would have fared."
                    }
                }}
            </p>
        </div>
    }
}
