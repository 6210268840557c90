//! The demo province as the authorship rule and the validator see it: every value is written
//! by someone entitled to write it, and every meeting is valid, both after
//! `rebuild-projections` and through the live projector.

use std::sync::Arc;

use server::demo::{self, DemoScale};
use server::ratings::rebuild::rebuild;
use server::ratings::{OrgAuthorship, ProjectContext, Projector, RatingsConfig};

use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;
use crate::ratings_support::{demo_meetings, demo_today, dump};

on_both_backends!(
    the_demo_province_has_no_authorship_violations_after_a_rebuild_or_live_projection,
    seeding_the_demo_twice_writes_nothing_the_second_time,
);

fn authorship_problems(rows: &crate::ratings_support::Dump) -> Vec<String> {
    rows.problems
        .iter()
        .filter(|p| p.source == "violation" || p.severity == "error")
        .map(|p| format!("{} {} {} {}", p.doc_id, p.code, p.path, p.message))
        .collect()
}

async fn the_demo_province_has_no_authorship_violations_after_a_rebuild_or_live_projection(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    demo::seed_with(&mut pool.get().unwrap(), DemoScale::Small).unwrap();
    let expected = demo_meetings().len();

    // The live projector with the organisation's authorship rule.
    let config = RatingsConfig::default();
    let projector = Projector::spawn_with(pool.clone(), config.clone(), Arc::new(OrgAuthorship));
    projector.notify(demo_meetings().iter().map(|m| m.doc_id.to_string()));
    projector.flush().await;
    let live = dump(&mut pool.get().unwrap());
    assert_eq!(authorship_problems(&live), Vec::<String>::new());
    assert_eq!(live.facts.len(), expected);
    assert!(live.facts.iter().all(|f| f.valid));

    // `server admin rebuild-projections`: the same rule.
    let ctx = ProjectContext {
        config: &config,
        check: &OrgAuthorship,
        today: demo_today(),
    };
    let report = rebuild(&mut pool.get().unwrap(), ctx, |_, _| {}).unwrap();
    assert_eq!(report.documents, expected);
    assert_eq!((report.valid, report.invalid), (expected, 0), "{report:?}");
    let rebuilt = dump(&mut pool.get().unwrap());
    assert_eq!(authorship_problems(&rebuilt), Vec::<String>::new());
    assert!(rebuilt.facts.iter().all(|f| f.valid));
    // The committees' scores count: confirmed meetings have an official level.
    let official = rebuilt
        .scores
        .iter()
        .filter(|s| s.official_level.is_some())
        .count();
    assert!(official > expected / 2, "{official} of {expected}");
}

async fn seeding_the_demo_twice_writes_nothing_the_second_time(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let first = demo::seed_with(&mut conn, DemoScale::Small).unwrap();
    assert_eq!(first.documents_written, first.documents_total);
    let second = demo::seed_with(&mut conn, DemoScale::Small).unwrap();
    assert_eq!(second.documents_written, 0);
    assert_eq!(second.documents_total, first.documents_total);
    // Every login of the demo exists and holds its role.
    for user in demo::DEMO_USERS {
        let found = server::accounts::users::user_by_username(&mut conn, user.username).unwrap();
        assert!(found.is_some(), "{}", user.username);
    }
}

/// The full province (what `serve --demo` and the browser tests seed), on SQLite: seeded in a
/// few seconds, and as clean as the small one under the authorship rule and the validator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_demo_province_seeds_quickly_and_is_clean_on_sqlite() {
    let db = TestDb::new(Backend::Sqlite);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let started = std::time::Instant::now();
    let summary = demo::seed(&mut conn).unwrap();
    let seeded = started.elapsed();
    let cells = demo::demo_cells().len();
    assert!((200..=300).contains(&cells), "{cells}");
    assert!(summary.documents_total > cells * 10, "{summary:?}");
    let config = RatingsConfig::default();
    let ctx = ProjectContext {
        config: &config,
        check: &OrgAuthorship,
        today: demo_today(),
    };
    let started = std::time::Instant::now();
    let report = rebuild(&mut conn, ctx, |_, _| {}).unwrap();
    println!(
        "full demo: {cells} cells, {} documents seeded in {seeded:.1?}, rebuilt in {:.1?}",
        summary.documents_total,
        started.elapsed()
    );
    assert_eq!(report.invalid, 0, "{report:?}");
    assert_eq!(report.valid, summary.documents_total);
    assert_eq!(authorship_problems(&dump(&mut conn)), Vec::<String>::new());
}
