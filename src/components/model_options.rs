//! The `<option>`s of a "which model" select: the pretrained model, then the caller's
//! completed trainings. Shared by the explore and triage pages so both list the same models
//! with the same labels.

use leptos::prelude::*;

use crate::api::functions::list_trainings;
use crate::api::TrainingStatus;

/// `pretrained_label` names the first option (value `pretrained`); each completed training
/// of the caller follows as "model on dataset (first 8 characters of its id)".
#[component]
pub fn ModelOptions(pretrained_label: &'static str) -> impl IntoView {
    let saved = Resource::new(|| (), |_| list_trainings());
    view! {
        <option value="pretrained">{pretrained_label}</option>
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
                        view! { <option value=t.id.clone()>{label}</option> }
                    })
                    .collect_view()
            })}
        </Suspense>
    }
}
