//! The demo province as the authorship rule and the validator see it: every value is written
//! by someone entitled to write it, and every meeting is valid, both after
//! `rebuild-projections` and through the live projector.

use std::sync::Arc;

use server::demo::{self, DemoScale};
use server::ratings::rebuild::rebuild;
use server::ratings::{OrgAuthorship, ProjectContext, Projector, RatingsConfig};

use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ratings_support::{demo_db, demo_meetings, demo_today, dump};

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
    let db = demo_db(backend);
    let pool = db.pool();
    let expected = demo_meetings().len();

    // The live projector with the organisation's authorship rule, on the committee whose first
    // quarter is locked (the rebuild below covers every committee with the same rule).
    let config = RatingsConfig::default();
    let projector = Projector::spawn_with(pool.clone(), config.clone(), Arc::new(OrgAuthorship));
    let tam_diep: Vec<String> = demo_meetings()
        .iter()
        .filter(|m| m.committee_id == "du-tam-diep")
        .map(|m| m.doc_id.to_string())
        .collect();
    projector.notify(tam_diep.iter().cloned());
    projector.flush().await;
    let live = dump(&mut pool.get().unwrap());
    assert_eq!(authorship_problems(&live), Vec::<String>::new());
    assert_eq!(live.facts.len(), tam_diep.len());
    assert!(live.facts.iter().all(|f| f.valid));
    assert!(
        live.locks.iter().any(|l| tam_diep.contains(&l.doc_id)),
        "locked meetings included"
    );

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
    // A database the demo was seeded into once (the template), seeded again.
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let second = demo::seed_with(&mut conn, DemoScale::Small).unwrap();
    assert_eq!(second.documents_written, 0);
    assert!(
        second.documents_total >= demo_meetings().len(),
        "{second:?}"
    );
    // Every login of the demo exists and holds its role.
    for user in demo::DEMO_USERS {
        let found = server::accounts::users::user_by_username(&mut conn, user.username).unwrap();
        assert!(found.is_some(), "{}", user.username);
    }
}
