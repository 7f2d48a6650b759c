//! The documents kept beside sessions (results, models, uploaded tables): store, read,
//! delete.

use sqlx::Row;

use super::{Database, DbResult};

/// The documents kept beside sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blob {
    Result,
    Model,
    Upload,
}

impl Blob {
    fn table(self) -> &'static str {
        match self {
            Blob::Result => "results",
            Blob::Model => "models",
            Blob::Upload => "uploads",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Blob::Result => "result",
            Blob::Model => "model",
            Blob::Upload => "content",
        }
    }

    fn what_saved(self) -> &'static str {
        match self {
            Blob::Result => "save a result",
            Blob::Model => "save a model",
            Blob::Upload => "save an uploaded table",
        }
    }

    fn what_read(self) -> &'static str {
        match self {
            Blob::Result => "read a result",
            Blob::Model => "read a model",
            Blob::Upload => "read an uploaded table",
        }
    }
}

/// What is kept beside an uploaded table: the name the user gave it, when it came, whose it
/// is and the principal it is charged to.
#[derive(Debug, Clone, Default)]
pub struct UploadMeta {
    pub name: String,
    pub created_at: i64,
    pub owner: Option<String>,
    pub principal: Option<String>,
}

impl Database {
    /// Stores a result, model or upload document (waited for: it must be there before the
    /// session that points at it); `upload` describes an uploaded table.
    pub fn put_blob(&self, kind: Blob, id: String, text: String, upload: Option<UploadMeta>) -> DbResult<()> {
        let bytes = text.len() as i64;
        let UploadMeta { name, created_at: now, owner, principal } = upload.unwrap_or_default();
        self.writer.call(kind.what_saved(), move |pool, rt| {
            let q = match kind {
                Blob::Upload => sqlx::query(
                    "INSERT INTO uploads (id, name, content, created_at, owner, bytes, principal) VALUES ($1, $3, $2, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET content = excluded.content",
                )
                .bind(id)
                .bind(text)
                .bind(name)
                .bind(now)
                .bind(owner)
                .bind(bytes)
                .bind(principal),
                _ => {
                    let sql = format!("INSERT INTO {t} (id, {c}) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET {c} = excluded.{c}", t = kind.table(), c = kind.column());
                    return rt.block_on(sqlx::query(&sql).bind(id).bind(text).execute(pool)).map(|_| ());
                }
            };
            rt.block_on(q.execute(pool)).map(|_| ())
        })
    }

    pub fn get_blob(&self, kind: Blob, id: String) -> DbResult<Option<String>> {
        self.reader.call(kind.what_read(), move |pool, rt| {
            let sql = format!("SELECT {} FROM {} WHERE id = $1", kind.column(), kind.table());
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool))
                .map(|row| row.map(|row| row.get::<String, _>(0)))
        })
    }

    /// Removes one stored document; its size in bytes (0 when there was none).
    pub fn delete_blob(&self, kind: Blob, id: String) -> DbResult<u64> {
        self.writer.call("delete a document", move |pool, rt| {
            rt.block_on(async {
                let sql = format!("SELECT LENGTH({}) FROM {} WHERE id = $1", kind.column(), kind.table());
                let size: Option<i64> = sqlx::query_scalar(&sql).bind(&id).fetch_optional(pool).await?;
                sqlx::query(&format!("DELETE FROM {} WHERE id = $1", kind.table())).bind(&id).execute(pool).await?;
                Ok(size.unwrap_or(0).max(0) as u64)
            })
        })
    }
}
