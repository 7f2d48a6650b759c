use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::functions::get_sky_points;
use crate::api::{ClassLabel, Mission, SkyPoints};
use crate::components::format::{count, percent};
use crate::components::{Colouring, ErrorPanel, ModelOptions, ObjectCard, SkyCanvas, SkyView};

/// Rows of the table view per page.
const TABLE_ROWS: usize = 50;

/// Every object of the three bundled tables on the period–radius diagram or the sky, coloured
/// by the archive's disposition or a model's answer, filtered by mission, class and
/// probability; a click (or the table below, from the keyboard) opens an object's card.
#[component]
pub fn ExplorePage() -> impl IntoView {
    let model = RwSignal::new("pretrained".to_string());
    // Loaded in the browser only: ~19,000 points are not worth putting into the HTML.
    let points = LocalResource::new(move || get_sky_points(model.get()));
    let view_kind = RwSignal::new(SkyView::PeriodRadius);
    let colouring = RwSignal::new(Colouring::Disposition);
    let missions = RwSignal::new(Mission::ALL.to_vec());
    let class = RwSignal::new(None::<ClassLabel>);
    let p_range = RwSignal::new((0.0f32, 1.0f32));

    let percent_input = move |max: bool| {
        let label = if max { "P(confirmed) at most [%]" } else { "P(confirmed) at least [%]" };
        view! {
            <label>
                {label}
                <input
                    id=if max { "explore-p-max" } else { "explore-p-min" }
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    inputmode="numeric"
                    prop:value=move || {
                        let (lo, hi) = p_range.get();
                        format!("{:.0}", if max { hi } else { lo } * 100.0)
                    }
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<f32>() {
                            let v = (v / 100.0).clamp(0.0, 1.0);
                            p_range.update(|r| if max { r.1 = v } else { r.0 = v });
                        }
                    }
                />
            </label>
        }
    };

    view! {
        <Title text="Explore · Exoplanet Playground" />
        <h1>"Explore the candidates"</h1>
        <p class="lead">
            "Every object of the Kepler, TESS and K2 tables: where it sits by orbital period and size (the solar system's planets for scale), or where it is on the sky. Colour by what the archive says or by a model's answer, and open any object for its values and the model's reasons."
        </p>
        <form class="explore-controls" on:submit=|ev| ev.prevent_default() aria-label="What to show">
            <fieldset class="choice-row">
                <legend>"Plot"</legend>
                <label>
                    <input
                        type="radio"
                        name="explore-view"
                        checked=true
                        on:change=move |_| view_kind.set(SkyView::PeriodRadius)
                    />
                    "Period–radius"
                </label>
                <label>
                    <input type="radio" name="explore-view" on:change=move |_| view_kind.set(SkyView::Sky) />
                    "Sky map"
                </label>
            </fieldset>
            <label>
                "Model" <select id="explore-model" on:change=move |ev| model.set(event_target_value(&ev))>
                    <ModelOptions selected=model />
                </select>
            </label>
            <label>
                "Colour by"
                <select
                    id="explore-colour"
                    on:change=move |ev| {
                        colouring
                            .set(
                                match event_target_value(&ev).as_str() {
                                    "predicted" => Colouring::Predicted,
                                    "probability" => Colouring::Probability,
                                    _ => Colouring::Disposition,
                                },
                            )
                    }
                >
                    <option value="disposition">"The archive's disposition"</option>
                    <option value="predicted">"The model's class"</option>
                    <option value="probability">"The model's P(confirmed)"</option>
                </select>
            </label>
            <fieldset class="choice-row">
                <legend>"Missions"</legend>
                {Mission::ALL
                    .map(|m| {
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    id=format!("explore-mission-{}", m.id())
                                    checked=true
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        missions
                                            .update(|list| {
                                                list.retain(|x| *x != m);
                                                if on {
                                                    list.push(m)
                                                }
                                            })
                                    }
                                />
                                {m.title()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label>
                "Class"
                <select id="explore-class" on:change=move |ev| class.set(ClassLabel::from_id(&event_target_value(&ev)))>
                    <option value="">"All classes"</option>
                    {ClassLabel::ALL.map(|c| view! { <option value=c.as_str()>{c.title()}</option> }).collect_view()}
                </select>
            </label>
            {percent_input(false)}
            {percent_input(true)}
        </form>
        <Suspense fallback=|| {
            view! { <p class="loading">"Loading every object…"</p> }
        }>
            {move || Suspend::new(async move {
                match points.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(p) => {
                        view! { <Explorer points=Arc::new(p) model view_kind colouring missions class p_range /> }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Explorer(
    points: Arc<SkyPoints>,
    model: RwSignal<String>,
    view_kind: RwSignal<SkyView>,
    colouring: RwSignal<Colouring>,
    missions: RwSignal<Vec<Mission>>,
    class: RwSignal<Option<ClassLabel>>,
    p_range: RwSignal<(f32, f32)>,
) -> impl IntoView {
    let total = points.len();
    let data = StoredValue::new(points.clone());
    // The class filter reads what the colours show: the archive's class, or the model's.
    let shown = Memo::new(move |_| {
        let (ms, wanted, (lo, hi), by) = (missions.get(), class.get(), p_range.get(), colouring.get());
        let narrowed = lo > 0.0 || hi < 1.0;
        data.with_value(|p| {
            (0..p.len())
                .filter(|&i| ms.contains(&p.mission[i]))
                .filter(|&i| match (wanted, by) {
                    (None, _) => true,
                    (Some(c), Colouring::Disposition) => p.disposition[i] == c,
                    (Some(c), _) => p.predicted[i] == Some(c),
                })
                .filter(|&i| !narrowed || p.p_confirmed[i].is_some_and(|v| v >= lo && v <= hi))
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(None::<usize>);
    let page = RwSignal::new(0usize);
    Effect::new(move |_| {
        shown.track();
        page.set(0);
    });
    let table_rows = move || {
        let start = page.get() * TABLE_ROWS;
        shown.with(|s| {
            data.with_value(|p| {
                s.iter()
                    .skip(start)
                    .take(TABLE_ROWS)
                    .map(|&i| {
                        let value = |v: Option<f32>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
                        let prob = p.p_confirmed[i].map(|v| percent(f64::from(v))).unwrap_or_else(|| "–".into());
                        let predicted = p.predicted[i].map(|c| c.title()).unwrap_or("–");
                        view! {
                            <tr>
                                <th scope="row">
                                    <button type="button" class="link-button" on:click=move |_| chosen.set(Some(i))>
                                        {p.id[i].clone()}
                                    </button>
                                </th>
                                <td>{p.mission[i].title()}</td>
                                <td>{p.disposition[i].title()}</td>
                                <td>{predicted}</td>
                                <td class="num">{prob}</td>
                                <td class="num">{value(p.period[i])}</td>
                                <td class="num">{value(p.radius[i])}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let shown_count = move || shown.with(Vec::len);
    let card = move || {
        chosen.get().map(|i| {
            let (mission, id) = data.with_value(|p| (p.mission[i], p.id[i].clone()));
            view! { <ObjectCard model=model.get_untracked() mission id on_close=Callback::new(move |_| chosen.set(None)) /> }
        })
    };
    view! {
        <p role="status" data-testid="explore-count">
            {move || format!("{} of {} objects shown", count(shown_count()), count(total))}
        </p>
        <SkyCanvas
            points=points.clone()
            shown=shown
            view=view_kind
            colouring=colouring
            on_pick=Callback::new(move |i| chosen.set(Some(i)))
        />
        <p class="legend">
            {move || match colouring.get() {
                Colouring::Probability => {
                    "Colour: P(confirmed), red 0 % → yellow → green 100 %; grey: not scored by this model."
                }
                _ => "Colour: green confirmed, yellow candidate, red false positive; grey: not scored by this model.",
            }}
        </p>
        {card}
        <details class="explore-table" open=false>
            <summary>"The shown objects as a table (keyboard and screen readers)"</summary>
            <div class="table-scroll">
                <table data-testid="explore-table">
                    <caption>
                        {move || {
                            let start = page.get() * TABLE_ROWS;
                            format!(
                                "Objects {}–{} of {}; choose a name for its card.",
                                count((start + 1).min(shown_count())),
                                count((start + TABLE_ROWS).min(shown_count())),
                                count(shown_count()),
                            )
                        }}
                    </caption>
                    <thead>
                        <tr>
                            <th scope="col">"Object"</th>
                            <th scope="col">"Mission"</th>
                            <th scope="col">"Archive"</th>
                            <th scope="col">"Model"</th>
                            <th scope="col">"P(confirmed)"</th>
                            <th scope="col">"Period [d]"</th>
                            <th scope="col">"Radius [R⊕]"</th>
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
            <nav class="pager" aria-label="Pages of the table">
                <button
                    type="button"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    "Previous page"
                </button>
                <button type="button" disabled=move || (page.get() + 1) * TABLE_ROWS>
                    = shown_count()
                    on:click=move |_| page.update(|p| *p += 1)
                    >
                    "Next page"
                </button>
            </nav>
        </details>
    }
}
