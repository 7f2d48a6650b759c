//! Who is signed in, a link to their saved models, and the sign-out button.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::functions::sign_out;

/// Shown on `/account` when signed in; a sign-out bumps `changed` so the page reads the
/// account status again.
#[component]
pub fn SignedInPanel(name: String, changed: RwSignal<u32>) -> impl IntoView {
    let leave = Action::new(move |_: &()| async move {
        let done = sign_out().await;
        if done.is_ok() {
            changed.update(|n| *n += 1);
        }
        done
    });
    view! {
        <p class="lead" data-testid="signed-in">
            {format!("Signed in as {name}. ")}
            <A href="/models">"Your saved models"</A>
        </p>
        <p>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    leave.dispatch(());
                }
            >
                "Sign out"
            </button>
        </p>
        {move || {
            leave
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| {
                    view! {
                        <p class="form-error" role="alert">
                            {e.message}
                        </p>
                    }
                })
        }}
    }
}
