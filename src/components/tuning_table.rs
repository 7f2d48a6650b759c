//! A tuned training's search: every trial with its cross-validated macro-F1, the winner
//! marked, and "Train with these", which opens the train page with the winner's values.

use leptos::prelude::*;

use crate::api::{value_text, TuningReport};
use crate::domain::percent_encode;

#[component]
pub fn TuningTable(report: TuningReport, dataset: String, model: String) -> impl IntoView {
    let query: String = report
        .best_hyperparameters
        .iter()
        .map(|(name, value)| format!("&hp.{name}={}", percent_encode(&value_text(value))))
        .collect();
    let href = format!("/train?dataset={}&model={}{query}", percent_encode(&dataset), percent_encode(&model));
    let rounds = report.trials.iter().map(|t| t.round).max().unwrap_or(1);
    let rows = report
        .trials
        .iter()
        .map(|t| {
            let values = if t.hyperparameters.is_empty() {
                "your settings".to_string()
            } else {
                t.hyperparameters.iter().map(|(k, v)| format!("{k} = {}", value_text(v))).collect::<Vec<_>>().join(", ")
            };
            view! {
                <tr class:best=t.best data-testid=if t.best { "best-trial" } else { "trial" }>
                    <th scope="row">{if t.number == 1 { "1 (yours)".to_string() } else { t.number.to_string() }}</th>
                    {(rounds > 1)
                        .then(|| view! { <td>{format!("{} · {:.0} %", t.round, t.stars_share * 100.0)}</td> })}
                    <td class="numeric">{format!("{:.3} ± {:.3}", t.cv_macro_f1_mean, t.cv_macro_f1_std)}</td>
                    <td class="numeric">{format!("{:.1} s", t.seconds)}</td>
                    <td class="values">{values}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="tuning" data-testid="tuning">
            <p>
                {format!(
                    "{}: {} trials in {:.0} s; trial {} won and is the model above. {}",
                    report.method.title(),
                    report.trials.len(),
                    report.seconds,
                    report.best_trial,
                    report.scoring,
                )}
            </p>
            {report
                .stopped_early
                .then(|| view! { <p class="notice">"The time budget ran out before every trial ran."</p> })}
            <p>
                <a class="button" href=href data-testid="train-with-these">
                    "Train with these"
                </a>
            </p>
            <div class="table-scroll">
                <table class="tuning-table">
                    <caption>"Trials (cross-validated macro-F1: mean ± spread over the 5 folds)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Trial"</th>
                            {(rounds > 1).then(|| view! { <th scope="col">"Round · stars"</th> })}
                            <th scope="col">"CV macro-F1"</th>
                            <th scope="col">"Time"</th>
                            <th scope="col">"Hyperparameters"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
}
