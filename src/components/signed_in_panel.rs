//! Who is signed in, a link to their saved models, and the sign-out buttons (this browser,
//! or every browser signed in to the account).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::functions::{sign_out, sign_out_everywhere};

/// Shown on `/account` when signed in; a sign-out bumps `changed` so the page reads the
/// account status again.
#[component]
pub fn SignedInPanel(name: String, changed: RwSignal<u32>) -> impl IntoView {
    let leave = Action::new(move |everywhere: &bool| {
        let everywhere = *everywhere;
        async move {
            let done = if everywhere { sign_out_everywhere().await } else { sign_out().await };
            if done.is_ok() {
                changed.update(|n| *n += 1);
            }
            done
        }
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
                    leave.dispatch(false);
                }
            >
                "Sign out"
            </button>
            " "
            <button
                type="button"
                class="button secondary"
                title="Ends the sign-in of every browser signed in to this account (API tokens stay until you revoke them)"
                on:click=move |_| {
                    leave.dispatch(true);
                }
            >
                "Sign out everywhere"
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
