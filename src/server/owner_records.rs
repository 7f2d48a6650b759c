//! The SQL of ownership, beside the rest of the database code: one owner's trainings,
//! sharing, adoption, upload totals, accounts, API tokens, the account sessions
//! tower-sessions keeps, and settings generated once (the cookie-signing secret).

use sqlx::Row;

use super::database::{session_row, Database, DbResult, SessionRow, SESSION_COLUMNS};

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub owner: String,
    pub username: String,
    pub password_hash: String,
}

/// What a presented API token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub id: String,
    pub owner: String,
    pub account: Option<String>,
    pub last_used_at: Option<i64>,
}

/// An API token as listed (its digest stays in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl Database {
    /// One owner's sessions, newest first.
    pub fn sessions_of(&self, owner: String) -> DbResult<Vec<SessionRow>> {
        self.read("list an owner's trainings", move |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE owner = $1 ORDER BY created_at DESC, id");
            rt.block_on(sqlx::query(&sql).bind(owner).fetch_all(pool))
                .map(|rows| rows.iter().map(session_row).collect())
        })
    }

    pub fn set_share(&self, id: String, shared_by: Option<String>, include_rows: bool) -> DbResult<()> {
        self.write_now("share a training", move |pool, rt| {
            rt.block_on(
                sqlx::query("UPDATE sessions SET shared_by = $2, share_rows = $3 WHERE id = $1")
                    .bind(id)
                    .bind(shared_by)
                    .bind(include_rows as i64)
                    .execute(pool),
            )
            .map(|_| ())
        })
    }

    pub fn set_threshold(&self, id: String, threshold: Option<String>) -> DbResult<()> {
        self.write_now("save a decision threshold", move |pool, rt| {
            rt.block_on(
                sqlx::query("UPDATE sessions SET decision_threshold = $2 WHERE id = $1")
                    .bind(id)
                    .bind(threshold)
                    .execute(pool),
            )
            .map(|_| ())
        })
    }

    /// Moves `from`'s trainings and uploads to `to`; how many trainings moved.
    pub fn adopt(&self, from: String, to: String) -> DbResult<u64> {
        self.write_now("adopt a visitor's work", move |pool, rt| {
            rt.block_on(async {
                // The work is the account's now, and so are its costs.
                let principal = format!("account:{to}");
                let moved = sqlx::query("UPDATE sessions SET owner = $2, principal = $3 WHERE owner = $1")
                    .bind(&from)
                    .bind(&to)
                    .bind(&principal)
                    .execute(pool)
                    .await?
                    .rows_affected();
                sqlx::query("UPDATE uploads SET owner = $2, principal = $3 WHERE owner = $1")
                    .bind(&from)
                    .bind(&to)
                    .bind(&principal)
                    .execute(pool)
                    .await?;
                sqlx::query(
                    "INSERT INTO owners (owner, last_seen_at) SELECT $2, last_seen_at FROM owners WHERE owner = $1
                     ON CONFLICT (owner) DO NOTHING",
                )
                .bind(&from)
                .bind(&to)
                .execute(pool)
                .await?;
                Ok(moved)
            })
        })
    }

    pub fn upload_bytes_since(&self, owner: String, since: i64) -> DbResult<u64> {
        self.read("sum an owner's uploads", move |pool, rt| {
            let total: i64 = rt.block_on(
                sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM uploads WHERE owner = $1 AND created_at >= $2",
                )
                .bind(owner)
                .bind(since)
                .fetch_one(pool),
            )?;
            Ok(total.max(0) as u64)
        })
    }

    // Accounts.

    /// Creates an account; false when the name is taken (compared case-insensitively).
    pub fn create_account(&self, account: AccountRow, now: i64) -> DbResult<bool> {
        self.write_now("create an account", move |pool, rt| {
            rt.block_on(
                sqlx::query(
                    "INSERT INTO accounts (owner, username, username_key, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (username_key) DO NOTHING",
                )
                .bind(account.owner)
                .bind(account.username.clone())
                .bind(account.username.to_lowercase())
                .bind(account.password_hash)
                .bind(now)
                .execute(pool),
            )
            .map(|r| r.rows_affected() == 1)
        })
    }

    pub fn account_by_name(&self, username: String) -> DbResult<Option<AccountRow>> {
        self.read("read an account", move |pool, rt| {
            let row = rt.block_on(
                sqlx::query("SELECT owner, username, password_hash FROM accounts WHERE username_key = $1")
                    .bind(username.to_lowercase())
                    .fetch_optional(pool),
            )?;
            Ok(row.map(|r| AccountRow { owner: r.get(0), username: r.get(1), password_hash: r.get(2) }))
        })
    }

    // API tokens.

    pub fn add_token(&self, id: String, owner: String, name: String, digest: String, now: i64) -> DbResult<()> {
        self.write_now("create an API token", move |pool, rt| {
            rt.block_on(
                sqlx::query("INSERT INTO api_tokens (id, owner, name, digest, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(owner)
                    .bind(name)
                    .bind(digest)
                    .bind(now)
                    .execute(pool),
            )
            .map(|_| ())
        })
    }

    /// The token a digest belongs to: its id, owner, the owner's account name and when it
    /// was last used; one read on the reader (every request of a script comes through here).
    pub fn token(&self, digest: String) -> DbResult<Option<TokenOwner>> {
        self.read("check an API token", move |pool, rt| {
            let row = rt.block_on(
                sqlx::query("SELECT t.id, t.owner, a.username, t.last_used_at FROM api_tokens t LEFT JOIN accounts a ON a.owner = t.owner WHERE t.digest = $1")
                    .bind(digest)
                    .fetch_optional(pool),
            )?;
            Ok(row.map(|r| TokenOwner { id: r.get(0), owner: r.get(1), account: r.get(2), last_used_at: r.get(3) }))
        })
    }

    pub fn mark_token_used(&self, id: String, now: i64) -> DbResult<()> {
        self.write_now("record an API token's use", move |pool, rt| {
            rt.block_on(
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1").bind(id).bind(now).execute(pool),
            )
            .map(|_| ())
        })
    }

    pub fn tokens_of(&self, owner: String) -> DbResult<Vec<TokenRow>> {
        self.read("list API tokens", move |pool, rt| {
            let rows = rt.block_on(sqlx::query("SELECT id, name, created_at, last_used_at FROM api_tokens WHERE owner = $1 ORDER BY created_at, id").bind(owner).fetch_all(pool))?;
            Ok(rows.iter().map(|r| TokenRow { id: r.get(0), name: r.get(1), created_at: r.get(2), last_used_at: r.get(3) }).collect())
        })
    }

    /// Deletes one of `owner`'s tokens; false when it has none with that id.
    pub fn revoke_token(&self, owner: String, id: String) -> DbResult<bool> {
        self.write_now("revoke an API token", move |pool, rt| {
            rt.block_on(
                sqlx::query("DELETE FROM api_tokens WHERE owner = $1 AND id = $2").bind(owner).bind(id).execute(pool),
            )
            .map(|r| r.rows_affected() > 0)
        })
    }

    // Account sessions (tower-sessions' records, as JSON).

    pub fn web_session(&self, id: String, now: i64) -> DbResult<Option<String>> {
        self.read("read a sign-in session", move |pool, rt| {
            rt.block_on(
                sqlx::query_scalar("SELECT record FROM web_sessions WHERE id = $1 AND expires_at > $2")
                    .bind(id)
                    .bind(now)
                    .fetch_optional(pool),
            )
        })
    }

    /// Inserts (`only_new`: false when the id exists) or replaces a session record.
    /// `account_owner`: the signed-in account the session belongs to (so "sign out
    /// everywhere" finds every session of it).
    pub fn put_web_session(
        &self,
        id: String,
        record: String,
        expires_at: i64,
        account_owner: Option<String>,
        only_new: bool,
    ) -> DbResult<bool> {
        self.write_now("save a sign-in session", move |pool, rt| {
            let sql = if only_new {
                "INSERT INTO web_sessions (id, record, expires_at, account_owner) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"
            } else {
                "INSERT INTO web_sessions (id, record, expires_at, account_owner) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at, account_owner = excluded.account_owner"
            };
            rt.block_on(sqlx::query(sql).bind(id).bind(record).bind(expires_at).bind(account_owner).execute(pool))
                .map(|r| r.rows_affected() == 1)
        })
    }

    pub fn delete_web_session(&self, id: String) -> DbResult<()> {
        self.write_now("end a sign-in session", move |pool, rt| {
            rt.block_on(sqlx::query("DELETE FROM web_sessions WHERE id = $1").bind(id).execute(pool)).map(|_| ())
        })
    }

    pub fn delete_expired_web_sessions(&self, now: i64) -> DbResult<u64> {
        self.write_now("remove expired sign-in sessions", move |pool, rt| {
            rt.block_on(sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1").bind(now).execute(pool))
                .map(|r| r.rows_affected())
        })
    }

    /// A setting generated once: the stored value, or `generate()`'s stored now. Every
    /// process sharing the database agrees (the first insert wins).
    pub fn setting_or_insert(
        &self,
        name: &'static str,
        generate: impl FnOnce() -> String + Send + 'static,
    ) -> DbResult<String> {
        self.write_now("read a setting", move |pool, rt| {
            rt.block_on(async {
                sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind(generate())
                    .execute(pool)
                    .await?;
                sqlx::query_scalar("SELECT value FROM settings WHERE name = $1").bind(name).fetch_one(pool).await
            })
        })
    }
}

impl Database {
    /// Ends every sign-in session of an account; how many ended.
    pub fn delete_web_sessions_of(&self, account_owner: String) -> DbResult<u64> {
        self.write_now("end an account's sign-ins", move |pool, rt| {
            rt.block_on(
                sqlx::query("DELETE FROM web_sessions WHERE account_owner = $1").bind(account_owner).execute(pool),
            )
            .map(|r| r.rows_affected())
        })
    }

    /// When the next sign-in to this account may be tried (milliseconds), if it must wait.
    pub fn sign_in_locked_until(&self, username_key: String) -> DbResult<Option<i64>> {
        self.read("read sign-in failures", move |pool, rt| {
            rt.block_on(
                sqlx::query_scalar("SELECT locked_until FROM sign_in_failures WHERE username_key = $1")
                    .bind(username_key)
                    .fetch_optional(pool),
            )
        })
    }

    /// Counts a failed sign-in; from the `after`th on, each failure makes the next attempt
    /// wait twice as long as the one before (from `first_wait_ms`, at most `max_wait_ms`).
    pub fn record_sign_in_failure(
        &self,
        username_key: String,
        now: i64,
        after: i64,
        first_wait_ms: i64,
        max_wait_ms: i64,
    ) -> DbResult<()> {
        self.write_now("count a failed sign-in", move |pool, rt| {
            rt.block_on(async {
                let failures: i64 = sqlx::query_scalar(
                    "INSERT INTO sign_in_failures (username_key, failures, locked_until, last_at) VALUES ($1, 1, 0, $2)
                     ON CONFLICT (username_key) DO UPDATE SET failures = sign_in_failures.failures + 1, last_at = excluded.last_at
                     RETURNING failures",
                )
                .bind(&username_key)
                .bind(now)
                .fetch_one(pool)
                .await?;
                if failures >= after {
                    let doublings = (failures - after).min(20) as u32;
                    let wait = (first_wait_ms << doublings).min(max_wait_ms);
                    sqlx::query("UPDATE sign_in_failures SET locked_until = $2 WHERE username_key = $1")
                        .bind(&username_key)
                        .bind(now + wait)
                        .execute(pool)
                        .await?;
                }
                Ok(())
            })
        })
    }

    pub fn clear_sign_in_failures(&self, username_key: String) -> DbResult<()> {
        self.write_now("clear sign-in failures", move |pool, rt| {
            rt.block_on(
                sqlx::query("DELETE FROM sign_in_failures WHERE username_key = $1").bind(username_key).execute(pool),
            )
            .map(|_| ())
        })
    }
}
