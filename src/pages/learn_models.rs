//! "How the models work" (`/learn/models`): one short section per family, and a live demo
//! of each family's decision regions on two features of the real Kepler table.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::DecisionRegionsDemo;

/// (family id, name, how it works, what its demo slider shows).
const FAMILIES: [(&str, &str, &str, &str); 7] = [
    (
        "logistic_regression",
        "Logistic regression",
        "Adds up the features, each times a learned weight, once per class, and turns the three sums into probabilities (softmax). Its regions are separated by straight lines in the features it sees.",
        "Move C: a small C holds the weights near zero (strong regularisation), so the boundaries are soft and the probabilities cautious; a large C lets them fit the training objects closely.",
    ),
    (
        "pca_logistic",
        "PCA + logistic regression",
        "First rotates the features onto their directions of largest spread (principal components) and keeps the few that explain most of it, then fits logistic regression on those. Fewer inputs, less noise, sometimes less information.",
        "Keep half the variance and only one direction survives: the regions become parallel bands. Keep nearly all and it is logistic regression again.",
    ),
    (
        "svm",
        "Support vector machine",
        "Finds the boundary with the widest margin to the nearest training objects (the support vectors), after mapping the features through a radial kernel, so the boundary can curve. One machine per class against the rest.",
        "γ sets how far one object's influence reaches: small γ gives smooth, broad regions; large γ draws tight islands around single objects (over-fitting).",
    ),
    (
        "decision_tree",
        "Decision tree",
        "Asks one yes/no question about one feature at a time (\"period below 10 days?\"), choosing each question to make the groups it leaves as pure as possible. Its regions are rectangles.",
        "Depth 1 is a single question: two regions. Every extra level can split each rectangle again, until the tree memorises the training objects.",
    ),
    (
        "random_forest",
        "Random forest",
        "Grows many deep trees, each on a resample of the objects and choosing among a random few features at each question, and averages their votes. The averaging cancels much of each tree's over-fitting.",
        "Limit the depth and every tree stays simple, so the forest's regions stay blocky; without a limit the average of 50 deep trees draws finer, smoother borders.",
    ),
    (
        "gradient_boosting",
        "Gradient boosting",
        "Builds small trees one after another, each correcting the errors the ensemble still makes (following the gradient of the log-loss), each added with a small learning rate. Usually the strongest on tables like these.",
        "One round is one small tree per class: a few rectangles. Each round refines the borders where the ensemble was still wrong.",
    ),
    (
        "neural_network",
        "Neural network",
        "Passes the features through layers of weighted sums and bends (ReLU), learned by gradient descent on the log-loss in small batches, stopping when the validation loss stops improving.",
        "After one epoch the network has barely moved from its random start; with more epochs its regions take the shape of the data, smoothly curved.",
    ),
];

#[component]
pub fn LearnModelsPage() -> impl IntoView {
    let family = RwSignal::new("decision_tree".to_string());
    let sections = FAMILIES
        .into_iter()
        .map(|(id, name, how, demo)| {
            view! {
                <section class="learn-family" aria-labelledby=format!("family-{id}") data-family=id>
                    <h2 id=format!("family-{id}")>{name}</h2>
                    <p>{how}</p>
                    <p>{demo}</p>
                    <div class="button-row">
                        <a
                            href="#demo"
                            class="button secondary"
                            on:click=move |_| family.set(id.to_string())
                            data-testid=format!("show-{id}")
                        >
                            {format!("Show {} in the demo", name.to_lowercase())}
                        </a>
                        <A href=format!("/train?model={id}") attr:class="button">
                            {format!("Train a {} model", name.to_lowercase())}
                        </A>
                    </div>
                </section>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <Title text="How the models work · Exoplanet Playground" />
        <h1>"How the models work"</h1>
        <p class="lead">
            "Every model here learns the same thing: from an object's measured features, how likely it is to be a confirmed planet, a candidate still open, or a false positive. They differ in the shapes of the borders they can draw between the three. The demo draws those borders for real: it trains the chosen model on two features of about 1,150 Kepler objects (orbital period and planet radius, on log scales) and colours every point of the plane by the class it would predict, paler where it is unsure."
        </p>
        <section id="demo" aria-labelledby="demo-heading">
            <h2 id="demo-heading">"Try it: decision regions"</h2>
            <DecisionRegionsDemo family />
            <p class="hint">
                "Two features are far fewer than the 35 a real training uses, so these scores are lower than a training's; the shapes are what to look at. See also "
                <A href="/learn/planets">"how planets are found"</A> "."
            </p>
        </section>
        {sections}
    }
}
