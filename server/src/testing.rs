//! Per-test databases for this crate's API tests and the end-to-end crate: a SQLite file in a
//! temporary directory, or a fresh database on the PostgreSQL server at `TEST_DATABASE_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`), dropped with the value. PostgreSQL tests
//! never skip: an unreachable server fails them with a clear message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;

use crate::db::{DatabaseUrl, DbPool, PoolOptions};
use crate::metrics::Metrics;
use crate::startup::open_database_blocking;
use crate::store::Store;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server at `TEST_DATABASE_URL`.
    Postgres,
}

/// The PostgreSQL server new test databases are created on.
pub fn pg_base_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database used by one test only; a PostgreSQL database is dropped with it.
pub struct TestDb {
    /// The database URL for the server.
    pub url: String,
    _dir: Option<TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A new, empty database.
    ///
    /// # Panics
    /// When the temporary directory cannot be made or PostgreSQL is unreachable: these are test
    /// helpers, and a test that cannot get its database must fail loudly, not skip.
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("nested/server.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => Self::new_pg(None),
        }
    }

    /// A fresh PostgreSQL database, empty or a copy of `template`.
    fn new_pg(template: Option<&str>) -> Self {
        let base = pg_base_url();
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = pg_admin(&base);
        let create = match template {
            Some(template) => format!("CREATE DATABASE {name} TEMPLATE {template}"),
            None => format!("CREATE DATABASE {name}"),
        };
        diesel::sql_query(create)
            .execute(&mut admin)
            .expect("CREATE DATABASE");
        let (prefix, _) = base
            .rsplit_once('/')
            .expect("TEST_DATABASE_URL names a database");
        Self {
            url: format!("{prefix}/{name}"),
            _dir: None,
            pg_name: Some(name),
        }
    }

    /// A new database holding what `build` wrote into a fresh database, built once per test
    /// process for each `(backend, key)` and copied for every caller: a SQLite file copied from
    /// a `VACUUM INTO` image kept in memory, or `CREATE DATABASE … TEMPLATE` on PostgreSQL.
    /// Tests that start from the same expensive fixture (the demo province, seeded and
    /// projected) pay for it once instead of once each.
    ///
    /// `key` names what `build` makes: two builders must never share a key.
    ///
    /// # Panics
    /// As [`TestDb::new`], and when the template cannot be built or copied.
    pub fn from_template(backend: Backend, key: &'static str, build: impl FnOnce(&DbPool)) -> Self {
        Self::from_template_on(backend, key, || Self::new(backend), build)
    }

    /// [`TestDb::from_template`] where the template starts as the database `start` returns
    /// (another template's copy, say) instead of an empty one. `start` must give a database on
    /// `backend`.
    ///
    /// # Panics
    /// As [`TestDb::from_template`].
    pub fn from_template_on(
        backend: Backend,
        key: &'static str,
        start: impl FnOnce() -> Self,
        build: impl FnOnce(&DbPool),
    ) -> Self {
        let template = template_cell(backend, key);
        let source = template.get_or_init(|| Template::build(backend, key, start(), build));
        match source {
            Template::SqliteImage(bytes) => {
                let db = Self::new(Backend::Sqlite);
                let path = db.sqlite_path().expect("a SQLite test database");
                std::fs::create_dir_all(path.parent().expect("a parent directory"))
                    .expect("create the database directory");
                std::fs::write(&path, bytes).expect("write the database copy");
                db
            }
            Template::PgDatabase(template) => Self::new_pg(Some(template)),
        }
    }

    /// The file of a SQLite test database.
    fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.url
            .strip_prefix("sqlite://")
            .map(std::path::PathBuf::from)
    }

    /// A migrated pool on this database.
    pub fn pool(&self) -> DbPool {
        let url = DatabaseUrl::parse(&self.url).expect("test url parses");
        let options = PoolOptions {
            max_size: 4,
            ..PoolOptions::default()
        };
        open_database_blocking(&url, options).expect("open test database")
    }

    /// A [`Store`] over a migrated pool.
    pub fn store(&self) -> Store {
        Store::new(self.pool(), Metrics::default())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name
            && let Ok(mut admin) = PgConnection::establish(&pg_base_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

fn pg_admin(base: &str) -> PgConnection {
    PgConnection::establish(base).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at `{base}` ({e}). The PostgreSQL tests do not skip: \
             start PostgreSQL or point TEST_DATABASE_URL at one."
        )
    })
}

/// A built fixture, copied for each test that asks for it.
enum Template {
    /// The bytes of a SQLite database file (`VACUUM INTO`: one file, no WAL).
    SqliteImage(Vec<u8>),
    /// The name of a PostgreSQL database nobody connects to, used as `TEMPLATE`.
    PgDatabase(String),
}

/// Prefix of template databases on PostgreSQL; the rest of the name is the owning process id.
const PG_TEMPLATE_PREFIX: &str = "t_tpl_";

type TemplateCell = Arc<OnceLock<Template>>;

fn template_cell(backend: Backend, key: &'static str) -> TemplateCell {
    static TEMPLATES: OnceLock<Mutex<HashMap<(&'static str, bool), TemplateCell>>> =
        OnceLock::new();
    let mut templates = TEMPLATES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    templates
        .entry((key, backend == Backend::Postgres))
        .or_default()
        .clone()
}

impl Template {
    fn build(backend: Backend, key: &str, db: TestDb, build: impl FnOnce(&DbPool)) -> Self {
        assert_eq!(
            db.pg_name.is_some(),
            backend == Backend::Postgres,
            "a template starts on its own backend"
        );
        {
            let pool = db.pool();
            build(&pool);
            if backend == Backend::Sqlite {
                let image = db
                    .sqlite_path()
                    .expect("a SQLite test database")
                    .with_extension("image");
                let mut conn = pool.get().expect("connection");
                diesel::sql_query(format!("VACUUM INTO '{}'", image.display()))
                    .execute(&mut conn)
                    .expect("VACUUM INTO");
                return Self::SqliteImage(std::fs::read(&image).expect("read the image"));
            }
        } // Every connection to the template closes here: CREATE DATABASE … TEMPLATE needs that.
        let base = pg_base_url();
        let mut admin = pg_admin(&base);
        drop_templates_of_finished_processes(&mut admin);
        let key: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = format!("{PG_TEMPLATE_PREFIX}{}_{key}", std::process::id());
        let from = db.pg_name.as_deref().expect("a PostgreSQL test database");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .expect("DROP DATABASE");
        // The built database becomes the template under a name that outlives this `TestDb`
        // (statics are never dropped); the next test process drops it once this one has exited.
        // A closed connection's backend may take a moment to exit, and renaming needs none.
        let rename = format!("ALTER DATABASE {from} RENAME TO {name}");
        let mut attempts = 0;
        while let Err(e) = diesel::sql_query(&rename).execute(&mut admin) {
            attempts += 1;
            assert!(attempts < 50, "could not make {from} a template: {e}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let mut db = db;
        db.pg_name = None;
        Self::PgDatabase(name)
    }
}

/// Drops the template databases left by test processes that have exited (Linux: by `/proc`).
fn drop_templates_of_finished_processes(admin: &mut PgConnection) {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let names: Vec<Name> = diesel::sql_query(format!(
        "SELECT datname FROM pg_database WHERE datname LIKE '{PG_TEMPLATE_PREFIX}%'"
    ))
    .load(admin)
    .unwrap_or_default();
    for Name { datname } in names {
        let pid = datname
            .strip_prefix(PG_TEMPLATE_PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
                .execute(admin);
        }
    }
}
