//! One account form (register or sign in): username, password, the server's refusal, and
//! a submit button; a success bumps `changed` so the page reads the account status again.

use leptos::prelude::*;

use crate::api::functions::{register, sign_in};
use crate::api::Credentials;

/// `id` names the form (`data-testid`) and prefixes its input ids; `register` chooses
/// between creating an account and signing in.
#[component]
pub fn CredentialsForm(
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
