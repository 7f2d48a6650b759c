use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::{ClassLabel, UploadInspection, UploadMapping};
use crate::client::upload::{inspect, picked, FileStorage, PickedFile};

/// Everything the train form needs to know about the user's own table: the picked files,
/// what the server made of the training file, and the column mapping being edited.
#[derive(Clone, Copy)]
pub struct UploadState {
    pub train: StoredValue<Option<PickedFile>, FileStorage>,
    pub test: StoredValue<Option<PickedFile>, FileStorage>,
    pub inspection: RwSignal<Option<UploadInspection>>,
    pub inspecting: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    pub label_column: RwSignal<String>,
    /// Label value → class id, or "" to leave those rows out.
    pub label_values: RwSignal<BTreeMap<String, String>>,
    pub features: RwSignal<Vec<String>>,
    pub id_column: RwSignal<String>,
    pub group_column: RwSignal<String>,
}

impl UploadState {
    pub fn new() -> Self {
        UploadState {
            train: StoredValue::new_with_storage(None),
            test: StoredValue::new_with_storage(None),
            inspection: RwSignal::new(None),
            inspecting: RwSignal::new(false),
            error: RwSignal::new(None),
            label_column: RwSignal::new(String::new()),
            label_values: RwSignal::new(BTreeMap::new()),
            features: RwSignal::new(Vec::new()),
            id_column: RwSignal::new(String::new()),
            group_column: RwSignal::new(String::new()),
        }
    }

    /// The mapping to send: none for a recognised archive export.
    pub fn mapping(&self) -> Option<UploadMapping> {
        let inspection = self.inspection.get_untracked()?;
        if inspection.detected.is_some() {
            return None;
        }
        let optional = |s: String| (!s.is_empty()).then_some(s);
        Some(UploadMapping {
            label_column: self.label_column.get_untracked(),
            label_values: self.label_values.get_untracked().into_iter().filter(|(_, c)| !c.is_empty()).collect(),
            features: self.features.get_untracked(),
            id_column: optional(self.id_column.get_untracked()),
            group_column: optional(self.group_column.get_untracked()),
        })
    }

    /// Sensible first choices after inspection; the user can change every one.
    fn guess(&self, inspection: &UploadInspection) {
        let columns = &inspection.columns;
        let labelish =
            |n: &str| ["disp", "label", "status", "verdict", "class"].iter().any(|k| n.to_lowercase().contains(k));
        let candidates: Vec<&str> = columns
            .iter()
            .filter(|c| !c.numeric && (2..=12).contains(&c.distinct.len()))
            .map(|c| c.name.as_str())
            .collect();
        let label = candidates
            .iter()
            .find(|n| labelish(n))
            .or(candidates.first())
            .map(|s| s.to_string())
            .unwrap_or_else(|| columns.first().map(|c| c.name.clone()).unwrap_or_default());
        let find = |keys: &[&str]| {
            columns
                .iter()
                .find(|c| c.name != label && keys.iter().any(|k| c.name.to_lowercase().contains(k)))
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        let id = find(&["name", "object", "id"]);
        let group = find(&["host", "star", "kepid", "tid"]);
        self.label_column.set(label.clone());
        self.id_column.set(id.clone());
        self.group_column.set(group.clone());
        self.features.set(
            columns
                .iter()
                .filter(|c| c.numeric && c.leak.is_none() && c.name != label && c.name != id && c.name != group)
                .map(|c| c.name.clone())
                .collect(),
        );
        self.guess_labels(inspection, &label);
    }

    fn guess_labels(&self, inspection: &UploadInspection, label: &str) {
        let values =
            inspection.columns.iter().find(|c| c.name == label).map(|c| c.distinct.clone()).unwrap_or_default();
        self.label_values.set(
            values
                .into_iter()
                .map(|v| {
                    let class = guess_class(&v);
                    (v, class.to_string())
                })
                .collect(),
        );
    }
}

impl Default for UploadState {
    fn default() -> Self {
        Self::new()
    }
}

/// A guess from the archive's and common spellings; "" = leave out.
fn guess_class(value: &str) -> &'static str {
    let v = value.trim().to_uppercase();
    if v.contains("FALSE") || ["FP", "FA", "REFUTED", "NO"].contains(&v.as_str()) {
        "false_positive"
    } else if v.contains("CONFIRM") || ["CP", "KP", "YES", "PLANET"].contains(&v.as_str()) {
        "confirmed"
    } else if v.contains("CANDID") || ["PC", "APC", "MAYBE", "UNSURE"].contains(&v.as_str()) {
        "candidate"
    } else {
        ""
    }
}

/// File pickers for a training table and an optional test table, then either "recognised
/// archive export" or the mapping form: label column, what its values mean, features
/// (label-leaking archive columns are flagged and off), object-name and star columns.
#[component]
pub fn UploadPanel(state: UploadState) -> impl IntoView {
    let on_train = move |ev: leptos::ev::Event| {
        let Some(file) = picked(&ev) else { return };
        state.train.set_value(Some(file.clone()));
        state.inspection.set(None);
        state.error.set(None);
        state.inspecting.set(true);
        leptos::task::spawn_local(async move {
            match inspect(file).await {
                Ok(inspection) => {
                    state.guess(&inspection);
                    state.inspection.set(Some(inspection));
                }
                Err(error) => state.error.set(Some(error.message)),
            }
            state.inspecting.set(false);
        });
    };
    let on_test = move |ev: leptos::ev::Event| state.test.set_value(picked(&ev));
    view! {
        <div class="upload-panel" data-testid="upload-panel">
            <div class="field">
                <label for="train-file">"Training table (CSV, UTF-8)"</label>
                <input
                    id="train-file"
                    name="train_file"
                    type="file"
                    accept=".csv,text/csv"
                    aria-describedby="train-file-help"
                    on:change=on_train
                />
                <p class="field-help" id="train-file-help">
                    "The archive's own KOI, TOI or K2 export is recognised as is; any other table is mapped below. Without a test table, this one is split by star like the NASA tables."
                </p>
            </div>
            <div class="field">
                <label for="test-file">"Test table (optional)"</label>
                <input id="test-file" name="test_file" type="file" accept=".csv,text/csv" on:change=on_test />
            </div>
            <p class="form-error" role="alert" data-testid="upload-error">
                {move || state.error.get()}
            </p>
            {move || {
                state
                    .inspecting
                    .get()
                    .then(|| {
                        view! {
                            <p class="loading" role="status">
                                "Reading the table…"
                            </p>
                        }
                    })
            }}
            {move || {
                state
                    .inspection
                    .get()
                    .map(|inspection| match inspection.detected.clone() {
                        Some(mission) => {
                            view! {
                                <p class="recognised" role="status" data-testid="recognised">
                                    {format!(
                                        "Recognised: {} ({} rows) is the archive's {} export; its labels and leak-free features are used as for the bundled table.",
                                        inspection.file,
                                        inspection.rows,
                                        mission.table_name(),
                                    )}
                                </p>
                            }
                                .into_any()
                        }
                        None => view! { <MappingForm state inspection /> }.into_any(),
                    })
            }}
        </div>
    }
}

#[component]
fn MappingForm(state: UploadState, inspection: UploadInspection) -> impl IntoView {
    let columns = StoredValue::new(inspection.columns.clone());
    let options = move |with_none: bool, selected: RwSignal<String>| {
        let mut list: Vec<AnyView> = Vec::new();
        if with_none {
            list.push(
                view! {
                    <option value="" selected=move || selected.get().is_empty()>
                        "(none)"
                    </option>
                }
                .into_any(),
            );
        }
        columns.with_value(|cols| {
            for c in cols {
                let (value, mine, text) = (c.name.clone(), c.name.clone(), c.name.clone());
                list.push(
                    view! {
                        <option value=value selected=move || selected.get() == mine>
                            {text}
                        </option>
                    }
                    .into_any(),
                );
            }
        });
        list
    };
    let on_label = move |ev: leptos::ev::Event| {
        let label = event_target_value(&ev);
        state.label_column.set(label.clone());
        state.features.update(|f| f.retain(|x| *x != label));
        if let Some(i) = state.inspection.get_untracked() {
            state.guess_labels(&i, &label);
        }
    };
    let value_rows = move || {
        state
            .label_values
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (value, class))| {
                let id = format!("label-value-{i}");
                let key = value.clone();
                view! {
                    <div class="field inline-field">
                        <label for=id.clone()>{format!("'{value}' means")}</label>
                        <select
                            id=id
                            on:change=move |ev| {
                                let chosen = event_target_value(&ev);
                                state
                                    .label_values
                                    .update(|m| {
                                        m.insert(key.clone(), chosen);
                                    });
                            }
                        >
                            <option value="" selected=class.is_empty()>
                                "(leave these rows out)"
                            </option>
                            {ClassLabel::ALL
                                .iter()
                                .map(|c| {
                                    view! {
                                        <option value=c.as_str() selected=class == c.as_str()>
                                            {c.title()}
                                        </option>
                                    }
                                })
                                .collect::<Vec<_>>()}
                        </select>
                    </div>
                }
            })
            .collect::<Vec<_>>()
    };
    let feature_boxes = move || {
        let label = state.label_column.get();
        columns.with_value(|cols| {
            cols.iter()
                .filter(|c| c.name != label)
                .map(|c| {
                    let name = c.name.clone();
                    let (checked_name, toggle_name) = (name.clone(), name.clone());
                    let id = format!("feature-{name}");
                    let for_id = id.clone();
                    let detail = match (&c.leak, c.numeric) {
                        (Some(why), _) => format!("leaks the label: {why}"),
                        (None, true) => format!("numeric, {:.0} % missing", c.missing_rate * 100.0),
                        (None, false) => format!("text, e.g. {}", c.sample.first().cloned().unwrap_or_default()),
                    };
                    view! {
                        <label class="feature-choice" class:leak=c.leak.is_some() for=for_id>
                            <input
                                type="checkbox"
                                id=id
                                disabled=!c.numeric
                                prop:checked=move || { state.features.with(|f| f.contains(&checked_name)) }
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    state
                                        .features
                                        .update(|f| {
                                            f.retain(|x| *x != toggle_name);
                                            if on {
                                                f.push(toggle_name.clone());
                                            }
                                        });
                                }
                            />
                            <span>{name}</span>
                            <span class="choice-detail">{detail}</span>
                        </label>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <fieldset class="mapping" data-testid="mapping-form">
            <legend>{format!("Map the columns of {} ({} rows)", inspection.file, inspection.rows)}</legend>
            <div class="field">
                <label for="label-column">"Label column"</label>
                <select id="label-column" on:change=on_label>
                    {options(false, state.label_column)}
                </select>
            </div>
            {value_rows}
            <div class="field">
                <label for="id-column">"Object name column"</label>
                <select id="id-column" on:change=move |ev| state.id_column.set(event_target_value(&ev))>
                    {options(true, state.id_column)}
                </select>
            </div>
            <div class="field">
                <label for="group-column">"Host star column (keeps a star's objects on one side of the split)"</label>
                <select id="group-column" on:change=move |ev| state.group_column.set(event_target_value(&ev))>
                    {options(true, state.group_column)}
                </select>
            </div>
            <fieldset class="features">
                <legend>"Feature columns"</legend>
                <div class="feature-grid">{feature_boxes}</div>
            </fieldset>
        </fieldset>
    }
}
