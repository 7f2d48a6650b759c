//! The preset buttons of the train form's hyperparameter section.

use leptos::prelude::*;

use crate::api::{value_text, HyperparameterInfo, PresetInfo};

/// The form's values for one model: each hyperparameter with its current text.
pub type ModelFields = (String, Vec<(HyperparameterInfo, RwSignal<String>)>);

/// The current model's presets; a preset sets every field: its own values, the defaults for
/// the rest. Back to "balanced" whenever the model changes. (Buttons need WebAssembly; the
/// plain form posts the fields as they are.)
#[component]
pub fn PresetButtons(
    model: RwSignal<String>,
    presets: StoredValue<Vec<(String, Vec<PresetInfo>)>>,
    fields: StoredValue<Vec<ModelFields>>,
) -> impl IntoView {
    let active_preset = RwSignal::new("balanced".to_string());
    let apply_preset = move |preset: PresetInfo| {
        let current = model.get_untracked();
        fields.with_value(|all| {
            if let Some((_, list)) = all.iter().find(|(id, _)| *id == current) {
                for (spec, value) in list {
                    value.set(preset.values.get(&spec.name).map(value_text).unwrap_or_else(|| spec.default_text()));
                }
            }
        });
        active_preset.set(preset.id);
    };
    Effect::new(move |_| {
        model.track();
        active_preset.set("balanced".into());
    });
    view! {
        <div class="presets" role="group" aria-label="Presets">
            <span class="presets-label">"Presets:"</span>
            {move || {
                let current = model.get();
                let list = presets
                    .with_value(|all| {
                        all.iter().find(|(id, _)| *id == current).map(|(_, p)| p.clone()).unwrap_or_default()
                    });
                list.into_iter()
                    .map(|p| {
                        let id = p.id.clone();
                        let title = format!("{}: {}", p.label, p.description);
                        let label = p.label.clone();
                        view! {
                            <button
                                type="button"
                                class="button button-small preset"
                                title=title.clone()
                                aria-label=title
                                data-preset=id.clone()
                                aria-pressed=move || (active_preset.get() == id).to_string()
                                on:click=move |_| apply_preset(p.clone())
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect::<Vec<_>>()
            }}
        </div>
    }
}
