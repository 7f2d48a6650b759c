//! The train form's tuning choice: off, random search or successive halving, and how many
//! settings to try. Named inputs, so the plain form posts them too.

use leptos::prelude::*;

use crate::domain::{TuneMethod, MAX_TUNE_TRIALS};

#[component]
pub fn TuneOptions(method: RwSignal<Option<TuneMethod>>, trials: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="tune_method">"Tune the hyperparameters"</label>
            <select
                id="tune_method"
                name="tune_method"
                aria-describedby="tune-help"
                on:change=move |ev| method.set(TuneMethod::from_id(&event_target_value(&ev)))
            >
                <option value="" selected=move || method.get().is_none()>
                    "No: train with the values above"
                </option>
                {TuneMethod::ALL
                    .into_iter()
                    .map(|m| {
                        view! {
                            <option value=m.id() selected=move || method.get() == Some(m)>
                                {m.title()}
                            </option>
                        }
                    })
                    .collect::<Vec<_>>()}
            </select>
            <p class="field-help" id="tune-help">
                "Tries other settings of this model, each scored by 5-fold cross-validation on the training part (never the held-out objects), then trains the best. The values above are the first trial. Successive halving tries each on a share of the stars first and only the best on all."
            </p>
        </div>
        <div class="field" hidden=move || method.get().is_none()>
            <label for="tune_trials">"Settings to try"</label>
            <input
                id="tune_trials"
                name="tune_trials"
                type="number"
                min="2"
                max=MAX_TUNE_TRIALS
                step="1"
                inputmode="numeric"
                prop:value=move || trials.get()
                on:input=move |ev| trials.set(event_target_value(&ev))
            />
        </div>
    }
}
