//! Shared test helpers: fresh databases on either backend, `spawn_app`, automerge fixtures.

use std::sync::LazyLock;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ROOT};
use diesel::{Connection, PgConnection, RunQueryDsl};
use server::auth::{DeviceToken, register_device};
use server::db::{DatabaseUrl, DbPool, PoolOptions};
use server::metrics::Metrics;
use server::settings::Settings;
use server::startup::{Application, install_crypto_provider, open_database_blocking};
use server::store::devices::DeviceRecord;
use server::store::{ChangeMeta, Store};
use tempfile::TempDir;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `mod <test> { sqlite(), postgres() }` wrappers for `async fn <test>(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )*};
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    let format = server::settings::LogFormat::Pretty;
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = server::telemetry::init_subscriber("debug", format, std::io::stdout);
    } else {
        let _ = server::telemetry::init_subscriber("debug", format, std::io::sink);
    }
});

/// The PostgreSQL server database new test databases are created from.
pub fn pg_base_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database used by one test only; PostgreSQL databases are dropped on drop.
pub struct TestDb {
    pub url: String,
    _dir: Option<TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        LazyLock::force(&TRACING);
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
            Backend::Postgres => {
                let base = pg_base_url();
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = connect_pg(&base);
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("CREATE DATABASE");
                let (prefix, _) = base
                    .rsplit_once('/')
                    .expect("a database in TEST_DATABASE_URL");
                Self {
                    url: format!("{prefix}/{name}"),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
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

fn connect_pg(url: &str) -> PgConnection {
    PgConnection::establish(url).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at `{url}` ({e}). The PostgreSQL store tests do not \
             skip: start PostgreSQL or point TEST_DATABASE_URL at one."
        )
    })
}

/// Registers a device directly in the database.
pub fn create_device(pool: &DbPool, name: &str) -> (DeviceRecord, DeviceToken) {
    let mut conn = pool.get().expect("connection");
    register_device(&mut conn, name).expect("register device")
}

/// A running server on a random port with its own database.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub store: Store,
    pub metrics: Metrics,
    pub client: reqwest::Client,
    pub db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, customize: impl FnOnce(&mut Settings)) -> TestApp {
    install_crypto_provider();
    let db = TestDb::new(backend);
    let mut settings = test_settings(&db);
    customize(&mut settings);
    let tls = settings.server.tls_cert.is_some();
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let port = app.port();
    let store = app.store().clone();
    let metrics = app.metrics().clone();
    tokio::spawn(app.run_until_stopped());
    let scheme = if tls { "https" } else { "http" };
    TestApp {
        address: format!("{scheme}://localhost:{port}"),
        port,
        store,
        metrics,
        client: reqwest::Client::new(),
        db,
    }
}

pub fn test_settings(db: &TestDb) -> Settings {
    let mut settings = Settings::default();
    settings.server.bind = "127.0.0.1:0".to_owned();
    settings.server.workers = Some(1);
    settings.server.shutdown_timeout_secs = 1;
    settings.database.url = db.url.clone().into();
    settings.database.pool_size = 4;
    settings.compaction.enabled = false;
    settings
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// A meeting-like document edited `edits` times, one change per edit.
pub fn edited_doc(edits: usize) -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "title", "Biên bản sinh hoạt chi bộ")
        .expect("put");
    doc.commit();
    for i in 0..edits {
        doc.put(ROOT, format!("item{i}"), i64::try_from(i).expect("small"))
            .expect("put");
        doc.commit();
    }
    doc
}

/// Audit metadata of the changes of `doc` not covered by `since`.
pub fn change_meta(doc: &mut AutoCommit, since: &[ChangeHash]) -> Vec<ChangeMeta> {
    doc.get_changes(since)
        .iter()
        .map(|c| ChangeMeta {
            hash: c.hash(),
            actor: c.actor_id().to_hex_string(),
        })
        .collect()
}
