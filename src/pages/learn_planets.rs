//! "How planets are found" (`/learn/planets`): transits, what the archive's columns mean,
//! why false positives happen, and the three tables in the app's own numbers.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::functions::get_datasets;
use crate::domain::ClassLabel;

/// (column, what it measures, why it helps tell planets from impostors).
const COLUMNS: [(&str, &str, &str); 8] = [
    ("koi_period", "Orbital period [days]: the time between two transits.", "Eclipsing binaries and planets both repeat; a period that matches a nearby star's betrays a blend."),
    ("koi_depth", "Transit depth [parts per million]: how much of the star's light is blocked.", "Depth ≈ (planet radius / star radius)²: very deep dips are usually a second star, not a planet."),
    ("koi_duration", "Transit duration [hours].", "For a given period and star, a planet's transit lasts a predictable time; too long or too short hints at something else."),
    ("koi_prad", "Planet radius [Earth radii], from the depth and the star's radius.", "Above about 20 Earth radii the companion is a star or a brown dwarf, not a planet."),
    ("koi_impact", "Impact parameter: how far from the star's centre the transit crosses (0 centre, 1 edge).", "Grazing, V-shaped events (impact near or above 1) are typical of eclipsing binaries."),
    ("koi_model_snr", "Signal-to-noise ratio of the transit model.", "Weak signals are more often noise; strong ones can still be binaries."),
    ("koi_teq", "Equilibrium temperature [K] of the planet, from its orbit and the star.", "Physical plausibility: with the radius, it places the object among known planet kinds."),
    ("koi_steff / koi_srad", "The star's temperature [K] and radius [solar radii].", "The star sets the scale: the same dip means a bigger companion around a bigger star."),
];

#[component]
pub fn LearnPlanetsPage() -> impl IntoView {
    let datasets = Resource::new(|| (), |_| get_datasets());
    let columns = COLUMNS
        .into_iter()
        .map(|(column, what, why)| {
            view! {
                <tr>
                    <th scope="row">
                        <code>{column}</code>
                    </th>
                    <td>{what}</td>
                    <td>{why}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <Title text="How planets are found · Exoplanet Playground" />
        <h1>"How planets are found"</h1>
        <p class="lead">
            "Kepler, K2 and TESS found their planets by watching the brightness of hundreds of thousands of stars for the small, regular dips a planet makes when it passes in front of its star: a transit."
        </p>
        <section aria-labelledby="transit-heading">
            <h2 id="transit-heading">"Transits"</h2>
            <figure class="chart transit-sketch">
                <svg
                    viewBox="0 0 400 140"
                    role="img"
                    aria-label="A light curve: flat brightness with a box-shaped dip while the planet crosses the star, repeating every orbit."
                >
                    <polyline
                        class="light-curve"
                        points="0,40 80,40 90,90 130,90 140,40 260,40 270,90 310,90 320,40 400,40"
                    ></polyline>
                    <text x="110" y="115" text-anchor="middle" class="axis-label">
                        "transit"
                    </text>
                    <text x="200" y="25" text-anchor="middle" class="axis-label">
                        "period"
                    </text>
                    <line x1="110" y1="30" x2="290" y2="30" class="period-line"></line>
                    <text x="200" y="135" text-anchor="middle" class="axis-title">
                        "time →"
                    </text>
                </svg>
                <figcaption>
                    "The star's brightness over time: the dip's depth gives the planet's size relative to the star, the spacing of the dips its orbital period, the dip's length and shape how it crosses the star."
                </figcaption>
            </figure>
            <p>
                "A pipeline searches every light curve for repeating dips and lists each as an object of interest (KOI for Kepler, TOI for TESS). Astronomers then vet them: more observations, the star's spectrum, images at higher resolution. An object ends as a confirmed planet, a false positive, or stays a candidate until someone has time to look."
            </p>
        </section>
        <section aria-labelledby="fp-heading">
            <h2 id="fp-heading">"Why false positives happen"</h2>
            <ul>
                <li>
                    <strong>"Eclipsing binaries."</strong>
                    " Two stars orbiting each other eclipse one another: deep, often V-shaped dips, sometimes a secondary eclipse half an orbit later."
                </li>
                <li>
                    <strong>"Blends."</strong>
                    " A faint eclipsing binary behind or beside the target star, within the same pixels, dilutes into a shallow, planet-like dip."
                </li>
                <li>
                    <strong>"Instrumental and stellar noise."</strong>
                    " Spacecraft motion, detector artefacts, star spots and flares can line up into a dip that is not astrophysical at all."
                </li>
            </ul>
            <p>
                "The archives also flag each false positive's reason (the " <code>"koi_fpflag_*"</code>
                " columns) and score each object (" <code>"koi_score"</code>
                "). Those columns are written after the vetting, so they give the answer away: the app never lets a model learn from them."
            </p>
        </section>
        <section aria-labelledby="columns-heading">
            <h2 id="columns-heading">"What the archive's columns mean"</h2>
            <div class="table-scroll">
                <table class="columns-table">
                    <caption>"Kepler KOI names; TESS and K2 have the same quantities under their own names"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"What it measures"</th>
                            <th scope="col">"Why it helps"</th>
                        </tr>
                    </thead>
                    <tbody>{columns}</tbody>
                </table>
            </div>
            <p>
                "Most quantities also have an uncertainty column (" <code>"_err1"</code> ", " <code>"_err2"</code>
                "). Uncertainties shrink as an object gets follow-up, so they partly record how much attention it had: the train page lets you leave them out."
            </p>
        </section>
        <section aria-labelledby="tables-heading">
            <h2 id="tables-heading">"The three tables, as this app reads them"</h2>
            <Suspense fallback=|| {
                view! { <p class="loading">"Counting…"</p> }
            }>
                {move || Suspend::new(async move {
                    match datasets.await {
                        Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                        Ok(datasets) => {
                            let rows = datasets
                                .into_iter()
                                .map(|d| {
                                    let count = |c: ClassLabel| d.classes.get(&c).copied().unwrap_or(0);
                                    view! {
                                        <tr data-testid=format!("learn-{}", d.id.id())>
                                            <th scope="row">{d.name.clone()}</th>
                                            <td class="numeric">{d.rows}</td>
                                            <td class="numeric">{count(ClassLabel::Confirmed)}</td>
                                            <td class="numeric">{count(ClassLabel::Candidate)}</td>
                                            <td class="numeric">{count(ClassLabel::FalsePositive)}</td>
                                        </tr>
                                    }
                                })
                                .collect::<Vec<_>>();
                            view! {
                                <div class="table-scroll">
                                    <table>
                                        <caption>"Objects per class in the bundled tables"</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Table"</th>
                                                <th scope="col">"Objects"</th>
                                                <th scope="col">"Confirmed"</th>
                                                <th scope="col">"Candidates"</th>
                                                <th scope="col">"False positives"</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
            <p>
                <A href="/learn/models">"How the models work"</A>
                " · "
                <A href="/explore">"See every object on the sky"</A>
                " · "
                <A href="/train">"Train a model"</A>
            </p>
        </section>
    }
}
