//! `GET /api/v1/candidates`: the ranked follow-up shortlist, as JSON pages or (`format=csv`)
//! the whole filtered list as a CSV file.

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;

use crate::api::{ApiError, CandidateQuery};
use crate::domain::ErrorCode;
use crate::server::blocking;
use crate::server::fairness::shared_results::{Asked, Patience};
use crate::server::owner::Caller;
use crate::server::sky;
use crate::server::state::AppState;

const KNOWN: [&str; 16] = [
    "model",
    "mission",
    "order",
    "fp_cost",
    "limit",
    "offset",
    "period_min",
    "period_max",
    "radius_min",
    "radius_max",
    "magnitude_min",
    "magnitude_max",
    "temperature_min",
    "temperature_max",
    "format",
    "_",
];

/// `format` rides beside the query's own fields.
#[derive(Deserialize)]
struct Format {
    #[serde(default)]
    format: Option<String>,
}

pub(super) async fn candidates(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let bad = |e: axum::extract::rejection::QueryRejection| {
        ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "The query is not valid ({}). Parameters: model, mission (kepler, tess, k2), order (confirmed, false_positive, expected_value), fp_cost, limit, offset, and period/radius/magnitude/temperature _min and _max.",
                e.body_text().trim_start_matches("Failed to deserialize query string: ")
            ),
        )
    };
    // A misspelt parameter would otherwise be ignored and the list look unfiltered.
    for pair in uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let name = pair.split('=').next().unwrap_or("");
        if !KNOWN.contains(&name) {
            return Err(ApiError::new(
                ErrorCode::InvalidValue,
                format!("Unknown parameter '{}'. Known: {}.", crate::api::error::shorten(name), KNOWN.join(", ")),
            )
            .with_field(crate::api::error::shorten(name)));
        }
    }
    let query: CandidateQuery = Query::try_from_uri(&uri).map_err(bad)?.0;
    let Format { format } = Query::try_from_uri(&uri).map_err(bad)?.0;
    // Held by this future: the work stops when the client goes away.
    let (asked, _client) = Asked::new(Patience::Api, state.config.prediction_budget_s);
    match format.as_deref() {
        None | Some("json") => {
            let page = blocking::run(state, move |s| sky::candidates(s, &caller, &query, &asked)).await?;
            Ok(Json(page).into_response())
        }
        Some("csv") => {
            let body = blocking::run(state, move |s| sky::candidates_csv(s, &caller, &query, &asked)).await?;
            let headers = [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"candidates.csv\""),
            ];
            Ok((headers, body).into_response())
        }
        Some(other) => Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!("format '{}' is not known: use json (the default) or csv.", crate::api::error::shorten(other)),
        )
        .with_field("format")),
    }
}

/// The pretrained model's recipe proved on the future (the TOI table's temporal split).
/// The default model's held-out scores per mission with each feature set.
pub(super) async fn feature_sets(State(state): State<AppState>) -> Result<Response, ApiError> {
    let comparison = blocking::run(state, |s| s.shared.feature_sets(s, Patience::Api)).await?;
    Ok(Json(&*comparison).into_response())
}

pub(super) async fn temporal(State(state): State<AppState>) -> Result<Response, ApiError> {
    let report = blocking::run(state, |s| s.shared.temporal(s, Patience::Api)).await?;
    Ok(Json(&*report).into_response())
}
