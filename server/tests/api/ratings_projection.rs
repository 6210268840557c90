//! Projection at ingest, rebuild and the review workflow, on both backends.

use diesel::prelude::*;
use server::db::schema::{meeting_facts, meeting_problems};
use server::ratings::catch_up::unprojected_documents;
use server::ratings::lock::LockChange;
use server::ratings::{
    DocSource, Pending, RatingsConfig, pending_stored, project, project_stored, write_pending,
};
use sync_core::doc::MeetingOp;

use crate::helpers::Backend;
use crate::on_both_backends;
use crate::on_conn;
use crate::ratings_support::{
    count_meetings, ctx, demo_db, demo_doc_id, demo_today, dump, edit_stored, load_meeting,
    no_auto_lock, projected_demo_db, rebuild_all, rebuild_with, scalar, store_raw,
    zero_superior_points,
};

on_both_backends!(
    every_demo_meeting_is_projected_with_its_committee_and_scores,
    projecting_the_same_document_twice_gives_the_same_rows,
    two_rebuilds_give_identical_rows,
    a_round_written_in_one_transaction_gives_the_rows_written_one_by_one,
    the_hubs_copies_are_rated_only_at_the_stored_heads_and_give_the_stored_rows,
    corrupt_and_invalid_documents_are_kept_as_problems_and_never_rated,
    a_locked_meeting_keeps_its_official_rating_when_amended_until_reopened,
    a_confirmed_meeting_past_its_lock_date_freezes_the_version_before_a_later_edit,
);

async fn every_demo_meeting_is_projected_with_its_committee_and_scores(backend: Backend) {
    // The template is the seeded demo after `rebuild_all`.
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let all = count_meetings(|_, _| true);
    assert!(all > 36 * 10, "{all}");
    let rows = dump(&mut conn);
    assert_eq!(rows.facts.len(), all);
    assert_eq!(rows.scores.len(), all);
    let hoa_lu = rows
        .facts
        .iter()
        .filter(|f| f.committee_id == "du-hoa-lu")
        .count();
    assert_eq!(
        hoa_lu,
        count_meetings(|m, _| m.committee_id == "du-hoa-lu"),
        "six cells, 11 months, one misses July, and the thematic meetings"
    );
    assert_eq!(
        rows.facts
            .iter()
            .filter(|f| f.committee_id == "du-hoa-lu" && f.meeting_type == "thuong_ky")
            .count(),
        65
    );
    assert!(rows.facts.iter().any(|f| f.meeting_type == "chuyen_de"));
    assert!(rows.facts.iter().all(|f| f.root_id == "dbt-ninh-binh"));
    let first = rows
        .facts
        .iter()
        .find(|f| f.doc_id == demo_doc_id("du-hoa-lu-cb01", "2026-03"))
        .unwrap();
    assert_eq!(first.committee_name, "Đảng ủy phường Hoa Lư");
    assert_eq!(
        (first.year, first.quarter, first.month),
        (Some(2026), Some(1), Some(3))
    );
    assert!(first.expected > 0 && first.present > 0);
    // Months up to September are confirmed (or locked): an official (superior) level; later
    // ones only where a committee confirmed them already.
    for (fact, score) in rows.facts.iter().zip(&rows.scores) {
        assert_eq!(fact.doc_id, score.doc_id);
        assert!(
            score.self_level.is_some(),
            "every demo meeting is self-scored"
        );
        let confirmed = ["da_xac_nhan", "khoa"].contains(&fact.status.as_str());
        if fact.month.unwrap() <= 9 {
            assert!(confirmed, "{} {}", fact.period, fact.status);
        }
        assert_eq!(
            score.official_level.is_some(),
            confirmed && fact.valid,
            "{} {}",
            fact.period,
            fact.status
        );
        if confirmed && fact.valid {
            assert_eq!(score.official_level, score.superior_level);
        }
    }
    // Attendance rows cover the roster; criteria rows both sheets.
    assert!(rows.attendance.len() > all * 8);
    assert!(rows.criteria.iter().any(|c| c.sheet == "superior"));
    assert!(rows.tasks.len() >= all);
    assert!(rows.follow_ups.len() >= all * 3 / 4);
    // The review states of the demo: a queue, returned minutes, drafts, locks.
    for status in ["da_gui", "tra_lai", "nhap", "khoa"] {
        assert!(
            rows.facts.iter().any(|f| f.status == status),
            "some minutes are `{status}`"
        );
    }
}

async fn projecting_the_same_document_twice_gives_the_same_rows(backend: Backend) {
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let config = RatingsConfig::default();
    let id = demo_doc_id("du-gia-vien-cb02", "2026-10");
    project_stored(&mut conn, &id, ctx(&config)).unwrap();
    let once = dump(&mut conn);
    project_stored(&mut conn, &id, ctx(&config)).unwrap();
    // The in-memory document gives the same rows as its stored bytes.
    let doc = load_meeting(&mut conn, &id);
    project(&mut conn, &id, DocSource::Doc(&doc), ctx(&config)).unwrap();
    assert_eq!(once, dump(&mut conn));
    assert_eq!(once.facts.len(), 1);
}

async fn two_rebuilds_give_identical_rows(backend: Backend) {
    // The template was made by a rebuild of the seeded demo.
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let first = dump(&mut conn);
    rebuild_all(&mut conn);
    let second = dump(&mut conn);
    assert_eq!(first, second);
    assert!(
        !first.locks.is_empty(),
        "Jan–Sep are auto-locked on 2026-11-26"
    );
}

async fn a_round_written_in_one_transaction_gives_the_rows_written_one_by_one(backend: Backend) {
    // The template was projected document by document, one transaction each.
    let one_by_one = projected_demo_db(backend);
    let expected = dump(&mut one_by_one.pool().get().unwrap());
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let config = RatingsConfig::default();
    let ids = unprojected_documents(&mut conn).expect("list");
    let pending = ids
        .iter()
        .map(|id| pending_stored(&mut conn, id, None, ctx(&config)).expect("compute"))
        .collect();
    write_pending(&mut conn, pending, demo_today()).expect("one transaction");
    let batched = dump(&mut conn);
    assert!(!batched.locks.is_empty(), "the auto-locks are decided too");
    assert_eq!(batched, expected);
}

async fn the_hubs_copies_are_rated_only_at_the_stored_heads_and_give_the_stored_rows(
    backend: Backend,
) {
    use automerge::transaction::Transactable;
    let one_by_one = projected_demo_db(backend);
    let expected = dump(&mut one_by_one.pool().get().unwrap());
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let config = RatingsConfig::default();
    let ids = unprojected_documents(&mut conn).expect("list");
    // What the sync engine would hold: each document as loaded from its stored bytes.
    let copies: Vec<automerge::Automerge> = ids
        .iter()
        .map(|id| {
            let stored = server::store::load_document(&mut conn, id)
                .unwrap()
                .unwrap();
            automerge::Automerge::load(&stored.concat()).expect("stored bytes load")
        })
        .collect();
    // Without the stored chunks, only a copy can give a meeting's rows.
    on_conn!(&mut *conn, |c| {
        diesel::delete(server::db::schema::doc_chunks::table)
            .execute(c)
            .unwrap()
    });

    // A copy with a change the store does not have is not rated: the stored bytes are read.
    let mut ahead = copies[0].clone();
    let mut tx = ahead.transaction();
    tx.put(automerge::ROOT, "location", "not stored").unwrap();
    tx.commit();
    match pending_stored(&mut conn, &ids[0], Some(ahead), ctx(&config)).expect("compute") {
        Pending::Rows(p) => assert!(!p.fact.valid, "rated from the stored bytes, which are gone"),
        Pending::Remove(_) => {}
    }

    let pending = ids
        .iter()
        .zip(copies)
        .map(|(id, copy)| pending_stored(&mut conn, id, Some(copy), ctx(&config)).expect("compute"))
        .collect();
    write_pending(&mut conn, pending, demo_today()).expect("one transaction");
    assert_eq!(dump(&mut conn), expected);
}

async fn corrupt_and_invalid_documents_are_kept_as_problems_and_never_rated(backend: Backend) {
    // Not projected before: a projection under the default config would have locked May.
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    // Not locked by date here, so an edit that breaks the minutes does change the rating.
    let config = no_auto_lock();
    // The demo has a few minutes with errors of its own (votes above the members present).
    let all = count_meetings(|_, _| true);
    let baseline_invalid = count_meetings(|_, r| {
        sync_core::validate::validate(r)
            .iter()
            .any(|p| p.severity == sync_core::validate::Severity::Error)
    });
    let baseline_valid = all - baseline_invalid;
    assert!(baseline_invalid < 20, "{baseline_invalid}");
    // Garbage bytes; an Automerge document with a cell but no meeting shape; a meeting whose
    // chair was removed (a validation error).
    store_raw(&mut conn, "garbage", b"not an automerge document".to_vec());
    let mut shaped = automerge::AutoCommit::new();
    automerge::transaction::Transactable::put(
        &mut shaped,
        automerge::ROOT,
        "cellId",
        "du-hoa-lu-cb03",
    )
    .unwrap();
    automerge::transaction::Transactable::put(&mut shaped, automerge::ROOT, "period", 7_i64)
        .unwrap();
    store_raw(&mut conn, "misshapen", shaped.save());
    let broken = demo_doc_id("du-hoa-lu-cb02", "2026-05");
    edit_stored(&mut conn, &broken, &[scalar("chairMemberId", "")]);
    let report = rebuild_with(&mut conn, &config);
    assert_eq!(report.documents, all + 2);
    assert_eq!(report.invalid, baseline_invalid + 3, "{report:?}");

    let rows = dump(&mut conn);
    let fact = |id: &str| rows.facts.iter().find(|f| f.doc_id == id).unwrap().clone();
    let score = |id: &str| rows.scores.iter().find(|s| s.doc_id == id).unwrap().clone();
    let garbage = fact("garbage");
    assert!(!garbage.valid && garbage.load_error.is_some());
    assert_eq!(score("garbage").official_level, None);
    let misshapen = fact("misshapen");
    assert!(!misshapen.valid);
    assert_eq!(misshapen.cell_id, "du-hoa-lu-cb03", "listed for its cell");
    let invalid = fact(&broken);
    assert!(!invalid.valid);
    assert_eq!(
        score(&broken).official_level,
        None,
        "never counted as rated"
    );
    assert!(
        score(&broken).superior_level.is_some(),
        "the scores stay visible"
    );
    let codes: Vec<(String, String)> = on_conn!(&mut *conn, |c| meeting_problems::table
        .filter(meeting_problems::doc_id.eq_any(["garbage", "misshapen", broken.as_str()]))
        .select((meeting_problems::doc_id, meeting_problems::code))
        .load(c)
        .unwrap());
    assert!(codes.contains(&("garbage".into(), "load_failed".into())));
    assert!(codes.contains(&("misshapen".into(), "load_failed".into())));
    assert!(
        codes.contains(&(broken.clone(), "missing_chair".into())),
        "{codes:?}"
    );
    let valid: i64 = on_conn!(&mut *conn, |c| meeting_facts::table
        .filter(meeting_facts::valid.eq(true))
        .count()
        .get_result(c)
        .unwrap());
    assert_eq!(valid as usize, baseline_valid - 1);
}

async fn a_locked_meeting_keeps_its_official_rating_when_amended_until_reopened(backend: Backend) {
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    // No auto-lock in this test: only the committee's `khoa` locks.
    let config = no_auto_lock();
    let id = demo_doc_id("du-gia-vien-cb02", "2026-08");
    let before = project_stored(&mut conn, &id, ctx(&config))
        .unwrap()
        .unwrap();
    assert_eq!(before.lock, LockChange::None);
    let official = before.official_level.clone().expect("confirmed in August");
    let before_total = dump(&mut conn).scores[0].superior_total.unwrap();

    edit_stored(&mut conn, &id, &[scalar("status", "khoa")]);
    let locked = project_stored(&mut conn, &id, ctx(&config))
        .unwrap()
        .unwrap();
    assert!(matches!(locked.lock, LockChange::Created(ref l) if l.reason == "status"));
    assert!(!locked.amended_after_lock, "locking is not an amendment");

    // The committee's score is edited after the lock: stored, flagged, official unchanged.
    edit_stored(&mut conn, &id, &zero_superior_points());
    let amended = project_stored(&mut conn, &id, ctx(&config))
        .unwrap()
        .unwrap();
    assert!(matches!(amended.lock, LockChange::Kept(_)));
    assert!(amended.amended_after_lock);
    assert_eq!(amended.official_level.as_deref(), Some(official.as_str()));
    let superior_of = |conn: &mut server::db::DbConnection| {
        let rows = dump(conn);
        let score = rows.scores.iter().find(|s| s.doc_id == id).unwrap().clone();
        (score.superior_total.unwrap(), score.superior_level.unwrap())
    };
    let (total_after, level_after) = superior_of(&mut conn);
    assert!(
        total_after < before_total,
        "the edit is visible: {total_after} vs {before_total}"
    );

    // Reopened (back to submitted): the lock goes, no official rating until confirmed again.
    edit_stored(&mut conn, &id, &[scalar("status", "da_gui")]);
    let reopened = project_stored(&mut conn, &id, ctx(&config))
        .unwrap()
        .unwrap();
    assert_eq!(reopened.lock, LockChange::Reopened);
    assert_eq!(reopened.official_level, None);
    assert!(!reopened.amended_after_lock);
    assert!(dump(&mut conn).locks.is_empty());
    edit_stored(&mut conn, &id, &[scalar("status", "da_xac_nhan")]);
    let confirmed = project_stored(&mut conn, &id, ctx(&config))
        .unwrap()
        .unwrap();
    assert_eq!(confirmed.official_level, Some(level_after));
}

async fn a_confirmed_meeting_past_its_lock_date_freezes_the_version_before_a_later_edit(
    backend: Backend,
) {
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let config = RatingsConfig::default();
    // Projected while still open (before the lock date), then edited after it.
    let id = demo_doc_id("du-hoa-lu-cb01", "2026-09");
    let early = crate::ratings_support::ProjectContextAt::new(&config, 2026, 10, 5);
    let open = project_stored(&mut conn, &id, early.ctx())
        .unwrap()
        .unwrap();
    assert_eq!(open.lock, LockChange::None);
    let official = open.official_level.clone().unwrap();
    let relocate = MeetingOp::ReplaceText {
        field: "location".into(),
        value: "Hội trường mới".into(),
    };
    edit_stored(&mut conn, &id, &[relocate]);
    // 2026-09-30 + 30 days = 2026-10-30: on 2026-11-26 the September meeting is locked, and
    // the official rating is the one projected before the edit.
    let late = project_stored(&mut conn, &id, ctx(&config))
        .unwrap()
        .unwrap();
    assert!(matches!(late.lock, LockChange::Created(ref l) if l.reason == "auto"));
    assert!(late.amended_after_lock);
    assert_eq!(late.official_level, Some(official));
}
