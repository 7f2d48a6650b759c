//! Account routes: the caller's account, registering, signing in and out, API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use tower_sessions::Session;

use super::bodies::json_body;
use crate::api::{ApiError, Credentials, NewTokenRequest};
use crate::server::accounts::SignInRequest;
use crate::server::blocking;
use crate::server::identity::{ClientAddress, Credential, VisitorReset};
use crate::server::owner::Caller;
use crate::server::state::AppState;

/// What signing in, out or registering needs of this request.
fn sign_in_request(
    caller: Caller,
    credential: Credential,
    address: ClientAddress,
    session: Session,
    reset: VisitorReset,
) -> SignInRequest {
    SignInRequest { caller, credential, address, session, reset }
}

pub(super) async fn account(Extension(caller): Extension<Caller>) -> impl IntoResponse {
    Json(crate::server::accounts::status(&caller))
}

pub(super) async fn register(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(credential): Extension<Credential>,
    Extension(address): Extension<ClientAddress>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: Credentials = json_body(&state, request, "sign-in request").await?;
    let asked = sign_in_request(caller, credential, address, session, reset);
    Ok((StatusCode::CREATED, Json(crate::server::accounts::register(&state, &asked, body).await?)))
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(credential): Extension<Credential>,
    Extension(address): Extension<ClientAddress>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: Credentials = json_body(&state, request, "sign-in request").await?;
    let asked = sign_in_request(caller, credential, address, session, reset);
    Ok(Json(crate::server::accounts::sign_in(&state, &asked, body).await?))
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(credential): Extension<Credential>,
    Extension(address): Extension<ClientAddress>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
) -> Result<impl IntoResponse, ApiError> {
    let asked = sign_in_request(caller, credential, address, session, reset);
    Ok(Json(crate::server::accounts::sign_out(&state, &asked).await?))
}

/// Ends every sign-in of the caller's account, this browser's included.
pub(super) async fn sign_out_everywhere(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(credential): Extension<Credential>,
    Extension(address): Extension<ClientAddress>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
) -> Result<impl IntoResponse, ApiError> {
    let asked = sign_in_request(caller, credential, address, session, reset);
    Ok(Json(crate::server::accounts::sign_out_everywhere(&state, &asked).await?))
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
    Extension(credential): Extension<Credential>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: NewTokenRequest = json_body(&state, request, "token request").await?;
    let created =
        blocking::run(state, move |s| crate::server::accounts::create_token(s, &caller, credential, &body.name))
            .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    blocking::run(state, move |s| crate::server::accounts::revoke_token(s, &caller, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
