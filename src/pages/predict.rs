//! `/predict`: instant answers from the pretrained (or a saved) model. The page loads the
//! model card and composes the what-if form, the user's table and NASA's held-out objects.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::functions::get_model_card;
use crate::components::{ErrorPanel, HeldOutPredictions, TablePredictions, WhatIfForm};
use crate::domain::model_ref::{pretrained_name, pretrained_title, ModelRef, PRETRAINED};
use crate::domain::FeatureSet;

/// Instant answers from a pretrained model: type one object's values (the answer follows
/// as you type), or upload a table (the archive's exports are recognised by their columns).
#[component]
pub fn PredictPage() -> impl IntoView {
    // `?model=`: `pretrained` (the default), `pretrained_physical`, or a training's id (a saved,
    // e.g. fine-tuned, model answers the form and the table).
    let query = use_query_map();
    let model = Memo::new(move |_| {
        query.read().get("model").filter(|m| !m.trim().is_empty()).unwrap_or_else(|| PRETRAINED.into())
    });
    // The pretrained model whose card (inputs, units) the form follows and whose held-out
    // objects are shown: the chosen one, or for a saved model the one on all columns.
    let pretrained = Memo::new(move |_| {
        pretrained_name(ModelRef::parse(&model.get()).pretrained().unwrap_or(FeatureSet::AllLeakFree)).to_string()
    });
    let card = Resource::new(move || pretrained.get(), get_model_card);
    view! {
        <Title text="Predict · Exoplanet Playground" />
        <h1>"Instant predictions"</h1>
        <p class="lead">
            "A model trained on Kepler, TESS and K2 together answers at once, with the reasons for every answer. "
            <A href="/model-card">"What they are and how good they are"</A>
        </p>
        <nav class="button-row" aria-label="Which pretrained model answers">
            {[FeatureSet::PhysicalOnly, FeatureSet::AllLeakFree]
                .map(|set| {
                    let name = pretrained_name(set);
                    view! {
                        <A
                            href=format!("/predict?model={name}")
                            attr:class="button secondary"
                            attr:aria-current=move || (model.get() == name).then_some("page")
                        >
                            {pretrained_title(set)}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
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
                                (!ModelRef::parse(&model.get()).is_pretrained())
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
                            <WhatIfForm features=card.features.clone() descriptions=descriptions.clone() model />
                            <TablePredictions descriptions=descriptions.clone() model features=card.features.clone() />
                            <HeldOutPredictions descriptions model=pretrained />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
