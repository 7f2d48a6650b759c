//! "What do the uncertainty columns buy?": the default model's held-out scores on each
//! mission with every leak-free column and with the physical quantities only (About page).

use leptos::prelude::*;

use crate::api::functions::get_feature_set_scores;
use crate::api::{FeatureSetComparison, MissionFeatureSetScores};
use crate::components::ErrorPanel;

/// Loads the comparison (computed by the server on first request, a few seconds) and shows
/// it as a table: one row per mission, macro-F1 and the number of columns per set.
#[component]
pub fn FeatureSetScores() -> impl IntoView {
    let comparison = Resource::new(|| (), |_| get_feature_set_scores());
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="loading">
                    "Training the default model on each mission with both feature sets (a few seconds, once)…"
                </p>
            }
        }>
            {move || Suspend::new(async move {
                match comparison.await {
                    Err(error) => {
                        view! { <ErrorPanel error retry=Callback::new(move |_| comparison.refetch()) /> }.into_any()
                    }
                    Ok(c) => view! { <ComparisonTable c /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ComparisonTable(c: FeatureSetComparison) -> impl IntoView {
    let headers = c
        .sets
        .iter()
        .map(|s| {
            view! {
                <th scope="col" title=s.description.clone()>
                    {s.title.clone()}
                </th>
            }
        })
        .collect::<Vec<_>>();
    let rows = c.missions.iter().map(mission_row).collect::<Vec<_>>();
    let future = (!c.temporal.is_empty()).then(|| {
        let cells = c
            .temporal
            .iter()
            .map(|t| {
                let r = &t.ranking;
                view! {
                    <td data-set=t.feature_set.id() data-testid="feature-set-future">
                        {format!("AUC {:.3}", r.auc)}
                        <span class="muted">
                            {format!(
                                " · top 10 {:.0} % · top 50 {:.0} %",
                                r.precision_at_10 * 100.0,
                                r.precision_at_50 * 100.0,
                            )}
                        </span>
                    </td>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <tr data-mission="tess-future">
                <th scope="row">{format!("TESS TOI on the future (learned before {})", c.temporal_cutoff)}</th>
                {cells}
            </tr>
        }
    });
    let notes = c
        .sets
        .iter()
        .map(|s| {
            view! {
                <li>
                    <strong>{s.title.clone()}</strong>
                    ": "
                    {s.description.clone()}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll">
            <table data-testid="feature-set-scores">
                <caption>{format!("{}: macro-F1 on held-out objects ({})", c.model_name, c.split)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Mission"</th>
                        {headers}
                    </tr>
                </thead>
                <tbody>{rows} {future}</tbody>
            </table>
        </div>
        <ul>{notes}</ul>
    }
}

fn mission_row(m: &MissionFeatureSetScores) -> impl IntoView {
    let cells = m
        .scores
        .iter()
        .map(|s| {
            view! {
                <td data-set=s
                    .feature_set
                    .id()>
                    {format!("{:.3}", s.macro_f1)} <span class="muted">{format!(" ({} columns)", s.features)}</span>
                </td>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <tr data-mission=m.mission.id()>
            <th scope="row">{m.mission.table_name()}</th>
            {cells}
        </tr>
    }
}
