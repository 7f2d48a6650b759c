use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::{short_number, Prediction};
use crate::domain::{observation_note, ExplanationSpace};

const SHOWN: usize = 10;
const ROW: f64 = 30.0;
const LABEL_W: f64 = 290.0;
const BAR_W: f64 = 330.0;

/// Why one object got its class: a waterfall from the model's average output (base value)
/// through the largest feature contributions to this object's probability.
#[component]
pub fn ExplanationWaterfall(prediction: Prediction, descriptions: BTreeMap<String, String>) -> impl IntoView {
    let Some(e) = prediction.explanation.clone() else {
        return view! { <p>"This model gives no explanation for its predictions."</p> }.into_any();
    };
    let mut items: Vec<(String, f64)> = e.contributions.iter().map(|(f, v)| (f.clone(), *v)).collect();
    items.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    let rest: Vec<(String, f64)> = items.split_off(SHOWN.min(items.len()));
    let rest_sum: f64 = rest.iter().map(|r| r.1).sum();

    // Running totals: each bar starts where the previous one ended.
    let mut bars: Vec<(String, String, String, f64, f64)> = Vec::new();
    let mut total = e.base_value;
    // Features that track how the object was observed are marked † and noted under the chart.
    let mut proxies: Vec<(String, &'static str)> = Vec::new();
    for (feature, c) in &items {
        let note = observation_note(feature);
        if let Some(note) = note {
            proxies.push((feature.clone(), note));
        }
        let mark = if note.is_some() { " †" } else { "" };
        let value = e.feature_values.get(feature).copied().flatten();
        let unit = descriptions.get(feature).and_then(|d| unit_of(d)).unwrap_or_default();
        let label = match value {
            Some(v) => format!(
                "{feature} = {}{}{mark}",
                short_number(v),
                if unit.is_empty() { String::new() } else { format!(" {unit}") }
            ),
            None => format!("{feature} = missing{mark}"),
        };
        let description = descriptions.get(feature).cloned().unwrap_or_default();
        let description = match note {
            Some(note) => format!("{description} ({note})"),
            None => description,
        };
        bars.push((feature.clone(), label, description, total, total + c));
        total += c;
    }
    if !rest.is_empty() {
        bars.push(("other".into(), format!("{} other features", rest.len()), String::new(), total, total + rest_sum));
    }
    let ends = bars.iter().flat_map(|b| [b.3, b.4]).chain([e.base_value, e.output_value]);
    let (lo, hi) = ends.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = (hi - lo).max(1e-9);
    let x = move |v: f64| LABEL_W + (v - lo) / span * BAR_W;
    let height = ROW * (bars.len() as f64 + 2.0) + 10.0;
    let class = e.class.title().to_lowercase();

    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, (feature, label, description, start, end))| {
            let y = ROW * (i as f64 + 1.0);
            let (left, right) = (x(start.min(*end)), x(start.max(*end)));
            let up = end >= start;
            view! {
                <g class="wf-row" data-feature=feature.clone()>
                    <title>{description.clone()}</title>
                    <text x=LABEL_W - 8.0 y=y + 18.0 text-anchor="end" class="wf-label">
                        {label.clone()}
                    </text>
                    <rect
                        x=left
                        y=y + 5.0
                        width=(right - left).max(1.0)
                        height=ROW - 10.0
                        class=if up { "wf-up" } else { "wf-down" }
                    ></rect>
                    <text x=right + 5.0 y=y + 18.0 class="wf-value" data-testid="wf-value">
                        {format!("{}{:.3}", if up { "+" } else { "−" }, (end - start).abs())}
                    </text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let last_y = ROW * (bars.len() as f64 + 1.0);
    // Say which quantity moves: a probability, or the score the softmax turns into one;
    // only a probability is written P(…).
    let quantity = e.space.describe();
    let output_label = match e.space {
        ExplanationSpace::Probability => format!("P({class}) = {:.3}", e.output_value),
        ExplanationSpace::LogOdds => format!("log-odds score of {class} = {:.3}", e.output_value),
        ExplanationSpace::Margin => format!("boosting score of {class} = {:.3}", e.output_value),
    };
    let summary = format!(
        "Starting from the average {:.3}, the features bring this object's {quantity} for {class} to {:.3}. Largest push: {}.",
        e.base_value,
        e.output_value,
        prediction.reasons.first().map(|r| r.text.clone()).unwrap_or_default()
    );
    view! {
        <figure class="chart waterfall" data-testid="waterfall">
            <svg viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + 130.0) role="img" aria-label=summary.clone()>
                <line x1=x(e.base_value) x2=x(e.base_value) y1="8" y2=last_y + 4.0 class="wf-base"></line>
                <text x=x(e.base_value) y="16" text-anchor="middle" class="wf-axis" data-testid="wf-base">
                    {format!("average {:.3}", e.base_value)}
                </text>
                {rows}
                <line x1=x(e.output_value) x2=x(e.output_value) y1=ROW y2=last_y + 12.0 class="wf-output"></line>
                <text
                    x=x(e.output_value)
                    y=last_y + 26.0
                    text-anchor="middle"
                    class="wf-axis wf-output-label"
                    data-testid="wf-output"
                >
                    {output_label}
                </text>
            </svg>
            <figcaption>
                {summary} {space_note(&e)}
                {(!proxies.is_empty())
                    .then(|| {
                        view! {
                            <ul class="proxy-notes" data-testid="proxy-notes">
                                {proxies
                                    .into_iter()
                                    .map(|(feature, note)| view! { <li>{format!("† {feature}: {note}")}</li> })
                                    .collect::<Vec<_>>()}
                            </ul>
                        }
                    })}
            </figcaption>
        </figure>
    }
    .into_any()
}

/// What the values are and how they were computed, under the chart.
fn space_note(e: &crate::api::Explanation) -> String {
    let what = match e.space {
        ExplanationSpace::Probability => "Each bar is a change of probability; they add up from the average to the probability shown.".to_string(),
        ExplanationSpace::LogOdds => "Each bar is a change of the log-odds score the softmax turns into probabilities, not of a probability.".to_string(),
        ExplanationSpace::Margin => "Each bar is a change of the booster's raw score (margin) that the softmax turns into probabilities, not of a probability.".to_string(),
    };
    if e.method.is_empty() {
        what
    } else {
        format!("{what} Method: {}.", e.method)
    }
}

/// "Orbital Period [days]" → "days".
fn unit_of(description: &str) -> Option<String> {
    let start = description.rfind('[')?;
    let end = description.rfind(']')?;
    (end > start + 1).then(|| description[start + 1..end].to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn units_come_from_brackets() {
        assert_eq!(super::unit_of("Orbital Period [days]").as_deref(), Some("days"));
        assert_eq!(super::unit_of("TESS Magnitude"), None);
    }
}
