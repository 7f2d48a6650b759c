use leptos::prelude::*;

/// An accessible progress bar: screen readers get the percentage and the current step.
#[component]
pub fn ProgressBar(#[prop(into)] percent: Signal<f64>, #[prop(into)] label: Signal<String>) -> impl IntoView {
    let rounded = move || percent.get().clamp(0.0, 100.0).round();
    view! {
        <div
            class="progress"
            role="progressbar"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=move || rounded().to_string()
            aria-valuetext=move || format!("{}%: {}", rounded(), label.get())
        >
            <div class="progress-fill" style:width=move || format!("{}%", rounded())></div>
        </div>
        <p class="progress-text">
            <span class="progress-percent">{move || format!("{}%", rounded())}</span>
            " "
            <span class="progress-step" data-testid="progress-step">
                {move || label.get()}
            </span>
        </p>
    }
}
