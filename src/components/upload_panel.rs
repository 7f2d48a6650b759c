//! The upload part of the train form: file pickers, then "recognised archive export" or
//! the column-mapping form.
// On the server a picked file is `()` (files live only in the browser), so passing and
// cloning it there is a no-op that clippy flags; the browser build is checked without this.
#![cfg_attr(not(feature = "hydrate"), allow(clippy::unit_arg, clippy::clone_on_copy, clippy::let_unit_value))]

use leptos::prelude::*;

use crate::client::upload::{inspect, picked};
use crate::components::{MappingForm, UploadState};

/// File pickers for a training table and an optional test table, then either "recognised
/// archive export" or the mapping form: label column, what its values mean, features
/// (label-leaking archive columns are flagged and off), object-name and star columns.
#[component]
pub fn UploadPanel(state: UploadState) -> impl IntoView {
    let on_train = move |ev: leptos::ev::Event| {
        let Some(file) = picked(&ev) else { return };
        state.train.set_value(Some(file.clone()));
        state.inspection.set(None);
        state.error.set(None);
        state.inspecting.set(true);
        leptos::task::spawn_local(async move {
            match inspect(file).await {
                Ok(inspection) => {
                    state.guess(&inspection);
                    state.inspection.set(Some(inspection));
                }
                Err(error) => state.error.set(Some(error.message)),
            }
            state.inspecting.set(false);
        });
    };
    let on_test = move |ev: leptos::ev::Event| state.test.set_value(picked(&ev));
    view! {
        <div class="upload-panel" data-testid="upload-panel">
            <div class="field">
                <label for="train-file">"Training table (CSV, UTF-8)"</label>
                <input
                    id="train-file"
                    name="train_file"
                    type="file"
                    accept=".csv,text/csv"
                    aria-describedby="train-file-help"
                    on:change=on_train
                />
                <p class="field-help" id="train-file-help">
                    "The archive's own KOI, TOI or K2 export is recognised as is; any other table is mapped below. Without a test table, this one is split by star like the NASA tables."
                </p>
            </div>
            <div class="field">
                <label for="test-file">"Test table (optional)"</label>
                <input id="test-file" name="test_file" type="file" accept=".csv,text/csv" on:change=on_test />
            </div>
            <p class="form-error" role="alert" data-testid="upload-error">
                {move || state.error.get()}
            </p>
            {move || {
                state
                    .inspecting
                    .get()
                    .then(|| {
                        view! {
                            <p class="loading" role="status">
                                "Reading the table…"
                            </p>
                        }
                    })
            }}
            {move || {
                state
                    .inspection
                    .get()
                    .map(|inspection| match inspection.detected {
                        Some(mission) => {
                            view! {
                                <p class="recognised" role="status" data-testid="recognised">
                                    {format!(
                                        "Recognised: {} ({} rows) is the archive's {} export; its labels and leak-free features are used as for the bundled table.",
                                        inspection.file,
                                        inspection.rows,
                                        mission.table_name(),
                                    )}
                                </p>
                            }
                                .into_any()
                        }
                        None => view! { <MappingForm state inspection /> }.into_any(),
                    })
            }}
        </div>
    }
}
