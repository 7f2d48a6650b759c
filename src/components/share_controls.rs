//! Sharing a result: its owner makes it public (anyone with the link reads it, never
//! cancels or deletes it), with or without the per-object rows; a reader sees who shared it.

use leptos::prelude::*;

use crate::api::functions::share_training;
use crate::api::{ResultAccess, ShareRequest};

#[component]
pub fn ShareControls(training_id: String, access: ResultAccess) -> impl IntoView {
    if !access.can_manage {
        let by = access.shared_by.clone().unwrap_or_else(|| "anonymous".into());
        let rows = if access.include_rows { "" } else { " without its per-object rows" };
        return view! {
            <p class="shared-note" role="note" data-testid="shared-by">
                {format!("Shared by {by}{rows}. You can read it; only its owner can change or delete it.")}
            </p>
        }
        .into_any();
    }
    let shared = RwSignal::new(access.shared);
    let include_rows = RwSignal::new(access.include_rows);
    let save = Action::new(move |request: &ShareRequest| {
        let (id, request) = (training_id.clone(), *request);
        async move { share_training(id, request).await }
    });
    let send = move || {
        save.dispatch(ShareRequest { shared: shared.get_untracked(), include_rows: include_rows.get_untracked() });
    };
    let state = move || match save.value().get() {
        Some(Err(e)) => e.message,
        _ if !shared.get() => "Private: only you can see this result.".into(),
        _ if include_rows.get() => "Shared: anyone with this page's link can read it, rows and model included.".into(),
        _ => "Shared: anyone with this page's link can read its scores and charts, not its rows or model.".into(),
    };
    view! {
        <section class="share" aria-labelledby="share-heading" data-testid="share">
            <h2 id="share-heading" class="visually-hidden">
                "Sharing"
            </h2>
            <label class="checkbox">
                <input
                    type="checkbox"
                    data-testid="share-toggle"
                    prop:checked=move || shared.get()
                    on:change=move |ev| {
                        shared.set(event_target_checked(&ev));
                        send();
                    }
                />
                " Share this result with anyone who has its link"
            </label>
            <label class="checkbox">
                <input
                    type="checkbox"
                    data-testid="share-rows"
                    prop:checked=move || include_rows.get()
                    prop:disabled=move || !shared.get()
                    on:change=move |ev| {
                        include_rows.set(event_target_checked(&ev));
                        send();
                    }
                />
                " Include the per-object rows (values, labels, file names) and the model download"
            </label>
            <p class="hint" role="status" data-testid="share-state">
                {state}
            </p>
        </section>
    }
    .into_any()
}
