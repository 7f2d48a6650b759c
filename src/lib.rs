//! Exoplanet Playground: train, compare and explain classifiers on NASA's exoplanet
//! candidate tables. One crate, two builds: `ssr` (the axum server, with `ml` and
//! `server`) and `hydrate` (the WASM front end). docs/layout.md is the map; docs/design.md says why.

// Leptos views are nested types; the predict page's (several sections, each with reactive
// parts) is deeper than the default limit of 128 when hydrating.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod client;
pub mod components;
pub mod domain;
pub mod page_bundles;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod ml;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM build: takes over the server-rendered page.
///
/// The pages are lazy routes (see `page_bundles.rs`), so hydration is asynchronous: it waits
/// for the shown page's WASM bundle. Once the whole page is live, `<body>` gets
/// `data-hydrated`, which the end-to-end tests wait for instead of clicking buttons that are
/// not yet live.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console help while developing; the release build aborts on a
    // panic anyway, and leaving the hook's formatting out keeps the first page smaller.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body().expect("the page has a <body>");
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
