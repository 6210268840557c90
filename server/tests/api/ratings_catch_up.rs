//! Documents stored without passing through the hub (the demo seed, a restore, a crash between
//! the durable commit and its projection) are projected when the server starts.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use server::db::schema::meeting_facts;
use server::ratings::catch_up::unprojected_documents;
use server::startup::Application;

use crate::helpers::{Backend, spawn_app_with, test_settings};
use crate::on_both_backends;
use crate::ratings_support::{demo_meetings, rebuild_all, seed_demo};

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
    let app = spawn_app_with(backend, |_| {}).await;
    let pool = app.store.pool().clone();
    seed_demo(&pool);
    let meetings = demo_meetings().len() as i64;
    assert_eq!(projected_meetings(&pool), 0, "the seed projects nothing");
    let waiting = unprojected_documents(&mut pool.get().unwrap()).expect("list");
    assert!(
        waiting.len() as i64 >= meetings,
        "every seeded meeting awaits projection"
    );

    // A second server on the same database: its start projects what the first did not.
    let restarted = Application::build(test_settings(&app.db))
        .await
        .expect("application builds");
    tokio::spawn(restarted.run_until_stopped());
    let deadline = Instant::now() + Duration::from_secs(120);
    while projected_meetings(&pool) < meetings {
        assert!(
            Instant::now() < deadline,
            "{} of {meetings} meetings projected after 120 s",
            projected_meetings(&pool)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_rebuilt_store_has_no_meeting_awaiting_projection(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let pool = app.store.pool().clone();
    seed_demo(&pool);
    let mut conn = pool.get().unwrap();
    let report = rebuild_all(&mut conn);
    let waiting = unprojected_documents(&mut conn).expect("list");
    // Only documents that are not meetings (rosters) have no projection row.
    assert_eq!(waiting.len(), report.skipped, "{waiting:?}");
}
