//! Housekeeping queries: the database's size (for the disk limit), sweeps of orphaned
//! uploads, models and results, and the start-up check for completed trainings without a
//! model.

use super::{Database, DbResult};

impl Database {
    /// Bytes the stored data occupies: SQLite's used pages (freed pages are reused, so the
    /// file does not grow past this for long) plus its write-ahead log; PostgreSQL's
    /// database size.
    pub fn size_bytes(&self) -> DbResult<u64> {
        let postgres = self.postgres;
        self.writer.call("measure the database", move |pool, rt| {
            rt.block_on(async {
                let bytes: i64 = if postgres {
                    sqlx::query_scalar("SELECT CAST(pg_database_size(current_database()) AS BIGINT)")
                        .fetch_one(pool)
                        .await?
                } else {
                    // Checkpoint first, so the log's pages are counted once, in the file.
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_optional(pool).await?;
                    let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(pool).await?;
                    let free: i64 = sqlx::query_scalar("PRAGMA freelist_count").fetch_one(pool).await?;
                    let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(pool).await?;
                    (pages - free) * size
                };
                Ok(bytes.max(0) as u64)
            })
        })
    }

    /// Uploaded tables no training refers to and older than `before` (a refused request, or
    /// a crash between storing the file and queueing): removed; their ids.
    pub fn remove_orphan_uploads(&self, before: i64) -> DbResult<Vec<String>> {
        self.writer.call("remove orphaned uploads", move |pool, rt| {
            rt.block_on(
                sqlx::query_scalar(
                    "DELETE FROM uploads WHERE created_at < $1
                       AND NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.request LIKE '%' || uploads.id || '%')
                     RETURNING id",
                )
                .bind(before)
                .fetch_all(pool),
            )
        })
    }

    /// Models and results whose training is gone: removed; how many.
    pub fn remove_orphan_documents(&self) -> DbResult<u64> {
        self.writer.call("remove orphaned models and results", |pool, rt| {
            rt.block_on(async {
                let mut removed = 0;
                for table in ["models", "results"] {
                    let sql = format!(
                        "DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.id = {table}.id)"
                    );
                    removed += sqlx::query(&sql).execute(pool).await?.rows_affected();
                }
                Ok(removed)
            })
        })
    }

    /// Completed trainings with no stored model (reported at start-up).
    pub fn completed_without_model(&self) -> DbResult<Vec<String>> {
        self.reader.call("find completed trainings without a model", |pool, rt| {
            rt.block_on(
                sqlx::query_scalar("SELECT id FROM sessions WHERE status = 'completed' AND NOT EXISTS (SELECT 1 FROM models WHERE models.id = sessions.id)").fetch_all(pool),
            )
        })
    }
}
