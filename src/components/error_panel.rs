//! The panel that explains a failure in words, with a way back.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ApiError;
use crate::domain::ErrorCode;

/// A failure explained in words, with a way back. With `retry`, an answer the server is still
/// computing for everyone (`not_ready`) shows its progress and tries again by itself.
#[component]
pub fn ErrorPanel(
    error: ApiError,
    #[prop(optional, into)] title: Option<String>,
    #[prop(optional)] retry: Option<Callback<()>>,
) -> impl IntoView {
    if let (ErrorCode::NotReady, Some(retry)) = (error.code, retry) {
        return view! { <super::not_ready_notice::NotReadyNotice error retry /> }.into_any();
    }
    let title = title.unwrap_or_else(|| match error.code {
        ErrorCode::NotFound => "Not found".into(),
        ErrorCode::Network => "The server cannot be reached".into(),
        _ => "Something went wrong".into(),
    });
    view! {
        <section class="error-panel" role="alert">
            <h2>{title}</h2>
            <p class="error-message">{error.message.clone()}</p>
            <p class="error-actions">
                <A href="/train">"Train a new model"</A>
                " · "
                <A href="/">"Home"</A>
            </p>
        </section>
    }
    .into_any()
}
