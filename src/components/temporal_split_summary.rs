use leptos::prelude::*;

use crate::api::TemporalSplitReport;
use crate::components::format::{count, percent};

/// A temporal split's result: which objects went where, and how well P(confirmed) ranked
/// the objects the future resolved.
#[component]
pub fn TemporalSplitSummary(report: TemporalSplitReport) -> impl IntoView {
    let ranking = report.ranking.clone().map(|r| {
        view! {
            <dl class="metrics" data-testid="temporal-ranking">
                <div>
                    <dt>"AUC of P(confirmed)"</dt>
                    <dd data-testid="temporal-auc">{format!("{:.3}", r.auc)}</dd>
                </div>
                <div>
                    <dt>"Top 10 confirmed"</dt>
                    <dd>{percent(r.precision_at_10)}</dd>
                </div>
                <div>
                    <dt>"Top 50 confirmed"</dt>
                    <dd>{percent(r.precision_at_50)}</dd>
                </div>
            </dl>
        }
    });
    let notes = report.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view();
    view! {
        <section aria-labelledby="temporal-split-heading" class="temporal">
            <h2 id="temporal-split-heading">{format!("Tested on the future (after {})", report.cutoff)}</h2>
            <p>
                {format!(
                    "Learned from {} objects whose {} is before {}; tested on {} objects resolved on or after it. {} objects updated after it are still open; {} were left out of training because their star has a test object.",
                    count(report.train_objects),
                    report.date_column,
                    report.cutoff,
                    count(report.test_objects),
                    count(report.still_open),
                    count(report.shared_star),
                )}
            </p>
            {ranking}
            <details>
                <summary>"Why the dates are a fair proxy for what was known"</summary>
                <ul>{notes}</ul>
            </details>
        </section>
    }
}
