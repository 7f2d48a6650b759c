use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::functions::{get_datasets, get_models, start_training};
use crate::api::{value_text, DatasetInfo, HyperparameterInfo, Mission, ModelInfo, PresetInfo, TrainRequest};
use crate::client::upload::start as start_with_files;
use crate::components::format::count;
use crate::components::{ErrorPanel, HyperparameterField, UploadPanel, UploadState};

#[component]
pub fn TrainPage() -> impl IntoView {
    let query = use_query_map();
    let datasets = Resource::new(|| (), |_| get_datasets());
    let models = Resource::new(|| (), |_| get_models());
    view! {
        <Title text="Train a model · Exoplanet Playground" />
        <h1>"Train a model"</h1>
        <p class="lead">
            "Pick a NASA table and a model, adjust the hyperparameters if you like, and start. Training runs on the server; you will see it progress."
        </p>
        <Suspense fallback=|| {
            view! { <p class="loading">"Loading datasets and models…"</p> }
        }>
            {move || Suspend::new(async move {
                let initial = query.with_untracked(|q| q.get("dataset")).unwrap_or_else(|| "kepler".into());
                match (datasets.await, models.await) {
                    (Ok(datasets), Ok(models)) => {
                        view! { <TrainForm datasets models initial_dataset=initial /> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The form's values for one model: each hyperparameter with its current text.
type ModelFields = (String, Vec<(HyperparameterInfo, RwSignal<String>)>);

#[component]
fn TrainForm(datasets: Vec<DatasetInfo>, models: Vec<ModelInfo>, initial_dataset: String) -> impl IntoView {
    let initial_dataset = if datasets.iter().any(|d| d.id.id() == initial_dataset) {
        initial_dataset
    } else {
        Mission::Kepler.id().into()
    };
    let dataset = RwSignal::new(initial_dataset);
    let model = RwSignal::new("random_forest".to_string());
    let seed = RwSignal::new("42".to_string());
    let cross_validation = RwSignal::new(false);
    // Cross-mission transfer: "" = test on the training mission's own held-out part.
    let transfer_to = RwSignal::new(String::new());
    let upload = UploadState::new();
    let uploading = RwSignal::new(false);
    let active_preset = RwSignal::new("balanced".to_string());
    let presets = StoredValue::new(models.iter().map(|m| (m.id.clone(), m.presets.clone())).collect::<Vec<_>>());
    let form_error = RwSignal::new(None::<String>);
    let fields: Vec<ModelFields> = models
        .iter()
        .map(|m| {
            (m.id.clone(), m.hyperparameters.iter().map(|h| (h.clone(), RwSignal::new(h.default_text()))).collect())
        })
        .collect();
    let fields = StoredValue::new(fields);

    let start = Action::new(|request: &TrainRequest| {
        let request = request.clone();
        async move { start_training(request).await }
    });
    let navigate = use_navigate();
    let navigate_after_upload = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(started)) = start.value().get() {
            navigate(&format!("/trainings/{}", started.id), Default::default());
        }
    });

    // The same checks the server makes, so most mistakes never leave the page.
    let build_request = move || -> Result<TrainRequest, String> {
        let model_id = model.get_untracked();
        let mut hyperparameters = std::collections::BTreeMap::new();
        let mut problems = Vec::new();
        fields.with_value(|all| {
            if let Some((_, list)) = all.iter().find(|(id, _)| *id == model_id) {
                for (spec, value) in list {
                    match spec.validate(&value.get_untracked()) {
                        Ok(v) => {
                            hyperparameters.insert(spec.name.clone(), v);
                        }
                        Err(message) => problems.push(format!("{}: {message}", spec.label)),
                    }
                }
            }
        });
        let seed = seed
            .get_untracked()
            .trim()
            .parse::<u64>()
            .map_err(|_| "Seed: enter a whole number of 0 or more.".to_string());
        if let Err(message) = &seed {
            problems.push(message.clone());
        }
        if !problems.is_empty() {
            return Err(format!("Please fix: {}", problems.join(" ")));
        }
        Ok(TrainRequest {
            dataset: dataset.get_untracked(),
            model: model_id,
            hyperparameters,
            seed: seed.unwrap_or(42),
            test_fraction: 0.2,
            preset: None,
            cross_validation: cross_validation.get_untracked(),
            mapping: None,
            upload: None,
            transfer_to: Some(transfer_to.get_untracked()).filter(|t| !t.is_empty()),
            fine_tune: None,
            columns: None,
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build_request() {
            Ok(request) if request.dataset == "upload" => {
                // Files go to the multipart route with fetch; server functions carry JSON only.
                let Some(train) = upload.train.get_value() else {
                    form_error.set(Some("Choose a training table (CSV) first.".into()));
                    return;
                };
                if upload.inspection.get_untracked().is_none() {
                    form_error.set(Some(
                        upload
                            .error
                            .get_untracked()
                            .unwrap_or_else(|| "The table is still being read; try again in a moment.".into()),
                    ));
                    return;
                }
                let request = TrainRequest { mapping: upload.mapping(), ..request };
                if request.mapping.as_ref().is_some_and(|m| m.features.is_empty()) {
                    form_error.set(Some("Choose at least one feature column.".into()));
                    return;
                }
                form_error.set(None);
                uploading.set(true);
                let config = serde_json::to_string(&request).unwrap_or_default();
                let test = upload.test.get_value();
                let navigate = navigate_after_upload.clone();
                leptos::task::spawn_local(async move {
                    match start_with_files(config, train, test).await {
                        Ok(started) => navigate(&format!("/trainings/{}", started.id), Default::default()),
                        Err(error) => form_error.set(Some(error.message)),
                    }
                    uploading.set(false);
                });
            }
            Ok(request) => {
                form_error.set(None);
                start.dispatch(request);
            }
            Err(message) => form_error.set(Some(message)),
        }
    };
    let server_error = move || start.value().get().and_then(|r| r.err());
    // A preset sets every field: its own values, the defaults for the rest.
    let apply_preset = move |preset: PresetInfo| {
        let current = model.get_untracked();
        fields.with_value(|all| {
            if let Some((_, list)) = all.iter().find(|(id, _)| *id == current) {
                for (spec, value) in list {
                    value.set(preset.values.get(&spec.name).map(value_text).unwrap_or_else(|| spec.default_text()));
                }
            }
        });
        active_preset.set(preset.id);
    };
    Effect::new(move |_| {
        model.track();
        active_preset.set("balanced".into());
    });

    view! {
        <form class="train-form" on:submit=on_submit novalidate>
            <fieldset class="choice-group">
                <legend>"1. Dataset"</legend>
                {datasets
                    .iter()
                    .map(|d| {
                        view! {
                            <ChoiceCard
                                group="dataset"
                                value=d.id.id().to_string()
                                selected=dataset
                                title=d.name.clone()
                                detail=format!("{} objects, {} features", count(d.rows), d.features.len())
                            />
                        }
                    })
                    .collect::<Vec<_>>()}
                <ChoiceCard
                    group="dataset"
                    value="upload".to_string()
                    selected=dataset
                    title="Your own table".to_string()
                    detail="Upload a CSV: the archive's KOI, TOI or K2 export, or any table you map to labels and features."
                        .to_string()
                />
            </fieldset>
            {move || (dataset.get() == "upload").then(|| view! { <UploadPanel state=upload /> })}
            <fieldset class="choice-group">
                <legend>"2. Model"</legend>
                {models
                    .iter()
                    .map(|m| {
                        view! {
                            <ChoiceCard
                                group="model"
                                value=m.id.clone()
                                selected=model
                                title=m.name.clone()
                                detail=m.description.clone()
                            />
                        }
                    })
                    .collect::<Vec<_>>()}
            </fieldset>
            <fieldset class="hyperparameters">
                <legend>"3. Hyperparameters"</legend>
                <div class="presets" role="group" aria-label="Presets">
                    <span class="presets-label">"Presets:"</span>
                    {move || {
                        let current = model.get();
                        let list = presets
                            .with_value(|all| {
                                all.iter().find(|(id, _)| *id == current).map(|(_, p)| p.clone()).unwrap_or_default()
                            });
                        list.into_iter()
                            .map(|p| {
                                let id = p.id.clone();
                                let title = format!("{}: {}", p.label, p.description);
                                let label = p.label.clone();
                                view! {
                                    <button
                                        type="button"
                                        class="button button-small preset"
                                        title=title.clone()
                                        aria-label=title
                                        data-preset=id.clone()
                                        aria-pressed=move || (active_preset.get() == id).to_string()
                                        on:click=move |_| apply_preset(p.clone())
                                    >
                                        {label}
                                    </button>
                                }
                            })
                            .collect::<Vec<_>>()
                    }}
                </div>
                {move || {
                    let current = model.get();
                    fields
                        .with_value(|all| {
                            all.iter()
                                .find(|(id, _)| *id == current)
                                .map(|(_, list)| {
                                    list.iter()
                                        .map(|(spec, value)| {
                                            view! { <HyperparameterField spec=spec.clone() value=*value /> }
                                        })
                                        .collect::<Vec<_>>()
                                })
                                .unwrap_or_default()
                        })
                }}
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
                <div class="field" hidden=move || dataset.get() == "upload">
                    <label for="transfer_to">"Test on another mission"</label>
                    <select
                        id="transfer_to"
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
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button button-primary"
                    disabled=move || start.pending().get() || uploading.get()
                >
                    {move || {
                        if start.pending().get() || uploading.get() { "Starting…" } else { "Start training" }
                    }}
                </button>
                <p class="form-error" role="alert" data-testid="form-error">
                    {move || form_error.get().or_else(|| server_error().map(|e| e.message))}
                </p>
            </div>
        </form>
    }
}

/// One option of a radio group, drawn as a card: its title and a line of detail.
#[component]
fn ChoiceCard(
    group: &'static str,
    value: String,
    selected: RwSignal<String>,
    title: String,
    detail: String,
) -> impl IntoView {
    let this = value.clone();
    let mine = value.clone();
    view! {
        <label class="choice-card">
            <input
                type="radio"
                name=group
                value=value
                prop:checked=move || selected.with(|s| *s == this)
                on:change=move |_| selected.set(mine.clone())
            />
            <span class="choice-title">{title}</span>
            <span class="choice-detail">{detail}</span>
        </label>
    }
}
