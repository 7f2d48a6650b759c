//! "Your table": a CSV chosen by the user is predicted whole; an unrecognised table first
//! gets the column-choice form, and a labelled one offers fine-tuning.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;

use super::column_choice_form::ColumnChoiceForm;
use super::error_panel::ErrorPanel;
use super::fine_tune_form::FineTuneForm;
use super::predictions_report::PredictionsReport;
use crate::api::{ApiError, FeatureCard, PredictionResponse, UploadInspection};
use crate::client::upload::{FileStorage, PickedFile};
use crate::domain::ErrorCode;
use crate::domain::ModelRef;

/// The user's own table, predicted by `model`.
#[component]
pub fn TablePredictions(
    descriptions: BTreeMap<String, String>,
    model: Memo<String>,
    features: Vec<FeatureCard>,
) -> impl IntoView {
    let outcome = RwSignal::new(None::<Result<PredictionResponse, ApiError>>);
    let busy = RwSignal::new(None::<String>);
    // Kept for predicting with a column choice and for fine-tuning on the same table.
    let picked_file: StoredValue<Option<PickedFile>, FileStorage> = StoredValue::new_with_storage(None);
    // Set when the table is not recognised by its columns: the column-choice form shows.
    let needs_choice = RwSignal::new(None::<UploadInspection>);
    // The choice the shown predictions were read with (fine-tuning reads the file the same way).
    let used_choice = RwSignal::new(None::<BTreeMap<String, String>>);
    let predict_with = move |columns: Option<BTreeMap<String, String>>| {
        let Some(file) = picked_file.get_value() else { return };
        #[cfg(feature = "hydrate")]
        let name = file.name();
        #[cfg(not(feature = "hydrate"))]
        let name = String::from("your table");
        busy.set(Some(name));
        outcome.set(None);
        used_choice.set(columns.clone());
        leptos::task::spawn_local(async move {
            let result = crate::client::upload::predict_file(file, model.get_untracked(), columns).await;
            busy.set(None);
            // A table the server cannot read by its column names: ask which column holds what.
            if matches!(&result, Err(e) if e.code == ErrorCode::UnrecognisedColumns) {
                if let Some(file) = picked_file.get_value() {
                    match crate::client::upload::inspect(file).await {
                        Ok(inspection) => return needs_choice.set(Some(inspection)),
                        Err(error) => return outcome.set(Some(Err(error))),
                    }
                }
            }
            outcome.set(Some(result));
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = crate::client::upload::picked(&ev) else { return };
        picked_file.set_value(Some(file));
        needs_choice.set(None);
        // An archive export or a table on the model's own names is read as it is; the
        // server's answer says when the columns have to be chosen.
        predict_with(None);
    };
    view! {
        <section aria-labelledby="table-heading">
            <h2 id="table-heading">"Your table"</h2>
            <p>
                "A CSV of candidates: the archive's KOI, TOI or K2 export as downloaded, a table with the columns "
                <A href="/model-card">"listed on the model card"</A> " (and optionally " <code>"id"</code> ", "
                <code>"mission"</code> ", " <code>"label"</code> ", " <code>"star"</code>
                "), or any other table, whose columns you then choose. Rows with labels also give scores and can fine-tune the model."
            </p>
            <div class="field">
                <label for="predict-file">"Table to predict (CSV, UTF-8)"</label>
                <input id="predict-file" type="file" accept=".csv,text/csv" on:change=on_file />
            </div>
            {move || {
                needs_choice
                    .get()
                    .map(|inspection| {
                        view! {
                            <ColumnChoiceForm
                                inspection
                                features=features.clone()
                                on_submit=move |choice| predict_with(Some(choice))
                            />
                        }
                    })
            }}
            {move || {
                busy.get()
                    .map(|name| {
                        view! {
                            <p class="loading" role="status">
                                {format!("Predicting every object of {name}…")}
                            </p>
                        }
                    })
            }}
            {move || {
                outcome
                    .get()
                    .map(|result| match result {
                        Err(error) => view! { <ErrorPanel error title="The table could not be predicted" /> }.into_any(),
                        Ok(response) => {
                            let labelled = response.predictions.iter().filter(|p| p.actual.is_some()).count();
                            let offer = labelled > 0 && ModelRef::parse(&model.get_untracked()).is_pretrained();
                            let columns = used_choice.get_untracked();
                            // Every labelled row counts for fine-tuning, also those the model learned from.
                            view! {
                                <PredictionsReport response descriptions=descriptions.clone() />
                                {offer
                                    .then(|| {
                                        let base = model.get_untracked();
                                        view! { <FineTuneForm file=picked_file labelled columns base /> }
                                    })}
                            }
                                .into_any()
                        }
                    })
            }}
        </section>
    }
}
