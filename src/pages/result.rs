//! The result page of one training (`/trainings/:id/result`): scores, charts, explanations.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::functions::get_training_summary;
use crate::api::{ClassLabel, Prediction};
use crate::components::{
    ClassCountsChart, ConfusionMatrixChart, CrossValidationTable, ErrorPanel, ExplainingStatus, ExplanationWaterfall,
    FineTuneComparison, ImportanceChart, MetricsSummary, ModelDetailsPanel, PredictionsTable, RecalibrationSummary,
    ReliabilityDiagram, RocCurves, ShapDotPlot, ShareControls, TemporalSplitSummary, ThresholdExplorer, TuningTable,
    WhenExplained,
};

#[component]
pub fn ResultPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    // Bumped when the explanations of a result shown early are ready: the page reloads it.
    let version = RwSignal::new(0u32);
    let summary = Resource::new(move || (id.get(), version.get()), |(id, _)| get_training_summary(id));
    let selected = RwSignal::new(None::<Prediction>);
    let explained = Callback::new(move |()| {
        selected.set(None);
        version.update(|v| *v += 1);
    });
    view! {
        <Title text="Result · Exoplanet Playground" />
        <Transition fallback=|| {
            view! { <p class="loading">"Loading the result…"</p> }
        }>
            {move || Suspend::new(async move {
                match summary.await {
                    Err(error) => {
                        view! {
                            <h1>"Result"</h1>
                            <ErrorPanel error title="No result to show" />
                        }
                            .into_any()
                    }
                    Ok(s) => {
                        let descriptions: std::collections::BTreeMap<String, String> = s
                            .report
                            .importance
                            .features
                            .iter()
                            .map(|f| (f.feature.clone(), f.description.clone()))
                            .collect();
                        let labelled = s.report.metrics.is_some();
                        let explaining = s.report.explaining;
                        let scores = match s.report.metrics.clone() {
                            Some(metrics) => {
                                let actual: std::collections::BTreeMap<ClassLabel, usize> = metrics
                                    .per_class
                                    .iter()
                                    .map(|(c, m)| (*c, m.support))
                                    .collect();
                                view! {
                                    <p class="lead">
                                        {format!(
                                            "Scores on {} held-out objects whose host stars the model never saw. ",
                                            s.report.model_info.test_rows,
                                        )} <A href="/train">"Train another model"</A>
                                    </p>
                                    <section aria-labelledby="scores-heading">
                                        <h2 id="scores-heading">"Scores"</h2>
                                        <MetricsSummary metrics=metrics.clone() />
                                    </section>
                                    <div class="chart-row">
                                        <section aria-labelledby="cm-heading">
                                            <h2 id="cm-heading">"Confusion matrix"</h2>
                                            <ConfusionMatrixChart matrix=metrics.confusion_matrix.clone() />
                                        </section>
                                        <section aria-labelledby="counts-heading">
                                            <h2 id="counts-heading">"Predicted classes"</h2>
                                            <ClassCountsChart
                                                predicted=s.report.predicted_counts.clone()
                                                actual=actual
                                            />
                                        </section>
                                        <section aria-labelledby="roc-heading">
                                            <h2 id="roc-heading">"ROC curves"</h2>
                                            <RocCurves curves=metrics.roc_curves.clone() />
                                        </section>
                                        {metrics
                                            .calibration
                                            .clone()
                                            .map(|calibration| {
                                                let calibrated = s.report.calibrated.clone();
                                                view! {
                                                    <section aria-labelledby="calibration-heading">
                                                        <h2 id="calibration-heading">"Are the probabilities right?"</h2>
                                                        <ReliabilityDiagram calibration />
                                                        {calibrated
                                                            .map(|report| view! { <RecalibrationSummary report /> })}
                                                    </section>
                                                }
                                            })}
                                    </div>
                                    <section aria-labelledby="threshold-heading">
                                        <h2 id="threshold-heading">"Planet or not: choose the threshold"</h2>
                                        <ThresholdExplorer training_id=s.report.id.clone() />
                                    </section>
                                }
                                    .into_any()
                            }
                            None => {
                                view! {
                                    <p class="lead no-labels" role="note">
                                        {format!(
                                            "Predictions for {} objects from your test file. It has no labels, so there are no scores: \
                                         nothing to compare the predictions with. ",
                                            s.report.model_info.test_rows,
                                        )}
                                        <A href="/train">"Train another model"</A>
                                    </p>
                                    <section aria-labelledby="counts-heading">
                                        <h2 id="counts-heading">"Predicted classes"</h2>
                                        <ClassCountsChart
                                            predicted=s.report.predicted_counts.clone()
                                            actual=Default::default()
                                        />
                                    </section>
                                }
                                    .into_any()
                            }
                        };
                        let (importance, dots, space) = (
                            s.report.importance.clone(),
                            s.report.importance.dots.clone(),
                            s.report.importance.space,
                        );
                        // Moved into the sections shown once explained.
                        view! {
                            <h1>
                                {format!("{} on {}", s.report.model_info.model_name, s.report.model_info.dataset_name)}
                            </h1>
                            <ShareControls training_id=s.report.id.clone() access=s.access.clone() />
                            {explaining
                                .then(|| {
                                    view! {
                                        <ExplainingStatus
                                            training_id=s.report.id.clone()
                                            objects=s.report.model_info.test_rows
                                            done=explained
                                        />
                                    }
                                })}
                            {s
                                .report
                                .fine_tune
                                .clone()
                                .map(|report| {
                                    view! {
                                        <section aria-labelledby="fine-tune-heading">
                                            <h2 id="fine-tune-heading">"Before and after fine-tuning"</h2>
                                            <FineTuneComparison report />
                                            <p>
                                                <A href=format!(
                                                    "/predict?model={}",
                                                    s.report.id,
                                                )>"Predict with the fine-tuned model"</A>
                                            </p>
                                        </section>
                                    }
                                        .into_any()
                                })}
                            {scores}
                            {s
                                .report
                                .shift
                                .clone()
                                .map(|shift| {
                                    view! {
                                        <section aria-labelledby="shift-heading">
                                            <h2 id="shift-heading">"How the two missions differ"</h2>
                                            <p>
                                                "The features whose distributions differ most between the training mission and the test mission: where the model's rules may not carry over."
                                            </p>
                                            <div class="table-scroll">
                                                <table data-testid="shift-table">
                                                    <caption>
                                                        "Kolmogorov–Smirnov distance of the present values (0 same, 1 disjoint), medians and missing shares"
                                                    </caption>
                                                    <thead>
                                                        <tr>
                                                            <th scope="col">"Feature"</th>
                                                            <th scope="col">"KS distance"</th>
                                                            <th scope="col">"Median (train → test)"</th>
                                                            <th scope="col">"Missing (train → test)"</th>
                                                        </tr>
                                                    </thead>
                                                    <tbody>
                                                        {shift
                                                            .into_iter()
                                                            .map(|f| {
                                                                let med = |v: Option<f64>| {
                                                                    v.map(crate::api::short_number)
                                                                        .unwrap_or_else(|| "—".into())
                                                                };
                                                                view! {
                                                                    <tr>
                                                                        <th scope="row">{f.feature.clone()}</th>
                                                                        <td>{format!("{:.2}", f.ks)}</td>
                                                                        <td>
                                                                            {format!(
                                                                                "{} → {}",
                                                                                med(f.train_median),
                                                                                med(f.test_median),
                                                                            )}
                                                                        </td>
                                                                        <td>
                                                                            {format!(
                                                                                "{:.0} % → {:.0} %",
                                                                                f.train_missing * 100.0,
                                                                                f.test_missing * 100.0,
                                                                            )}
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect::<Vec<_>>()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        </section>
                                    }
                                })}
                            {s.report.temporal.clone().map(|report| view! { <TemporalSplitSummary report /> })}
                            {s
                                .report
                                .tuning
                                .clone()
                                .map(|report| {
                                    let dataset = s.report.model_info.dataset.as_str().to_string();
                                    let model = s.report.model_info.model.clone();
                                    view! {
                                        <section aria-labelledby="tuning-heading">
                                            <h2 id="tuning-heading">"Tuning"</h2>
                                            <TuningTable report dataset model />
                                        </section>
                                    }
                                })}
                            {s
                                .report
                                .cross_validation
                                .clone()
                                .map(|cv| {
                                    view! {
                                        <section aria-labelledby="cv-heading">
                                            <h2 id="cv-heading">"Cross-validation on the training part"</h2>
                                            <CrossValidationTable report=cv />
                                        </section>
                                    }
                                })}
                            <section aria-labelledby="why-heading" class="explanation">
                                <h2 id="why-heading">
                                    {move || {
                                        selected
                                            .with(|p| match p {
                                                Some(p) => {
                                                    format!(
                                                        "Why {} is predicted {}",
                                                        p.id,
                                                        p.prediction.title().to_lowercase(),
                                                    )
                                                }
                                                None => "Why this prediction?".to_string(),
                                            })
                                    }}
                                </h2>
                                <WhenExplained explaining>
                                    <p class="hint">
                                        "Choose an object's name in the table below to see its own explanation."
                                    </p>
                                </WhenExplained>
                                {move || {
                                    selected
                                        .get()
                                        .map(|p| {
                                            view! {
                                                <ExplanationWaterfall prediction=p descriptions=descriptions.clone() />
                                            }
                                        })
                                }}
                            </section>
                            <PredictionsTable training_id=id selected=selected labelled=labelled />
                            {(s.access.can_manage || s.access.include_rows)
                                .then(|| {
                                    view! {
                                        <p>
                                            <a
                                                href=format!("/api/v1/trainings/{}/predictions.csv", s.report.id)
                                                download=""
                                            >
                                                "Download the predictions (CSV)"
                                            </a>
                                        </p>
                                    }
                                })}
                            <section aria-labelledby="importance-heading">
                                <h2 id="importance-heading">"What the model relies on overall"</h2>
                                <WhenExplained explaining>
                                    <ImportanceChart report=importance />
                                </WhenExplained>
                            </section>
                            <section aria-labelledby="dots-heading">
                                <h2 id="dots-heading">"How feature values push predictions"</h2>
                                <WhenExplained explaining>
                                    <ShapDotPlot plot=dots space />
                                </WhenExplained>
                            </section>
                            <ModelDetailsPanel details=s.report.model_info.clone() explaining />
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
