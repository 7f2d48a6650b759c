use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::functions::get_datasets;
use crate::api::ClassLabel;
use crate::components::format::count;
use crate::components::ErrorPanel;

#[component]
pub fn HomePage() -> impl IntoView {
    let datasets = Resource::new(|| (), |_| get_datasets());
    view! {
        <Title text="Exoplanet Playground" />
        <section class="hero">
            <h1>"Which signals are real planets?"</h1>
            <p class="lead">
                "NASA's Kepler, TESS and K2 missions flagged thousands of stars whose light dips as if a planet passed in front. "
                "Some dips are confirmed planets, some are false positives, many are still candidates. "
                "Train a machine-learning classifier on the archive's own tables, watch it learn, and see honestly how well it tells them apart: "
                "no columns that leak the answer, and no star in both the training and the test set."
            </p>
            <A href="/train" attr:class="button button-primary">
                "Train a model"
            </A>
        </section>
        <section aria-labelledby="missions-heading">
            <h2 id="missions-heading">"Three missions, one question"</h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading the tables…"</p> }
            }>
                {move || Suspend::new(async move {
                    match datasets.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(list) => {
                            view! {
                                <ul class="mission-cards">
                                    {list
                                        .into_iter()
                                        .map(|d| {
                                            view! {
                                                <li class="mission-card">
                                                    <h3>{d.name.clone()}</h3>
                                                    <p>{d.description.clone()}</p>
                                                    <p class="mission-counts">
                                                        {ClassLabel::ALL
                                                            .iter()
                                                            .map(|c| {
                                                                format!(
                                                                    "{}: {}",
                                                                    c.title(),
                                                                    count(d.classes.get(c).copied().unwrap_or(0)),
                                                                )
                                                            })
                                                            .collect::<Vec<_>>()
                                                            .join(" · ")}
                                                    </p>
                                                    <A href=format!(
                                                        "/train?dataset={}",
                                                        d.id,
                                                    )>{format!("Train on {}", d.name)}</A>
                                                </li>
                                            }
                                        })
                                        .collect::<Vec<_>>()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
