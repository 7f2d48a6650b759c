//! The "API tokens" section of `/account`: what a token is for, the form that creates one
//! (its secret shown only once), and the list of the account's tokens.

use leptos::prelude::*;

use super::api_token_table::ApiTokenTable;
use super::error_panel::ErrorPanel;
use crate::api::functions::{create_token, list_tokens, revoke_token};
use crate::api::{ApiError, NewApiToken};

/// Tokens for scripts: listed, created (shown once) and revoked.
///
/// `format_time` is the models page's date format, passed in because it lives in a page
/// module the components cannot reach.
#[component]
pub fn ApiTokens(format_time: fn(u64) -> String) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let created = RwSignal::new(None::<NewApiToken>);
    let create = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            let made = create_token(name).await;
            if let Ok(token) = &made {
                created.set(Some(token.clone()));
            }
            made.map(|_| ())
        }
    });
    let revoke = Action::new(|id: &String| {
        let id = id.clone();
        async move { revoke_token(id).await }
    });
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_tokens());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(name.get_untracked());
    };
    let error = move || -> Option<ApiError> {
        create.value().get().and_then(|r| r.err()).or_else(|| revoke.value().get().and_then(|r| r.err()))
    };
    view! {
        <section aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p>
                "A script sends a token as " <code>"Authorization: Bearer <token>"</code>
                " and acts as you: it sees, starts and deletes your trainings. Revoke a token you no longer use."
            </p>
            <form on:submit=on_submit class="token-form" data-testid="create-token">
                <div class="field">
                    <label for="token-name">"What the token is for"</label>
                    <input
                        id="token-name"
                        type="text"
                        maxlength="60"
                        placeholder="e.g. nightly triage script"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class="button button-primary" prop:disabled=move || create.pending().get()>
                    "Create token"
                </button>
            </form>
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e.message}
                            </p>
                        }
                    })
            }}
            {move || {
                created
                    .get()
                    .map(|t| {
                        view! {
                            <div class="new-token" role="status">
                                <p>"Your new token, shown only this once: copy it now."</p>
                                <code data-testid="new-token">{t.token}</code>
                            </div>
                        }
                    })
            }}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>"No tokens yet."</p> }.into_any(),
                        Ok(list) => view! { <ApiTokenTable tokens=list revoke format_time /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
