use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::functions::{get_model_card, predict_held_out, predict_rows};
use crate::api::predictions_csv::predictions_csv;
use crate::api::{class_title, ApiError, FeatureCard, PredictRequest, PredictionResponse, UploadInspection};
use crate::client::upload::{FileStorage, PickedFile};
use crate::components::format::{count, percent};
use crate::components::{
    ClassCountsChart, ColumnChoiceForm, ConfusionMatrixChart, ErrorPanel, ExplanationWaterfall, FineTuneForm,
    MetricsSummary, RocCurves,
};

/// Instant answers from the pretrained model: type one object's values (the answer follows
/// as you type), or upload a table (the archive's exports are recognised by their columns).
#[component]
pub fn PredictPage() -> impl IntoView {
    let card = Resource::new(|| (), |_| get_model_card());
    // `?model=<training id>`: a saved (e.g. fine-tuned) model answers the form and the table.
    let query = use_query_map();
    let model = Memo::new(move |_| {
        query.read().get("model").filter(|m| !m.trim().is_empty()).unwrap_or_else(|| "pretrained".into())
    });
    view! {
        <Title text="Predict · Exoplanet Playground" />
        <h1>"Instant predictions"</h1>
        <p class="lead">
            "A model trained on Kepler, TESS and K2 together answers at once, with the reasons for every answer. "
            <A href="/model-card">"What it is and how good it is"</A>
        </p>
        <Suspense fallback=|| {
            view! { <p class="loading">"Loading the model…"</p> }
        }>
            {move || Suspend::new(async move {
                match card.await {
                    Err(error) => {
                        view! { <ErrorPanel error title="The pretrained model is not available" /> }.into_any()
                    }
                    Ok(card) => {
                        let descriptions: BTreeMap<String, String> = card
                            .features
                            .iter()
                            .map(|f| (f.name.clone(), format!("{} [{}]", f.description, f.unit)))
                            .collect();
                        view! {
                            {move || {
                                (model.get() != "pretrained")
                                    .then(|| {
                                        view! {
                                            <p class="notice" role="status" data-testid="chosen-model">
                                                {format!(
                                                    "Answering with your saved model {} (the what-if form and your table); the NASA held-out objects below use the pretrained model. ",
                                                    model.get(),
                                                )}
                                                <A href="/predict">"Use the pretrained model"</A>
                                            </p>
                                        }
                                    })
                            }}
                            <WhatIf features=card.features.clone() descriptions=descriptions.clone() model />
                            <TablePredictions descriptions=descriptions.clone() model features=card.features.clone() />
                            <HeldOut descriptions />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

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

#[component]
fn WhatIf(features: Vec<FeatureCard>, descriptions: BTreeMap<String, String>, model: Memo<String>) -> impl IntoView {
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
                    ApiError::new("invalid_value", format!("{name}: '{text}' is not a number."))
                        .with_field(name.clone())
                })?;
                row.insert(name, number.into());
            }
            let mission = (!mission.is_empty()).then_some(mission);
            predict_rows(PredictRequest { model, rows: vec![row], mission, columns: None }).await
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
                                                let bars = ["confirmed", "candidate", "false_positive"]
                                                    .into_iter()
                                                    .map(|c| {
                                                        let v = p.probabilities.get(c).copied().unwrap_or(0.0);
                                                        view! {
                                                            <li>
                                                                <span class="prob-label">{class_title(c)}</span>
                                                                <span
                                                                    class="prob-bar"
                                                                    style=format!("width:{:.1}%", v * 100.0)
                                                                ></span>
                                                                <span class="prob-value" data-class=c>
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
                                                            class_title(&p.prediction),
                                                            percent(p.confidence),
                                                        )}
                                                    </p>
                                                    <ul class="prob-list">{bars}</ul>
                                                    <ul class="reasons">
                                                        {p
                                                            .reasons
                                                            .iter()
                                                            .map(|r| view! { <li>{r.text.clone()}</li> })
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

/// A `data:` URL holding `csv`, for a download link that needs no second request.
fn csv_data_url(csv: &str) -> String {
    let mut url = String::from("data:text/csv;charset=utf-8,");
    for b in csv.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~ ".contains(&b) {
            url.push(if b == b' ' { '+' } else { b as char });
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.replace('+', "%20")
}

/// Rows shown on the page; the CSV download has all of them.
const SHOWN_ROWS: usize = 100;

#[component]
fn TablePredictions(
    descriptions: BTreeMap<String, String>,
    model: Memo<String>,
    features: Vec<FeatureCard>,
) -> impl IntoView {
    /// The server's code for a table whose columns it cannot read as the model's inputs.
    const UNRECOGNISED: &str = "unrecognised_columns";
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
            if matches!(&result, Err(e) if e.code == UNRECOGNISED) {
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
                            let offer = labelled > 0 && model.get_untracked() == "pretrained";
                            let columns = used_choice.get_untracked();
                            // Every labelled row counts for fine-tuning, also those the model learned from.
                            view! {
                                <PredictionsView response descriptions=descriptions.clone() />
                                {offer
                                    .then(|| {
                                        view! { <FineTuneForm file=picked_file labelled columns /> }
                                    })}
                            }
                                .into_any()
                        }
                    })
            }}
        </section>
    }
}

/// Predictions of many objects: summary, notes, held-out scores, a CSV download, the first
/// rows with their top reasons, and the chosen object's explanation.
#[component]
fn PredictionsView(response: PredictionResponse, descriptions: BTreeMap<String, String>) -> impl IntoView {
    let selected = RwSignal::new(None::<crate::api::Prediction>);
    let r = response;
    let csv = csv_data_url(&predictions_csv(&r.predictions));
    let total = r.predictions.len();
    // Every object counts here (the scores above cover only those the model never learned from).
    let (mut predicted_counts, mut actual_counts) = (BTreeMap::new(), BTreeMap::new());
    for p in &r.predictions {
        *predicted_counts.entry(p.prediction.clone()).or_insert(0usize) += 1;
        if let Some(a) = &p.actual {
            *actual_counts.entry(a.clone()).or_insert(0usize) += 1;
        }
    }
    let rows = r
        .predictions
        .iter()
        .take(SHOWN_ROWS)
        .cloned()
        .map(|p| {
            let this = p.clone();
            view! {
                <tr>
                    <th scope="row">
                        <button type="button" class="link-button" on:click=move |_| selected.set(Some(this.clone()))>
                            {p.id.clone()}
                        </button>
                    </th>
                    <td>{class_title(&p.prediction)}</td>
                    <td>{percent(p.confidence)}</td>
                    <td>{p.actual.as_deref().map(class_title).unwrap_or("")}</td>
                    <td class="reasons">
                        <ul>{p.reasons.iter().map(|r| view! { <li>{r.text.clone()}</li> }).collect::<Vec<_>>()}</ul>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <p role="status" data-testid="predict-summary">
            {format!("{} objects predicted (read by {}).", count(total), r.read_as)}
        </p>
        <ul class="notes">{r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect::<Vec<_>>()}</ul>
        {r
            .metrics
            .clone()
            .map(|m| {
                view! {
                    <h3>
                        {format!(
                            "Scores on the {} labelled objects the model never learned from",
                            count(r.labelled_rows),
                        )}
                    </h3>
                    <MetricsSummary metrics=m.clone() />
                    <div class="chart-row">
                        <section aria-label="Confusion matrix">
                            <h3>"Confusion matrix"</h3>
                            <ConfusionMatrixChart matrix=m.confusion_matrix.clone() />
                        </section>
                        <section aria-label="ROC curves">
                            <h3>"ROC curves"</h3>
                            <RocCurves curves=m.roc_curves.clone() />
                        </section>
                    </div>
                }
                    .into_any()
            })}
        <section aria-label="Predicted classes" class="predicted-classes">
            <h3>"Predicted classes"</h3>
            <ClassCountsChart predicted=predicted_counts actual=actual_counts />
        </section>
        <p>
            <a href=csv download="predictions.csv" class="button">
                "Download all predictions (CSV)"
            </a>
        </p>
        {move || {
            selected
                .get()
                .map(|p| {
                    view! {
                        <section class="explanation" aria-label="Why this prediction">
                            <h3>
                                {format!("Why {} is predicted {}", p.id, class_title(&p.prediction).to_lowercase())}
                            </h3>
                            <ExplanationWaterfall prediction=p descriptions=descriptions.clone() />
                        </section>
                    }
                })
        }}
        <div class="table-scroll">
            <table data-testid="predict-table">
                <caption>
                    {format!(
                        "The first {} of {} objects; the CSV has all. Choose a name for its explanation.",
                        SHOWN_ROWS.min(total),
                        count(total),
                    )}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Object"</th>
                        <th scope="col">"Prediction"</th>
                        <th scope="col">"Confidence"</th>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Top reasons"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The bundled objects of one mission that the model never learned from.
#[component]
fn HeldOut(descriptions: BTreeMap<String, String>) -> impl IntoView {
    let chosen = RwSignal::new(None::<String>);
    let answer = Resource::new(
        move || chosen.get(),
        |mission| async move {
            match mission {
                Some(m) => Some(predict_held_out(m).await),
                None => None,
            }
        },
    );
    let button = move |id: &'static str, name: &'static str| {
        view! {
            <button
                type="button"
                aria-pressed=move || (chosen.get().as_deref() == Some(id)).to_string()
                on:click=move |_| chosen.set(Some(id.to_string()))
            >
                {name}
            </button>
        }
    };
    view! {
        <section aria-labelledby="held-out-heading">
            <h2 id="held-out-heading">"NASA's objects it never saw"</h2>
            <p>
                "Each mission's held-out part (a fifth of the stars, never used in training): predictions, scores and reasons."
            </p>
            <div class="button-row">{button("kepler", "Kepler")}{button("tess", "TESS")}{button("k2", "K2")}</div>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Predicting…"
                    </p>
                }
            }>
                {move || Suspend::new({
                    let descriptions = descriptions.clone();
                    async move {
                        match answer.await {
                            None => ().into_any(),
                            Some(Err(error)) => view! { <ErrorPanel error /> }.into_any(),
                            Some(Ok(response)) => view! { <PredictionsView response descriptions /> }.into_any(),
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
