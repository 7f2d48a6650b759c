//! The `sessions` table's row as stored, its column list and its mapping from a query row.

use sqlx::any::AnyRow;
use sqlx::Row;

/// One row of the `sessions` table, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: String,
    pub request: String,
    pub status: String,
    pub progress: f64,
    pub step: String,
    pub error: Option<String>,
    pub headline: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// Times a worker claimed it (written by claims only).
    pub attempts: i64,
    /// Written when the row is created; changed only by adoption (see `owner_records`).
    pub owner: Option<String>,
    /// Written only by sharing (see `owner_records`): the name shown, and whether rows are in.
    pub shared_by: Option<String>,
    pub share_rows: i64,
    /// Written only by saving a threshold (see `owner_records`): a `DecisionThreshold` as JSON.
    pub decision_threshold: Option<String>,
    /// Written when the row is created (changed only by adoption): the key of the principal
    /// its costs are charged to (see `fairness::principal`).
    pub principal: Option<String>,
}

pub(in crate::server) const SESSION_COLUMNS: &str = "id, request, status, progress, step, error, headline, created_at, started_at, finished_at, attempts, owner, shared_by, share_rows, decision_threshold, principal";

pub(in crate::server) fn session_row(r: &AnyRow) -> SessionRow {
    SessionRow {
        id: r.get(0),
        request: r.get(1),
        status: r.get(2),
        progress: r.get(3),
        step: r.get(4),
        error: r.get(5),
        headline: r.get(6),
        created_at: r.get(7),
        started_at: r.get(8),
        finished_at: r.get(9),
        attempts: r.get(10),
        owner: r.get(11),
        shared_by: r.get(12),
        share_rows: r.get(13),
        decision_threshold: r.get(14),
        principal: r.get(15),
    }
}
