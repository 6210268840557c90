//! Shared harness of the browser tests (`tests/tests/browser.rs`, `tests/tests/dashboard.rs`):
//! the real server in-process on the small demo province, and `node tests/browser/<script>`
//! driving headless Debian Chromium through playwright-core. Needs `/usr/bin/chromium` (or
//! `CHROMIUM`) and `tests/browser/node_modules` (scripts/test-all.sh installs both).
//! Screenshots go to `target/browser-screenshots/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use server::ratings::{OrgAuthorship, ProjectContext, RatingsConfig};

use crate::server::{Backend, TestDb, TestServer};

/// Browser tests run one at a time: each starts Chromium and a server, and on a 2-core machine
/// two at once would turn their timeouts into flakes.
pub static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn seed(pool: &server::db::DbPool) {
    let mut conn = pool.get().expect("a connection");
    server::demo::seed_with(&mut conn, server::demo::DemoScale::Small)
        .expect("the demo data seeds");
}

/// The workspace root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Whether the demo's ratings are projected before the server starts (otherwise the server's
/// start-up catch-up projects them in the background).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ratings {
    /// Projected before the server starts, so the first page already shows them.
    ProjectedFirst,
    /// Left to the server.
    InBackground,
}

/// Starts the server on a fresh SQLite database holding the small demo province (copied from
/// a template seeded once per test process).
pub async fn demo_server(ratings: Ratings) -> (TestDb, TestServer) {
    let db = tokio::task::spawn_blocking(move || match ratings {
        Ratings::InBackground => TestDb::from_template(Backend::Sqlite, "browser-demo", seed),
        Ratings::ProjectedFirst => TestDb::from_template_on(
            Backend::Sqlite,
            "browser-demo-projected",
            || TestDb::from_template(Backend::Sqlite, "browser-demo", seed),
            |pool| {
                let config = RatingsConfig::default();
                let ctx = ProjectContext {
                    config: &config,
                    check: &OrgAuthorship,
                    today: chrono::Utc::now().date_naive(),
                };
                let mut conn = pool.get().expect("a connection");
                server::ratings::rebuild::rebuild(&mut conn, ctx, |_, _| {}).expect("projections");
            },
        ),
    })
    .await
    .expect("seed task");
    // The field app prefills new meetings from the cells' roster documents.
    let server = TestServer::start(&db, |s| s.rosters.publish = true).await;
    (db, server)
}

/// Runs `node tests/browser/<script> <baseUrl> <args>` and returns its `RESULT` JSON line.
pub async fn run_script(script: &str, port: u16, args: &[&str]) -> Value {
    let root = repo_root();
    let dir = root.join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "run `npm install` in tests/browser (scripts/test-all.sh does)"
    );
    let output = tokio::time::timeout(
        Duration::from_secs(240),
        tokio::process::Command::new("node")
            .arg(dir.join(script))
            .arg(format!("http://127.0.0.1:{port}"))
            .args(args)
            .env("SCREENSHOT_DIR", root.join("target/browser-screenshots"))
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the browser script finishes within 240 s")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| {
            panic!("{script} printed no RESULT\nstdout:\n{stdout}\nstderr:\n{stderr}")
        });
    serde_json::from_str(line).expect("the RESULT line is JSON")
}
