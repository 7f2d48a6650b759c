//! The application shell: HTML document, navigation, and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, Lazy, SsrMode};

use crate::page_bundles::{
    AboutRoute, AccountRoute, CompareRoute, ExploreRoute, HomeRoute, LearnModelsRoute, LearnPlanetsRoute,
    ModelCardRoute, ModelsRoute, PredictRoute, ProgressRoute, ResultRoute, TrainRoute, TriageRoute,
};
use crate::pages::NotFoundPage;

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
                // Named, or browsers ask for /favicon.ico and log its 404 on every page.
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
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
                    <A href="/explore">"Explore"</A>
                    <A href="/triage">"Triage"</A>
                    <A href="/train">"Train a model"</A>
                    <A href="/models">"Saved models"</A>
                    <A href="/learn/planets">"Learn"</A>
                    <A href="/about">"About the data"</A>
                    <A href="/account">"Account"</A>
                </nav>
            </header>
            <main id="main" tabindex="-1">
                // Every page is a lazy route: its code is in one of three WASM bundles,
                // loaded when a page of it is first shown (src/page_bundles.rs).
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} />
                    // Rendered whole on the server (not streamed), so the form, the progress and
                    // the result are in the HTML and work without WebAssembly.
                    <Route path=path!("/train") view={Lazy::<TrainRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/trainings/:id") view={Lazy::<ProgressRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/trainings/:id/result") view={Lazy::<ResultRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/models") view={Lazy::<ModelsRoute>::new()} />
                    <Route path=path!("/compare") view={Lazy::<CompareRoute>::new()} />
                    <Route path=path!("/about") view={Lazy::<AboutRoute>::new()} />
                    <Route path=path!("/predict") view={Lazy::<PredictRoute>::new()} />
                    <Route path=path!("/triage") view={Lazy::<TriageRoute>::new()} />
                    <Route path=path!("/explore") view={Lazy::<ExploreRoute>::new()} />
                    <Route path=path!("/model-card") view={Lazy::<ModelCardRoute>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=path!("/learn/planets") view={Lazy::<LearnPlanetsRoute>::new()} />
                    <Route path=path!("/learn/models") view={Lazy::<LearnModelsRoute>::new()} />
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
