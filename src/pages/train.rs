//! The train page: pick a table and a model, set hyperparameters, start. A plain form that
//! posts to `submit_train_form` (multipart), so it works without WebAssembly too; with it,
//! the page checks the fields first and starts the training without leaving the page.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::functions::{get_datasets, get_models, start_training, SubmitTrainForm};
use crate::api::{ApiError, DatasetInfo, Mission, ModelInfo, TrainRequest};
use crate::client::upload::start as start_with_files;
use crate::components::format::count;
use crate::components::preset_buttons::ModelFields;
use crate::components::{
    ChoiceCard, ErrorPanel, HyperparameterField, NoScriptUpload, PresetButtons, RunOptions, TuneOptions, UploadPanel,
    UploadState,
};

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

/// The error a plain form post came back with (in the query, as Leptos reports a server
/// function's error to a form without JavaScript), if any.
fn posted_error() -> Option<ApiError> {
    use_context::<ServerActionError>()
        .filter(|e| e.path() == SubmitTrainForm::PATH)
        .map(|e| ServerFnUrlError::<ApiError>::decode_err(e.err()))
}

#[component]
fn TrainForm(datasets: Vec<DatasetInfo>, models: Vec<ModelInfo>, initial_dataset: String) -> impl IntoView {
    let initial_dataset = if datasets.iter().any(|d| d.id.id() == initial_dataset) {
        initial_dataset
    } else {
        Mission::Kepler.id().into()
    };
    let dataset = RwSignal::new(initial_dataset);
    // "Train with these" on a tuned result links here with the model and its values.
    let query = use_query_map();
    let from_query = move |name: &str| query.with_untracked(|q| q.get(name));
    let model = RwSignal::new(
        from_query("model")
            .filter(|id| models.iter().any(|m| m.id == *id))
            .unwrap_or_else(|| "random_forest".to_string()),
    );
    let seed = RwSignal::new("42".to_string());
    let cross_validation = RwSignal::new(false);
    // Cross-mission transfer: "" = test on the training mission's own held-out part.
    let transfer_to = RwSignal::new(String::new());
    let cutoff = RwSignal::new(String::new());
    let feature_set = RwSignal::new(crate::domain::FeatureSet::default());
    let calibrate = RwSignal::new(None::<crate::domain::CalibrationMethod>);
    let tune_method = RwSignal::new(None::<crate::domain::TuneMethod>);
    let tune_trials = RwSignal::new(crate::domain::DEFAULT_TUNE_TRIALS.to_string());
    // A cut-off date asks for the temporal split, on a dated table only: TESS or an upload
    // (the box is hidden otherwise).
    let temporal_cutoff = move || {
        Some(cutoff.get_untracked().trim().to_string())
            .filter(|c| !c.is_empty() && matches!(dataset.get_untracked().as_str(), "tess" | "upload"))
    };
    let upload = UploadState::new();
    let uploading = RwSignal::new(false);
    let presets = StoredValue::new(models.iter().map(|m| (m.id.clone(), m.presets.clone())).collect::<Vec<_>>());
    let form_error = RwSignal::new(posted_error().map(|e| e.message));
    let fields: Vec<ModelFields> = models
        .iter()
        .map(|m| {
            let chosen = m.id == model.get_untracked();
            let initial = |h: &crate::api::HyperparameterInfo| {
                from_query(&format!("hp.{}", h.name)).filter(|_| chosen).unwrap_or_else(|| h.default_text())
            };
            (m.id.clone(), m.hyperparameters.iter().map(|h| (h.clone(), RwSignal::new(initial(h)))).collect())
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
            transfer_to: Some(transfer_to.get_untracked()).filter(|t| !t.is_empty()),
            fine_tune: None,
            columns: None,
            split: temporal_cutoff().map(|_| crate::api::SplitKind::Temporal),
            cutoff: temporal_cutoff(),
            // Bundled tables only: an upload's mapping chooses its features.
            feature_set: Some(feature_set.get_untracked())
                .filter(|s| *s != crate::domain::FeatureSet::default() && dataset.get_untracked() != "upload"),
            calibrate: calibrate.get_untracked(),
            tune: tune_method.get_untracked().map(|method| crate::domain::TuneRequest {
                trials: tune_trials.get_untracked().trim().parse().unwrap_or(0),
                method,
                minutes: None,
            }),
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build_request() {
            Ok(request) if request.dataset == "upload" => {
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
    let busy = move || start.pending().get() || uploading.get();

    view! {
        <form
            class="train-form"
            method="post"
            action=SubmitTrainForm::url()
            enctype="multipart/form-data"
            on:submit=on_submit
            novalidate
        >
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
                <NoScriptUpload />
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
                <PresetButtons model presets fields />
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
                <RunOptions seed cross_validation transfer_to dataset cutoff feature_set calibrate />
                <TuneOptions method=tune_method trials=tune_trials />
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=busy>
                    {move || if busy() { "Starting…" } else { "Start training" }}
                </button>
                <p class="form-error" role="alert" data-testid="form-error">
                    {move || form_error.get().or_else(|| server_error().map(|e| e.message))}
                </p>
            </div>
        </form>
    }
}
