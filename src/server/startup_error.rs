//! Why the server could not start: the one error of start-up, printed by `main` before it
//! exits with status 1. Each variant names the setting, file or resource and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A numeric setting that is not a whole number above 0.
    #[error("{setting} must be a whole number above 0, got '{got}'")]
    NotAPositiveNumber { setting: String, got: String },
    #[error("EXO_MAX_TRAININGS must be a whole number, got '{got}'")]
    NotAWorkerCount { got: String },
    /// A setting whose value is refused for a reason the message gives in full.
    #[error("{setting} must be {rule}")]
    Refused { setting: &'static str, rule: String },
    #[error("{}: {reason}", file.display())]
    SettingsFile { file: PathBuf, reason: String },
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error("cannot create the state folder {}: {reason}", dir.display())]
    StateFolder { dir: PathBuf, reason: String },
    #[error("cannot load the bundled {table} table from {}: {reason}", dir.display())]
    BundledTable { table: &'static str, dir: PathBuf, reason: String },
    /// Opening, migrating or reading the database (its message says which and why).
    #[error(transparent)]
    Database(#[from] crate::server::database::OpenError),
    #[error("cannot read the cookie secret: {0}")]
    CookieSecret(String),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: std::net::SocketAddr, reason: String },
    /// The server stopped with an error after it had started.
    #[error("{0}")]
    Serving(String),
}
