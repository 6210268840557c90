use crate::helpers::{Backend, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_ok_when_sqlite_is_reachable() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_answers_ok_on_postgres_and_503_once_the_database_is_gone() {
    let app = spawn_app_with(Backend::Postgres, |s| {
        s.database.connection_timeout_secs = 1
    })
    .await;
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let TestAppParts { client, url, db } = TestAppParts::from(app);
    drop(db); // DROP DATABASE ... WITH (FORCE) kills the pooled connections
    let res = client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    let message = body["message"].as_str().unwrap();
    assert!(
        !message.contains("database \""),
        "5xx must not leak internals: {message}"
    );
}

struct TestAppParts {
    client: reqwest::Client,
    url: String,
    db: crate::helpers::TestDb,
}

impl From<crate::helpers::TestApp> for TestAppParts {
    fn from(app: crate::helpers::TestApp) -> Self {
        let url = app.url("/readyz");
        Self {
            client: app.client,
            url,
            db: app.db,
        }
    }
}

#[tokio::test]
async fn metrics_are_served_in_the_openmetrics_text_format() {
    let app = spawn_app().await;
    // A request through the store records a storage latency sample.
    app.store
        .heads_of(vec!["nothing".to_owned()])
        .await
        .unwrap();
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let body = res.text().await.unwrap();
    for name in [
        "sync_connections_open",
        "sync_connections_total",
        "sync_sync_latency_seconds",
        "sync_storage_latency_seconds_count{op=\"heads_of\"} 1",
        "sync_documents_resident",
        "sync_device_series_evicted_total",
    ] {
        assert!(body.contains(name), "missing `{name}` in:\n{body}");
    }
    assert!(body.trim_end().ends_with("# EOF"));
}

#[tokio::test]
async fn metrics_show_seconds_since_each_devices_last_converged_sync_with_a_series_cap() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.metrics.max_device_series = 2).await;
    for device in ["dev-a", "dev-b", "dev-c"] {
        app.metrics.device_converged(device);
    }
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    let body = res.text().await.unwrap();
    let series = |d: &str| format!("sync_device_seconds_since_converged{{device=\"{d}\"}}");
    assert!(!body.contains(&series("dev-a")), "{body}");
    assert!(body.contains(&series("dev-b")), "{body}");
    assert!(body.contains(&series("dev-c")), "{body}");
    assert!(
        body.contains("sync_device_series_evicted_total 1"),
        "{body}"
    );
}
