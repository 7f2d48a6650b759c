//! `/account`: register, sign in and out, and API tokens for scripts. Accounts are
//! optional: without one, a browser keeps its own work; signing in keeps that work and
//! makes it reachable from any browser.

use leptos::prelude::*;
use leptos_meta::Title;

use super::models::format_time;
use crate::api::functions::who_am_i;
use crate::api::AccountStatus;
use crate::components::{ApiTokens, ErrorPanel, RegisterOrSignIn, SignedInPanel};

#[component]
pub fn AccountPage() -> impl IntoView {
    // Bumped by every sign-in, registration and sign-out: the status is read again.
    let changed = RwSignal::new(0u32);
    let status = Resource::new(move || changed.get(), |_| who_am_i());
    view! {
        <Title text="Account · Exoplanet Playground" />
        <h1>"Account"</h1>
        <Transition fallback=|| {
            view! { <p class="loading">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match status.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(AccountStatus { username: Some(name), .. }) => {
                        view! {
                            <SignedInPanel name changed />
                            <ApiTokens format_time />
                        }
                            .into_any()
                    }
                    Ok(_) => view! { <RegisterOrSignIn changed /> }.into_any(),
                }
            })}
        </Transition>
    }
}
