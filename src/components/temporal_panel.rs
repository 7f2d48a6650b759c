use leptos::prelude::*;

use crate::api::functions::get_temporal_report;
use crate::api::{FigureInterval, RankingFigures, TemporalReport};
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
                <caption>"The triage default's recipe"</caption>
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
        <ModelsSideBySide r=r.clone() />
        <details>
            <summary>"Which objects, and why the dates are fair"</summary>
            <ul>{notes}</ul>
        </details>
    }
}

/// Both pretrained models' recipes on the same future objects, with 95 % bootstrap
/// intervals, and which one the triage page ranks by and why.
#[component]
fn ModelsSideBySide(r: TemporalReport) -> impl IntoView {
    if r.models.is_empty() {
        return ().into_any();
    }
    let interval = |i: &FigureInterval, as_percent: bool| {
        if as_percent {
            format!("{}–{}", percent(i.low), percent(i.high))
        } else {
            format!("{:.3}–{:.3}", i.low, i.high)
        }
    };
    let rows = r
        .models
        .iter()
        .map(|m| {
            let chosen = m.model == r.triage_default;
            view! {
                <tr data-model=m.model.clone() class:chosen=chosen>
                    <th scope="row">{m.title.clone()} {chosen.then_some(" (triage default)")}</th>
                    <td data-testid=format!(
                        "future-auc-{}",
                        m.model,
                    )>
                        {format!("{:.3}", m.temporal.auc)}
                        <span class="muted">{format!(" ({})", interval(&m.intervals.auc, false))}</span>
                    </td>
                    <td>
                        {percent(m.temporal.precision_at_10)}
                        <span class="muted">{format!(" ({})", interval(&m.intervals.precision_at_10, true))}</span>
                    </td>
                    <td>
                        {percent(m.temporal.precision_at_50)}
                        <span class="muted">{format!(" ({})", interval(&m.intervals.precision_at_50, true))}</span>
                    </td>
                    <td>{format!("{:.3}", m.random.auc)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let replicates = r.models.first().map(|m| m.replicates).unwrap_or(0);
    view! {
        <div class="table-scroll">
            <table data-testid="temporal-models">
                <caption>
                    {format!(
                        "Both pretrained models' recipes on the same objects resolved after {} (95 % bootstrap intervals over {} resamples)",
                        r.cutoff,
                        replicates,
                    )}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Model"</th>
                        <th scope="col">"AUC on the future"</th>
                        <th scope="col">"Top 10 confirmed"</th>
                        <th scope="col">"Top 50 confirmed"</th>
                        <th scope="col">"AUC, random split"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p data-testid="triage-default-reason">{r.triage_default_reason.clone()}</p>
    }
    .into_any()
}
