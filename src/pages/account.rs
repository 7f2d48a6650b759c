//! `/account`: register, sign in and out, and API tokens for scripts. Accounts are
//! optional: without one, a browser keeps its own work; signing in keeps that work and
//! makes it reachable from any browser.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::models::format_time;
use crate::api::functions::{create_token, list_tokens, register, revoke_token, sign_in, sign_out, who_am_i};
use crate::api::{AccountStatus, ApiError, Credentials, NewApiToken};
use crate::components::ErrorPanel;

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
                    Ok(AccountStatus { username: Some(name), .. }) => view! { <SignedIn name changed /> }.into_any(),
                    Ok(_) => view! { <SignedOut changed /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Register or sign in: two small forms side by side.
#[component]
fn SignedOut(changed: RwSignal<u32>) -> impl IntoView {
    view! {
        <p class="lead">
            "You do not need an account: this browser keeps your trainings without one. An account keeps them \
             reachable from any browser and lets scripts use the API with a token. Signing in or registering \
             keeps what you did in this browser."
        </p>
        <div class="account-forms">
            <CredentialsForm
                id="register"
                title="Create an account"
                button="Create account"
                hint="3 to 40 letters, digits, '_', '-' or '.'; a password of at least 10 characters."
                changed
                register=true
            />
            <CredentialsForm id="sign-in" title="Sign in" button="Sign in" hint="" changed register=false />
        </div>
    }
}

#[component]
fn CredentialsForm(
    id: &'static str,
    title: &'static str,
    button: &'static str,
    hint: &'static str,
    changed: RwSignal<u32>,
    register: bool,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let send = Action::new(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move {
            let done = if register { self::register(credentials).await } else { sign_in(credentials).await };
            if done.is_ok() {
                changed.update(|n| *n += 1);
            }
            done
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(Credentials { username: username.get_untracked(), password: password.get_untracked() });
    };
    let (user_id, pass_id, heading_id) = (format!("{id}-username"), format!("{id}-password"), format!("{id}-heading"));
    let labelled_by = heading_id.clone();
    let autocomplete = if register { "new-password" } else { "current-password" };
    view! {
        <section class="account-form" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <form on:submit=on_submit data-testid=id>
                <div class="field">
                    <label for=user_id.clone()>"Username"</label>
                    <input
                        id=user_id
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        required
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for=pass_id.clone()>"Password"</label>
                    <input
                        id=pass_id
                        type="password"
                        autocomplete=autocomplete
                        required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
                </div>
                {move || {
                    send.value()
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
                <button type="submit" class="button button-primary" prop:disabled=move || send.pending().get()>
                    {button}
                </button>
            </form>
        </section>
    }
}

#[component]
fn SignedIn(name: String, changed: RwSignal<u32>) -> impl IntoView {
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
        <ApiTokens />
    }
}

/// Tokens for scripts: listed, created (shown once) and revoked.
#[component]
fn ApiTokens() -> impl IntoView {
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
                        Ok(list) => {
                            view! {
                                <div class="table-scroll">
                                    <table data-testid="tokens">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Name"</th>
                                                <th scope="col">"Created"</th>
                                                <th scope="col">"Last used"</th>
                                                <th scope="col">
                                                    <span class="visually-hidden">"Revoke"</span>
                                                </th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|t| {
                                                    let id = t.id.clone();
                                                    let label = format!("Revoke the token {}", t.name);
                                                    view! {
                                                        <tr>
                                                            <th scope="row">{t.name}</th>
                                                            <td>{format_time(t.created_at)}</td>
                                                            <td>
                                                                {t
                                                                    .last_used_at
                                                                    .map(format_time)
                                                                    .unwrap_or_else(|| "never".into())}
                                                            </td>
                                                            <td>
                                                                <button
                                                                    type="button"
                                                                    class="button button-small"
                                                                    aria-label=label
                                                                    on:click=move |_| {
                                                                        revoke.dispatch(id.clone());
                                                                    }
                                                                >
                                                                    "Revoke"
                                                                </button>
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect::<Vec<_>>()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
