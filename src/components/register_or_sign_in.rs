//! What a signed-out visitor sees on `/account`: why an account is optional, and the
//! register and sign-in forms.

use leptos::prelude::*;

use super::credentials_form::CredentialsForm;

/// Register or sign in: two small forms side by side.
#[component]
pub fn RegisterOrSignIn(changed: RwSignal<u32>) -> impl IntoView {
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
