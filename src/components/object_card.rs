use leptos::prelude::*;

use super::explanation_waterfall::ExplanationWaterfall;
use super::format::percent;
use super::ErrorPanel;
use crate::api::functions::get_sky_object;
use crate::api::{ClassLabel, Mission, SkyObjectCard};

/// One bundled object: its values with units, the archive's word, the model's probabilities
/// and exact explanation, and its pages at the archive and ExoFOP.
#[component]
pub fn ObjectCard(model: String, mission: Mission, id: String, on_close: Callback<()>) -> impl IntoView {
    let card = Resource::new(
        move || (model.clone(), mission, id.clone()),
        |(model, mission, id)| get_sky_object(model, mission, id),
    );
    view! {
        <section class="object-card" aria-label="Object card" data-testid="object-card">
            <button type="button" class="close-button" on:click=move |_| on_close.run(()) aria-label="Close the card">
                "×"
            </button>
            <Suspense fallback=|| {
                view! { <p class="loading">"Explaining…"</p> }
            }>
                {move || Suspend::new(async move {
                    match card.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(c) => view! { <CardBody c /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CardBody(c: SkyObjectCard) -> impl IntoView {
    let value = |v: Option<f64>, unit: &str, digits: usize| match v {
        Some(v) => format!("{v:.digits$} {unit}"),
        None => "not in the table".into(),
    };
    let v = &c.values;
    let rows = [
        ("Orbital period", value(v.period, "days", 4)),
        ("Planet radius", value(v.radius, "Earth radii", 2)),
        ("Equilibrium temperature", value(v.temperature, "K", 0)),
        ("Star's magnitude", value(v.magnitude, "mag", 2)),
        ("Right ascension", value(v.ra, "°", 4)),
        ("Declination", value(v.dec, "°", 4)),
    ]
    .into_iter()
    .map(|(name, text)| {
        view! {
            <div>
                <dt>{name}</dt>
                <dd>{text}</dd>
            </div>
        }
    })
    .collect_view();
    let probabilities = ClassLabel::ALL
        .iter()
        .map(|class| {
            let p = c.prediction.probabilities.get(class).copied().unwrap_or(0.0);
            view! {
                <li>
                    {format!("P({}) ", class.title().to_lowercase())}
                    <span class="prob-value" data-class=class.as_str()>
                        {percent(p)}
                    </span>
                </li>
            }
        })
        .collect_view();
    let learned = c.learned_from.then(|| {
        view! {
            <p class="notice">
                "The model learned from this object (it was in its training part), so its answer here is not a test of it."
            </p>
        }
    });
    view! {
        <h2>{format!("{} · {}", c.id, c.mission.title())}</h2>
        <p>
            {format!("Host star {} · the archive says ", c.host)} <strong>{c.disposition.clone()}</strong>
            {format!(" · {} predicts ", c.model_name)}
            <strong data-testid="object-prediction">{c.prediction.prediction.title()}</strong>
        </p>
        {learned}
        <ul class="probabilities">{probabilities}</ul>
        <dl class="object-values">{rows}</dl>
        <p>
            <a href=c.links.archive.clone() rel="noopener" target="_blank">
                "NASA Exoplanet Archive"
            </a>
            " · "
            <a href=c.links.exofop.clone() rel="noopener" target="_blank">
                "ExoFOP"
            </a>
        </p>
        <h3>{format!("Why {} is predicted {}", c.id, c.prediction.prediction.title().to_lowercase())}</h3>
        <ExplanationWaterfall prediction=c.prediction.clone() descriptions=Default::default() />
    }
}
