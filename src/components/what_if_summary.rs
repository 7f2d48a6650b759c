//! The what-if answer in one line, kept at the top of the screen on a phone: there the answer
//! sits below every input field, so without it a change would show nothing until one scrolled
//! to the bottom. Hidden on wider screens, where the answer stands beside the fields.

use leptos::prelude::*;

use super::format::percent;
use crate::api::{ApiError, ClassLabel, PredictionResponse};

#[component]
pub fn WhatIfSummary(answer: Resource<Result<PredictionResponse, ApiError>>) -> impl IntoView {
    view! {
        <p class="what-if-summary" data-testid="what-if-summary" aria-hidden="true">
            <Transition fallback=|| {
                "Predicting…"
            }>
                {move || Suspend::new(async move {
                    match answer.await {
                        Err(error) => format!("No answer: {}", error.message),
                        Ok(response) => {
                            match response.predictions.first() {
                                None => "No answer.".to_string(),
                                Some(p) => {
                                    let others = ClassLabel::ALL
                                        .into_iter()
                                        .filter(|c| *c != p.prediction)
                                        .map(|c| {
                                            format!(
                                                "{} {}",
                                                c.title(),
                                                percent(p.probabilities.get(&c).copied().unwrap_or(0.0)),
                                            )
                                        })
                                        .collect::<Vec<_>>()
                                        .join(" · ");
                                    format!("{} ({}) · {others}", p.prediction.title(), percent(p.confidence))
                                }
                            }
                        }
                    }
                })}
            </Transition>
        </p>
    }
}
