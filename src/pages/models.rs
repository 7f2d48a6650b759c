use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::functions::{delete_training, list_trainings};
use crate::api::{TrainingStatus, TrainingSummaryItem};
use crate::components::format::score;
use crate::components::ErrorPanel;

/// Every kept training: open its result again, download its model, delete it, or tick two
/// or more to compare them side by side.
#[component]
pub fn ModelsPage() -> impl IntoView {
    let delete = Action::new(|id: &String| {
        let id = id.clone();
        async move { delete_training(id).await }
    });
    let trainings = Resource::new(move || delete.version().get(), |_| list_trainings());
    let chosen = RwSignal::new(Vec::<String>::new());
    let compare_href = move || format!("/compare?ids={}", chosen.get().join(","));
    view! {
        <Title text="Saved models · Exoplanet Playground" />
        <h1>"Saved models"</h1>
        <p class="lead">
            "Your trainings: this browser's, or your account's when you are signed in (nobody else sees them unless you share one). Every completed training keeps its result and its model, also across server restarts. Open one again, download its model file, or tick two or more to compare them."
        </p>
        <div class="form-actions">
            <a
                class="button button-primary"
                href=compare_href
                aria-disabled=move || (chosen.with(|c| c.len()) < 2).to_string()
                class:disabled=move || chosen.with(|c| c.len()) < 2
                on:click=move |ev| {
                    if chosen.with(|c| c.len()) < 2 {
                        ev.prevent_default()
                    }
                }
            >
                {move || format!("Compare selected ({})", chosen.with(|c| c.len()))}
            </a>
            <p class="form-error" role="alert">
                {move || delete.value().get().and_then(|r| r.err()).map(|e| e.message)}
            </p>
        </div>
        <Transition fallback=|| {
            view! { <p class="loading">"Loading saved trainings…"</p> }
        }>
            {move || Suspend::new(async move {
                match trainings.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p>
                                "Nothing saved yet. " <A href="/train">"Train a model"</A> " and it will appear here."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => view! { <TrainingsTable list chosen delete /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TrainingsTable(
    list: Vec<TrainingSummaryItem>,
    chosen: RwSignal<Vec<String>>,
    delete: Action<String, Result<(), crate::api::ApiError>>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|t| {
            let id = t.id.clone();
            let (tick_id, delete_id) = (id.clone(), id.clone());
            let completed = t.status == TrainingStatus::Completed;
            let (acc, f1, auc) = match &t.headline {
                Some(h) => {
                    let or_na = |v: Option<f64>| v.map(score).unwrap_or_else(|| "n/a".into());
                    (or_na(h.accuracy), or_na(h.macro_f1), or_na(h.roc_auc))
                }
                None => ("–".into(), "–".into(), "–".into()),
            };
            let label = format!("{} on {}", t.model_name, t.dataset);
            let date = format_time(t.finished_at.unwrap_or(t.created_at));
            let (link_label, download_label, delete_label) =
                (label.clone(), format!("Download the model of {label}"), format!("Delete {label}"));
            view! {
                <tr data-testid="saved-training">
                    <td>
                        <input
                            type="checkbox"
                            aria-label=format!("Compare {label} ({date})")
                            disabled=!completed
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen
                                    .update(|c| {
                                        c.retain(|x| *x != tick_id);
                                        if on {
                                            c.push(tick_id.clone());
                                        }
                                    });
                            }
                        />
                    </td>
                    <th scope="row">
                        <A href=if completed {
                            format!("/trainings/{id}/result")
                        } else {
                            format!("/trainings/{id}")
                        }>{link_label}</A>
                    </th>
                    <td>
                        <span class=format!("status status-{}", t.status.as_str())>{t.status.as_str()}</span>
                    </td>
                    <td data-col="accuracy">{acc}</td>
                    <td data-col="macro_f1">{f1}</td>
                    <td data-col="roc_auc">{auc}</td>
                    <td>{date}</td>
                    <td class="actions">
                        {t
                            .has_model
                            .then(|| {
                                view! {
                                    <a
                                        href=format!("/api/v1/trainings/{}/model", t.id)
                                        download=""
                                        aria-label=download_label
                                    >
                                        "Download"
                                    </a>
                                }
                            })}
                        {(t.status.is_finished())
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="button button-small"
                                        aria-label=delete_label
                                        on:click=move |_| {
                                            delete.dispatch(delete_id.clone());
                                        }
                                    >
                                        "Delete"
                                    </button>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll">
            <table class="saved-table" data-testid="saved-trainings">
                <caption>"Newest first. Scores are on each training's own held-out objects."</caption>
                <thead>
                    <tr>
                        <th scope="col">
                            <span class="visually-hidden">"Compare"</span>
                        </th>
                        <th scope="col">"Training"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Accuracy"</th>
                        <th scope="col">"Macro-F1"</th>
                        <th scope="col">"ROC-AUC"</th>
                        <th scope="col">"Finished (UTC)"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// "2026-11-26 23:41" from Unix milliseconds (UTC, so server and browser agree).
pub fn format_time(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year}-{month:02}-{day:02} {:02}:{:02}", rem / 3600, rem % 3600 / 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_unix_milliseconds_as_utc() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00");
        assert_eq!(super::format_time(1_795_736_460_000), "2026-11-26 23:41");
    }
}
