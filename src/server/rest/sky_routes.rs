//! The explore page's routes: every bundled object as a point (`GET /api/v1/sky`) and one
//! object's card with its explanation (`GET /api/v1/sky/object`).

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::{Extension, Json};
use serde::Deserialize;

use crate::api::{ApiError, Mission, SkyObjectCard, SkyPoints};
use crate::domain::ErrorCode;
use crate::server::blocking;
use crate::server::fairness::shared_results::{Asked, Patience};
use crate::server::owner::Caller;
use crate::server::sky;
use crate::server::state::AppState;

fn pretrained() -> String {
    "pretrained".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsQuery {
    #[serde(default = "pretrained")]
    model: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectQuery {
    #[serde(default = "pretrained")]
    model: String,
    mission: Mission,
    id: String,
}

fn query<T: serde::de::DeserializeOwned>(uri: &Uri, expected: &str) -> Result<T, ApiError> {
    Query::try_from_uri(uri).map(|q| q.0).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "The query is not valid ({}). Expected: {expected}.",
                e.body_text().trim_start_matches("Failed to deserialize query string: ")
            ),
        )
    })
}

pub(super) async fn points(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Result<Json<SkyPoints>, ApiError> {
    let q: PointsQuery = query(&uri, "model (pretrained or a completed training's id)")?;
    let (asked, _client) = Asked::new(Patience::Api, state.config.prediction_budget_s);
    Ok(Json(blocking::run(state, move |s| sky::sky_points(s, &caller, &q.model, &asked)).await?))
}

pub(super) async fn object(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Result<Json<SkyObjectCard>, ApiError> {
    let q: ObjectQuery = query(&uri, "mission (kepler, tess, k2), id (the archive's name) and optionally model")?;
    let (asked, _client) = Asked::new(Patience::Api, state.config.prediction_budget_s);
    Ok(Json(blocking::run(state, move |s| sky::object_card(s, &caller, &q.model, q.mission, &q.id, &asked)).await?))
}
