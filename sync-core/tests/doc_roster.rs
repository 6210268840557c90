//! Roster document operations.

use automerge::ActorId;
use sync_core::doc::{RosterDoc, RosterOp};
use sync_core::record::MemberCategory;

fn set(id: &str, name: &str, category: MemberCategory, ho: Option<&str>) -> RosterOp {
    RosterOp::SetMember {
        member_id: id.into(),
        full_name: name.into(),
        category,
        ho: ho.map(Into::into),
        ten_dem: None,
        ten: None,
    }
}

#[test]
fn members_are_set_in_place_removed_and_normalised() {
    let (_, g) = RosterDoc::genesis("cell-1").unwrap();
    let mut a = RosterDoc::load(&g)
        .unwrap()
        .with_actor(ActorId::from([1u8; 16]));
    a.apply(&set(
        "m1",
        "\u{00D0}ỗ Văn An",
        MemberCategory::DuBi,
        Some("\u{00D0}ỗ"),
    ))
    .unwrap();
    let mut b = a.fork();
    // A corrects the category while B corrects the name: both survive (fields edited in place).
    a.apply(&set("m1", "Đỗ Văn An", MemberCategory::ChinhThuc, None))
        .unwrap();
    b.apply(&set(
        "m1",
        "Đỗ Văn Ân",
        MemberCategory::SinhHoatTamThoi,
        None,
    ))
    .unwrap();
    a.merge(&mut b).unwrap();
    let m = &a.record().unwrap().members["m1"];
    assert_eq!(m.full_name, "Đỗ Văn Ân");
    assert_eq!(m.ho.as_deref(), Some("Đỗ"));
    // Category was changed by both: a conflict, visible.
    assert_eq!(
        a.conflicts()
            .iter()
            .map(|c| c.path.as_str())
            .collect::<Vec<_>>(),
        ["members.m1.category"]
    );
    a.apply(&RosterOp::RemoveMember {
        member_id: "m1".into(),
    })
    .unwrap();
    assert!(a.record().unwrap().members.is_empty());
    assert!(
        a.apply(&RosterOp::RemoveMember {
            member_id: "m1".into()
        })
        .is_err()
    );
    assert!(
        a.apply(&set("bad id", "X", MemberCategory::DuBi, None))
            .is_err()
    );
}

#[test]
fn a_roster_kept_elsewhere_is_mirrored_by_the_fewest_ops_and_then_none() {
    use std::collections::BTreeMap;
    use sync_core::doc::RosterMember;
    let member = |name: &str, category, ten: Option<&str>| RosterMember {
        full_name: name.into(),
        category,
        ho: None,
        ten_dem: None,
        ten: ten.map(Into::into),
    };
    let (_, g) = RosterDoc::genesis("cell-1").unwrap();
    let mut doc = RosterDoc::load(&g).unwrap();
    doc.apply(&set("m1", "Lê Văn An", MemberCategory::ChinhThuc, None))
        .unwrap();
    doc.apply(&set("m2", "Trần Thị Bình", MemberCategory::DuBi, None))
        .unwrap();
    // m1 unchanged (its name given with the homoglyph Đ and decomposed accents), m2 left, m3 new.
    let want = BTreeMap::from([
        (
            "m1".to_owned(),
            member("Le\u{0302} Văn An", MemberCategory::ChinhThuc, None),
        ),
        (
            "m3".to_owned(),
            member("\u{00D0}ỗ Thị Cúc", MemberCategory::DuBi, Some("Cúc")),
        ),
    ]);
    let ops = doc.record().unwrap().ops_towards(&want);
    assert_eq!(
        ops,
        [
            RosterOp::SetMember {
                member_id: "m3".into(),
                full_name: "Đỗ Thị Cúc".into(),
                category: MemberCategory::DuBi,
                ho: None,
                ten_dem: None,
                ten: Some("Cúc".into()),
            },
            RosterOp::RemoveMember {
                member_id: "m2".into()
            },
        ]
    );
    for op in &ops {
        doc.apply(op).unwrap();
    }
    let record = doc.record().unwrap();
    assert_eq!(record.members.keys().collect::<Vec<_>>(), ["m1", "m3"]);
    assert_eq!(record.members["m3"].full_name, "Đỗ Thị Cúc");
    assert!(record.ops_towards(&want).is_empty());
}
