//! `/predict`: instant answers from the pretrained (or a saved) model. The page loads the
//! model card and composes the what-if form, the user's table and NASA's held-out objects.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::functions::get_model_card;
use crate::components::{ErrorPanel, HeldOutPredictions, TablePredictions, WhatIfForm};
use crate::domain::model_ref::{ModelRef, PRETRAINED};

/// Instant answers from the pretrained model: type one object's values (the answer follows
/// as you type), or upload a table (the archive's exports are recognised by their columns).
#[component]
pub fn PredictPage() -> impl IntoView {
    let card = Resource::new(|| (), |_| get_model_card());
    // `?model=<training id>`: a saved (e.g. fine-tuned) model answers the form and the table.
    let query = use_query_map();
    let model = Memo::new(move |_| {
        query.read().get("model").filter(|m| !m.trim().is_empty()).unwrap_or_else(|| PRETRAINED.into())
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
                            <HeldOutPredictions descriptions />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
