use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::functions::get_datasets;
use crate::api::DatasetInfo;
use crate::components::format::count;
use crate::components::{ErrorPanel, FeatureSetScores};

/// Where the data comes from, how labels are mapped, and which columns are left out and why.
#[component]
pub fn AboutPage() -> impl IntoView {
    let datasets = Resource::new(|| (), |_| get_datasets());
    view! {
        <Title text="About the data · Exoplanet Playground" />
        <h1>"About the data"</h1>
        <section aria-labelledby="source-heading">
            <h2 id="source-heading">"Source"</h2>
            <p>
                "All three tables are unmodified CSV downloads from the NASA Exoplanet Archive, fetched on 16 November 2025 within eleven seconds of each other: "
                "the cumulative Kepler Objects of Interest table, the TESS Objects of Interest table, and the K2 Planets and Candidates table."
            </p>
            <blockquote class="acknowledgement">
                "This research has made use of the NASA Exoplanet Archive, which is operated by the California Institute of Technology, "
                "under contract with the National Aeronautics and Space Administration under the Exoplanet Exploration Program."
            </blockquote>
            <p>
                "If you publish figures made here, cite Christiansen et al. (2025, PSJ) for the archive, state the download date (16 Nov 2025), and credit the literature references behind K2 values."
            </p>
        </section>
        <section aria-labelledby="labels-heading">
            <h2 id="labels-heading">"Three classes for every mission"</h2>
            <p>
                "Each mission words its verdicts differently. They are mapped to the same three classes so models can be compared across missions:"
            </p>
            <Suspense fallback=|| {
                view! { <p class="loading">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    match datasets.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(list) => {
                            view! {
                                <div class="table-scroll">
                                    <table>
                                        <caption>"Archive label values and the class each becomes"</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Table (label column)"</th>
                                                <th scope="col">"Confirmed"</th>
                                                <th scope="col">"Candidate"</th>
                                                <th scope="col">"False positive"</th>
                                            </tr>
                                        </thead>
                                        <tbody>{list.iter().map(label_row).collect::<Vec<_>>()}</tbody>
                                    </table>
                                </div>
                                <p>
                                    "K2's table has one row per object and literature reference; only each object's default row (default_flag = 1) is kept, so no planet appears twice."
                                </p>
                                <h2>"Columns left out, and why"</h2>
                                <p>
                                    "Models learn from numeric physical, transit and stellar measurements and their uncertainties. "
                                    "Identifiers, names, dates, text and, above all, columns that give the answer away are never default inputs."
                                </p>
                                {list.iter().map(excluded_list).collect::<Vec<_>>()}
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
        <section aria-labelledby="leak-heading">
            <h2 id="leak-heading">"What leakage does"</h2>
            <p>
                "Kepler's own vetting outputs (koi_score and the koi_fpflag_* flags) nearly determine the answer. The same random forest on the same grouped split, with and without them (reference figures from scikit-learn):"
            </p>
            <div class="table-scroll">
                <table>
                    <caption>"Kepler KOI, random forest"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Task"</th>
                            <th scope="col">"Features"</th>
                            <th scope="col">"Accuracy"</th>
                            <th scope="col">"Macro-F1"</th>
                            <th scope="col">"ROC-AUC"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <td>"3 classes"</td>
                            <td>"leak-free (used here)"</td>
                            <td>"0.790"</td>
                            <td>"0.742"</td>
                            <td>"0.914"</td>
                        </tr>
                        <tr>
                            <td>"3 classes"</td>
                            <td>"+ koi_score, koi_fpflag_*"</td>
                            <td>"0.921"</td>
                            <td>"0.895"</td>
                            <td>"0.980"</td>
                        </tr>
                        <tr>
                            <td>"confirmed vs false positive"</td>
                            <td>"leak-free"</td>
                            <td>"0.928"</td>
                            <td>"0.921"</td>
                            <td>"0.977"</td>
                        </tr>
                        <tr>
                            <td>"confirmed vs false positive"</td>
                            <td>"+ koi_score, koi_fpflag_*"</td>
                            <td>"0.996"</td>
                            <td>"0.996"</td>
                            <td>"1.000"</td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <p>
                "The 99 % accuracies that circulate for this data come from the last kind of row. Here you get the first."
            </p>
        </section>
        <section aria-labelledby="feature-sets-heading">
            <h2 id="feature-sets-heading">"Two feature sets"</h2>
            <p>
                "Measurement uncertainties are no label leak, but a small uncertainty often means an object was observed a lot, and promising objects get observed more. "
                "Train with \"physical quantities only\" (on the train page or with \"feature_set\": \"physical\" in the API) to see what they are worth:"
            </p>
            <FeatureSetScores />
        </section>
    }
}

fn label_row(d: &DatasetInfo) -> impl IntoView {
    let values_for = |class: &str| {
        d.label_map.iter().filter(|(_, c)| c.as_str() == class).map(|(v, _)| v.clone()).collect::<Vec<_>>().join(", ")
    };
    view! {
        <tr>
            <th scope="row">{format!("{} ({})", d.name, d.label_column)}</th>
            <td>{values_for("confirmed")}</td>
            <td>{values_for("candidate")}</td>
            <td>{values_for("false_positive")}</td>
        </tr>
    }
}

fn excluded_list(d: &DatasetInfo) -> impl IntoView {
    let counts = d
        .classes
        .iter()
        .map(|(c, n)| format!("{} {}", count(*n), c.title().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <details class="excluded">
            <summary>
                {format!("{}: {} excluded columns ({} rows: {counts})", d.name, d.excluded.len(), count(d.rows))}
            </summary>
            <p class="file-note">
                {format!("File {}, downloaded {}. {} default features.", d.file, d.downloaded, d.features.len())}
            </p>
            <ul>
                {d
                    .excluded
                    .iter()
                    .map(|e| {
                        view! {
                            <li>
                                <code>{e.column.clone()}</code>
                                ": "
                                {e.reason.clone()}
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ul>
        </details>
    }
}
