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
pub mod pages;

#[cfg(feature = "ssr")]
pub mod ml;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM build: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
