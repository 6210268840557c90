//! `MeetingDoc::field_authors`: the writer of every value the record shows, so the server can
//! tell a committee's score from one typed in by the cell.
#![cfg(feature = "automerge")]

use automerge::ActorId;
use serde_json::json;
use sync_core::doc::{FieldOwner, MeetingDoc, MeetingOp, Sheet};

fn actor(b: u8) -> ActorId {
    ActorId::from([b; 16])
}

fn regular() -> MeetingDoc {
    let (_, bytes) = MeetingDoc::regular_genesis("chi-bo-1", "2026-11").unwrap();
    MeetingDoc::load(&bytes).unwrap()
}

fn writers_of(doc: &MeetingDoc, path: &str) -> Vec<String> {
    doc.field_authors()
        .into_iter()
        .find(|f| f.path == path)
        .map(|f| f.writers.into_iter().map(|w| w.actor).collect())
        .unwrap_or_default()
}

#[test]
fn the_skeleton_of_the_first_change_claims_no_committee_field() {
    let doc = regular();
    let authors = doc.field_authors();
    assert!(
        authors.iter().all(|f| f.owner == FieldOwner::Cell),
        "{authors:?}"
    );
    assert!(
        authors
            .iter()
            .all(|f| f.path != "cellId" && f.path != "period")
    );
}

#[test]
fn each_value_names_the_actor_and_change_that_wrote_it() {
    let mut cell = regular().with_actor(actor(1));
    cell.apply(&MeetingOp::AwardPoints {
        sheet: Sheet::Superior,
        criterion: "c1".into(),
        points: 9.0,
    })
    .unwrap();
    let mut committee = cell.fork().with_actor(actor(2));
    committee
        .apply(&MeetingOp::SetSheetField {
            sheet: Sheet::Superior,
            field: "comment".into(),
            value: json!("Tốt"),
        })
        .unwrap();
    committee
        .apply(&MeetingOp::SetScalar {
            field: "status".into(),
            value: json!("da_xac_nhan"),
        })
        .unwrap();
    let authors = committee.field_authors();
    let forged = authors
        .iter()
        .find(|f| f.path == "superiorScore.awarded.c1")
        .unwrap();
    assert_eq!(forged.owner, FieldOwner::Committee);
    assert_eq!(forged.writers[0].actor, actor(1).to_hex_string());
    let hash = forged.writers[0].change.unwrap();
    let change = committee.inner_mut().get_change_by_hash(&hash).unwrap();
    assert_eq!(change.actor_id(), &actor(1));
    assert_eq!(
        writers_of(&committee, "superiorScore.comment"),
        vec![actor(2).to_hex_string()]
    );
    let status = authors.iter().find(|f| f.path == "status").unwrap();
    assert_eq!(status.owner, FieldOwner::Committee);
    assert_eq!(status.writers[0].actor, actor(2).to_hex_string());
}

#[test]
fn a_text_edited_by_two_actors_names_both() {
    let mut a = regular().with_actor(actor(3));
    a.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Nghị quyết".into(),
    })
    .unwrap();
    let mut b = a.fork().with_actor(actor(4));
    b.apply(&MeetingOp::SpliceText {
        field: "resolution".into(),
        index: 0,
        delete: 0,
        insert: "Dự thảo ".into(),
    })
    .unwrap();
    let writers = writers_of(&b, "resolution");
    assert!(writers.contains(&actor(3).to_hex_string()));
    assert!(writers.contains(&actor(4).to_hex_string()));
}

#[test]
fn the_committee_walk_lists_exactly_the_committee_fields_of_the_full_walk() {
    let mut cell = regular().with_actor(actor(5));
    cell.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Nghị quyết".into(),
    })
    .unwrap();
    cell.apply(&MeetingOp::AwardPoints {
        sheet: Sheet::Superior,
        criterion: "c2".into(),
        points: 4.0,
    })
    .unwrap();
    let mut committee = cell.fork().with_actor(actor(6));
    committee
        .apply(&MeetingOp::ReplaceText {
            field: "returnReason".into(),
            value: "Thiếu biểu quyết".into(),
        })
        .unwrap();
    committee
        .apply(&MeetingOp::SetScalar {
            field: "status".into(),
            value: json!("tra_lai"),
        })
        .unwrap();
    let full: Vec<_> = committee
        .field_authors()
        .into_iter()
        .filter(|f| f.owner == FieldOwner::Committee)
        .collect();
    let paths: Vec<&str> = full.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["returnReason", "status", "superiorScore.awarded.c2"],
        "the fixture must hold committee fields of every kind"
    );
    assert_eq!(committee.committee_field_authors(), full);
    // A cell status is the cell's field: the committee walk leaves it out.
    assert!(
        cell.committee_field_authors()
            .iter()
            .all(|f| f.path != "status")
    );
}

#[test]
fn every_writer_of_every_value_is_among_the_change_authors() {
    let mut a = regular().with_actor(actor(7));
    a.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Nghị quyết".into(),
    })
    .unwrap();
    let mut b = a.fork().with_actor(actor(8));
    b.apply(&MeetingOp::SetScalar {
        field: "status".into(),
        value: json!("da_gui"),
    })
    .unwrap();
    let authors = b.change_authors();
    let genesis_actor = b.field_authors()[0].writers[0].actor.clone();
    assert_eq!(
        authors.len(),
        3,
        "genesis, a's edit and b's edit: {authors:?}"
    );
    for field in b.field_authors() {
        for w in &field.writers {
            assert!(authors.contains(w), "{} by {w:?} missing", field.path);
        }
    }
    let actors: Vec<&str> = authors.iter().map(|w| w.actor.as_str()).collect();
    for expected in [
        genesis_actor,
        actor(7).to_hex_string(),
        actor(8).to_hex_string(),
    ] {
        assert!(actors.contains(&expected.as_str()));
    }
}
