//! A result shown before its explanations: their progress, polled every second in the
//! browser, and `done` called once the training has completed (the page then reloads the
//! result with its explanations). Without WebAssembly the status line stays as rendered
//! and a reload shows the whole result.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::api::TrainingStatus;

#[component]
pub fn ExplainingStatus(
    training_id: String,
    /// Held-out objects being explained (for the first line, before the first poll).
    objects: usize,
    done: Callback<()>,
) -> impl IntoView {
    let step = RwSignal::new(format!("Explaining the predictions of {objects} held-out objects…"));
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(1_000).await;
            match crate::api::functions::get_training_progress(training_id.clone()).await {
                Ok(p) if p.status == TrainingStatus::Running => {
                    if step.try_set(format!("{} …", p.step)).is_some() {
                        break; // the page was left
                    }
                }
                Ok(_) => {
                    if step.try_get_untracked().is_some() {
                        done.run(());
                    }
                    break;
                }
                // A network hiccup: ask again on the next tick.
                Err(_) => {}
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (training_id, done);
    view! {
        <p class="explaining" role="status" aria-live="polite">
            {move || step.get()}
        </p>
    }
}

/// The children once the explanations exist; until then, a line saying they are coming.
#[component]
pub fn WhenExplained(explaining: bool, children: Children) -> impl IntoView {
    if explaining {
        view! {
            <p class="hint">
                "The explanations are being computed (see the status above); this part fills in when they are ready."
            </p>
        }
        .into_any()
    } else {
        children().into_any()
    }
}
