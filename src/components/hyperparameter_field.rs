//! One hyperparameter input, checked as the user types by the server's own rule.

use leptos::prelude::*;

use crate::api::{HyperparameterInfo, ParamKind};

/// One hyperparameter input with its range, default and one-line help. The error message
/// comes from the same rule the server applies ([`HyperparameterInfo::validate`]).
#[component]
pub fn HyperparameterField(spec: HyperparameterInfo, value: RwSignal<String>) -> impl IntoView {
    let input_id = format!("hp-{}", spec.name);
    let help_id = format!("{input_id}-help");
    let error_id = format!("{input_id}-error");
    let check = spec.clone();
    let error = Memo::new(move |_| check.validate(&value.get()).err());
    let range = match (spec.kind, spec.min, spec.max) {
        (_, Some(lo), Some(hi)) => format!("Range: {lo} – {hi}, default {}.", spec.default_text()),
        (ParamKind::Boolean, _, _) => {
            format!("Default: {}.", if spec.default == serde_json::Value::Bool(true) { "yes" } else { "no" })
        }
        _ => format!("Options: {}; default {}.", spec.options.join(", "), spec.default_text()),
    };
    let described_by = format!("{help_id} {error_id}");
    let control = match spec.kind {
        ParamKind::Choice | ParamKind::Boolean => {
            let options = if spec.kind == ParamKind::Boolean {
                vec!["true".to_string(), "false".to_string()]
            } else {
                spec.options.clone()
            };
            view! {
                <select
                    id=input_id.clone()
                    name=spec.name.clone()
                    aria-describedby=described_by
                    on:change=move |ev| value.set(event_target_value(&ev))
                    prop:value=move || value.get()
                >
                    {options
                        .into_iter()
                        .map(|o| {
                            let label = match o.as_str() {
                                "true" => "yes".to_string(),
                                "false" => "no".to_string(),
                                _ => o.clone(),
                            };
                            let selected = o.clone();
                            view! {
                                <option value=o.clone() selected=move || value.get() == selected>
                                    {label}
                                </option>
                            }
                        })
                        .collect::<Vec<_>>()}
                </select>
            }
            .into_any()
        }
        _ => view! {
            <input
                id=input_id.clone()
                name=spec.name.clone()
                type="number"
                inputmode=if spec.kind == ParamKind::Integer { "numeric" } else { "decimal" }
                step=if spec.kind == ParamKind::Integer { "1" } else { "any" }
                min=spec.min.map(|v| v.to_string())
                max=spec.max.map(|v| v.to_string())
                aria-describedby=described_by
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=input_id>
                {spec.label.clone()}" "<span class="field-name">{format!("({})", spec.name)}</span>
            </label>
            {control}
            <p class="field-help" id=help_id>
                {format!("{} {range}", spec.help)}
            </p>
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
