use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::functions::get_candidates;
use crate::api::{Candidate, CandidateOrder, CandidatePage, CandidateQuery, Mission, Prediction};
use crate::components::format::{count, percent};
use crate::components::reason_item::ReasonItem;
use crate::components::{ErrorPanel, ExplanationWaterfall, ModelOptions, TemporalPanel};

/// Which unresolved candidates to follow up first: every object the archive still lists as
/// a candidate, ranked by a model's probabilities, with the reasons, the values a follow-up
/// plan filters by, and links to the archive and ExoFOP. Filters, order and pages are the
/// server's (`GET /api/v1/candidates` answers the same query).
#[component]
pub fn TriagePage() -> impl IntoView {
    let query = RwSignal::new(CandidateQuery::default());
    let page = Resource::new(move || query.get(), get_candidates);
    let chosen = RwSignal::new(None::<Candidate>);
    // The model the list is ranked by: until the user picks one, the server's default (the
    // pretrained model that ranks the future better), as its answer names it.
    let ranked_by = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(p)) = page.get() {
            ranked_by.set(p.model.clone());
        }
    });
    // A new list clears the chosen object (it may not be on it).
    Effect::new(move |_| {
        query.track();
        chosen.set(None);
    });
    let set = move |f: &dyn Fn(&mut CandidateQuery)| {
        query.update(|q| {
            f(q);
            q.offset = 0;
        })
    };
    let csv_href = move || format!("/api/v1/candidates?{}&format=csv", query.with(|q| q.to_query_string()));

    view! {
        <Title text="Triage · Exoplanet Playground" />
        <h1>"Which candidates to follow up first"</h1>
        <p class="lead">
            "Every object the NASA archive still lists as unresolved (Kepler and K2 CANDIDATE, TESS PC and APC), ranked by a model's probability that it is a real planet, with the reasons in words. Filter by period, size, brightness and temperature, and export the list."
        </p>
        <form class="triage-filters" on:submit=|ev| ev.prevent_default() aria-label="Shortlist filters">
            <label>
                "Model"
                <select
                    id="triage-model"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        ranked_by.set(v.clone());
                        set(&move |q| q.model = v.clone())
                    }
                >
                    <ModelOptions selected=ranked_by />
                </select>
            </label>
            <label>
                "Mission"
                <select
                    id="triage-mission"
                    on:change=move |ev| {
                        let v = Mission::from_id(&event_target_value(&ev));
                        set(&move |q| q.mission = v)
                    }
                >
                    <option value="">"All three"</option>
                    {Mission::ALL.map(|m| view! { <option value=m.id()>{m.title()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                "Order"
                <select
                    id="triage-order"
                    on:change=move |ev| {
                        let v = CandidateOrder::from_id(&event_target_value(&ev)).unwrap_or_default();
                        set(&move |q| q.order = v)
                    }
                >
                    {CandidateOrder::ALL
                        .map(|o| view! { <option value=o.as_str()>{o.title()}</option> })
                        .collect_view()}
                </select>
            </label>
            <Show when=move || query.with(|q| q.order == CandidateOrder::ExpectedValue)>
                <label>
                    "Cost of a false positive (planets)"
                    <input
                        id="triage-fp-cost"
                        type="number"
                        min="0"
                        max="100"
                        step="0.1"
                        prop:value=move || query.with(|q| q.fp_cost.to_string())
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                set(&move |q| q.fp_cost = v)
                            }
                        }
                    />
                </label>
            </Show>
            <RangeInputs name="period" title="Period" unit="days" set />
            <RangeInputs name="radius" title="Radius" unit="Earth radii" set />
            <RangeInputs name="magnitude" title="Magnitude" unit="mag, smaller is brighter" set />
            <RangeInputs name="temperature" title="Equilibrium temperature" unit="K" set />
        </form>
        <p>
            <a class="button" href=csv_href download="candidates.csv" data-testid="triage-csv">
                "Export the ranked list (CSV)"
            </a>
        </p>
        <Transition fallback=|| {
            view! { <p class="loading">"Ranking the candidates…"</p> }
        }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorPanel error retry=Callback::new(move |_| page.refetch()) /> }.into_any(),
                    Ok(p) => view! { <Shortlist page=p query chosen /> }.into_any(),
                }
            })}
        </Transition>
        {move || {
            chosen
                .get()
                .map(|c| {
                    let heading = format!("Why {} is predicted {}", c.id, c.prediction.title().to_lowercase());
                    view! {
                        <section class="explanation" aria-label="Why this prediction" data-testid="triage-why">
                            <h2>{heading}</h2>
                            <ExplanationWaterfall prediction=as_prediction(&c) descriptions=BTreeMap::new() />
                        </section>
                    }
                })
        }}
        <TemporalPanel />
    }
}

/// A candidate as the waterfall reads a prediction.
fn as_prediction(c: &Candidate) -> Prediction {
    Prediction {
        id: c.id.clone(),
        prediction: c.prediction,
        confidence: c.probabilities.get(&c.prediction).copied().unwrap_or(0.0),
        probabilities: c.probabilities.clone(),
        actual: None,
        correct: None,
        explanation: c.explanation.clone(),
        reasons: c.reasons.clone(),
        planet: None,
    }
}

/// A min and a max box for one value range of the query.
#[component]
fn RangeInputs(
    name: &'static str,
    title: &'static str,
    unit: &'static str,
    set: impl Fn(&dyn Fn(&mut CandidateQuery)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let input = move |max: bool| {
        let label = format!("{title} {} [{unit}]", if max { "at most" } else { "at least" });
        view! {
            <input
                id=format!("triage-{name}-{}", if max { "max" } else { "min" })
                type="number"
                step="any"
                inputmode="decimal"
                aria-label=label
                on:change=move |ev| {
                    let v = event_target_value(&ev).trim().parse::<f64>().ok().filter(|v| v.is_finite());
                    set(
                        &move |q| {
                            if let Some(bound) = q.bound_mut(name, max) {
                                *bound = v;
                            }
                        },
                    )
                }
            />
        }
    };
    view! {
        <fieldset class="range">
            <legend>{format!("{title} [{unit}]")}</legend>
            {input(false)}
            <span aria-hidden="true">"–"</span>
            {input(true)}
        </fieldset>
    }
}

#[component]
fn Shortlist(
    page: CandidatePage,
    query: RwSignal<CandidateQuery>,
    chosen: RwSignal<Option<Candidate>>,
) -> impl IntoView {
    let unresolved: usize = page.unresolved.values().sum();
    let (first, last) = (page.offset + 1, page.offset + page.candidates.len());
    let summary = if page.total == 0 {
        format!("No candidate of {} passes these filters.", count(unresolved))
    } else {
        format!(
            "{}–{} of {} candidates passing the filters ({} unresolved), ranked by {} with {}.",
            count(first),
            count(last),
            count(page.total),
            count(unresolved),
            page.order.title().to_lowercase(),
            page.model_name
        )
    };
    let has_previous = page.offset > 0;
    let has_next = last < page.total;
    let rows = page.candidates.into_iter().map(|c| view! { <CandidateRow c chosen /> }).collect_view();
    let notes = page.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view();
    view! {
        <p role="status" data-testid="triage-summary">
            {summary}
        </p>
        <div class="table-scroll">
            <table class="triage-table" data-testid="triage-table">
                <caption>"Choose an object's name for its explanation."</caption>
                <thead>
                    <tr>
                        <th scope="col">"Rank"</th>
                        <th scope="col">"Object"</th>
                        <th scope="col">"P(confirmed)"</th>
                        <th scope="col">"P(false positive)"</th>
                        <th scope="col">"Score"</th>
                        <th scope="col">"Top reasons"</th>
                        <th scope="col">"Period [d]"</th>
                        <th scope="col">"Radius [R⊕]"</th>
                        <th scope="col">"Mag"</th>
                        <th scope="col">"Teq [K]"</th>
                        <th scope="col">"Links"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages of the shortlist">
            <button
                type="button"
                disabled=!has_previous
                on:click=move |_| query.update(|q| q.offset = q.offset.saturating_sub(q.limit))
            >
                "Previous page"
            </button>
            <button type="button" disabled=!has_next on:click=move |_| query.update(|q| q.offset += q.limit)>
                "Next page"
            </button>
        </nav>
        <ul class="notes">{notes}</ul>
        <p>
            <A href="/model-card">"How good the pretrained model is"</A>
        </p>
    }
}

#[component]
fn CandidateRow(c: Candidate, chosen: RwSignal<Option<Candidate>>) -> impl IntoView {
    let p = |class: crate::api::ClassLabel| percent(c.probabilities.get(&class).copied().unwrap_or(0.0));
    let value = |v: Option<f64>, digits: usize| v.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "–".into());
    let this = c.clone();
    let id = c.id.clone();
    let is_chosen = Memo::new(move |_| chosen.with(|x| x.as_ref().is_some_and(|x| x.id == id)));
    let reasons = c.reasons.iter().take(3).cloned().map(|reason| view! { <ReasonItem reason /> }).collect_view();
    view! {
        <tr class:selected=is_chosen data-id=c.id.clone()>
            <td>{c.rank}</td>
            <th scope="row">
                <button
                    type="button"
                    class="link-button"
                    aria-pressed=move || is_chosen.get().to_string()
                    on:click=move |_| chosen.set(Some(this.clone()))
                >
                    {c.id.clone()}
                </button>
                <span class="mission-tag">{format!(" {}", c.mission.title())}</span>
            </th>
            <td class="num">{p(crate::api::ClassLabel::Confirmed)}</td>
            <td class="num">{p(crate::api::ClassLabel::FalsePositive)}</td>
            <td class="num">{format!("{:.3}", c.score)}</td>
            <td class="reasons">
                <ul>{reasons}</ul>
            </td>
            <td class="num">{value(c.values.period, 2)}</td>
            <td class="num">{value(c.values.radius, 2)}</td>
            <td class="num">{value(c.values.magnitude, 1)}</td>
            <td class="num">{value(c.values.temperature, 0)}</td>
            <td>
                <a href=c.links.archive.clone() rel="noopener" target="_blank">
                    "Archive"
                </a>
                " · "
                <a href=c.links.exofop.clone() rel="noopener" target="_blank">
                    "ExoFOP"
                </a>
            </td>
        </tr>
    }
}
