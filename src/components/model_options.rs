//! The `<option>`s of a "which model" select: the two pretrained models, then the caller's
//! completed trainings. Shared by the explore and triage pages so both list the same models
//! with the same labels.

use leptos::prelude::*;

use crate::api::functions::list_trainings;
use crate::api::TrainingStatus;
use crate::domain::model_ref::{pretrained_name, pretrained_title};
use crate::domain::FeatureSet;

/// Both pretrained models first (`selected`: the value shown as chosen), then each completed
/// training of the caller as "model on dataset (first 8 characters of its id)".
#[component]
pub fn ModelOptions(#[prop(into)] selected: Signal<String>) -> impl IntoView {
    let saved = Resource::new(|| (), |_| list_trainings());
    let pretrained = [FeatureSet::PhysicalOnly, FeatureSet::AllLeakFree].map(|set| {
        let value = pretrained_name(set);
        view! {
            <option value=value selected=move || selected.get() == value>
                {pretrained_title(set)}
            </option>
        }
    });
    view! {
        {pretrained.into_iter().collect_view()}
        <Suspense>
            {move || Suspend::new(async move {
                saved
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| t.status == TrainingStatus::Completed)
                    .map(|t| {
                        let label = format!(
                            "{} on {} ({})",
                            t.model_name,
                            t.dataset,
                            t.id.chars().take(8).collect::<String>(),
                        );
                        let id = t.id.clone();
                        view! {
                            <option value=t.id.clone() selected=move || selected.get() == id>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()
            })}
        </Suspense>
    }
}
