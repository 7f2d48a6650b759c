//! Fine-tuning the pretrained model on the labelled table just predicted: a few settings and
//! a button that sends the same file to `POST /api/v1/trainings` (`"fine_tune":
//! "pretrained"` or `"pretrained_physical"`), then follows its progress like any training. The settings' limits are
//! the server's own: the booster's published hyperparameters (checked by their
//! `ParamRule`) and [`TEST_FRACTION_RANGE`] for the held-out share (`fine_tune_limits`).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use super::fine_tune_limits::{check_setting, check_share, percent, range_text, Limits, BOOSTING};
use crate::api::functions::get_models;
use crate::api::TrainRequest;
use crate::client::upload::{start, FileStorage, PickedFile};
use crate::domain::TEST_FRACTION_RANGE;

#[component]
pub fn FineTuneForm(
    /// The labelled table the user uploaded (browser only).
    file: StoredValue<Option<PickedFile>, FileStorage>,
    /// How many of its rows carry a label.
    labelled: usize,
    /// The column choice the table was read with, when it is not recognised by its columns.
    columns: Option<BTreeMap<String, String>>,
    /// Which pretrained model is fine-tuned (`"pretrained"` or `"pretrained_physical"`).
    base: String,
) -> impl IntoView {
    let models = Resource::new(|| (), |_| get_models());
    view! {
        <section aria-labelledby="fine-tune-heading" class="fine-tune">
            <h3 id="fine-tune-heading">"Fine-tune the model on this table"</h3>
            <p>
                {format!(
                    "Your table has {labelled} labelled rows. Fine-tuning keeps the pretrained model's trees and adds new rounds of boosting on your rows (split by host star; the held-out share is kept aside). The result shows both models side by side on your held-out rows and on NASA's held-out objects; the fine-tuned model is saved as a new model, the pretrained one is never changed.",
                )}
            </p>
            <Suspense fallback=|| {
                view! { <p class="loading">"Loading the model's settings…"</p> }
            }>
                {move || {
                    let (columns, base) = (columns.clone(), base.clone());
                    Suspend::new(async move {
                        let limits = models
                            .await
                            .map_err(|e| e.message)
                            .and_then(|models| {
                                Limits::of(&models)
                                    .ok_or_else(|| {
                                        "The server does not describe the gradient boosting's settings, so fine-tuning cannot be offered."
                                            .to_string()
                                    })
                            });
                        match limits {
                            Ok(limits) => view! { <FineTuneSettings limits file columns base /> }.into_any(),
                            Err(message) => {
                                view! {
                                    <p class="form-error" role="alert">
                                        {message}
                                    </p>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The settings form, once the limits are known.
#[component]
fn FineTuneSettings(
    limits: Limits,
    file: StoredValue<Option<PickedFile>, FileStorage>,
    columns: Option<BTreeMap<String, String>>,
    base: String,
) -> impl IntoView {
    let rounds = RwSignal::new("100".to_string());
    let learning_rate = RwSignal::new("0.05".to_string());
    let test_share = RwSignal::new("20".to_string());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let navigate = use_navigate();
    let rounds_hint = format!("{}; the pretrained model has 300.", range_text(&limits.rounds));
    let learning_rate_hint = format!("{}; smaller changes the model more gently.", range_text(&limits.learning_rate));
    let share_hint = format!(
        "{} to {}; these rows score both models.",
        percent(*TEST_FRACTION_RANGE.start()),
        percent(*TEST_FRACTION_RANGE.end()),
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = (|| -> Result<(Value, Value, f64), String> {
            Ok((
                check_setting(&limits.rounds, "Boosting rounds", &rounds.get_untracked())?,
                check_setting(&limits.learning_rate, "Learning rate", &learning_rate.get_untracked())?,
                check_share(&test_share.get_untracked())?,
            ))
        })();
        let (n_rounds, lr, fraction) = match values {
            Ok(v) => v,
            Err(message) => return error.set(Some(message)),
        };
        let Some(picked) = file.get_value() else {
            return error.set(Some("Choose the table again: the page no longer holds it.".into()));
        };
        let request: TrainRequest = match serde_json::from_value(serde_json::json!({
            "dataset": "upload",
            "model": BOOSTING,
            "fine_tune": base.clone(),
            "hyperparameters": {"n_rounds": n_rounds, "learning_rate": lr},
            "test_fraction": fraction,
            "columns": columns.clone(),
        })) {
            Ok(r) => r,
            Err(e) => return error.set(Some(e.to_string())),
        };
        error.set(None);
        sending.set(true);
        let config = serde_json::to_string(&request).unwrap_or_default();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match start(config, picked, None).await {
                Ok(started) => navigate(&format!("/trainings/{}", started.id), Default::default()),
                Err(e) => error.set(Some(e.message)),
            }
            sending.set(false);
        });
    };
    view! {
        <form on:submit=on_submit class="fine-tune-form">
            <div class="field">
                <label for="fine-tune-rounds">"Boosting rounds to add"</label>
                <input
                    id="fine-tune-rounds"
                    type="text"
                    inputmode="numeric"
                    prop:value=move || rounds.get()
                    on:input=move |ev| rounds.set(event_target_value(&ev))
                />
                <p class="hint">{rounds_hint}</p>
            </div>
            <div class="field">
                <label for="fine-tune-lr">"Learning rate"</label>
                <input
                    id="fine-tune-lr"
                    type="text"
                    inputmode="decimal"
                    prop:value=move || learning_rate.get()
                    on:input=move |ev| learning_rate.set(event_target_value(&ev))
                />
                <p class="hint">{learning_rate_hint}</p>
            </div>
            <div class="field">
                <label for="fine-tune-share">"Held-out share of your rows (%)"</label>
                <input
                    id="fine-tune-share"
                    type="text"
                    inputmode="decimal"
                    prop:value=move || test_share.get()
                    on:input=move |ev| test_share.set(event_target_value(&ev))
                />
                <p class="hint">{share_hint}</p>
            </div>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
            <button type="submit" class="button button-primary" prop:disabled=move || sending.get()>
                {move || { if sending.get() { "Sending the table…" } else { "Fine-tune the pretrained model" } }}
            </button>
        </form>
    }
}
