//! Choosing which column of a user's table holds each input of the pretrained model (and
//! the id, label, mission and star), for a table that is neither an archive export nor on
//! the harmonised names. Starts from [`guess_columns`]; every choice can be changed.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::column_guess::guess_columns;
use crate::api::{FeatureCard, UploadInspection};
use crate::domain::ColumnRole;

/// The form; `on_submit` receives the choice (keys: input names and roles; unchosen left out).
#[component]
pub fn ColumnChoiceForm(
    inspection: UploadInspection,
    features: Vec<FeatureCard>,
    #[prop(into)] on_submit: Callback<BTreeMap<String, String>>,
) -> impl IntoView {
    let columns: Vec<String> = inspection.columns.iter().map(|c| c.name.clone()).collect();
    let choice = RwSignal::new(guess_columns(&features, &columns));
    let error = RwSignal::new(None::<String>);
    let select = move |key: String, label: String, hint: String| {
        let id = format!("column-for-{key}");
        let (current, on_key) = (key.clone(), key.clone());
        let options =
            columns.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect::<Vec<_>>();
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <select
                    id=id
                    prop:value=move || choice.with(|m| m.get(&current).cloned().unwrap_or_default())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        choice
                            .update(|m| {
                                if value.is_empty() {
                                    m.remove(&on_key);
                                } else {
                                    m.insert(on_key.clone(), value);
                                }
                            });
                    }
                >
                    <option value="">"— not in the table —"</option>
                    {options}
                </select>
                <p class="hint">{hint}</p>
            </div>
        }
    };
    let feature_names: Vec<String> = features.iter().map(|f| f.name.clone()).collect();
    let feature_fields = features
        .iter()
        .map(|f| {
            select(
                f.name.clone(),
                format!("{} [{}]", f.description, f.unit),
                format!("typical {} to {}", f.typical_low, f.typical_high),
            )
        })
        .collect::<Vec<_>>();
    let role_fields = ColumnRole::ALL
        .into_iter()
        .map(|role| select(role.as_str().to_string(), role.title().to_string(), role.description().to_string()))
        .collect::<Vec<_>>();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = choice.get_untracked();
        if !feature_names.iter().any(|f| chosen.contains_key(f)) {
            error.set(Some("Choose a column for at least one of the model's inputs.".into()));
            return;
        }
        error.set(None);
        on_submit.run(chosen);
    };
    view! {
        <form class="column-choice" on:submit=submit data-testid="column-choice">
            <p>
                {format!(
                    "{} is not one of the archive's exports and does not use the model's column names, so say which column holds what. The guesses come from the column names; inputs not in your table count as missing.",
                    inspection.file,
                )}
            </p>
            <fieldset>
                <legend>"Columns of the objects"</legend>
                <div class="column-grid">{role_fields}</div>
            </fieldset>
            <fieldset>
                <legend>"The model's inputs"</legend>
                <div class="column-grid">{feature_fields}</div>
            </fieldset>
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
            <button type="submit" class="button button-primary">
                "Predict with these columns"
            </button>
        </form>
    }
}
