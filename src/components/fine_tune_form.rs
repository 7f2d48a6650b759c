//! Fine-tuning the pretrained model on the labelled table just predicted: a few settings and
//! a button that sends the same file to `POST /api/v1/trainings` (`"fine_tune":
//! "pretrained"`), then follows its progress like any training.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::TrainRequest;
use crate::client::upload::{start, FileStorage, PickedFile};

#[component]
pub fn FineTuneForm(
    /// The labelled table the user uploaded (browser only).
    file: StoredValue<Option<PickedFile>, FileStorage>,
    /// How many of its rows carry a label.
    labelled: usize,
    /// The column choice the table was read with, when it is not recognised by its columns.
    columns: Option<std::collections::BTreeMap<String, String>>,
) -> impl IntoView {
    let rounds = RwSignal::new("100".to_string());
    let learning_rate = RwSignal::new("0.05".to_string());
    let test_share = RwSignal::new("20".to_string());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse = |text: String, name: &str| {
            text.trim().parse::<f64>().map_err(|_| format!("{name}: '{}' is not a number.", text.trim()))
        };
        let values = (|| -> Result<(f64, f64, f64), String> {
            Ok((
                parse(rounds.get_untracked(), "Boosting rounds")?,
                parse(learning_rate.get_untracked(), "Learning rate")?,
                parse(test_share.get_untracked(), "Held-out share")?,
            ))
        })();
        let (n_rounds, lr, share) = match values {
            Ok(v) => v,
            Err(message) => return error.set(Some(message)),
        };
        if n_rounds.fract() != 0.0 {
            return error.set(Some(format!("Boosting rounds: {n_rounds} is not a whole number.")));
        }
        if !(5.0..=50.0).contains(&share) {
            return error.set(Some(format!("Held-out share: {share} % is outside 5 to 50 %.")));
        }
        let Some(picked) = file.get_value() else {
            return error.set(Some("Choose the table again: the page no longer holds it.".into()));
        };
        let request: TrainRequest = match serde_json::from_value(serde_json::json!({
            "dataset": "upload",
            "model": "gradient_boosting",
            "fine_tune": "pretrained",
            "hyperparameters": {"n_rounds": n_rounds as u64, "learning_rate": lr},
            "test_fraction": share / 100.0,
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
        <section aria-labelledby="fine-tune-heading" class="fine-tune">
            <h3 id="fine-tune-heading">"Fine-tune the model on this table"</h3>
            <p>
                {format!(
                    "Your table has {labelled} labelled rows. Fine-tuning keeps the pretrained model's trees and adds new rounds of boosting on your rows (split by host star; the held-out share is kept aside). The result shows both models side by side on your held-out rows and on NASA's held-out objects; the fine-tuned model is saved as a new model, the pretrained one is never changed.",
                )}
            </p>
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
                    <p class="hint">"1 to 5000; the pretrained model has 300."</p>
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
                    <p class="hint">"0.001 to 1; smaller changes the model more gently."</p>
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
                    <p class="hint">"5 to 50; these rows score both models."</p>
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
        </section>
    }
}
