use leptos::prelude::*;

use crate::api::functions::get_temporal_report;
use crate::api::{RankingFigures, TemporalReport};
use crate::components::format::{count, percent};
use crate::components::ErrorPanel;

/// "Does the ranking hold on the future?": the pretrained model's recipe learned before a
/// cut-off and scored on the TOI candidates resolved after it, beside the random split.
/// Computed by the server once for everyone (at start-up), then kept.
#[component]
pub fn TemporalPanel() -> impl IntoView {
    let report = Resource::new(|| (), |_| get_temporal_report());
    view! {
        <section class="temporal" aria-labelledby="temporal-heading" data-testid="temporal-panel">
            <h2 id="temporal-heading">"Does the ranking hold on the future?"</h2>
            <Suspense fallback=|| {
                view! {
                    <p class="loading">"Training on the past and testing on the future (a few seconds, once)…"</p>
                }
            }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(error) => {
                            view! { <ErrorPanel error retry=Callback::new(move |_| report.refetch()) /> }.into_any()
                        }
                        Ok(r) => view! { <TemporalTable r /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn TemporalTable(r: TemporalReport) -> impl IntoView {
    let row = |name: &'static str, f: fn(&RankingFigures) -> String| {
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td data-testid=format!("temporal-{}", name.to_lowercase().replace(' ', "-"))>{f(&r.temporal)}</td>
                <td>{f(&r.random)}</td>
            </tr>
        }
    };
    let notes = r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view();
    view! {
        <p>
            {format!(
                "The {}, learned only from the {} objects of the {} settled before {} (by its {} column), ranks the candidates of that time that were resolved later: {} confirmed and {} false positives.",
                r.recipe,
                count(r.train_objects),
                r.table,
                r.cutoff,
                r.date_column,
                count(r.temporal.confirmed),
                count(r.temporal.false_positives),
            )}
        </p>
        <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Ranking by P(confirmed)"</th>
                        <th scope="col">{format!("On the future (after {})", r.cutoff)}</th>
                        <th scope="col">"On a random split by star"</th>
                    </tr>
                </thead>
                <tbody>
                    {row("AUC", |f| format!("{:.3}", f.auc))} {row("Top 10 confirmed", |f| percent(f.precision_at_10))}
                    {row("Top 50 confirmed", |f| percent(f.precision_at_50))}
                </tbody>
            </table>
        </div>
        <details>
            <summary>"Which objects, and why the dates are fair"</summary>
            <ul>{notes}</ul>
        </details>
    }
}
