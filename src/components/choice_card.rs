//! One option of a radio group, drawn as a card.

use leptos::prelude::*;

/// One option of a radio group, drawn as a card: its title and a line of detail. A plain
/// radio input underneath, so the form posts its choice even without WebAssembly.
#[component]
pub fn ChoiceCard(
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
