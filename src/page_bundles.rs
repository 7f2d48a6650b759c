//! The pages in three WASM bundles, loaded when a page of the bundle is first shown.
//!
//! `cargo leptos build --split` cuts the WASM at every `#[lazy]` function, and writes the
//! code that several lazy functions share into one chunk per combination of them. With every
//! page its own lazy function that made ~150 chunks: the home page needed 45 files, and on
//! Chromium's "Fast 3G" (562 ms latency, six connections per host) their round trips, not
//! their 277 KB, set the time to interactive (5.6 s; the predict page 13.4 s in 116 files).
//! Three bundles make at most seven chunks, so a page needs a handful of files:
//! - **home**: the first page most visitors see, as small as it can be;
//! - **light**: pages that list or show stored things (about, saved models, compare, model
//!   card, account) and the two learning pages;
//! - **heavy**: the train form, a training's progress, the result page, the predict page and
//!   the triage and explore pages, with their charts, tables and uploads. The progress page lies between the train form
//!   and the result: in the light bundle, loading that bundle after the click cost 130 ms of
//!   click-to-result.
//!
//! On the server, calling a bundle names its chunks as preloads in the page's `<head>`, so
//! the browser fetches them beside the main module instead of after it.
//!
//! Without `--split` the WASM imports chunks from a module that does not exist and the page
//! never hydrates: every cargo-leptos command that builds the front end needs it.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages::{
    AboutPage, AccountPage, ComparePage, ExplorePage, HomePage, LearnModelsPage, LearnPlanetsPage, ModelCardPage,
    ModelsPage, PredictPage, ProgressPage, ResultPage, TrainPage, TriagePage,
};

#[lazy]
fn home_bundle() -> AnyView {
    view! { <HomePage /> }.into_any()
}

/// A page of the light bundle.
#[derive(Clone, Copy)]
pub enum LightPage {
    About,
    Models,
    Compare,
    ModelCard,
    Account,
    LearnPlanets,
    LearnModels,
}

#[lazy]
fn light_bundle(page: LightPage) -> AnyView {
    match page {
        LightPage::About => view! { <AboutPage /> }.into_any(),
        LightPage::Models => view! { <ModelsPage /> }.into_any(),
        LightPage::Compare => view! { <ComparePage /> }.into_any(),
        LightPage::ModelCard => view! { <ModelCardPage /> }.into_any(),
        LightPage::Account => view! { <AccountPage /> }.into_any(),
        LightPage::LearnPlanets => view! { <LearnPlanetsPage /> }.into_any(),
        LightPage::LearnModels => view! { <LearnModelsPage /> }.into_any(),
    }
}

/// A page of the heavy bundle.
#[derive(Clone, Copy)]
pub enum HeavyPage {
    Train,
    Progress,
    Result,
    Predict,
    Triage,
    Explore,
}

#[lazy]
fn heavy_bundle(page: HeavyPage) -> AnyView {
    match page {
        HeavyPage::Train => view! { <TrainPage /> }.into_any(),
        HeavyPage::Progress => view! { <ProgressPage /> }.into_any(),
        HeavyPage::Result => view! { <ResultPage /> }.into_any(),
        HeavyPage::Predict => view! { <PredictPage /> }.into_any(),
        HeavyPage::Triage => view! { <TriagePage /> }.into_any(),
        HeavyPage::Explore => view! { <ExplorePage /> }.into_any(),
    }
}

/// A route type per page, for `Lazy::<…>::new()` in the route table, written per bundle so
/// a route's view and its preload always name the same bundle. The pages fetch their own
/// data, so a route carries none.
///
/// `preload` loads the bundle's chunks (the router awaits it before hydrating the page, as
/// `#[lazy_route]` would have it); `#[lazy]` makes `__preload_<bundle>` in the browser build.
macro_rules! routes {
    ($($bundle:ident / $preload:ident { $($route:ident => ($($page:expr)?)),* $(,)? })*) => {$($(
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $bundle($($page)?).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )*)*};
}

routes! {
    home_bundle / __preload_home_bundle {
        HomeRoute => (),
    }
    light_bundle / __preload_light_bundle {
        AboutRoute => (LightPage::About),
        ModelsRoute => (LightPage::Models),
        CompareRoute => (LightPage::Compare),
        ModelCardRoute => (LightPage::ModelCard),
        AccountRoute => (LightPage::Account),
        LearnPlanetsRoute => (LightPage::LearnPlanets),
        LearnModelsRoute => (LightPage::LearnModels),
    }
    heavy_bundle / __preload_heavy_bundle {
        TrainRoute => (HeavyPage::Train),
        ProgressRoute => (HeavyPage::Progress),
        ResultRoute => (HeavyPage::Result),
        PredictRoute => (HeavyPage::Predict),
        TriageRoute => (HeavyPage::Triage),
        ExploreRoute => (HeavyPage::Explore),
    }
}
