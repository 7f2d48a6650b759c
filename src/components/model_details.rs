use leptos::prelude::*;

use super::format::count;
use crate::api::ModelDetails;

/// How the result was obtained: data, split, missing values, model structure, timing,
/// and the caveats that belong next to the figures.
#[component]
pub fn ModelDetailsPanel(
    details: ModelDetails,
    /// The explanations are still being computed (a result shown early): no time for them yet.
    #[prop(optional)]
    explaining: bool,
) -> impl IntoView {
    let explained = if explaining {
        "its explanations are being computed".to_string()
    } else {
        format!("explained it in {:.2} s", details.explain_seconds)
    };
    let hyper = if details.hyperparameters.is_empty() {
        "defaults".to_string()
    } else {
        details.hyperparameters.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")
    };
    view! {
        <section class="model-details" aria-labelledby="how-heading">
            <h2 id="how-heading">"How this result was obtained"</h2>
            <dl>
                <dt>"Data"</dt>
                <dd>
                    {format!(
                        "{} ({} training and {} test objects)",
                        details.dataset_name,
                        count(details.train_rows),
                        count(details.test_rows),
                    )}
                </dd>
                <dt>"Model"</dt>
                <dd>{format!("{}: {}", details.model_name, details.structure)}</dd>
                <dt>"Hyperparameters"</dt>
                <dd>{format!("{hyper} (seed {})", details.seed)}</dd>
                <dt>"Split"</dt>
                <dd>{details.split.clone()}</dd>
                <dt>"Missing values"</dt>
                <dd data-testid="missing-values">{details.missing_values.clone()}</dd>
                <dt>"Timing"</dt>
                <dd data-testid="timing">
                    {format!(
                        "fitted in {:.2} s; predicted the test set in {:.1} ms; {explained}",
                        details.fit_seconds,
                        details.predict_ms,
                    )}
                </dd>
                <dt>"Explanations"</dt>
                <dd>{details.explanation_method.clone()}</dd>
                <dt>{format!("Features ({})", details.features.len())}</dt>
                <dd class="feature-list" data-testid="feature-list">
                    {details
                        .feature_set
                        .map(|set| format!("{}: {} ", set.title(), set.description()))
                        .unwrap_or_default()}
                    {details.features.join(", ")}
                </dd>
            </dl>
            {(!details.caveats.is_empty())
                .then(|| {
                    view! {
                        <div class="caveats">
                            <h3>"Read with care"</h3>
                            <ul>
                                {details.caveats.iter().map(|c| view! { <li>{c.clone()}</li> }).collect::<Vec<_>>()}
                            </ul>
                        </div>
                    }
                })}
        </section>
    }
}
