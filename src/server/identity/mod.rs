//! Who is asking. Every request that reaches a page or the API is given a [`Caller`]
//! (a request extension the operations read), resolved in this order:
//! 1. `Authorization: Bearer …`: the operator's token (`EXO_ADMIN_TOKEN`) or an account's
//!    API token (unknown or revoked: 401);
//! 2. an account's sign-in session (tower-sessions, stored in the database);
//! 3. the visitor cookie: a signed, `HttpOnly`, `SameSite=Lax` cookie holding an anonymous
//!    owner id (no database row: browsing costs nothing);
//! 4. none of these: a new visitor, whose cookie is set on the response (so `curl -c jar
//!    -b jar` keeps one identity).
//!
//! Every way to a new identity (a first visit, a dropped cookie, signing out, signing in or
//! registering) passes the per-address new-identity limit, and the caller carries the
//! [`Principal`] its costs are charged to: the account, or for anonymous visitors their
//! address (see `fairness::principal`), so a fresh identity buys no fresh budget.

pub mod passwords;
pub mod secrets;
pub mod web_sessions;

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::access_settings::AccessSettings;
use super::database::Database;
use super::fairness::client_address::client_address;
use super::owner::{AddressBlock, Caller, OwnerId, Principal};
use super::state::AppState;
use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::server::startup_error::StartupError;

pub const VISITOR_COOKIE: &str = "exo_visitor";
pub const SESSION_COOKIE: &str = "exo_session";
/// With `EXO_SECURE_COOKIES` the cookies carry the `__Host-` prefix: browsers then take them
/// only over HTTPS, for this exact host and path `/`, so a sibling subdomain cannot plant or
/// overwrite them.
pub const SECURE_VISITOR_COOKIE: &str = "__Host-exo_visitor";
pub const SECURE_SESSION_COOKIE: &str = "__Host-exo_session";
/// The account a sign-in session belongs to (the only thing kept in it).
pub const SESSION_ACCOUNT: &str = "account";
/// How precisely a token's last use is recorded.
const TOKEN_USE_RESOLUTION_MS: i64 = 60_000;
/// Browsers keep cookies at most 400 days.
const VISITOR_DAYS: i64 = 400;

/// The signed-in account, as kept in its session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub owner: OwnerId,
    pub username: String,
}

/// Keys and settings the identity layer needs.
#[derive(Clone)]
pub struct Identity {
    key: Key,
    admin_token: Option<String>,
    secure: bool,
    pub db: Arc<Database>,
}

impl Identity {
    /// The signing key from `EXO_SECRET`, or from a secret generated once into the database.
    pub fn new(settings: &AccessSettings, db: Arc<Database>) -> Result<Identity, StartupError> {
        let secret = match &settings.secret {
            Some(secret) => secret.clone(),
            None => db
                .setting_or_insert("cookie_secret", || secrets::random_hex(64))
                .map_err(|e| StartupError::CookieSecret(e.to_string()))?,
        };
        Ok(Identity {
            key: Key::derive_from(secret.as_bytes()),
            admin_token: settings.admin_token.clone(),
            secure: settings.secure_cookies,
            db,
        })
    }

    /// The key tower-sessions signs its cookie with.
    pub fn key(&self) -> Key {
        self.key.clone()
    }

    pub fn secure(&self) -> bool {
        self.secure
    }

    /// The visitor cookie's name (`__Host-` prefixed when cookies are secure).
    pub fn visitor_cookie_name(&self) -> &'static str {
        if self.secure {
            SECURE_VISITOR_COOKIE
        } else {
            VISITOR_COOKIE
        }
    }

    /// The sign-in session cookie's name (`__Host-` prefixed when cookies are secure).
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    /// The owner a visitor cookie names, if it is one of ours (signature checked).
    fn visitor(&self, request: &Request) -> Option<OwnerId> {
        let mut jar = CookieJar::new();
        for value in request.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            for cookie in Cookie::split_parse_encoded(value.to_string()).flatten() {
                jar.add_original(cookie);
            }
        }
        jar.signed(&self.key).get(self.visitor_cookie_name()).and_then(|c| OwnerId::parse(c.value()))
    }

    /// `Set-Cookie` for a visitor.
    pub fn visitor_cookie(&self, owner: OwnerId) -> HeaderValue {
        let mut jar = CookieJar::new();
        let cookie = Cookie::build((self.visitor_cookie_name(), owner.to_string()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .max_age(cookie::time::Duration::days(VISITOR_DAYS))
            .build();
        jar.signed_mut(&self.key).add(cookie);
        let text = jar.get(self.visitor_cookie_name()).map(|c| c.encoded().to_string()).unwrap_or_default();
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The caller an API token names; `Err` 401 for a token that is not (or no longer) valid.
    fn bearer(&self, token: &str) -> Result<(Caller, Credential), ApiError> {
        if self.admin_token.as_deref().is_some_and(|admin| secrets::same_secret(admin, token)) {
            return Ok((Caller::Operator, Credential::OperatorToken));
        }
        let invalid = || {
            ApiError::new(ErrorCode::Unauthorized, "This API token is not valid: it was revoked or mistyped. Create a new one on the account page (/account).")
        };
        let found = self.db.token(secrets::digest(token))?.ok_or_else(invalid)?;
        let owner = OwnerId::parse(&found.owner).ok_or_else(invalid)?;
        // "Last used" to the minute: a script's every request need not wait for a write.
        let now = super::store::now_ms() as i64;
        if found.last_used_at.is_none_or(|at| now - at >= TOKEN_USE_RESOLUTION_MS) {
            self.db.mark_token_used(found.id, now)?;
        }
        // Tokens belong to accounts: their costs are the account's.
        Ok((
            Caller::Owner { id: owner, account: found.account, principal: Principal::Account(owner) },
            Credential::ApiToken,
        ))
    }
}

/// Set by sign-in and sign-out: the visitor id the browser should carry from now on (a
/// fresh one, so the next person at a shared computer starts with nothing).
#[derive(Clone, Default)]
pub struct VisitorReset(Arc<Mutex<Option<OwnerId>>>);

impl VisitorReset {
    pub fn reset(&self) -> OwnerId {
        let fresh = OwnerId::new();
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(fresh);
        fresh
    }

    fn take(&self) -> Option<OwnerId> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// How the caller proved who they are on this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    OperatorToken,
    /// An account's API token: it may use the account, not mint more tokens.
    ApiToken,
    /// An account's sign-in session (a browser that signed in).
    SignIn,
    /// A visitor cookie set on an earlier answer.
    VisitorCookie,
    /// Nothing: a new visitor, whose cookie this answer sets.
    New,
}

/// The client's address (see `fairness::client_address`), for the limits per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

impl ClientAddress {
    pub fn block(self) -> AddressBlock {
        AddressBlock::of(self.0)
    }
}

/// Paths that need no identity: files, health probes and metrics (which has its own token).
fn anonymous_path(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/metrics"
        || path == "/api/v1/health"
        || path == "/api/v1/ready"
        || path == "/favicon.ico"
}

/// The middleware: resolves the caller, and sets the visitor cookie when one is new.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if anonymous_path(request.uri().path()) {
        return next.run(request).await;
    }
    let identity = state.identity.clone();
    let address = ClientAddress(client_address(&request, state.config.access.trust_proxy));
    // Read what is needed before awaiting: a request (its body) is not Sync.
    let authorization =
        request.headers().get(header::AUTHORIZATION).map(|v| v.to_str().map(str::to_string).unwrap_or_default());
    let session = request.extensions().get::<Session>().cloned();
    let visitor = identity.visitor(&request);
    let (caller, credential) = match resolve(&identity, authorization, session, visitor, address.block()).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    if credential == Credential::New {
        if let Err((seconds, what)) = state.limiters.check_new_identity(address.block()) {
            return super::rate_limit::refusal(seconds, what);
        }
    }
    if let (Some(owner), Credential::VisitorCookie | Credential::SignIn | Credential::ApiToken) =
        (caller.owner(), credential)
    {
        // Anonymous work expires by inactivity: the owner was seen (written at most hourly).
        state.activity.seen(&identity.db, owner);
    }
    let reset = VisitorReset::default();
    let new_visitor = (credential == Credential::New).then(|| caller.owner()).flatten();
    request.extensions_mut().insert(caller);
    request.extensions_mut().insert(credential);
    request.extensions_mut().insert(address);
    request.extensions_mut().insert(reset.clone());
    let mut response = next.run(request).await;
    if let Some(owner) = reset.take().or(new_visitor) {
        response.headers_mut().append(header::SET_COOKIE, identity.visitor_cookie(owner));
    }
    response
}

async fn resolve(
    identity: &Identity,
    authorization: Option<String>,
    session: Option<Session>,
    visitor: Option<OwnerId>,
    address: AddressBlock,
) -> Result<(Caller, Credential), ApiError> {
    if let Some(value) = authorization {
        let token = value.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthorized,
                "The Authorization header must be 'Bearer <token>' with an API token from the account page (/account).",
            )
        })?;
        let (identity, token) = (identity.clone(), token.to_string());
        return tokio::task::spawn_blocking(move || identity.bearer(&token))
            .await
            .map_err(|_| ApiError::new(ErrorCode::Internal, "The API token could not be checked."))?;
    }
    if let Some(session) = session {
        let signed_in = session.get::<SignedIn>(SESSION_ACCOUNT).await.map_err(|_| {
            ApiError::new(
                ErrorCode::Unavailable,
                "Your sign-in could not be read just now; try again in a few seconds.",
            )
        })?;
        if let Some(account) = signed_in {
            return Ok((Caller::account(account.owner, account.username), Credential::SignIn));
        }
    }
    match visitor {
        Some(owner) => Ok((Caller::visitor(owner, address), Credential::VisitorCookie)),
        None => Ok((Caller::visitor(OwnerId::new(), address), Credential::New)),
    }
}

/// The caller of the request a server function or page render is serving.
pub fn caller_from(parts: &axum::http::request::Parts) -> Result<Caller, ApiError> {
    parts
        .extensions
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "The request's identity is missing."))
}

/// tower-sessions for account sign-ins: a signed `exo_session` cookie, `HttpOnly`,
/// `SameSite=Lax`, for 30 days of inactivity, records in the database.
pub fn session_layer(
    state: &AppState,
) -> tower_sessions::SessionManagerLayer<web_sessions::DatabaseSessions, tower_sessions::service::SignedCookie> {
    tower_sessions::SessionManagerLayer::new(state.web_sessions.clone())
        .with_name(state.identity.session_cookie_name())
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.identity.secure())
        .with_expiry(tower_sessions::Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(30)))
        .with_signed(state.identity.key())
}
