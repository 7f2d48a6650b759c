//! Accounts, sign-in and API tokens: the operations behind the account page and the
//! `/api/v1/account` routes. Accounts are optional: a visitor trains and keeps results
//! without one; signing in (or registering) adopts what the visitor did in that browser.

use tower_sessions::Session;

use super::identity::{passwords, secrets, ClientAddress, Credential, SignedIn, VisitorReset, SESSION_ACCOUNT};
use super::owner::{Caller, OwnerId};
use super::owner_records::AccountRow;
use super::state::AppState;
use super::store::now_ms;
use crate::api::{AccountStatus, ApiError, ApiTokenInfo, Credentials, NewApiToken};
use crate::domain::ErrorCode;

const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=40;
const TOKEN_NAME_CHARS: usize = 60;
const MAX_TOKENS: usize = 20;
/// Failed sign-ins to one account before each further attempt waits.
const BACKOFF_AFTER_FAILURES: i64 = 5;
/// The first wait; each further failure doubles it.
const BACKOFF_FIRST_S: i64 = 30;
/// The longest wait the per-account backoff imposes.
const BACKOFF_MAX_S: i64 = 15 * 60;

/// What signing in, out or registering needs of its request: who asks and how they proved
/// it, from where, the sign-in session, and the visitor-cookie reset.
#[derive(Clone)]
pub struct SignInRequest {
    pub caller: Caller,
    pub credential: Credential,
    pub address: ClientAddress,
    pub session: Session,
    pub reset: VisitorReset,
}

pub fn status(caller: &Caller) -> AccountStatus {
    match caller {
        Caller::Operator => AccountStatus { username: None, operator: true },
        Caller::Owner { account, .. } => AccountStatus { username: account.clone(), operator: false },
    }
}

fn check_username(name: &str) -> Result<(), ApiError> {
    let count = name.chars().count();
    let allowed = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !USERNAME_CHARS.contains(&count) || !allowed {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "A username has {} to {} letters, digits, '_', '-' or '.'.",
                USERNAME_CHARS.start(),
                USERNAME_CHARS.end()
            ),
        )
        .with_field("username"));
    }
    Ok(())
}

fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < passwords::MIN_PASSWORD_CHARS {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!("A password has at least {} characters.", passwords::MIN_PASSWORD_CHARS),
        )
        .with_field("password"));
    }
    if password.len() > passwords::MAX_PASSWORD_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!("A password has at most {} bytes.", passwords::MAX_PASSWORD_BYTES),
        )
        .with_field("password"));
    }
    Ok(())
}

/// Runs blocking work (argon2, the database) off the async threads.
async fn off_runtime<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    super::blocking::run(state.clone(), work).await
}

/// Creates an account and signs in with it.
pub async fn register(
    state: &AppState,
    request: &SignInRequest,
    credentials: Credentials,
) -> Result<AccountStatus, ApiError> {
    let username = credentials.username.trim().to_string();
    check_username(&username)?;
    check_password(&credentials.password)?;
    let owner = OwnerId::new();
    let name = username.clone();
    let created = off_runtime(state, move |s| {
        let password_hash = passwords::hash(&credentials.password)
            .map_err(|e| ApiError::internal(format!("hashing a new password: {e}")))?;
        Ok(s.identity
            .db
            .create_account(AccountRow { owner: owner.to_string(), username: name, password_hash }, now_ms() as i64)?)
    })
    .await?;
    if !created {
        return Err(ApiError::new(
            ErrorCode::NameTaken,
            format!("The username '{username}' is taken; choose another."),
        )
        .with_field("username"));
    }
    tracing::info!(%owner, "account created");
    start_session(state, request, SignedIn { owner, username }).await
}

/// Signs in; a wrong name or password is the same 401 (and takes the same time).
pub async fn sign_in(
    state: &AppState,
    request: &SignInRequest,
    credentials: Credentials,
) -> Result<AccountStatus, ApiError> {
    let username = credentials.username.trim().to_string();
    if credentials.password.len() > passwords::MAX_PASSWORD_BYTES || username.chars().count() > *USERNAME_CHARS.end() {
        return Err(wrong_credentials());
    }
    let account = off_runtime(state, move |s| {
        // Per account, whatever the address: password guessing spread over many addresses
        // meets the same growing wait.
        let key = username.to_lowercase();
        let now = now_ms() as i64;
        if let Some(until) = s.identity.db.sign_in_locked_until(key.clone())?.filter(|until| *until > now) {
            let seconds = ((until - now + 999) / 1000).max(1) as u64;
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many wrong passwords for this account lately: after {BACKOFF_AFTER_FAILURES} failures each attempt waits longer ({BACKOFF_FIRST_S} s, doubling, up to {} min). Try again in {seconds} s.", BACKOFF_MAX_S / 60),
            )
            .with_retry_after(seconds));
        }
        let account = s.identity.db.account_by_name(username)?;
        let stored = account.as_ref().map(|a| a.password_hash.as_str()).unwrap_or(passwords::decoy_hash());
        let matches = passwords::verify(&credentials.password, stored);
        if matches && account.is_some() {
            s.identity.db.clear_sign_in_failures(key)?;
        } else {
            s.identity.db.record_sign_in_failure(
                key,
                now,
                BACKOFF_AFTER_FAILURES,
                BACKOFF_FIRST_S * 1000,
                BACKOFF_MAX_S * 1000,
            )?;
        }
        Ok(account.filter(|_| matches))
    })
    .await?
    .ok_or_else(wrong_credentials)?;
    let owner = OwnerId::parse(&account.owner)
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "This account is unreadable."))?;
    start_session(state, request, SignedIn { owner, username: account.username }).await
}

fn wrong_credentials() -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, "The username or password is wrong.")
}

/// A new session id (no fixation), the account in it, and the visitor's work adopted.
async fn start_session(
    state: &AppState,
    request: &SignInRequest,
    account: SignedIn,
) -> Result<AccountStatus, ApiError> {
    // The browser gets a fresh anonymous identity below: it passes the new-identity limit.
    new_identity_allowed(state, request)?;
    let unavailable =
        |_| ApiError::new(ErrorCode::Unavailable, "Signing in failed just now; try again in a few seconds.");
    let session = &request.session;
    session.cycle_id().await.map_err(unavailable)?;
    session.insert(SESSION_ACCOUNT, &account).await.map_err(unavailable)?;
    if let Caller::Owner { id: visitor, account: None, .. } = &request.caller {
        let (from, to) = (*visitor, account.owner);
        let moved = off_runtime(state, move |s| Ok(s.store.adopt(&from, &to)?)).await?;
        if moved > 0 {
            tracing::info!(owner = %to, moved, "signing in adopted the browser's trainings");
        }
    }
    // The browser's anonymous identity starts afresh: after signing out it has nothing.
    request.reset.reset();
    Ok(AccountStatus { username: Some(account.username), operator: false })
}

/// `Err` 429 when the caller's address has made too many new identities lately.
fn new_identity_allowed(state: &AppState, request: &SignInRequest) -> Result<(), ApiError> {
    state
        .limiters
        .check_new_identity(request.address.block())
        .map_err(|(seconds, what)| super::rate_limit::refusal_error(seconds, what))
}

/// Ends the browser's sign-in. Without one it does nothing (it would otherwise hand out a
/// fresh anonymous identity per call); with one, the fresh identity the browser gets passes
/// the new-identity limit.
pub async fn sign_out(state: &AppState, request: &SignInRequest) -> Result<AccountStatus, ApiError> {
    if request.credential != Credential::SignIn {
        return Ok(status(&request.caller));
    }
    new_identity_allowed(state, request)?;
    request.session.flush().await.map_err(|_| {
        ApiError::new(ErrorCode::Unavailable, "Signing out failed just now; try again in a few seconds.")
    })?;
    request.reset.reset();
    Ok(AccountStatus { username: None, operator: false })
}

/// Ends every sign-in of the caller's account (every browser), then this one.
pub async fn sign_out_everywhere(state: &AppState, request: &SignInRequest) -> Result<AccountStatus, ApiError> {
    let owner = account_owner(&request.caller)?;
    if request.credential != Credential::SignIn {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Signing out everywhere needs a signed-in browser (an API token cannot end sign-ins); sign in on the account page (/account).",
        ));
    }
    let ended = off_runtime(state, move |s| Ok(s.identity.db.delete_web_sessions_of(owner.to_string())?)).await?;
    tracing::info!(%owner, ended, "signed out everywhere");
    sign_out(state, request).await
}

/// The signed-in account's owner id; tokens belong to accounts.
fn account_owner(caller: &Caller) -> Result<OwnerId, ApiError> {
    match caller {
        Caller::Owner { id, account: Some(_), .. } => Ok(*id),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "API tokens belong to an account: register or sign in on the account page (/account) first.",
        )),
    }
}

pub fn tokens(state: &AppState, caller: &Caller) -> Result<Vec<ApiTokenInfo>, ApiError> {
    let owner = account_owner(caller)?;
    Ok(state.identity.db.tokens_of(owner.to_string())?.into_iter().map(token_info).collect())
}

fn token_info(row: super::owner_records::TokenRow) -> ApiTokenInfo {
    ApiTokenInfo {
        id: row.id,
        name: row.name,
        created_at: row.created_at.max(0) as u64,
        last_used_at: row.last_used_at.map(|t| t.max(0) as u64),
    }
}

/// A new token, shown this once (only its digest is kept). Only a signed-in browser may make
/// one: a token that could mint tokens would outlive its own revocation.
pub fn create_token(
    state: &AppState,
    caller: &Caller,
    credential: Credential,
    name: &str,
) -> Result<NewApiToken, ApiError> {
    let owner = account_owner(caller)?;
    if credential != Credential::SignIn {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "API tokens are made by a signed-in browser on the account page (/account), not with another token.",
        ));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > TOKEN_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!("Give the token a name of 1 to {TOKEN_NAME_CHARS} characters (what the script that uses it is)."),
        )
        .with_field("name"));
    }
    if state.identity.db.tokens_of(owner.to_string())?.len() >= MAX_TOKENS {
        return Err(ApiError::new(
            ErrorCode::QuotaExceeded,
            format!("An account has at most {MAX_TOKENS} API tokens; revoke one you no longer use."),
        ));
    }
    let token = secrets::new_api_token();
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_ms() as i64;
    state.identity.db.add_token(id.clone(), owner.to_string(), name.to_string(), secrets::digest(&token), now)?;
    tracing::info!(%owner, token_id = %id, "API token created");
    Ok(NewApiToken {
        token,
        info: ApiTokenInfo { id, name: name.to_string(), created_at: now as u64, last_used_at: None },
    })
}

pub fn revoke_token(state: &AppState, caller: &Caller, id: &str) -> Result<(), ApiError> {
    let owner = account_owner(caller)?;
    if !state.identity.db.revoke_token(owner.to_string(), id.trim().to_string())? {
        return Err(ApiError::not_found("API token", id));
    }
    tracing::info!(%owner, token_id = %id, "API token revoked");
    Ok(())
}
