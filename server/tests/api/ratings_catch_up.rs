//! Documents stored without passing through the hub (the demo seed, a restore, a crash between
//! the durable commit and its projection) are projected when the server starts.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use server::db::schema::{documents, meeting_facts};
use server::ratings::catch_up::unprojected_documents;

use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;
use crate::ratings_support::{demo_db, demo_meetings, projected_demo_db};

on_both_backends!(
    documents_stored_without_a_projection_are_projected_when_the_server_starts,
    a_rebuilt_store_has_no_meeting_awaiting_projection,
);

fn projected_meetings(pool: &server::db::DbPool) -> i64 {
    let mut conn = pool.get().expect("connection");
    meeting_facts::table
        .count()
        .get_result(&mut conn)
        .expect("count")
}

async fn documents_stored_without_a_projection_are_projected_when_the_server_starts(
    backend: Backend,
) {
    let db = demo_db(backend);
    let pool = db.pool();
    let meetings = demo_meetings().len() as i64;
    assert_eq!(projected_meetings(&pool), 0, "the seed projects nothing");
    let waiting = unprojected_documents(&mut pool.get().unwrap()).expect("list");
    assert!(
        waiting.len() as i64 >= meetings,
        "every seeded meeting awaits projection"
    );

    // A server started on that database projects what the seed did not.
    let app = spawn_app_on(db, |_| {}).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while projected_meetings(&pool) < meetings {
        assert!(
            Instant::now() < deadline,
            "{} of {meetings} meetings projected after 120 s",
            projected_meetings(&pool)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The dashboard's freshness is exported: a lag per projected document, and nothing left
    // pending once the round that wrote the last rows has finished.
    let metric = |body: &str, name: &str| -> f64 {
        body.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no `{name}` in:\n{body}"))
    };
    loop {
        let res = app.client.get(app.url("/metrics")).send().await.unwrap();
        let body = res.text().await.unwrap();
        if metric(&body, "sync_projection_pending ") == 0.0 {
            let lags = metric(&body, "sync_projection_lag_seconds_count ");
            assert!(
                lags >= meetings as f64,
                "{lags} lags for {meetings} meetings"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "projections still pending:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_rebuilt_store_has_no_meeting_awaiting_projection(backend: Backend) {
    // The template is the seeded demo after `rebuild_all`.
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let waiting = unprojected_documents(&mut conn).expect("list");
    // Only documents that are not meetings have no projection row.
    let stored: i64 = documents::table
        .count()
        .get_result(&mut pool.get().unwrap())
        .expect("count");
    let not_meetings = stored as usize - demo_meetings().len();
    assert_eq!(waiting.len(), not_meetings, "{waiting:?}");
}
