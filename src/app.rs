//! The application shell: HTML document, navigation, and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::pages::{
    AboutPage, AccountPage, ComparePage, HomePage, ModelCardPage, ModelsPage, NotFoundPage, PredictPage, ProgressPage,
    ResultPage, TrainPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy names the nonce of the inline scripts below.
    #[cfg(feature = "ssr")]
    crate::server::serving::page_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta
                    name="description"
                    content="Train, compare and explain exoplanet classifiers on NASA's Kepler, TESS and K2 candidate tables."
                />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Stylesheet id="leptos" href="/pkg/exoplanet-playground.css" />
        <Title text="Exoplanet Playground" />
        <Router>
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <header class="site-header">
                <A href="/" attr:class="brand">
                    "Exoplanet Playground"
                </A>
                <nav aria-label="Main">
                    <A href="/predict">"Predict"</A>
                    <A href="/train">"Train a model"</A>
                    <A href="/models">"Saved models"</A>
                    <A href="/about">"About the data"</A>
                    <A href="/account">"Account"</A>
                </nav>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    // Rendered whole on the server (not streamed), so the form, the progress and
                    // the result are in the HTML and work without WebAssembly.
                    <Route path=path!("/train") view=TrainPage ssr=SsrMode::Async />
                    <Route path=path!("/trainings/:id") view=ProgressPage ssr=SsrMode::Async />
                    <Route path=path!("/trainings/:id/result") view=ResultPage ssr=SsrMode::Async />
                    <Route path=path!("/models") view=ModelsPage />
                    <Route path=path!("/compare") view=ComparePage />
                    <Route path=path!("/about") view=AboutPage />
                    <Route path=path!("/predict") view=PredictPage />
                    <Route path=path!("/model-card") view=ModelCardPage />
                    <Route path=path!("/account") view=AccountPage />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>
                    "Data: NASA Exoplanet Archive (downloaded 16 Nov 2025). "
                    <A href="/about">"Sources and acknowledgement"</A>
                </p>
            </footer>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the WASM has taken over, so end-to-end tests
/// wait for it instead of clicking buttons that are not yet live. Effects run only in
/// the browser, never during server rendering.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
