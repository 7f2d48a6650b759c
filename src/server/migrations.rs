//! The schema, as changes applied in order at start-up; each runs once, recorded in
//! `schema_migrations`. Portable SQL only (sqlx's `Any` driver runs it on SQLite and
//! PostgreSQL alike).

use sqlx::{AnyConnection, AnyPool, Connection};

/// Schema changes in order; each runs once, recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
    "CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        progress DOUBLE PRECISION NOT NULL,
        step TEXT NOT NULL,
        error TEXT,
        headline TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT
    );
    CREATE TABLE results (id TEXT PRIMARY KEY, result TEXT NOT NULL);
    CREATE TABLE models (id TEXT PRIMARY KEY, model TEXT NOT NULL);",
    ),
    // The queue lives in the sessions table: a worker of any server process sharing the
    // database claims the oldest queued session, stamps it with its process id and keeps a
    // heartbeat; a cancel from any process sets a flag the owner polls.
    (
        2,
        "ALTER TABLE sessions ADD COLUMN claimed_by TEXT;
    ALTER TABLE sessions ADD COLUMN heartbeat_at BIGINT;
    ALTER TABLE sessions ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX sessions_status ON sessions (status, created_at)",
    ),
    // Each claim counts an attempt: a training interrupted by a crash goes back to the queue
    // until it has used its attempts (one that kills its process every time then fails).
    (3, "ALTER TABLE sessions ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0"),
    // Uploaded tables live in the database beside the models (checked UTF-8 text before they
    // are stored), so processes on different machines share nothing but the database.
    (4, "CREATE TABLE uploads (id TEXT PRIMARY KEY, name TEXT NOT NULL, content TEXT NOT NULL, created_at BIGINT NOT NULL)"),
    // Owners: every training and upload belongs to a visitor or an account (rows from before
    // have none: the operator's only); a training can be shared. Accounts with argon2id
    // password hashes, API tokens kept as SHA-256 digests, the account sessions of
    // tower-sessions, and settings generated once (the cookie-signing secret).
    (
        5,
        "ALTER TABLE sessions ADD COLUMN owner TEXT;
    ALTER TABLE sessions ADD COLUMN shared_by TEXT;
    ALTER TABLE sessions ADD COLUMN share_rows BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX sessions_owner ON sessions (owner, created_at);
    ALTER TABLE uploads ADD COLUMN owner TEXT;
    ALTER TABLE uploads ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX uploads_owner ON uploads (owner, created_at);
    CREATE TABLE accounts (owner TEXT PRIMARY KEY, username TEXT NOT NULL, username_key TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL);
    CREATE TABLE api_tokens (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, digest TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, last_used_at BIGINT);
    CREATE TABLE web_sessions (id TEXT PRIMARY KEY, record TEXT NOT NULL, expires_at BIGINT NOT NULL);
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    // The decision threshold a training's owner saved with its model (JSON; written only
    // by saving one, like the share columns).
    (6, "ALTER TABLE sessions ADD COLUMN decision_threshold TEXT"),
    // Fairness: every training and upload is charged to a principal (an account, or the
    // address anonymous visitors come from); per-day quotas count events in a window, not
    // rows still stored; owners' last visits let anonymous work expire by inactivity; sign-ins
    // are listed per account (sign out everywhere) and failed ones back off per account.
    // Rows from before are charged to their owner.
    (
        7,
        "ALTER TABLE sessions ADD COLUMN principal TEXT;
    UPDATE sessions SET principal = 'owner:' || owner WHERE principal IS NULL AND owner IS NOT NULL;
    CREATE INDEX sessions_principal ON sessions (principal, status);
    ALTER TABLE uploads ADD COLUMN principal TEXT;
    UPDATE uploads SET principal = 'owner:' || owner WHERE principal IS NULL AND owner IS NOT NULL;
    CREATE INDEX uploads_principal ON uploads (principal, created_at);
    CREATE TABLE owners (owner TEXT PRIMARY KEY, last_seen_at BIGINT NOT NULL);
    INSERT INTO owners (owner, last_seen_at) SELECT owner, MAX(created_at) FROM sessions WHERE owner IS NOT NULL GROUP BY owner;
    INSERT INTO owners (owner, last_seen_at) SELECT owner, MAX(created_at) FROM uploads WHERE owner IS NOT NULL AND owner NOT IN (SELECT owner FROM owners) GROUP BY owner;
    CREATE TABLE usage_events (principal TEXT NOT NULL, owner TEXT, kind TEXT NOT NULL, amount BIGINT NOT NULL, at BIGINT NOT NULL);
    CREATE INDEX usage_events_principal ON usage_events (principal, kind, at);
    CREATE INDEX usage_events_owner ON usage_events (owner, kind, at);
    ALTER TABLE web_sessions ADD COLUMN account_owner TEXT;
    CREATE INDEX web_sessions_account ON web_sessions (account_owner);
    CREATE TABLE sign_in_failures (username_key TEXT PRIMARY KEY, failures BIGINT NOT NULL, locked_until BIGINT NOT NULL, last_at BIGINT NOT NULL)",
    ),
];

/// A PostgreSQL advisory lock key of the migrations (any constant every process agrees on).
const MIGRATION_LOCK: i64 = 0x6578_6f5f_6d69_6772;

/// Applies the pending migrations. With PostgreSQL, under a session advisory lock: processes
/// started at once on a fresh database take turns (each would otherwise create the same
/// tables and one fail); SQLite's file lock already serialises them.
pub async fn migrate(pool: &AnyPool, postgres: bool) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    if !postgres {
        return migrate_all(&mut conn).await;
    }
    sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut *conn).await?;
    let migrated = migrate_all(&mut conn).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *conn).await;
    migrated?;
    unlocked.map(|_| ())
}

async fn migrate_all(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)")
        .execute(&mut *conn)
        .await?;
    for (version, sql) in MIGRATIONS {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
        if done.is_some() {
            continue;
        }
        let mut tx = conn.begin().await?;
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}
