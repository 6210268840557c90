//! Shared test helpers: fresh databases on either backend, `spawn_app`, automerge fixtures.

use std::sync::LazyLock;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ROOT};
use server::auth::{DeviceToken, register_device};
use server::db::DbPool;
use server::metrics::Metrics;
use server::settings::Settings;
use server::startup::{Application, install_crypto_provider};
use server::store::devices::DeviceRecord;
use server::store::{ChangeMeta, Store};

pub use server::testing::{Backend, TestDb};

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
    spawn_app_on(TestDb::new(backend), customize).await
}

/// A running server on `db` (a fixture copied with [`TestDb::from_template`], say).
pub async fn spawn_app_on(db: TestDb, customize: impl FnOnce(&mut Settings)) -> TestApp {
    LazyLock::force(&TRACING);
    install_crypto_provider();
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
    settings.rosters.publish = false;
    settings
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `GET path` with `token` as the bearer credential: the status and the JSON body.
    pub async fn get_json_as(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

/// A calendar day.
pub fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A unit named `Đơn vị {code}` for `create_unit`.
pub fn new_unit(
    code: &str,
    kind: server::org::UnitKind,
    parent: Option<&str>,
) -> server::org::units::NewUnit {
    server::org::units::NewUnit {
        code: code.into(),
        kind,
        name: format!("Đơn vị {code}"),
        parent_code: parent.map(Into::into),
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
    doc.get_changes(since).iter().map(ChangeMeta::of).collect()
}
