//! The progress page of one training (`/trainings/:id`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::functions::get_training_progress;
use crate::api::{ApiError, TrainingProgress, TrainingStatus};
use crate::components::{ErrorPanel, ProgressBar, QueuePlace, TrainingTimes};
use crate::domain::ErrorCode;

/// The latest poll: nothing yet, a state, or an error.
type Poll = Option<Result<TrainingProgress, ApiError>>;

/// Follows one training. The id is in the URL, so a reload or a shared link works. The
/// browser asks the server five times a second at first, then once a second, and moves on to the
/// result as soon as its scores are ready;
/// without WebAssembly the server-rendered page refreshes itself until then.
#[component]
pub fn ProgressPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let latest: RwSignal<Poll> = RwSignal::new(None);
    poll_progress(id, latest);
    // Lives with the page, not the view redrawn at every poll, so its state survives redraws.
    let cancel = Action::new(|id: &String| {
        let id = id.clone();
        async move { crate::api::functions::cancel_training(id).await }
    });

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(p)) = latest.get() {
            // Scores and predictions come before the explanations, which the result page
            // follows with their own progress.
            if p.result_ready {
                navigate(&format!("/trainings/{}/result", p.id), Default::default());
            }
        }
    });

    // The first state comes with the page (rendered on the server), so it shows without
    // WebAssembly too; the browser's polls take over from there.
    let first = Resource::new(move || id.get(), get_training_progress);
    let loading = || {
        view! {
            <p class="loading" data-testid="progress-loading">
                "Asking the server about this training…"
            </p>
        }
    };
    view! {
        <Title text="Training · Exoplanet Playground" />
        <h1>"Training"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let first = first.await;
                move || match latest.get().unwrap_or_else(|| first.clone()) {
                    Err(error) if error.code == ErrorCode::Network => {
                        view! {
                            <p class="warning" role="status">
                                {format!("{} Retrying…", error.message)}
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error title="Training not found" /> }.into_any(),
                    Ok(p) => view! { <ProgressView progress=p cancel=cancel /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgressView(
    progress: TrainingProgress,
    cancel: Action<String, Result<TrainingProgress, ApiError>>,
) -> impl IntoView {
    let TrainingProgress {
        id,
        status,
        progress: percent,
        step,
        error,
        dataset,
        model,
        queue_position,
        elapsed_s,
        eta_s,
        expected_wait_s,
        result_ready,
        ..
    } = progress;
    let heading = format!("{} on {}", model.replace('_', " "), dataset);
    // The view is rebuilt in place at every poll, so the live region stays and is read out
    // when its words change: the status, and while queued, the place and the wait.
    view! {
        <section class="progress-panel">
            <div class="progress-status" role="status" aria-live="polite">
                <p class="progress-meta">
                    <span class=format!("status status-{}", status.as_str()) data-testid="status">
                        {status.as_str()}
                    </span>
                    " "
                    {heading}
                </p>
                {queue_position.map(|position| view! { <QueuePlace position wait_s=expected_wait_s /> })}
            </div>
            <TrainingTimes status elapsed_s eta_s />
            {match status {
                TrainingStatus::Failed => {
                    view! {
                        <ErrorPanel
                            error=ApiError::new(ErrorCode::TrainingFailed, error.unwrap_or_default())
                            title="Training failed"
                        />
                    }
                        .into_any()
                }
                TrainingStatus::Cancelled => {
                    view! {
                        <section class="error-panel" role="alert">
                            <h2>"Training cancelled"</h2>
                            <p>"This training was stopped before it finished, so it has no result."</p>
                            <p>
                                <A href="/train">"Train a new model"</A>
                            </p>
                        </section>
                    }
                        .into_any()
                }
                _ if result_ready => {
                    let go_on = format!(r#"<meta http-equiv="refresh" content="0; url=/trainings/{id}/result">"#);
                    // Completed, or running with its scores ready (explanations still to come).
                    // Without WebAssembly, straight on to the result.
                    view! {
                        <noscript inner_html=go_on></noscript>
                        <ProgressBar percent=100.0 label="Done".to_string() />
                        <p>
                            <A href=format!("/trainings/{id}/result")>"See the result"</A>
                        </p>
                    }
                        .into_any()
                }
                _ => {
                    view! {
                        // Without WebAssembly nothing polls: the page reloads itself every 2 s.
                        <noscript inner_html=r#"<meta http-equiv="refresh" content="2">"#></noscript>
                        <ProgressBar percent=percent label=step />
                        <CancelButton id=id.clone() cancel=cancel />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Asks the server to stop this training; the page shows `cancelled` on the next poll.
#[component]
fn CancelButton(id: String, cancel: Action<String, Result<TrainingProgress, ApiError>>) -> impl IntoView {
    view! {
        <p class="form-actions">
            <button
                type="button"
                class="button button-secondary"
                disabled=move || { cancel.pending().get() || cancel.value().with(|v| matches!(v, Some(Ok(_)))) }
                on:click=move |_| {
                    cancel.dispatch(id.clone());
                }
            >
                {move || {
                    if cancel.value().with(|v| matches!(v, Some(Ok(_)))) { "Cancelling…" } else { "Cancel training" }
                }}
            </button>
            <span class="form-error" role="status">
                {move || cancel.value().get().and_then(|r| r.err()).map(|e| e.message)}
            </span>
        </p>
    }
}

/// Polls the server in the browser only (server rendering shows the loading state).
/// Stops when the training has finished, the id is unknown, or the page is left.
fn poll_progress(id: Memo<String>, latest: RwSignal<Poll>) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let current = id.get();
        leptos::task::spawn_local(async move {
            let mut polls = 0u32;
            loop {
                let response = crate::api::functions::get_training_progress(current.clone()).await;
                let finished = match &response {
                    Ok(p) => p.status.is_finished(),
                    Err(e) => e.code != ErrorCode::Network,
                };
                if latest.try_set(Some(response)).is_some() || finished {
                    break; // page gone (signal disposed) or nothing left to follow
                }
                polls += 1;
                gloo_timers::future::TimeoutFuture::new(poll_delay_ms(polls)).await;
                if id.try_get_untracked().as_ref() != Some(&current) {
                    break; // navigated to another training
                }
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, latest);
}

/// Milliseconds until the next poll: every 200 ms for the first 10 s, when a small model's
/// scores arrive (a 1 s poll alone cost half a second of click-to-result on average), then
/// every second.
#[cfg(feature = "hydrate")]
fn poll_delay_ms(polls: u32) -> u32 {
    if polls <= 50 {
        200
    } else {
        1_000
    }
}
