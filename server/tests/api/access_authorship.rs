//! The access layer on both backends: the cell recorded with a document, the actor registry
//! filled in the commit transaction, the authorship check (`audit::violations`) and the
//! server's `CellGuard`.

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use chrono::NaiveDate;
use serde_json::json;
use server::accounts::credentials::enrol_device;
use server::accounts::roles::{grant_role, revoke_role};
use server::accounts::users::create_user;
use server::audit::{ViolationReason, registered_actor, violations};
use server::db::{DbConnection, DbPool};
use server::org::UnitKind;
use server::org::access::documents::cell_of;
use server::org::access::{LiveAccess, Role};
use server::org::units::{NewUnit, create_unit};
use server::store::{DocWrite, commit_batch};
use server::ws::guard::CellGuard;
use sync_core::doc::{FieldOwner, MeetingDoc, MeetingOp, Sheet};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{Candidate, ChangeGuard, DocMeta, PeerIdentity};

use crate::helpers::{Backend, TestDb, change_meta, create_device};
use crate::on_both_backends;

/// Devices of: the secretary of cell `a`, the secretary of cell `b` (both under committee
/// `k`), a committee member of `k`, and a device without a user.
struct Org {
    sec_a: String,
    sec_a_user: String,
    sec_b: String,
    member: String,
    member_user: String,
    no_user: String,
}

fn setup(pool: &DbPool) -> Org {
    let mut conn = pool.get().expect("connection");
    let from = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
    let units = [
        ("k", UnitKind::DangUy, None),
        ("a", UnitKind::ChiBo, Some("k")),
        ("b", UnitKind::ChiBo, Some("k")),
    ];
    for (code, kind, parent) in units {
        let unit = NewUnit {
            code: code.into(),
            kind,
            name: format!("Đơn vị {code}"),
            parent_code: parent.map(Into::into),
        };
        create_unit(&mut conn, &unit, from).expect("unit");
    }
    let mut device_of = |username: &str, role: Role, unit: &str| {
        let user = create_user(&mut conn, username, username, "mật-khẩu-dài-đủ").expect("user");
        grant_role(&mut conn, username, role, unit).expect("role");
        let (cred, _) =
            enrol_device(&mut conn, &user.id, username, chrono::Duration::days(30)).expect("enrol");
        (cred.device.id, user.id)
    };
    let (sec_a, sec_a_user) = device_of("bithu.a", Role::CellSecretary, "a");
    let (sec_b, _) = device_of("bithu.b", Role::CellSecretary, "b");
    let (member, member_user) = device_of("uyvien.k", Role::CommitteeMember, "k");
    drop(conn);
    let (no_user, _) = create_device(pool, "script");
    Org {
        sec_a,
        sec_a_user,
        sec_b,
        member,
        member_user,
        no_user: no_user.id,
    }
}

/// Commits the changes of `doc` after `since`, delivered by `device`.
fn deliver(
    conn: &mut DbConnection,
    doc_id: &str,
    doc: &mut MeetingDoc,
    since: &[automerge::ChangeHash],
    device: &str,
    cell: Option<&str>,
) {
    let inner = doc.inner_mut();
    let changes = change_meta(inner, since);
    let bytes: Vec<u8> = inner
        .get_changes(since)
        .iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect();
    let write = DocWrite {
        doc_id: doc_id.to_owned(),
        change_bytes: bytes,
        new_heads: inner.get_heads(),
        changes,
        device_id: device.to_owned(),
        owner_if_new: None,
        cell_if_new: cell.map(Into::into),
    };
    commit_batch(conn, &[write]).expect("commit");
}

/// Cell `a`'s meeting with its resolution typed by the secretary's actor.
fn cell_a_meeting_with(resolution: &str) -> (String, MeetingDoc) {
    let (doc_id, genesis) = cell_a_meeting();
    let mut cell = genesis.with_actor(ActorId::from([0xa; 16]));
    cell.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: resolution.into(),
    })
    .expect("op");
    (doc_id, cell)
}

/// Path and reason of each violation.
fn reasons(found: &[server::audit::Violation]) -> Vec<(&str, ViolationReason)> {
    found.iter().map(|v| (v.path.as_str(), v.reason)).collect()
}

fn cell_a_meeting() -> (String, MeetingDoc) {
    let (id, bytes) = MeetingDoc::regular_genesis("a", "2026-11").expect("genesis");
    (id.to_string(), MeetingDoc::load(&bytes).expect("load"))
}

async fn the_first_delivery_registers_an_actor_and_the_cell_is_recorded_once(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let org = setup(&pool);
    let mut conn = pool.get().expect("connection");
    let (doc_id, doc) = cell_a_meeting();
    let mut doc = doc.with_actor(ActorId::from([1; 16]));
    deliver(&mut conn, &doc_id, &mut doc, &[], &org.sec_a, Some("a"));
    let first =
        registered_actor(&mut conn, &ActorId::from([1; 16]).to_hex_string()).expect("query");
    // Nothing written by actor 1 yet: only the genesis actor is registered.
    assert!(first.is_none());
    let before = doc.heads();
    doc.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Nghị quyết".into(),
    })
    .expect("op");
    deliver(&mut conn, &doc_id, &mut doc, &before, &org.sec_a, Some("b"));
    let actor = ActorId::from([1; 16]).to_hex_string();
    let registered = registered_actor(&mut conn, &actor)
        .expect("query")
        .expect("registered");
    assert_eq!(registered.device_id, org.sec_a);
    assert_eq!(registered.user_id.as_deref(), Some(org.sec_a_user.as_str()));
    // The same actor delivered again by another device keeps its first registration.
    let before = doc.heads();
    doc.apply(&MeetingOp::ReplaceText {
        field: "difficulties".into(),
        value: "Không".into(),
    })
    .expect("op");
    deliver(&mut conn, &doc_id, &mut doc, &before, &org.member, None);
    let again = registered_actor(&mut conn, &actor)
        .expect("query")
        .expect("registered");
    assert_eq!(again, registered);
    assert_eq!(
        cell_of(&mut conn, &doc_id).expect("cell").as_deref(),
        Some("a")
    );
}

async fn a_forged_superior_score_is_flagged_and_the_committees_own_counts(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let org = setup(&pool);
    let mut conn = pool.get().expect("connection");
    let (doc_id, mut cell) = cell_a_meeting_with("Nghị quyết tháng 11");
    cell.apply(&MeetingOp::AwardPoints {
        sheet: Sheet::Superior,
        criterion: "c1".into(),
        points: 10.0,
    })
    .expect("forged score");
    deliver(&mut conn, &doc_id, &mut cell, &[], &org.sec_a, Some("a"));
    // Only the cell's secretary has written so far, so only the committee's fields are read:
    // the forged score is found all the same.
    let early = violations(&mut conn, &doc_id, &cell).expect("violations");
    assert_eq!(
        reasons(&early),
        vec![("superiorScore.awarded.c1", ViolationReason::NotCommittee)]
    );

    let before = cell.heads();
    let mut committee = cell.fork().with_actor(ActorId::from([0xc; 16]));
    committee
        .apply(&MeetingOp::SetSheetField {
            sheet: Sheet::Superior,
            field: "comment".into(),
            value: json!("Đạt yêu cầu"),
        })
        .expect("op");
    committee
        .apply(&MeetingOp::SetScalar {
            field: "status".into(),
            value: json!("da_xac_nhan"),
        })
        .expect("op");
    committee
        .apply(&MeetingOp::ReplaceText {
            field: "difficulties".into(),
            value: "Ghi thay chi bộ".into(),
        })
        .expect("op");
    deliver(
        &mut conn,
        &doc_id,
        &mut committee,
        &before,
        &org.member,
        None,
    );

    let found = violations(&mut conn, &doc_id, &committee).expect("violations");
    let mut paths = reasons(&found);
    paths.sort_by_key(|p| p.0);
    assert_eq!(
        paths,
        vec![
            ("difficulties", ViolationReason::NotCell),
            ("superiorScore.awarded.c1", ViolationReason::NotCommittee),
        ],
        "{found:?}"
    );
    assert_eq!(found.len(), 2, "{found:?}");
    let forged = found
        .iter()
        .find(|v| v.path == "superiorScore.awarded.c1")
        .expect("flagged");
    assert_eq!(forged.owner, FieldOwner::Committee);
    assert_eq!(forged.user_id.as_deref(), Some(org.sec_a_user.as_str()));
    assert_eq!(forged.value, json!(10.0));
    let overreach = found
        .iter()
        .find(|v| v.path == "difficulties")
        .expect("flagged");
    assert_eq!(overreach.user_id.as_deref(), Some(org.member_user.as_str()));
    assert!(
        found
            .iter()
            .all(|v| v.path != "status" && v.path != "superiorScore.comment")
    );
    // The values are all still in the document.
    let record = committee.record().expect("record");
    assert_eq!(record.superior_score.awarded.get("c1"), Some(&10.0));
    assert_eq!(record.difficulties, "Ghi thay chi bộ");
}

async fn the_cell_guard_fixes_the_cell_and_requires_one_from_users(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let org = setup(&pool);
    let mut conn = pool.get().expect("connection");
    let guard = CellGuard::new(LiveAccess::load(&mut conn).expect("access"));
    let (id, genesis) = cell_a_meeting();
    let doc_id = DocumentId::parse(&id).expect("id");
    let mut meeting = genesis;
    let doc = Automerge::load(&meeting.save()).expect("load");
    let check = |peer: &str, doc: &Automerge, meta: Option<&DocMeta>, before| {
        guard.check(&Candidate {
            peer: &PeerIdentity(peer.into()),
            doc_id: &doc_id,
            meta,
            doc,
            before,
        })
    };
    assert_eq!(check(&org.sec_a, &doc, None, &[]), Ok(Some("a".into())));
    assert_eq!(
        check(&org.sec_b, &doc, None, &[]),
        Ok(Some("a".into())),
        "the policy decides who"
    );

    let mut other = automerge::AutoCommit::new();
    other.put(ROOT, "title", "not a meeting").expect("put");
    let other = Automerge::load(&other.save()).expect("load");
    assert!(check(&org.sec_a, &other, None, &[]).is_err());
    assert_eq!(check(&org.no_user, &other, None, &[]), Ok(None));

    let meta = DocMeta {
        created_by: Some(PeerIdentity(org.sec_a.clone())),
        cell: Some("a".into()),
    };
    let before = doc.get_heads();
    for (field, value) in [
        ("cellId", "b"),
        ("period", "2026-12"),
        ("meetingType", "chi_uy"),
    ] {
        let mut moved = meeting.fork();
        moved.inner_mut().put(ROOT, field, value).expect("put");
        moved.inner_mut().commit();
        let moved = Automerge::load(&moved.save()).expect("load");
        assert!(
            check(&org.sec_a, &moved, Some(&meta), &before).is_err(),
            "{field}"
        );
    }
    meeting
        .apply(&MeetingOp::ReplaceText {
            field: "resolution".into(),
            value: "Được".into(),
        })
        .expect("op");
    let edited = Automerge::load(&meeting.save()).expect("load");
    assert_eq!(check(&org.sec_a, &edited, Some(&meta), &before), Ok(None));
}

async fn a_value_written_by_an_actor_the_server_never_saw_is_flagged(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let org = setup(&pool);
    let mut conn = pool.get().expect("connection");
    let (doc_id, mut cell) = cell_a_meeting_with("Nghị quyết");
    deliver(&mut conn, &doc_id, &mut cell, &[], &org.sec_a, Some("a"));
    assert_eq!(
        violations(&mut conn, &doc_id, &cell).expect("violations"),
        vec![]
    );
    // A change that did not come through this server: its actor is registered nowhere, so the
    // cell's fields are read too and the text it wrote is listed.
    let mut stranger = cell.fork().with_actor(ActorId::from([0xe; 16]));
    stranger
        .apply(&MeetingOp::ReplaceText {
            field: "difficulties".into(),
            value: "Không rõ ai ghi".into(),
        })
        .expect("op");
    let found = violations(&mut conn, &doc_id, &stranger).expect("violations");
    assert_eq!(
        reasons(&found),
        vec![("difficulties", ViolationReason::UnknownActor)]
    );
}

async fn an_actors_later_changes_are_judged_by_the_roles_held_when_they_arrived(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let org = setup(&pool);
    let mut conn = pool.get().expect("connection");
    let (doc_id, mut cell) = cell_a_meeting_with("Nghị quyết tháng 11");
    deliver(&mut conn, &doc_id, &mut cell, &[], &org.sec_a, Some("a"));
    assert_eq!(
        violations(&mut conn, &doc_id, &cell).expect("violations"),
        vec![]
    );

    // The secretary loses the role; the same device and actor then write another field.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let (_, revoked) = revoke_role(&mut conn, "bithu.a", Role::CellSecretary, "a").expect("revoke");
    assert!(revoked);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let before = cell.heads();
    cell.apply(&MeetingOp::ReplaceText {
        field: "difficulties".into(),
        value: "Viết sau khi thôi chức".into(),
    })
    .expect("op");
    deliver(&mut conn, &doc_id, &mut cell, &before, &org.sec_a, None);

    // One actor, two arrivals: only what arrived after the revocation is flagged.
    let found = violations(&mut conn, &doc_id, &cell).expect("violations");
    assert_eq!(
        reasons(&found),
        vec![("difficulties", ViolationReason::NotCell)],
        "{found:?}"
    );
    assert_eq!(found[0].user_id.as_deref(), Some(org.sec_a_user.as_str()));
    assert!(found[0].change.is_some());
}

on_both_backends!(
    the_first_delivery_registers_an_actor_and_the_cell_is_recorded_once,
    an_actors_later_changes_are_judged_by_the_roles_held_when_they_arrived,
    a_forged_superior_score_is_flagged_and_the_committees_own_counts,
    a_value_written_by_an_actor_the_server_never_saw_is_flagged,
    the_cell_guard_fixes_the_cell_and_requires_one_from_users,
);
