//! A training's "planet or not" threshold: the 2×2 at a threshold
//! (`GET /api/v1/trainings/{id}/decision?question=confirmed&threshold=0.42`), and the
//! threshold saved with its model (`POST …/threshold` with `{"question", "threshold"}`,
//! `DELETE …/threshold`).

use axum::extract::{Path, RawQuery, State};
use axum::response::IntoResponse;
use axum::{Extension, Json};

use super::bodies::json_body;
use crate::api::ApiError;
use crate::domain::{DecisionThreshold, ErrorCode, PlanetQuestion};
use crate::server::blocking;
use crate::server::owner::Caller;
use crate::server::state::AppState;
use crate::server::trainings;

pub(super) async fn decision(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<impl IntoResponse, ApiError> {
    let (question, threshold) = decision_query(query.as_deref().unwrap_or(""))?;
    Ok(Json(blocking::run(state, move |s| trainings::decision_at(s, &caller, &id, question, threshold)).await?))
}

pub(super) async fn save_threshold(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: DecisionThreshold = json_body(&state, request, "decision threshold").await?;
    Ok(Json(blocking::run(state, move |s| trainings::save_threshold(s, &caller, &id, Some(body))).await?))
}

pub(super) async fn clear_threshold(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::save_threshold(s, &caller, &id, None)).await?))
}

/// `question` (`confirmed`, the default, or `not_false_positive`) and `threshold` (0–1).
fn decision_query(query: &str) -> Result<(PlanetQuestion, f64), ApiError> {
    let (mut question, mut threshold) = (PlanetQuestion::default(), None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "question" => {
                question = PlanetQuestion::from_id(value).ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidValue,
                        format!(
                            "question '{}' is not known: use confirmed or not_false_positive.",
                            crate::api::error::shorten(value)
                        ),
                    )
                    .with_field("question")
                })?
            }
            "threshold" => {
                threshold = Some(value.parse::<f64>().ok().filter(|t| t.is_finite()).ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidValue,
                        format!("threshold '{}' is not a number between 0 and 1.", crate::api::error::shorten(value)),
                    )
                    .with_field("threshold")
                })?)
            }
            other => {
                return Err(ApiError::new(
                    ErrorCode::InvalidValue,
                    format!("Unknown parameter '{}'. Known: question, threshold.", crate::api::error::shorten(other)),
                )
                .with_field(crate::api::error::shorten(other)))
            }
        }
    }
    let threshold = threshold.ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidValue, "Add threshold=<a probability between 0 and 1> to the query.")
            .with_field("threshold")
    })?;
    Ok((question, threshold))
}
