//! Typed operations change exactly what they name, normalise text, and refuse bad input without
//! changing anything.

use automerge::ActorId;
use serde_json::json;
use sync_core::doc::{ListName, MeetingDoc, MeetingOp, Sheet};
use sync_core::record::{AttendanceStatus, Contribution, MemberCategory, Vote};

fn fresh() -> MeetingDoc {
    let (_, g) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    MeetingDoc::load(&g)
        .unwrap()
        .with_actor(ActorId::from([9u8; 16]))
}

fn contribution(id: &str, summary: &str) -> MeetingOp {
    MeetingOp::AddContribution {
        item: Contribution {
            id: id.into(),
            member_id: "m1".into(),
            item_ref: String::new(),
            summary: summary.into(),
        },
    }
}

#[test]
fn every_op_writes_what_it_names() {
    let mut d = fresh();
    let ops = [
        MeetingOp::SetScalar {
            field: "startedAt".into(),
            value: json!("2025-11-03T08:00"),
        },
        MeetingOp::SetScalar {
            field: "preparation.draftResolution".into(),
            value: json!(true),
        },
        MeetingOp::SetScalar {
            field: "dues.amountVnd".into(),
            value: json!(250000),
        },
        MeetingOp::SetScalar {
            field: "status".into(),
            value: json!("da_gui"),
        },
        MeetingOp::SetRosterEntry {
            member_id: "m1".into(),
            full_name: "Nguyễn Văn An".into(),
            category: MemberCategory::ChinhThuc,
        },
        contribution("c1", "Đồng ý"),
        MeetingOp::SpliceItemText {
            list: ListName::Contributions,
            id: "c1".into(),
            field: "summary".into(),
            index: 6,
            delete: 0,
            insert: " với dự thảo".into(),
        },
        MeetingOp::AddVote {
            item: Vote {
                id: "v1".into(),
                subject: "Nghị quyết".into(),
                in_favour: 9,
                ..Vote::default()
            },
        },
        MeetingOp::UpdateItem {
            list: ListName::Votes,
            id: "v1".into(),
            field: "against".into(),
            value: json!(1),
        },
        MeetingOp::AwardPoints {
            sheet: Sheet::SelfScore,
            criterion: "c-tg".into(),
            points: 4.5,
        },
        MeetingOp::SetSheetField {
            sheet: Sheet::Superior,
            field: "comment".into(),
            value: json!("Tốt"),
        },
        MeetingOp::SpliceText {
            field: "topic".into(),
            index: 0,
            delete: 0,
            insert: "Học tập".into(),
        },
    ];
    for op in &ops {
        d.apply(op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    let r = d.record().unwrap();
    assert_eq!(r.started_at, "2025-11-03T08:00");
    assert!(r.preparation.draft_resolution);
    assert_eq!(r.dues.map(|d| d.amount_vnd), Some(250_000));
    assert_eq!(r.roster["m1"].full_name, "Nguyễn Văn An");
    assert_eq!(r.contributions[0].summary, "Đồng ý với dự thảo");
    assert_eq!((r.votes[0].in_favour, r.votes[0].against), (9, 1));
    assert_eq!(r.self_score.awarded["c-tg"], 4.5);
    assert_eq!(r.superior_score.comment, "Tốt");
    assert_eq!(r.topic, "Học tập");
}

#[test]
fn text_is_normalised_on_the_way_in() {
    let mut d = fresh();
    // NFD "Đảng" with the Icelandic Ð homoglyph.
    d.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "\u{00D0}a\u{0309}ng".into(),
    })
    .unwrap();
    d.apply(&MeetingOp::MarkAttendance {
        member_id: "m1".into(),
        status: AttendanceStatus::VangCoLyDo,
        reason: "o\u{0302}\u{0301}m".into(),
        late_min: 0,
    })
    .unwrap();
    // A combining mark spliced after its base letter still leaves the field NFC.
    d.apply(&MeetingOp::ReplaceText {
        field: "topic".into(),
        value: "a".into(),
    })
    .unwrap();
    d.apply(&MeetingOp::SpliceText {
        field: "topic".into(),
        index: 1,
        delete: 0,
        insert: "\u{0301}".into(),
    })
    .unwrap();
    let r = d.record().unwrap();
    assert_eq!(r.resolution, "Đảng");
    assert_eq!(r.attendance["m1"].reason, "ốm");
    assert_eq!(r.topic, "á");
}

#[test]
fn bad_ops_are_refused_and_change_nothing() {
    let mut d = fresh();
    d.apply(&contribution("c1", "x")).unwrap();
    let before = d.heads();
    let bad = [
        MeetingOp::SetScalar {
            field: "cellId".into(),
            value: json!("other"),
        },
        MeetingOp::SetScalar {
            field: "nope".into(),
            value: json!("x"),
        },
        MeetingOp::SetScalar {
            field: "startedAt".into(),
            value: json!("yesterday"),
        },
        MeetingOp::SetScalar {
            field: "status".into(),
            value: json!("published"),
        },
        MeetingOp::SetScalar {
            field: "resolution".into(),
            value: json!("x"),
        },
        MeetingOp::SetScalar {
            field: "preparation.nope".into(),
            value: json!(true),
        },
        MeetingOp::SetScalar {
            field: "rosterCounts.tong".into(),
            value: json!(-1),
        },
        MeetingOp::SpliceText {
            field: "topic".into(),
            index: 5,
            delete: 0,
            insert: "x".into(),
        },
        MeetingOp::SpliceText {
            field: "startedAt".into(),
            index: 0,
            delete: 0,
            insert: "x".into(),
        },
        MeetingOp::UpdateItem {
            list: ListName::Tasks,
            id: "c1".into(),
            field: "task".into(),
            value: json!("x"),
        },
        MeetingOp::UpdateItem {
            list: ListName::Contributions,
            id: "c1".into(),
            field: "id".into(),
            value: json!("y"),
        },
        MeetingOp::UpdateItem {
            list: ListName::Contributions,
            id: "c1".into(),
            field: "bogus".into(),
            value: json!("y"),
        },
        MeetingOp::RemoveItem {
            list: ListName::Contributions,
            id: "zz".into(),
        },
        contribution("c1", "duplicate"),
        contribution("", "no id"),
        MeetingOp::AwardPoints {
            sheet: Sheet::SelfScore,
            criterion: "c".into(),
            points: f64::NAN,
        },
        MeetingOp::RemoveAward {
            sheet: Sheet::SelfScore,
            criterion: "c".into(),
        },
        MeetingOp::RemoveRosterEntry {
            member_id: "ghost".into(),
        },
        MeetingOp::MarkAttendance {
            member_id: "has space".into(),
            status: AttendanceStatus::CoMat,
            reason: String::new(),
            late_min: 0,
        },
    ];
    for op in &bad {
        assert!(d.apply(op).is_err(), "accepted {op:?}");
        assert_eq!(d.heads(), before, "{op:?} changed the document");
    }
    assert_eq!(d.record().unwrap().contributions.len(), 1);
}

#[test]
fn items_are_addressed_by_id_not_index() {
    let mut a = fresh();
    a.apply(&contribution("c1", "một")).unwrap();
    a.apply(&contribution("c2", "hai")).unwrap();
    let mut b = a.fork();
    // A removes the first item while B edits the second by id: B's edit lands on c2.
    a.apply(&MeetingOp::RemoveItem {
        list: ListName::Contributions,
        id: "c1".into(),
    })
    .unwrap();
    b.apply(&MeetingOp::UpdateItem {
        list: ListName::Contributions,
        id: "c2".into(),
        field: "summary".into(),
        value: json!("hai (sửa)"),
    })
    .unwrap();
    a.merge(&mut b).unwrap();
    let r = a.record().unwrap();
    assert_eq!(r.contributions.len(), 1);
    assert_eq!(r.contributions[0].id, "c2");
    assert_eq!(r.contributions[0].summary, "hai (sửa)");
}

#[test]
fn concurrent_points_and_start_times_show_as_conflicts_with_their_authors() {
    let mut a = fresh().with_actor(ActorId::from([0xaa; 16]));
    let mut b = a.fork().with_actor(ActorId::from([0xbb; 16]));
    a.apply(&MeetingOp::AwardPoints {
        sheet: Sheet::SelfScore,
        criterion: "c1".into(),
        points: 5.0,
    })
    .unwrap();
    b.apply(&MeetingOp::AwardPoints {
        sheet: Sheet::SelfScore,
        criterion: "c1".into(),
        points: 3.0,
    })
    .unwrap();
    a.apply(&MeetingOp::SetScalar {
        field: "startedAt".into(),
        value: json!("2025-11-03T08:00"),
    })
    .unwrap();
    b.apply(&MeetingOp::SetScalar {
        field: "startedAt".into(),
        value: json!("2025-11-03T08:30"),
    })
    .unwrap();
    a.merge(&mut b).unwrap();
    let conflicts = a.conflicts();
    let paths: Vec<&str> = conflicts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["selfScore.awarded.c1", "startedAt"]);
    let start = &conflicts[1];
    let mut seen: Vec<(String, String)> = start
        .values
        .iter()
        .map(|v| (v.value.as_str().unwrap().to_owned(), v.actor.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("2025-11-03T08:00".to_owned(), "aa".repeat(16)),
            ("2025-11-03T08:30".to_owned(), "bb".repeat(16))
        ]
    );
    // The first value is the one the record shows.
    assert_eq!(start.values[0].value, json!(a.record().unwrap().started_at));
    // Writing the field again resolves the conflict.
    a.apply(&MeetingOp::SetScalar {
        field: "startedAt".into(),
        value: json!("2025-11-03T08:15"),
    })
    .unwrap();
    assert_eq!(a.conflicts().len(), 1);
}

#[test]
fn ops_round_trip_through_the_shared_json_corpus_format() {
    let op: MeetingOp = serde_json::from_value(json!({
        "op": "markAttendance", "memberId": "m1", "status": "vang_co_ly_do", "reason": "ốm"
    }))
    .unwrap();
    assert_eq!(
        op,
        MeetingOp::MarkAttendance {
            member_id: "m1".into(),
            status: AttendanceStatus::VangCoLyDo,
            reason: "ốm".into(),
            late_min: 0
        }
    );
    let award = serde_json::to_value(MeetingOp::AwardPoints {
        sheet: Sheet::SelfScore,
        criterion: "c1".into(),
        points: 2.0,
    })
    .unwrap();
    assert_eq!(
        award,
        json!({"op": "awardPoints", "sheet": "self", "criterion": "c1", "points": 2.0})
    );
    let add: MeetingOp =
        serde_json::from_value(json!({"op": "addTask", "item": {"id": "t1", "task": "Báo cáo"}}))
            .unwrap();
    assert!(matches!(add, MeetingOp::AddTask { .. }));
}
