//! Deterministic genesis: devices that start the same regular meeting or roster offline share one
//! document.

use automerge::ActorId;
use sync_core::doc::{MeetingDoc, MeetingOp, RosterDoc, RosterOp};
use sync_core::record::{MeetingType, MemberCategory};

#[test]
fn two_independent_genesis_calls_give_identical_bytes_and_heads() {
    let (id_a, a) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let (id_b, b) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    assert_eq!(id_a, id_b);
    assert_eq!(a, b);
    let mut da = MeetingDoc::load(&a).unwrap();
    let mut db = MeetingDoc::load(&b).unwrap();
    assert_eq!(da.heads(), db.heads());
    assert_eq!(da.heads().len(), 1);
    let (other, _) = MeetingDoc::regular_genesis("cell-1", "2025-12").unwrap();
    assert_ne!(id_a, other);
}

#[test]
fn the_genesis_holds_the_skeleton_and_the_default_date() {
    let (id, bytes) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let record = MeetingDoc::load(&bytes).unwrap().record().unwrap();
    assert_eq!(record.schema_version, 1);
    assert_eq!(record.meeting_id, id.to_string());
    assert_eq!(record.cell_id, "cell-1");
    assert_eq!(record.period, "2025-11");
    assert_eq!(record.meeting_type, MeetingType::ThuongKy);
    assert_eq!(record.scheduled_date, "2025-11-03");
    assert!(record.roster_counts.is_none() && record.dues.is_none());
}

#[test]
fn bad_genesis_parameters_are_errors() {
    assert!(MeetingDoc::regular_genesis("", "2025-11").is_err());
    assert!(MeetingDoc::regular_genesis("cell 1", "2025-11").is_err());
    assert!(MeetingDoc::regular_genesis("cell-1", "2025-13").is_err());
    assert!(RosterDoc::genesis("").is_err());
}

#[test]
fn two_devices_that_start_the_same_meeting_offline_share_one_document() {
    let (_, genesis) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let mut a = MeetingDoc::load(&genesis)
        .unwrap()
        .with_actor(ActorId::from([1u8; 16]));
    let mut b = MeetingDoc::load(&genesis)
        .unwrap()
        .with_actor(ActorId::from([2u8; 16]));
    a.apply(&MeetingOp::ReplaceText {
        field: "location".into(),
        value: "Hội trường".into(),
    })
    .unwrap();
    a.apply(&MeetingOp::MarkAttendance {
        member_id: "m1".into(),
        status: sync_core::record::AttendanceStatus::CoMat,
        reason: String::new(),
        late_min: 0,
    })
    .unwrap();
    b.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Nghị quyết".into(),
    })
    .unwrap();
    b.apply(&MeetingOp::MarkAttendance {
        member_id: "m2".into(),
        status: sync_core::record::AttendanceStatus::VangCoLyDo,
        reason: "ốm".into(),
        late_min: 0,
    })
    .unwrap();
    a.merge(&mut b).unwrap();
    b.merge(&mut a).unwrap();
    assert_eq!(a.heads(), b.heads());
    let record = a.record().unwrap();
    assert_eq!(record, b.record().unwrap());
    assert_eq!(record.location, "Hội trường");
    assert_eq!(record.resolution, "Nghị quyết");
    assert_eq!(record.attendance.len(), 2);
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
}

#[test]
fn two_devices_that_start_the_same_roster_offline_share_one_document() {
    let (id_a, ga) = RosterDoc::genesis("cell-1").unwrap();
    let (id_b, gb) = RosterDoc::genesis("cell-1").unwrap();
    assert_eq!((id_a, &ga), (id_b, &gb));
    let mut a = RosterDoc::load(&ga)
        .unwrap()
        .with_actor(ActorId::from([1u8; 16]));
    let mut b = RosterDoc::load(&gb)
        .unwrap()
        .with_actor(ActorId::from([2u8; 16]));
    let member = |id: &str, name: &str| RosterOp::SetMember {
        member_id: id.into(),
        full_name: name.into(),
        category: MemberCategory::ChinhThuc,
        ho: None,
        ten_dem: None,
        ten: None,
    };
    a.apply(&member("m1", "Nguyễn Văn An")).unwrap();
    b.apply(&member("m2", "Trần Thị Bình")).unwrap();
    a.merge(&mut b).unwrap();
    let record = a.record().unwrap();
    assert_eq!(record.cell_id, "cell-1");
    assert_eq!(record.members.len(), 2);
    assert_eq!(record.members["m1"].ho, None);
    assert!(a.conflicts().is_empty());
}

#[test]
fn an_extraordinary_meeting_gets_a_fresh_id() {
    let actor = ActorId::from([3u8; 16]);
    let (a, doc) =
        MeetingDoc::new_meeting("cell-1", "2025-11", MeetingType::BatThuong, actor.clone())
            .unwrap();
    let (b, _) =
        MeetingDoc::new_meeting("cell-1", "2025-11", MeetingType::BatThuong, actor).unwrap();
    assert_ne!(a, b);
    let record = doc.record().unwrap();
    assert_eq!(record.meeting_type, MeetingType::BatThuong);
    assert_eq!(record.meeting_id, a.to_string());
}
