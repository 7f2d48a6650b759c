//! Fine-tuning the pretrained model on the labelled table just predicted: a few settings and
//! a button that sends the same file to `POST /api/v1/trainings` (`"fine_tune":
//! "pretrained"`), then follows its progress like any training. The settings' limits are
//! the server's own: the booster's published hyperparameters (checked by their
//! [`ParamRule`]) and [`TEST_FRACTION_RANGE`] for the held-out share.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use crate::api::functions::get_models;
use crate::api::{HyperparameterInfo, ModelInfo, TrainRequest};
use crate::client::upload::{start, FileStorage, PickedFile};
use crate::domain::{ParamProblem, ParamRule, TEST_FRACTION_RANGE};

/// The model family fine-tuning continues: the pretrained model's.
const BOOSTING: &str = "gradient_boosting";

#[component]
pub fn FineTuneForm(
    /// The labelled table the user uploaded (browser only).
    file: StoredValue<Option<PickedFile>, FileStorage>,
    /// How many of its rows carry a label.
    labelled: usize,
    /// The column choice the table was read with, when it is not recognised by its columns.
    columns: Option<BTreeMap<String, String>>,
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
                    let columns = columns.clone();
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
                            Ok(limits) => view! { <FineTuneSettings limits file columns /> }.into_any(),
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

/// The server's limits for the settings offered: the booster's hyperparameters as
/// `GET /api/v1/models` publishes them (the specs its check uses) and the held-out share.
#[derive(Debug, Clone)]
struct Limits {
    rounds: HyperparameterInfo,
    learning_rate: HyperparameterInfo,
}

impl Limits {
    fn of(models: &[ModelInfo]) -> Option<Limits> {
        let booster = models.iter().find(|m| m.id == BOOSTING)?;
        let spec = |name: &str| booster.hyperparameters.iter().find(|h| h.name == name).cloned();
        Some(Limits { rounds: spec("n_rounds")?, learning_rate: spec("learning_rate")? })
    }
}

/// A share as the percent the form shows (0.05 → 5), without float noise.
fn percent(fraction: f64) -> f64 {
    (fraction * 10_000.0).round() / 100.0
}

/// A hyperparameter's range as the hint shows it ("1 to 5000").
fn range_text(spec: &HyperparameterInfo) -> String {
    match (spec.min, spec.max) {
        (Some(min), Some(max)) => format!("{min} to {max}"),
        _ => String::new(),
    }
}

/// A setting's text checked by the server's rule for that hyperparameter: the value to send,
/// or what is wrong, led by the field's `label`.
fn check_setting(spec: &HyperparameterInfo, label: &str, text: &str) -> Result<Value, String> {
    let text = text.trim();
    let rule = ParamRule { kind: spec.kind, min: spec.min, max: spec.max, options: &spec.options };
    rule.check(&Value::String(text.to_string())).map_err(|problem| {
        let why = match problem {
            ParamProblem::NotWhole { .. } => format!("'{text}' is not a whole number."),
            ParamProblem::NotNumber { .. } => format!("'{text}' is not a number."),
            ParamProblem::OutOfRange { min, max, got } => format!("{got} is outside {min} to {max}."),
            other => other.form_message(),
        };
        format!("{label}: {why}")
    })
}

/// The held-out share in percent checked against [`TEST_FRACTION_RANGE`]: the fraction to
/// send, or what is wrong.
fn check_share(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let share: f64 = text.parse().map_err(|_| format!("Held-out share: '{text}' is not a number."))?;
    let fraction = share / 100.0;
    if !TEST_FRACTION_RANGE.contains(&fraction) {
        let (lo, hi) = (percent(*TEST_FRACTION_RANGE.start()), percent(*TEST_FRACTION_RANGE.end()));
        return Err(format!("Held-out share: {share} % is outside {lo} to {hi} %."));
    }
    Ok(fraction)
}

/// The settings form, once the limits are known.
#[component]
fn FineTuneSettings(
    limits: Limits,
    file: StoredValue<Option<PickedFile>, FileStorage>,
    columns: Option<BTreeMap<String, String>>,
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
            "fine_tune": "pretrained",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParamKind;

    fn spec(name: &str, kind: ParamKind, min: f64, max: f64) -> HyperparameterInfo {
        HyperparameterInfo {
            name: name.into(),
            label: name.into(),
            kind,
            default: Value::Null,
            min: Some(min),
            max: Some(max),
            options: Vec::new(),
            help: String::new(),
        }
    }

    #[test]
    fn settings_are_checked_by_the_published_limits() {
        let rounds = spec("n_rounds", ParamKind::Integer, 1.0, 5000.0);
        let lr = spec("learning_rate", ParamKind::Number, 0.001, 1.0);
        assert_eq!(range_text(&rounds), "1 to 5000");
        assert_eq!(range_text(&lr), "0.001 to 1");
        assert_eq!(check_setting(&rounds, "Boosting rounds", " 40 "), Ok(serde_json::json!(40)));
        assert_eq!(
            check_setting(&rounds, "Boosting rounds", "7.5"),
            Err("Boosting rounds: '7.5' is not a whole number.".into())
        );
        assert_eq!(
            check_setting(&lr, "Learning rate", "gently"),
            Err("Learning rate: 'gently' is not a number.".into())
        );
        assert_eq!(check_setting(&lr, "Learning rate", "5"), Err("Learning rate: 5 is outside 0.001 to 1.".into()));
        assert_eq!(check_share("20"), Ok(0.2));
        assert_eq!(check_share("5"), Ok(0.05));
        assert_eq!(check_share("50"), Ok(0.5));
        assert_eq!(check_share("90"), Err("Held-out share: 90 % is outside 5 to 50 %.".into()));
        assert_eq!(check_share("lots"), Err("Held-out share: 'lots' is not a number.".into()));
    }

    #[test]
    fn the_booster_is_found_among_the_models() {
        let model = |id: &str, hyperparameters| ModelInfo {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            missing_values: String::new(),
            hyperparameters,
            presets: Vec::new(),
            class_weights: false,
            explanation: String::new(),
        };
        let booster = vec![
            spec("n_rounds", ParamKind::Integer, 1.0, 5000.0),
            spec("learning_rate", ParamKind::Number, 0.001, 1.0),
        ];
        let models = [model("random_forest", Vec::new()), model(BOOSTING, booster)];
        let limits = Limits::of(&models).unwrap();
        assert_eq!((limits.rounds.name.as_str(), limits.learning_rate.name.as_str()), ("n_rounds", "learning_rate"));
        assert!(Limits::of(&models[..1]).is_none());
    }
}
