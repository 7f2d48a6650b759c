use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::functions::get_training_summary;
use crate::api::{ClassLabel, ResultSummary};
use crate::components::format::{percent, score};
use crate::components::{ConfusionMatrixChart, ErrorPanel};
use crate::domain::ErrorCode;

/// Most trainings one comparison shows (a table wider than this is unreadable anyway).
pub const MAX_COMPARED: usize = 8;

/// The ids of `?ids=a,b,…`. Each is a result to read (on the server while the page
/// renders), so there are at most [`MAX_COMPARED`].
pub fn compared_ids(raw: &str) -> Result<Vec<String>, crate::api::ApiError> {
    let ids: Vec<String> = raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    if ids.len() > MAX_COMPARED {
        return Err(crate::api::ApiError::new(
            ErrorCode::TooLarge,
            format!("{} trainings were asked for; compare at most {MAX_COMPARED} at a time.", ids.len()),
        ));
    }
    Ok(ids)
}

/// Two or more completed trainings side by side: headline metrics, per-class F1 and
/// confusion matrices. The ids come from the URL (`/compare?ids=a,b`), so a comparison
/// can be bookmarked or shared.
#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let ids = Memo::new(move |_| query.with(|q| q.get("ids").unwrap_or_default()));
    let summaries = Resource::new(
        move || ids.get(),
        |ids| async move {
            let ids = compared_ids(&ids)?;
            let mut out = Vec::new();
            for id in ids {
                out.push(get_training_summary(id).await?);
            }
            Ok::<_, crate::api::ApiError>(out)
        },
    );
    view! {
        <Title text="Compare trainings · Exoplanet Playground" />
        <h1>"Compare trainings"</h1>
        <p class="lead">
            <A href="/models">"Back to saved models"</A>
        </p>
        <Suspense fallback=|| {
            view! { <p class="loading">"Loading the results…"</p> }
        }>
            {move || Suspend::new(async move {
                match summaries.await {
                    Err(error) => view! { <ErrorPanel error title="Cannot compare these trainings" /> }.into_any(),
                    Ok(list) if list.len() < 2 => {
                        view! {
                            <p>
                                "Choose at least two completed trainings on the " <A href="/models">"saved models"</A>
                                " page."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => view! { <Comparison list /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A metric of a result, or "no labels" when its test file had none.
fn scored(s: &ResultSummary, f: impl Fn(&crate::api::MetricsReport) -> String) -> String {
    s.report.metrics.as_ref().map(f).unwrap_or_else(|| "no labels".into())
}

#[component]
fn Comparison(list: Vec<ResultSummary>) -> impl IntoView {
    let headers = list
        .iter()
        .map(|s| {
            view! {
                <th scope="col">
                    {format!(
                        "{} on {} (seed {})",
                        s.report.model_info.model_name,
                        s.report.model_info.dataset_name,
                        s.report.model_info.seed,
                    )}
                </th>
            }
        })
        .collect::<Vec<_>>();
    type Metric = fn(&ResultSummary) -> String;
    let mut metrics: Vec<(String, Metric)> = vec![
        ("Accuracy".into(), |s| scored(s, |m| percent(m.accuracy))),
        ("Macro-F1".into(), |s| scored(s, |m| score(m.macro_f1))),
        ("Weighted-F1".into(), |s| scored(s, |m| score(m.weighted_f1))),
        ("ROC-AUC".into(), |s| scored(s, |m| m.roc_auc.map(score).unwrap_or_else(|| "n/a".into()))),
        ("Log-loss".into(), |s| scored(s, |m| score(m.log_loss))),
        ("Fit time".into(), |s| format!("{:.2} s", s.report.model_info.fit_seconds)),
        ("Held-out objects".into(), |s| s.report.model_info.test_rows.to_string()),
    ];
    metrics.push(("Explained by".into(), |s| s.report.model_info.explanation_method.clone()));
    let mut rows: Vec<AnyView> = metrics
        .into_iter()
        .map(|(name, f)| {
            let cells = list.iter().map(|s| view! { <td>{f(s)}</td> }).collect::<Vec<_>>();
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    {cells}
                </tr>
            }
            .into_any()
        })
        .collect();
    for class in ClassLabel::ALL {
        let cells = list
            .iter()
            .map(|s| {
                view! {
                    <td>
                        {s
                            .report
                            .metrics
                            .as_ref()
                            .and_then(|m| m.per_class.get(&class))
                            .map(|c| score(c.f1))
                            .unwrap_or_default()}
                    </td>
                }
            })
            .collect::<Vec<_>>();
        rows.push(
            view! {
                <tr>
                    <th scope="row">{format!("F1 {}", class.title().to_lowercase())}</th>
                    {cells}
                </tr>
            }
            .into_any(),
        );
    }
    let matrices = list
        .iter()
        .map(|s| {
            view! {
                <section class="compare-matrix">
                    <h2>{format!("{} on {}", s.report.model_info.model_name, s.report.model_info.dataset_name)}</h2>
                    {match &s.report.metrics {
                        Some(m) => view! { <ConfusionMatrixChart matrix=m.confusion_matrix.clone() /> }.into_any(),
                        None => view! { <p>"No labels in its test file, so no confusion matrix."</p> }.into_any(),
                    }}
                    <A href=format!("/trainings/{}/result", s.report.id)>"Open this result"</A>
                </section>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll">
            <table class="compare-table" data-testid="comparison">
                <caption>
                    "Each on its own held-out objects; same dataset and seed means the same test objects."
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Metric"</th>
                        {headers}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="chart-row">{matrices}</div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_the_query_and_bounded() {
        assert_eq!(compared_ids(" a, b,,c ").unwrap(), ["a", "b", "c"]);
        let nine = ["x"; MAX_COMPARED + 1].join(",");
        let e = compared_ids(&nine).unwrap_err();
        assert_eq!((e.status(), e.message.as_str()), (413, "9 trainings were asked for; compare at most 8 at a time."));
    }
}
