//! The multi-backend connection type and backend selection from the URL.

use std::path::{Path, PathBuf};

use diesel::{PgConnection, SqliteConnection};

use super::DbError;
pub use super::multi::{DbConnection, MultiBackend};

impl DbConnection {
    /// The backend behind this connection.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Pg(_) => Backend::Postgres,
        }
    }
}

/// The database engines the server can store into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite through the bundled library.
    Sqlite,
    /// PostgreSQL through libpq.
    Postgres,
}

/// A database URL with its backend decided.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// For SQLite the file path, for PostgreSQL the full connection URL.
    target: String,
}

impl DatabaseUrl {
    /// Decides the backend from the scheme: `sqlite://path`, `sqlite:path` or a bare path is
    /// SQLite; `postgres://` and `postgresql://` are PostgreSQL; anything else is an error.
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DbError::EmptyUrl);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(DbError::UnsupportedScheme {
                scheme: scheme.to_owned(),
            });
        }
        if path.is_empty() {
            return Err(DbError::EmptyUrl);
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file path, or `None` for PostgreSQL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self.backend {
            Backend::Sqlite => Some(Path::new(&self.target)),
            Backend::Postgres => None,
        }
    }

    /// Creates the directory that will hold the SQLite file, if any is needed.
    pub fn ensure_parent_dir(&self) -> Result<(), DbError> {
        let Some(parent) = self.sqlite_path().and_then(Path::parent) else {
            return Ok(());
        };
        if parent.as_os_str().is_empty() || self.target == ":memory:" {
            return Ok(());
        }
        std::fs::create_dir_all(parent).map_err(|source| DbError::CreateDir {
            path: PathBuf::from(parent),
            source,
        })
    }

    /// Opens one connection of the selected backend.
    pub fn connect(&self) -> diesel::ConnectionResult<DbConnection> {
        use diesel::Connection;
        match self.backend {
            Backend::Sqlite => SqliteConnection::establish(&self.target).map(DbConnection::Sqlite),
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConnection::Pg),
        }
    }

    /// A loggable form: the SQLite path, or the PostgreSQL URL without user info and query.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact_pg_url(&self.target),
        }
    }
}

/// Debug shows only the redacted form: the URL may carry a password.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

fn redact_pg_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split_once('?').map_or(rest, |(before, _)| before);
    let host_and_path = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    format!("{scheme}://***@{host_and_path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_scheme_picks_the_backend() {
        let pg = DatabaseUrl::parse("postgres://u:pw@h:5432/db").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        let pg2 = DatabaseUrl::parse("postgresql://h/db").unwrap();
        assert_eq!(pg2.backend(), Backend::Postgres);
        let lite = DatabaseUrl::parse("sqlite://./data/server.db").unwrap();
        assert_eq!(lite.sqlite_path(), Some(Path::new("./data/server.db")));
        let bare = DatabaseUrl::parse("/var/lib/sync/server.db").unwrap();
        assert_eq!(bare.backend(), Backend::Sqlite);
    }

    #[test]
    fn unknown_schemes_and_empty_urls_are_refused() {
        assert!(matches!(
            DatabaseUrl::parse("mysql://h/db"),
            Err(DbError::UnsupportedScheme { scheme }) if scheme == "mysql"
        ));
        assert!(matches!(DatabaseUrl::parse("  "), Err(DbError::EmptyUrl)));
        assert!(matches!(
            DatabaseUrl::parse("sqlite://"),
            Err(DbError::EmptyUrl)
        ));
    }

    #[test]
    fn debug_output_hides_the_postgres_password() {
        let url = DatabaseUrl::parse("postgres://user:secret@db.example:5432/sync?sslmode=require")
            .unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!shown.contains("user"), "{shown}");
        assert!(shown.contains("db.example:5432/sync"), "{shown}");
    }
}
