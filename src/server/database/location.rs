//! Where the database is: a SQLite file or a server URL, and how it is named in messages.

/// Where the database is.
#[derive(Debug, Clone, PartialEq)]
pub enum DatabaseLocation {
    /// The embedded default: a SQLite file, created if missing.
    SqliteFile(std::path::PathBuf),
    /// A server, by URL (`postgres://user:password@host/db`) or any URL sqlx's `Any` takes.
    Url(String),
}

impl DatabaseLocation {
    pub(super) fn url(&self) -> String {
        match self {
            // `mode=rwc`: create the file if it is missing. Characters that would end the
            // path part of the URL are escaped.
            DatabaseLocation::SqliteFile(path) => {
                let path = path.display().to_string().replace('%', "%25").replace('?', "%3F").replace('#', "%23");
                format!("sqlite://{path}?mode=rwc")
            }
            DatabaseLocation::Url(url) => url.clone(),
        }
    }

    /// For messages: the file, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseLocation::SqliteFile(path) => path.display().to_string(),
            DatabaseLocation::Url(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
                _ => url.clone(),
            },
        }
    }

    pub(super) fn is_postgres(&self) -> bool {
        matches!(self, DatabaseLocation::Url(u) if u.starts_with("postgres"))
    }
}
