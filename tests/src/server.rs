//! The real server, in-process, on a database of its own.

use std::sync::LazyLock;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use server::auth::register_device;
use server::metrics::Metrics;
use server::settings::Settings;
use server::startup::Application;
use server::store::Store;
use tokio::task::JoinHandle;

pub use server::testing::{Backend, TestDb, pg_base_url};

static TRACING: LazyLock<()> = LazyLock::new(|| {
    let format = server::settings::LogFormat::Pretty;
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = server::telemetry::init_subscriber("info,server=debug", format, std::io::stdout);
    }
});

/// Settings for a test server on `db`: loopback, port 0, one worker, no compactor.
pub fn test_settings(db: &TestDb) -> Settings {
    let mut settings = Settings::default();
    settings.server.bind = "127.0.0.1:0".to_owned();
    settings.server.workers = Some(2);
    settings.server.shutdown_timeout_secs = 1;
    settings.database.url = db.url.clone().into();
    settings.database.pool_size = 4;
    settings.compaction.enabled = false;
    settings.rosters.publish = false;
    settings
}

/// A running server; [`TestServer::stop`] shuts it down gracefully.
pub struct TestServer {
    /// The bound port.
    pub port: u16,
    /// The server's store (to check what is durable).
    pub store: Store,
    /// The server's metrics.
    pub metrics: Metrics,
    handle: ServerHandle,
    task: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    /// Builds (binding the listener first, so it is ready to accept) and starts a server.
    pub async fn start(db: &TestDb, customize: impl FnOnce(&mut Settings)) -> Self {
        LazyLock::force(&TRACING);
        let mut settings = test_settings(db);
        customize(&mut settings);
        let app = Application::build(settings)
            .await
            .expect("the application builds");
        let port = app.port();
        let store = app.store().clone();
        let metrics = app.metrics().clone();
        let handle = app.handle();
        let task = tokio::spawn(app.run_until_stopped());
        Self {
            port,
            store,
            metrics,
            handle,
            task,
        }
    }

    /// The sync URL for a device `token` (passed as `?token=`, as stock JS clients do).
    pub fn ws_url(&self, token: &str) -> String {
        format!("ws://127.0.0.1:{}/sync?token={token}", self.port)
    }

    /// Registers a device and returns (device id, token).
    pub async fn device(&self, name: &str) -> (String, String) {
        let pool = self.store.pool().clone();
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().expect("a connection");
            let (device, token) = register_device(&mut conn, &name).expect("device registers");
            (device.id, token.expose().to_owned())
        })
        .await
        .expect("register task")
    }

    /// The value of a metric line starting with `prefix` (e.g. `sync_connections_open `).
    pub fn metric(&self, prefix: &str) -> Option<f64> {
        let text = self.metrics.encode().expect("metrics encode");
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
    }

    /// Stops gracefully (in-flight commits are drained) and waits until it has stopped.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the server stops within 30 s")
            .expect("server task")
            .expect("server ran without error");
    }
}

/// Polls `check` every 20 ms until it returns `Some` or `timeout` passes (for external events
/// such as a commit landing; never for readiness).
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
