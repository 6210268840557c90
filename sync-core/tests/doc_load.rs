//! Loading any bytes returns a document or an error, never a panic; documents written by other
//! programs (JS clients writing Text and f64, wrong shapes) read or fail with the field named.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ScalarValue};
use proptest::prelude::*;
use sync_core::doc::{DocError, MeetingDoc, MeetingOp, RosterDoc};
use sync_core::record::{AttendanceStatus, MeetingType};

fn filled_save() -> Vec<u8> {
    let (_, g) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let mut d = MeetingDoc::load(&g).unwrap();
    d.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Nghị quyết tháng".into(),
    })
    .unwrap();
    d.apply(&MeetingOp::MarkAttendance {
        member_id: "m1".into(),
        status: AttendanceStatus::CoMat,
        reason: String::new(),
        late_min: 5,
    })
    .unwrap();
    d.save()
}

#[test]
fn empty_and_truncated_bytes_are_errors() {
    assert!(MeetingDoc::load(&[]).is_err());
    let save = filled_save();
    for len in [1, 8, save.len() / 2, save.len() - 1] {
        assert!(
            MeetingDoc::load(&save[..len]).is_err(),
            "truncated at {len}"
        );
    }
    assert!(MeetingDoc::load(&save).is_ok());
}

#[test]
fn a_roster_is_not_a_meeting_and_a_foreign_document_is_not_either() {
    let (_, roster) = RosterDoc::genesis("cell-1").unwrap();
    let err = MeetingDoc::load(&roster).unwrap_err();
    assert!(
        matches!(err, DocError::Shape { ref path, .. } if path == "period"),
        "{err}"
    );
    let (_, meeting) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let err = RosterDoc::load(&meeting).unwrap_err();
    assert!(
        matches!(err, DocError::Shape { ref path, .. } if path == "members"),
        "{err}"
    );
    let mut foreign = AutoCommit::new();
    foreign.put(ROOT, "title", "todo list").unwrap();
    let err = MeetingDoc::load(&foreign.save()).unwrap_err();
    assert!(
        matches!(err, DocError::Shape { ref path, .. } if path == "schemaVersion"),
        "{err}"
    );
}

#[test]
fn a_document_that_is_not_a_meeting_comes_back_loaded_and_garbage_does_not() {
    use automerge::ReadDoc;
    let (_, roster) = RosterDoc::genesis("cell-1").unwrap();
    let Err((err, Some(mut doc))) = MeetingDoc::load_with_record_or_doc(&roster) else {
        panic!("the roster comes back")
    };
    assert!(matches!(err, DocError::Shape { ref path, .. } if path == "period"));
    assert_eq!(
        doc.get_heads(),
        AutoCommit::load(&roster).unwrap().get_heads()
    );
    assert!(RosterDoc::from_automerge(*doc).is_ok());
    let mut foreign = AutoCommit::new();
    foreign.put(ROOT, "cellId", "cell-9").unwrap();
    let Err((_, Some(doc))) = MeetingDoc::load_with_record_or_doc(&foreign.save()) else {
        panic!("a foreign document comes back")
    };
    assert!(doc.get(ROOT, "cellId").unwrap().is_some());
    assert!(matches!(
        MeetingDoc::load_with_record_or_doc(&[0x85, 0x6f, 0x4a]),
        Err((_, None))
    ));
    let save = filled_save();
    let (doc, record) = MeetingDoc::load_with_record_or_doc(&save).unwrap();
    assert_eq!(record, doc.record().unwrap());
}

#[test]
fn wrong_types_name_the_field() {
    let (_, g) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let mut doc = AutoCommit::load(&g).unwrap();
    let prep = match automerge::ReadDoc::get(&doc, ROOT, "preparation").unwrap() {
        Some((_, id)) => id,
        None => panic!("no preparation"),
    };
    doc.put(&prep, "draftResolution", "yes").unwrap();
    let err = MeetingDoc::load(&doc.save()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `preparation.draftResolution`: expected a boolean"
    );
    let mut doc = AutoCommit::load(&g).unwrap();
    doc.put(ROOT, "status", "published").unwrap();
    let err = MeetingDoc::load(&doc.save()).unwrap_err();
    assert!(err.to_string().contains("`status`"), "{err}");
    let mut doc = AutoCommit::load(&g).unwrap();
    doc.put(ROOT, "schemaVersion", 99u64).unwrap();
    assert_eq!(
        MeetingDoc::load(&doc.save()).unwrap_err(),
        DocError::UnsupportedVersion(99)
    );
}

#[test]
fn a_js_like_document_with_text_strings_and_f64_numbers_reads() {
    // What the JS library writes for `doc.cellId = "c1"; doc.votes = [{id: "v1", for: 7, ...}]`:
    // strings as Text (even ids and codes), numbers as f64, scalar strings elsewhere.
    let mut doc = AutoCommit::new();
    let text = |doc: &mut AutoCommit, obj: &automerge::ObjId, key: &str, s: &str| {
        let t = doc.put_object(obj, key, ObjType::Text).unwrap();
        doc.splice_text(&t, 0, 0, s).unwrap();
    };
    doc.put(ROOT, "schemaVersion", ScalarValue::F64(1.0))
        .unwrap();
    text(&mut doc, &ROOT, "cellId", "c1");
    text(&mut doc, &ROOT, "meetingType", "ket_hop");
    text(&mut doc, &ROOT, "period", "2025-11");
    doc.put(ROOT, "startedAt", "2025-11-03T08:00").unwrap();
    let votes = doc.put_object(ROOT, "votes", ObjType::List).unwrap();
    let v = doc.insert_object(&votes, 0, ObjType::Map).unwrap();
    text(&mut doc, &v, "id", "v1");
    doc.put(&v, "for", ScalarValue::F64(7.0)).unwrap();
    doc.put(&v, "against", ScalarValue::Int(1)).unwrap();
    let sheet = doc.put_object(ROOT, "selfScore", ObjType::Map).unwrap();
    let awarded = doc.put_object(&sheet, "awarded", ObjType::Map).unwrap();
    doc.put(&awarded, "c1", ScalarValue::Int(4)).unwrap();
    doc.put(&awarded, "c2", ScalarValue::F64(2.5)).unwrap();
    doc.put(ROOT, "location", ScalarValue::Null).unwrap();
    let mut d = MeetingDoc::load(&doc.save()).unwrap();
    let r = d.record().unwrap();
    assert_eq!(
        (r.cell_id.as_str(), r.meeting_type),
        ("c1", MeetingType::KetHop)
    );
    assert_eq!(
        (
            r.votes[0].id.as_str(),
            r.votes[0].in_favour,
            r.votes[0].against
        ),
        ("v1", 7, 1)
    );
    assert_eq!(r.self_score.awarded["c1"], 4.0);
    assert_eq!(r.self_score.awarded["c2"], 2.5);
    // Ops work on it: a Text id is found, a Text written as a scalar becomes Text.
    d.apply(&MeetingOp::UpdateItem {
        list: sync_core::doc::ListName::Votes,
        id: "v1".into(),
        field: "abstain".into(),
        value: serde_json::json!(2),
    })
    .unwrap();
    d.apply(&MeetingOp::ReplaceText {
        field: "location".into(),
        value: "Nhà văn hóa".into(),
    })
    .unwrap();
    let r = d.record().unwrap();
    assert_eq!(
        (r.votes[0].abstain, r.location.as_str()),
        (2, "Nhà văn hóa")
    );
    let mut bad = AutoCommit::load(&doc.save()).unwrap();
    bad.put(&v, "for", ScalarValue::F64(7.5)).unwrap();
    let err = MeetingDoc::load(&bad.save()).unwrap_err();
    assert!(err.to_string().contains("votes[0].for"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = MeetingDoc::load(&bytes);
        let _ = RosterDoc::load(&bytes);
    }

    #[test]
    fn mutated_saves_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut save = filled_save();
        for (at, byte) in edits {
            let i = at.index(save.len());
            save[i] = byte;
        }
        if truncate {
            save.truncate(cut.index(save.len()));
        }
        if let Ok(d) = MeetingDoc::load(&save) {
            let _ = d.record();
            let _ = d.conflicts();
        }
        let _ = RosterDoc::load(&save);
    }

    #[test]
    fn mutated_uncompressed_saves_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let (_, g) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
        let mut save = AutoCommit::load(&g).unwrap().save_nocompress();
        for (at, byte) in edits {
            let i = at.index(save.len());
            save[i] = byte;
        }
        if let Ok(d) = MeetingDoc::load(&save) {
            let _ = d.conflicts();
        }
    }
}
