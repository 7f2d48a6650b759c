use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::functions::get_model_card;
use crate::api::{Mission, MissionScoreInfo, ModelCard};
use crate::components::format::{count, percent, score};
use crate::components::{ErrorPanel, TemporalPanel};
use crate::domain::model_ref::{pretrained_name, PRETRAINED};
use crate::domain::FeatureSet;

/// The pretrained models' cards (physical first): data, features, held-out figures and
/// calibration per mission, both proved on the future side by side, limits, citation.
#[component]
pub fn ModelCardPage() -> impl IntoView {
    let cards = [FeatureSet::PhysicalOnly, FeatureSet::AllLeakFree].map(|set| {
        let card = Resource::new(move || pretrained_name(set).to_string(), get_model_card);
        view! {
            <Suspense fallback=|| {
                view! { <p class="loading">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    match card.await {
                        Err(error) => {
                            view! { <ErrorPanel error title="This pretrained model is not available" /> }.into_any()
                        }
                        Ok(card) => view! { <Card card /> }.into_any(),
                    }
                })}
            </Suspense>
        }
    });
    view! {
        <Title text="Model card · Exoplanet Playground" />
        <h1>"Model card: the pretrained models"</h1>
        <p class="lead">
            "Two gradient-boosting models learned from the Kepler, TESS and K2 tables together: one judges the star and the signal only (physical quantities), the other also reads how well each object was measured (the uncertainty columns, which partly record how much follow-up it had). "
            <A href="/predict">"Use them"</A>
        </p>
        {cards.into_iter().collect_view()}
        <TemporalPanel />
        <Limits />
    }
}

fn variant_name(v: &str) -> &'static str {
    match v {
        "mission_feature" => "the mission as an input",
        "mission_calibration" => "per-mission calibration of class shares",
        _ => "unknown",
    }
}

fn scores_table(caption: String, scores: &[MissionScoreInfo], testid: String) -> impl IntoView {
    let optional = |v: Option<f64>| v.map(score).unwrap_or_else(|| "n/a".into());
    let rows = scores
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">{s.mission_name.clone()}</th>
                    <td>{count(s.test_objects)}</td>
                    <td>{percent(s.accuracy)}</td>
                    <td data-testid=format!("card-f1-{}", s.mission)>{score(s.macro_f1)}</td>
                    <td>{optional(s.roc_auc)}</td>
                    <td>{score(s.log_loss)}</td>
                    <td>{optional(s.brier)}</td>
                    <td>{optional(s.ece)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll">
            <table data-testid=testid>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Mission"</th>
                        <th scope="col">"Held-out objects"</th>
                        <th scope="col">"Accuracy"</th>
                        <th scope="col">"Macro-F1"</th>
                        <th scope="col">"ROC-AUC"</th>
                        <th scope="col">"Log-loss"</th>
                        <th scope="col">
                            <abbr title="Brier score: mean squared distance of the probabilities from the truth (lower is better)">
                                "Brier"
                            </abbr>
                        </th>
                        <th scope="col">
                            <abbr title="Expected calibration error: how far the probabilities are from the frequencies they claim (lower is better)">
                                "ECE"
                            </abbr>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Card(card: ModelCard) -> impl IntoView {
    // The model on all leak-free columns keeps the testids pages and tests have always read.
    let key = if card.model == PRETRAINED { "card".to_string() } else { format!("card-{}", card.model) };
    let heading = format!("{key}-heading");
    let tables = card
        .tables
        .iter()
        .map(|(name, date)| view! { <li>{format!("{name}, downloaded {date}")}</li> })
        .collect::<Vec<_>>();
    let train = card.train_objects.iter().map(|(m, n)| format!("{m} {}", count(*n))).collect::<Vec<_>>().join(", ");
    let classes = card
        .train_class_counts
        .iter()
        .map(|(c, n)| format!("{} {}", c.title().to_lowercase(), count(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    let features = card
        .features
        .iter()
        .map(|f| {
            let col = |m: Mission| f.columns.get(&m).cloned().unwrap_or_else(|| "—".into());
            view! {
                <tr>
                    <th scope="row">
                        <code>{f.name.clone()}</code>
                    </th>
                    <td>{format!("{} [{}]", f.description, f.unit)}</td>
                    <td>
                        <code>{col(Mission::Kepler)}</code>
                    </td>
                    <td>
                        <code>{col(Mission::Tess)}</code>
                    </td>
                    <td>
                        <code>{col(Mission::K2)}</code>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let alternative = (!card.alternative_scores.is_empty()).then(|| {
        scores_table(
            format!("Measured and not kept: {}", variant_name(&card.alternative_variant)),
            &card.alternative_scores,
            format!("{key}-alternative"),
        )
    });
    view! {
        <section class="model-card" aria-labelledby=heading.clone() data-testid=key>
            <h2 id=heading.clone()>{card.title.clone()}</h2>
            <p>
                {format!(
                    "{}, trained on all three NASA tables together on {} inputs, telling missions apart by {}. ",
                    card.model_name,
                    card.features.len(),
                    variant_name(&card.variant),
                )} <A href=format!("/predict?model={}", card.model)>"Use it"</A>
            </p>
            <h3>"Training data"</h3>
            <ul>{tables}</ul>
            <p>
                {format!(
                    "Each table is split by host star (seed {}, {} held out), so no star is on both sides. Training objects: {train} (classes: {classes}). Rebuild it with `{}`: the test suite checks the rebuild writes the committed file bit for bit.",
                    card.seed,
                    percent(card.test_fraction),
                    card.build_command,
                )}
            </p>
            <h3>"Held-out figures and calibration per mission"</h3>
            {scores_table(format!("Kept: {}", variant_name(&card.variant)), &card.scores, format!("{key}-scores"))}
            {alternative}
            <h3>"Inputs"</h3>
            <p>
                "One unit per quantity across missions; a dash means the mission's table lacks it (or holds it only for confirmed planets, which would leak the label), and the model treats it as missing."
            </p>
            <div class="table-scroll">
                <table>
                    <caption>"Harmonised features and the archive column each is read from"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Quantity"</th>
                            <th scope="col">"Kepler KOI"</th>
                            <th scope="col">"TESS TOI"</th>
                            <th scope="col">"K2"</th>
                        </tr>
                    </thead>
                    <tbody>{features}</tbody>
                </table>
            </div>
        </section>
    }
}

/// What neither model knows, and how to cite the data.
#[component]
fn Limits() -> impl IntoView {
    view! {
        <section aria-labelledby="limits-heading">
            <h2 id="limits-heading">"Known limits"</h2>
            <ul>
                <li>
                    "It never saw the columns that give the answer away (Robovetter scores and flags, dispositions, K2 masses and insolation filled only for confirmed planets), nor transit SNR, impact parameter or centroid tests, which only Kepler has: it knows less than a Kepler-only model (compare on the train page)."
                </li>
                <li>
                    "Candidates are unresolved signals, not a physical class: many will become planets or false positives, so candidate-versus-rest figures are the weakest."
                </li>
                <li>
                    "The magnitude input is each survey's own band (Kepler, TESS, V for K2); values from another survey's band shift it."
                </li>
                <li>
                    "On K2, which cells are empty depends on the reference paper, and that alone predicts the label; K2 figures flatter any model."
                </li>
                <li>
                    "Objects from other surveys, or very unlike the Kepler, TESS and K2 candidates, are outside what it learned."
                </li>
                <li>
                    "With labelled objects of your own you can fine-tune it on the "
                    <A href="/predict">"predict page"</A>
                    ": the result shows what it gains on your held-out rows and what it loses on NASA's (specialising on one mission costs the others). The fine-tuned copy is saved as a new model; this one never changes."
                </li>
            </ul>
        </section>
        <section aria-labelledby="cite-heading">
            <h2 id="cite-heading">"How to cite"</h2>
            <blockquote class="acknowledgement">
                "This research has made use of the NASA Exoplanet Archive, which is operated by the California Institute of Technology, under contract with the National Aeronautics and Space Administration under the Exoplanet Exploration Program."
            </blockquote>
            <p>"Cite Christiansen et al. (2025, PSJ) for the archive and state the download dates above."</p>
        </section>
    }
}
