//! Queries on the `sessions` table itself: write a row, read one or all, delete one with
//! its documents.

use sqlx::AnyPool;

use super::rows::{session_row, SessionRow, SESSION_COLUMNS};
use super::{Database, DbResult};

impl Database {
    /// Writes a session row: queued (`durable` false: progress, which may be lost) or waited
    /// for (`durable` true: a new training, a final state).
    pub fn upsert_session(&self, row: SessionRow, durable: bool) -> DbResult<()> {
        let f = move |pool: &AnyPool, rt: &tokio::runtime::Runtime| {
            rt.block_on(
                sqlx::query(
                    "INSERT INTO sessions (id, request, status, progress, step, error, headline, created_at, started_at, finished_at, owner, principal)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                     ON CONFLICT (id) DO UPDATE SET request = excluded.request, status = excluded.status,
                       progress = excluded.progress, step = excluded.step, error = excluded.error,
                       headline = excluded.headline, started_at = excluded.started_at, finished_at = excluded.finished_at",
                )
                .bind(row.id)
                .bind(row.request)
                .bind(row.status)
                .bind(row.progress)
                .bind(row.step)
                .bind(row.error)
                .bind(row.headline)
                .bind(row.created_at)
                .bind(row.started_at)
                .bind(row.finished_at)
                .bind(row.owner)
                .bind(row.principal)
                .execute(pool),
            )
            .map(|_| ())
        };
        if durable {
            self.writer.call("save a training", f)
        } else {
            self.writer.write("save progress", f);
            Ok(())
        }
    }

    /// Deletes a session with its result and model.
    pub fn delete(&self, id: String) -> DbResult<()> {
        self.writer.call("delete a training", move |pool, rt| {
            rt.block_on(async {
                for table in ["results", "models", "sessions"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1")).bind(&id).execute(pool).await?;
                }
                Ok(())
            })
        })
    }

    /// Every session, newest first.
    pub fn sessions(&self) -> DbResult<Vec<SessionRow>> {
        self.reader.call("list trainings", |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions ORDER BY created_at DESC, id");
            rt.block_on(sqlx::query(&sql).fetch_all(pool)).map(|rows| rows.iter().map(session_row).collect())
        })
    }

    pub fn session(&self, id: String) -> DbResult<Option<SessionRow>> {
        self.reader.call("read a training", move |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)).map(|row| row.as_ref().map(session_row))
        })
    }

    /// The same read on the writer: after a read-modify-write it must see every queued write.
    pub fn session_for_update(&self, id: String) -> DbResult<Option<SessionRow>> {
        self.writer.call("read a training", move |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)).map(|row| row.as_ref().map(session_row))
        })
    }
}
