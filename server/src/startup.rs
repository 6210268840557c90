//! Building and running the HTTP server.
//!
//! [`Application::build`] opens the database (running migrations), binds the listener itself
//! (so port 0 works in tests and [`Application::port`] is known before serving), sets up TLS
//! and starts the background compactor and the roster publisher
//! ([`roster_publisher`](crate::ws::roster_publisher)); [`Application::run_until_stopped`] serves
//! until a shutdown signal (SIGINT/SIGTERM, or [`ServerHandle::stop`]) and then stops them.

mod tls;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing_actix_web::TracingLogger;

pub use tls::{install_crypto_provider, load_server_config};

use crate::accounts::Accounts;
use crate::db::{DatabaseUrl, DbPool, PoolOptions, build_pool, run_migrations};
use crate::metrics::Metrics;
use crate::org::access::LiveAccess;
use crate::ratings::projector::ResidentDocs;
use crate::ratings::{OrgAuthorship, Projector, RatingsConfig};
use crate::settings::Settings;
use crate::store::Store;
use crate::store::compactor::{CompactorConfig, spawn_compactor};
use crate::telemetry::RedactedRootSpan;
use crate::ws::{CommitListener, Hub, HubConfig, roster_publisher};

/// A built, not yet running server.
pub struct Application {
    port: u16,
    tls: bool,
    server: Server,
    store: Store,
    metrics: Metrics,
    accounts: Accounts,
    hub: Hub,
    compactor: Option<(watch::Sender<bool>, JoinHandle<()>)>,
    rosters: Option<(watch::Sender<bool>, JoinHandle<()>)>,
}

impl Application {
    /// Checks `settings`, opens and migrates the database, binds the listener and prepares the
    /// server (with TLS when a certificate and key are configured). Must be called within a
    /// tokio runtime (e.g. an actix `System`).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.check()?;
        install_crypto_provider();
        let pool = open_database(&settings).await?;
        let metrics = Metrics::new(settings.metrics.max_device_series);
        let store = Store::new(pool.clone(), metrics.clone());
        let accounts = Accounts::new(pool, settings.accounts.clone());
        accounts.start_watcher();
        let hub_config = HubConfig::from_settings(&settings, settings.database.url.expose_secret());
        let access = crate::db::run_blocking(store.pool(), LiveAccess::load)
            .await
            .context("could not load the access rule")?;
        let revocations = accounts.revocations().subscribe();
        // Ratings are projected into rows after every durable commit (within a second), with the
        // organisation's authorship rule deciding which values count.
        // The projector rates the hub's in-memory copies of what it just accepted, when it can.
        let (resident, copy_requests) = ResidentDocs::channel();
        let projector = Projector::spawn_beside_hub(
            store.pool().clone(),
            RatingsConfig::from_env(),
            Arc::new(OrgAuthorship),
            Some(metrics.clone()),
            resident,
        );
        let pending = crate::db::run_blocking(store.pool(), |conn| {
            crate::ratings::catch_up::unprojected_documents(conn)
        })
        .await
        .context("could not list the documents awaiting projection")?;
        if !pending.is_empty() {
            tracing::info!(
                documents = pending.len(),
                "projecting documents stored without a current projection"
            );
            projector.notify(pending);
        }
        let listener = projector.clone();
        let on_commit: CommitListener = Arc::new(move |doc_ids| listener.notify(doc_ids));
        let hub = Hub::start(
            store.clone(),
            metrics.clone(),
            hub_config,
            access,
            revocations,
            Some(on_commit),
            Some(copy_requests),
        )?;
        let hub_data = web::Data::new(hub.handle());
        let rosters = settings.rosters.publish.then(|| {
            let (stop, stopped) = watch::channel(false);
            let every = Duration::from_secs(settings.rosters.interval_secs.max(1));
            let task = roster_publisher::spawn(hub.handle(), store.clone(), every, stopped);
            (stop, task)
        });

        let addrs = settings.bind_addrs()?;
        let listener = TcpListener::bind(addrs.as_slice())
            .with_context(|| format!("could not bind `{}`", settings.server.bind))?;
        let local = listener
            .local_addr()
            .context("listener has no local address")?;
        let tls_config = match (&settings.server.tls_cert, &settings.server.tls_key) {
            (Some(cert), Some(key)) => Some(load_server_config(cert, key)?),
            _ => None,
        };
        let tls = tls_config.is_some();

        let store_data = web::Data::new(store.clone());
        let metrics_data = web::Data::new(metrics.clone());
        let settings_data = web::Data::new(settings.clone());
        let accounts_data = web::Data::new(accounts.clone());
        let body_limit = settings.sync.max_message_bytes;
        let mut http = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::<RedactedRootSpan>::new())
                .app_data(store_data.clone())
                .app_data(metrics_data.clone())
                .app_data(settings_data.clone())
                .app_data(accounts_data.clone())
                .app_data(hub_data.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .configure(crate::routes::configure)
        })
        .tcp_nodelay(true)
        .shutdown_timeout(settings.server.shutdown_timeout_secs);
        if let Some(workers) = settings.server.workers {
            http = http.workers(workers.max(1));
        }
        let http = match tls_config {
            Some(config) => http.listen_rustls_0_23(listener, config),
            None => http.listen(listener),
        }
        .context("could not start listening")?;
        let server = http.run();
        tracing::info!(
            address = %local,
            tls,
            database = %redacted_url(&settings),
            "server ready"
        );

        let compactor = settings.compaction.enabled.then(|| {
            let (stop, stopped) = watch::channel(false);
            let config = CompactorConfig {
                interval: Duration::from_secs(settings.compaction.interval_secs.max(1)),
                min_chunks: settings.compaction.min_chunks,
                docs_per_round: settings.compaction.docs_per_round,
            };
            (stop, spawn_compactor(store.clone(), config, stopped))
        });
        Ok(Self {
            port: local.port(),
            tls,
            server,
            store,
            metrics,
            accounts,
            hub,
            compactor,
            rosters,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the server speaks TLS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The storage API (shared with the routes).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The metrics registry (shared with the routes).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Accounts: login rate limiter and the revocation channel the WebSocket layer subscribes
    /// to (`accounts().revocations().subscribe()`).
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped, then lets the sync hub commit everything queued
    /// and stops the compactor after the round it is in.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some((stop, task)) = self.rosters {
            let _ = stop.send(true);
            let _ = task.await;
        }
        self.hub.shutdown().await;
        if let Some((stop, task)) = self.compactor {
            let _ = stop.send(true);
            if let Err(e) = task.await {
                tracing::warn!(error = %e, "compactor ended abnormally");
            }
        }
        tracing::info!("server stopped");
        result
    }
}

/// Opens the pool and applies pending migrations, on the blocking thread pool.
pub async fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = DatabaseUrl::parse(settings.database.url.expose_secret())?;
    let options = PoolOptions {
        max_size: settings.database.pool_size,
        connection_timeout: settings.database.connection_timeout(),
    };
    tokio::task::spawn_blocking(move || open_database_blocking(&url, options))
        .await
        .context("database setup task failed")?
}

/// [`open_database`] for code without a runtime (the admin commands).
pub fn open_database_blocking(url: &DatabaseUrl, options: PoolOptions) -> anyhow::Result<DbPool> {
    let pool = build_pool(url, options)
        .with_context(|| format!("could not open the database {}", url.redacted()))?;
    let mut conn = pool.get().context("could not get a database connection")?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

fn redacted_url(settings: &Settings) -> String {
    DatabaseUrl::parse(settings.database.url.expose_secret())
        .map(|u| u.redacted())
        .unwrap_or_else(|_| "<invalid>".to_owned())
}
