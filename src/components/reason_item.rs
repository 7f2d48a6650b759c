//! One reason in a list: the sentence, and a note when the feature tracks how the object was
//! observed rather than what it is (`domain::observation_proxy`).

use leptos::prelude::*;

use crate::api::Reason;

#[component]
pub fn ReasonItem(reason: Reason) -> impl IntoView {
    let note = reason.note.clone().map(|n| view! { <span class="proxy-note">{format!(" ({n})")}</span> });
    view! { <li>{reason.text.clone()}{note}</li> }
}
