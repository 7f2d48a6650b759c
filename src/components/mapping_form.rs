//! The column mapping of an uploaded table that is not an archive export: label column,
//! what its values mean, feature columns (label leaks flagged), object-name and star columns.

use leptos::prelude::*;

use crate::api::{ClassLabel, UploadInspection};
use crate::components::UploadState;

/// The mapping form for one inspected table; every choice is written to `state`.
#[component]
pub fn MappingForm(state: UploadState, inspection: UploadInspection) -> impl IntoView {
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
            <div class="field">
                <label for="date-column">
                    "Date column (when each row's label was last set: lets you test on what was resolved after a date)"
                </label>
                <select id="date-column" on:change=move |ev| state.date_column.set(event_target_value(&ev))>
                    {options(true, state.date_column)}
                </select>
            </div>
            <fieldset class="features">
                <legend>"Feature columns"</legend>
                <div class="feature-grid">{feature_boxes}</div>
            </fieldset>
        </fieldset>
    }
}
