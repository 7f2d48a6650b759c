//! "NASA's objects it never saw": one button per mission predicts that mission's bundled
//! held-out part with the pretrained model.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::error_panel::ErrorPanel;
use super::predictions_report::PredictionsReport;
use crate::api::functions::predict_held_out;
use crate::domain::Mission;

/// The bundled objects of one mission that the pretrained model `model` never learned from.
#[component]
pub fn HeldOutPredictions(
    descriptions: BTreeMap<String, String>,
    #[prop(into)] model: Signal<String>,
) -> impl IntoView {
    let chosen = RwSignal::new(None::<Mission>);
    let answer = Resource::new(
        move || (model.get(), chosen.get()),
        |(model, mission)| async move {
            match mission {
                Some(m) => Some(predict_held_out(model, m).await),
                None => None,
            }
        },
    );
    let button = move |mission: Mission| {
        view! {
            <button
                type="button"
                aria-pressed=move || (chosen.get() == Some(mission)).to_string()
                on:click=move |_| chosen.set(Some(mission))
            >
                {mission.title()}
            </button>
        }
    };
    view! {
        <section aria-labelledby="held-out-heading">
            <h2 id="held-out-heading">"NASA's objects it never saw"</h2>
            <p>
                "Each mission's held-out part (a fifth of the stars, never used in training): predictions, scores and reasons."
            </p>
            <div class="button-row">{Mission::ALL.map(button).collect_view()}</div>
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
                            Some(Err(error)) => {
                                view! { <ErrorPanel error retry=Callback::new(move |_| answer.refetch()) /> }.into_any()
                            }
                            Some(Ok(response)) => view! { <PredictionsReport response descriptions /> }.into_any(),
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
