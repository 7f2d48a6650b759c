use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="error-panel" role="alert">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address."</p>
            <p>
                <A href="/">"Home"</A>
                " · "
                <A href="/train">"Train a model"</A>
            </p>
        </section>
    }
}
