use leptos::prelude::*;

use crate::components::reason_item::ReasonItem;

use super::error_panel::ErrorPanel;
use super::format::{count, percent};
use crate::api::functions::get_training_predictions;
use crate::api::{ClassLabel, Prediction, PredictionQuery, PredictionSort};

const COLUMNS: [(PredictionSort, &str); 8] = [
    (PredictionSort::Id, "Object"),
    (PredictionSort::Prediction, "Prediction"),
    (PredictionSort::Confidence, "Confidence"),
    (PredictionSort::Confirmed, "P(confirmed)"),
    (PredictionSort::Candidate, "P(candidate)"),
    (PredictionSort::FalsePositive, "P(false positive)"),
    (PredictionSort::Actual, "Actual"),
    (PredictionSort::Correct, "Correct"),
];

/// Every held-out object with its prediction, sortable by any column and paged on the
/// server (the test set can have thousands of rows).
///
/// Choosing an object's name shows its explanation (`selected`); until then the first row's.
#[component]
pub fn PredictionsTable(
    #[prop(into)] training_id: Signal<String>,
    selected: RwSignal<Option<Prediction>>,
    /// False when the test objects have no labels: no actual / correct columns, no error filter.
    #[prop(default = true)]
    labelled: bool,
) -> impl IntoView {
    let sort = RwSignal::new(PredictionSort::Id);
    let descending = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    let per_page = RwSignal::new(25usize);
    let only_errors = RwSignal::new(false);
    let rows = Resource::new(
        move || {
            let query = PredictionQuery {
                sort: sort.get(),
                descending: descending.get(),
                page: page.get(),
                per_page: per_page.get(),
                only_errors: only_errors.get(),
            };
            (training_id.get(), query)
        },
        |(id, query)| get_training_predictions(id, query),
    );
    let sort_by = move |column: PredictionSort| {
        if sort.get_untracked() == column {
            descending.update(|d| *d = !*d);
        } else {
            sort.set(column);
            descending.set(matches!(column, PredictionSort::Confidence));
        }
        page.set(0);
    };

    let header = move || {
        COLUMNS
            .iter()
            .filter(|(column, _)| labelled || !matches!(column, PredictionSort::Actual | PredictionSort::Correct))
            .map(|&(column, title)| {
                let aria = move || match (sort.get() == column, descending.get()) {
                    (false, _) => "none",
                    (true, true) => "descending",
                    (true, false) => "ascending",
                };
                let arrow = move || match aria() {
                    "ascending" => " ▲",
                    "descending" => " ▼",
                    _ => "",
                };
                view! {
                    <th scope="col" aria-sort=aria>
                        <button type="button" class="sort-button" on:click=move |_| sort_by(column)>
                            {title}
                            {arrow}
                        </button>
                    </th>
                }
            })
            .collect::<Vec<_>>()
    };

    view! {
        <section class="predictions" aria-labelledby="predictions-heading">
            <h2 id="predictions-heading">"Every held-out object"</h2>
            <div class="table-tools">
                {labelled
                    .then(|| {
                        view! {
                            <label class="inline-check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || only_errors.get()
                                    on:change=move |ev| {
                                        only_errors.set(event_target_checked(&ev));
                                        page.set(0);
                                    }
                                />
                                " Only wrong predictions"
                            </label>
                        }
                    })}
                <label>
                    "Rows per page "
                    <select
                        on:change=move |ev| {
                            per_page.set(event_target_value(&ev).parse().unwrap_or(25));
                            page.set(0);
                        }
                        prop:value=move || per_page.get().to_string()
                    >
                        <option value="25">"25"</option>
                        <option value="50">"50"</option>
                        <option value="100">"100"</option>
                    </select>
                </label>
            </div>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading predictions…"</p> }
            }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(data) => {
                            if selected.get_untracked().is_none() {
                                if let Some(first) = data.rows.first() {
                                    selected.set(Some(first.clone()));
                                }
                            }
                            let pages = data.pages();
                            let first = data.page * data.per_page + 1;
                            let last = (first + data.rows.len()).saturating_sub(1);
                            let body = data
                                .rows
                                .into_iter()
                                .map(|p| {
                                    let prob = |c: ClassLabel| percent(p.probabilities.get(&c).copied().unwrap_or(0.0));
                                    let this = p.clone();
                                    let id = StoredValue::new(p.id.clone());
                                    let is_selected = move || {
                                        selected
                                            .with(|s| {
                                                s.as_ref().map(|s| id.with_value(|id| &s.id == id)).unwrap_or(false)
                                            })
                                    };
                                    let reasons = p
                                        .reasons
                                        .iter()
                                        .map(|r| view! { <ReasonItem reason=r.clone() /> })
                                        .collect::<Vec<_>>();
                                    view! {
                                        <tr class:wrong=p.correct == Some(false) class:selected=is_selected>
                                            <th scope="row" class="object-id">
                                                <button
                                                    type="button"
                                                    class="link-button"
                                                    aria-pressed=move || is_selected().to_string()
                                                    title="Show why the model predicted this"
                                                    on:click=move |_| selected.set(Some(this.clone()))
                                                >
                                                    {p.id.clone()}
                                                </button>
                                            </th>
                                            <td>{p.prediction.title()}</td>
                                            <td data-col="confidence">{percent(p.confidence)}</td>
                                            <td>{prob(ClassLabel::Confirmed)}</td>
                                            <td>{prob(ClassLabel::Candidate)}</td>
                                            <td>{prob(ClassLabel::FalsePositive)}</td>
                                            {labelled
                                                .then(|| {
                                                    view! {
                                                        <td>{p.actual.map(ClassLabel::title).unwrap_or_default()}</td>
                                                        <td>
                                                            {match p.correct {
                                                                Some(true) => "yes",
                                                                Some(false) => "no",
                                                                None => "",
                                                            }}
                                                        </td>
                                                    }
                                                })}
                                            <td class="reasons">
                                                <ul>{reasons}</ul>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect::<Vec<_>>();
                            view! {
                                <div class="table-scroll">
                                    <table class="predictions-table" data-testid="predictions-table">
                                        <caption>
                                            {format!(
                                                "Objects {}–{} of {}",
                                                count(first.min(data.total)),
                                                count(last),
                                                count(data.total),
                                            )}
                                        </caption>
                                        <thead>
                                            <tr>{header()}<th scope="col">"Top reasons"</th></tr>
                                        </thead>
                                        <tbody>{body}</tbody>
                                    </table>
                                </div>
                                <nav class="pager" aria-label="Prediction pages">
                                    <button
                                        type="button"
                                        disabled=data.page == 0
                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                                    >
                                        "← Previous"
                                    </button>
                                    <span aria-live="polite" data-testid="page-status">
                                        {format!("Page {} of {}", data.page + 1, pages)}
                                    </span>
                                    <button
                                        type="button"
                                        disabled={data.page + 1 >= pages}
                                        on:click=move |_| page.update(|p| *p += 1)
                                    >
                                        "Next →"
                                    </button>
                                </nav>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
