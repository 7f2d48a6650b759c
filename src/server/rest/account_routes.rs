//! Account routes: the caller's account, registering, signing in and out, API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use tower_sessions::Session;

use super::bodies::json_body;
use crate::api::{ApiError, Credentials, NewTokenRequest};
use crate::server::blocking;
use crate::server::identity::VisitorReset;
use crate::server::owner::Caller;
use crate::server::state::AppState;

pub(super) async fn account(Extension(caller): Extension<Caller>) -> impl IntoResponse {
    Json(crate::server::accounts::status(&caller))
}

pub(super) async fn register(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: Credentials = json_body(&state, request, "sign-in request").await?;
    Ok((StatusCode::CREATED, Json(crate::server::accounts::register(&state, &caller, &session, &reset, body).await?)))
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: Credentials = json_body(&state, request, "sign-in request").await?;
    Ok(Json(crate::server::accounts::sign_in(&state, &caller, &session, &reset, body).await?))
}

pub(super) async fn sign_out(
    Extension(reset): Extension<VisitorReset>,
    session: Session,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(crate::server::accounts::sign_out(&session, &reset).await?))
}

pub(super) async fn tokens(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| crate::server::accounts::tokens(s, &caller)).await?))
}

/// `{"name": "…"}` → the token, shown this once.
pub(super) async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: NewTokenRequest = json_body(&state, request, "token request").await?;
    Ok((
        StatusCode::CREATED,
        Json(blocking::run(state, move |s| crate::server::accounts::create_token(s, &caller, &body.name)).await?),
    ))
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    blocking::run(state, move |s| crate::server::accounts::revoke_token(s, &caller, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
