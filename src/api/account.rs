//! Types of accounts, API tokens and sharing, for the pages and the JSON API alike.

use serde::{Deserialize, Serialize};

/// Who the browser (or token) is to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccountStatus {
    /// The signed-in account; `None` for an anonymous visitor.
    pub username: Option<String>,
    /// The operator (`EXO_ADMIN_TOKEN`).
    #[serde(default)]
    pub operator: bool,
}

/// Register or sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// An API token as listed (the token itself is shown once, when created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: String,
    pub name: String,
    /// Unix milliseconds.
    pub created_at: u64,
    pub last_used_at: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTokenRequest {
    pub name: String,
}

/// A token just created: `token` is sent as `Authorization: Bearer …` and never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub token: String,
    pub info: ApiTokenInfo,
}

/// `POST /api/v1/trainings/{id}/share`: make a training public or private again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRequest {
    pub shared: bool,
    /// Whether readers see the per-object rows (values, labels, file names) and may download
    /// or use the model; off by default.
    #[serde(default)]
    pub include_rows: bool,
}

/// What the reader of a result may do, and whether (and by whom) it is shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ResultAccess {
    /// The owner (or operator): may share, cancel and delete.
    pub can_manage: bool,
    pub shared: bool,
    pub include_rows: bool,
    /// The account name of whoever shared it, or "anonymous".
    pub shared_by: Option<String>,
}
