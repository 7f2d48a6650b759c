//! The persistent store: SQLite (through sqlx) in `EXO_STATE_DIR/exoplanet.db` by default,
//! or PostgreSQL when `EXO_DATABASE_URL` names one, holding sessions (which are also the
//! training queue), results, trained models and uploaded tables, with migrations applied at
//! start-up ([`super::migrations`]). sqlx's `Any` driver runs the same SQL on both: only
//! portable SQL here (`$1` placeholders, `ON CONFLICT`, `RETURNING`, BIGINT / DOUBLE
//! PRECISION / TEXT).
//!
//! sqlx is async; the store's callers are synchronous (a training's progress sink runs on
//! its own thread). So the database is served by two threads, each with a small tokio
//! runtime and its own connection, and callers hand them work through channels:
//! - the writer applies writes in order (queued ones, such as progress, and waited ones,
//!   such as a new training or a model) and the queue operations (claim, heartbeat, cancel);
//!   one writer also means SQLite never sees two writers at once;
//! - the reader answers reads (status polls, lists, results), so a poll never waits behind
//!   a megabyte result being written.
//!
//! Every waited call has a deadline: a database that is down or slow makes the call fail
//! with [`Unavailable`] (503 with `Retry-After` to the client), never hang.

mod admission;
mod blobs;
mod connection;
mod error;
mod location;
mod maintenance;
mod queue;
mod rows;
mod sessions;
pub mod usage;

use sqlx::AnyPool;

use connection::Connection;

pub use admission::AdmissionCounts;
pub use blobs::{Blob, UploadMeta};
pub use error::{DbResult, OpenError, Unavailable};
pub use location::DatabaseLocation;
pub use queue::StaleOutcome;
pub use rows::SessionRow;
pub(super) use rows::{session_row, SESSION_COLUMNS};

pub struct Database {
    writer: Connection,
    reader: Connection,
    /// SQL for the database's own clock in Unix milliseconds: heartbeats are stamped and
    /// judged by it, so processes on hosts whose clocks differ agree on what is stale.
    clock: &'static str,
    postgres: bool,
}

const SQLITE_CLOCK: &str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS BIGINT)";
const POSTGRES_CLOCK: &str = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

impl Database {
    /// Opens (creating a SQLite file if needed) the database and applies pending migrations.
    pub fn open(location: &DatabaseLocation) -> Result<Database, OpenError> {
        sqlx::any::install_default_drivers();
        let writer = Connection::open("database-writer", location, true)?;
        let reader = Connection::open("database-reader", location, false)?;
        let postgres = location.is_postgres();
        Ok(Database { writer, reader, clock: if postgres { POSTGRES_CLOCK } else { SQLITE_CLOCK }, postgres })
    }

    /// Answers when the database does (readiness); both connections are asked.
    pub fn ping(&self) -> DbResult<()> {
        let ping = |pool: &AnyPool, rt: &tokio::runtime::Runtime| {
            rt.block_on(sqlx::query("SELECT 1").fetch_optional(pool)).map(|_| ())
        };
        self.reader.call("ping", ping)?;
        self.writer.call("ping", ping)
    }

    /// Runs `f` on the reader connection and waits (for queries kept beside their concern,
    /// such as `owner_records`).
    pub(super) fn read<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<T, sqlx::Error> + Send + 'static,
    ) -> DbResult<T> {
        self.reader.call(what, f)
    }

    /// Runs `f` on the writer connection (after every queued write) and waits.
    pub(super) fn write_now<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<T, sqlx::Error> + Send + 'static,
    ) -> DbResult<T> {
        self.writer.call(what, f)
    }

    /// Waits until every queued write is applied (for shutdown and tests).
    pub fn flush(&self) {
        let _ = self.writer.call("flush", |_, _| Ok(()));
    }
}
