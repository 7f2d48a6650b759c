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
    let initially = selected.with_untracked(|s| *s == value);
    view! {
        <label class="choice-card">
            <input
                type="radio"
                name=group
                value=value
                // As an attribute too: the server-rendered page (and a browser without
                // WebAssembly) starts with the current choice.
                checked=initially
                prop:checked=move || selected.with(|s| *s == this)
                on:change=move |_| selected.set(mine.clone())
            />
            <span class="choice-title">{title}</span>
            <span class="choice-detail">{detail}</span>
        </label>
    }
}
