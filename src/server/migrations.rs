//! The schema, as changes applied in order at start-up; each runs once, recorded in
//! `schema_migrations`. Portable SQL only (sqlx's `Any` driver runs it on SQLite and
//! PostgreSQL alike).

use sqlx::AnyPool;

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
];

pub async fn migrate(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)").execute(pool).await?;
    for (version, sql) in MIGRATIONS {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(version)
            .fetch_optional(pool)
            .await?;
        if done.is_some() {
            continue;
        }
        let mut tx = pool.begin().await?;
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}
