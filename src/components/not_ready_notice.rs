//! A shared answer the server is still computing for everyone (503 `not_ready`): its
//! progress in words, and a new try by itself a moment later, so the part fills in without
//! a reload (a browser without WebAssembly reloads the page instead).

use leptos::prelude::*;

use crate::api::ApiError;

/// Shows `error`'s progress and calls `retry` after the server's `Retry-After`.
#[component]
pub fn NotReadyNotice(error: ApiError, retry: Callback<()>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let wait_ms = error.retry_after_s().unwrap_or(2).clamp(1, 30) * 1000;
        Effect::new(move |_| {
            gloo_timers::callback::Timeout::new(wait_ms, move || retry.run(())).forget();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = retry;
    view! {
        <div class="not-ready" role="status" data-testid="not-ready">
            <progress aria-label="Being computed"></progress>
            <p>{error.message.clone()}</p>
            <noscript>
                <meta http-equiv="refresh" content="4" />
            </noscript>
        </div>
    }
}
