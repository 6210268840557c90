//! The access rule against an independent oracle over random trees, roles and documents.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::org::tree::{TreeUnit, UnitKind};

/// A random forest: unit i's parent is a unit with a smaller index, or none.
fn forest() -> impl Strategy<Value = Vec<Option<usize>>> {
    (1_usize..12).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    proptest::option::of(0..i).boxed()
                }
            })
            .collect::<Vec<_>>()
    })
}

fn tree_of(parents: &[Option<usize>]) -> OrgTree {
    let units = parents
        .iter()
        .enumerate()
        .map(|(i, p)| TreeUnit {
            id: format!("u{i}"),
            code: format!("U{i}"),
            kind: UnitKind::ChiBo,
            name: format!("Đơn vị {i}"),
            parent_id: p.map(|p| format!("u{p}")),
        })
        .collect();
    OrgTree::new(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(), units)
}

/// Is `a` an ancestor-or-self of `d`, by following the parent array (independent of OrgTree).
fn oracle_within(parents: &[Option<usize>], d: usize, a: usize) -> bool {
    let mut cur = Some(d);
    while let Some(c) = cur {
        if c == a {
            return true;
        }
        cur = parents[c];
    }
    false
}

proptest! {
    #[test]
    fn access_is_granted_exactly_when_the_rules_say(
        (parents, roles, doc) in forest().prop_flat_map(|parents| {
            let n = parents.len();
            let role = (0..4_usize, 0..n);
            (Just(parents), proptest::collection::vec(role, 0..4), 0..n)
        })
    ) {
        let tree = tree_of(&parents);
        let grants: Vec<RoleGrant> = roles
            .iter()
            .map(|(r, u)| RoleGrant { role: Role::ALL[*r], unit_id: format!("u{u}") })
            .collect();
        let decision = decide(&grants, &format!("u{doc}"), &tree);

        let writes = roles.iter().any(|(r, u)| *r < 2 && *u == doc);
        let reads = writes || roles.iter().any(|(r, u)| *r == 2 && oracle_within(&parents, doc, *u));
        let committee = roles
            .iter()
            .any(|(r, u)| *r == 2 && *u != doc && oracle_within(&parents, doc, *u));
        let expected = if writes { Access::ReadWrite } else if reads { Access::Read } else { Access::Denied };
        prop_assert_eq!(decision.access, expected);
        prop_assert_eq!(decision.can_write_committee_fields, committee);
        // Administrators alone never read.
        if roles.iter().all(|(r, _)| *r == 3) {
            prop_assert_eq!(decision, Decision::DENIED);
        }
    }
}

#[test]
fn a_secretary_of_cell_a_gets_nothing_of_cell_b() {
    let tree = tree_of(&[None, Some(0), Some(0)]);
    let grants = [RoleGrant {
        role: Role::CellSecretary,
        unit_id: "u1".into(),
    }];
    assert_eq!(decide(&grants, "u1", &tree).access, Access::ReadWrite);
    assert_eq!(decide(&grants, "u2", &tree), Decision::DENIED);
}

#[test]
fn a_committee_member_reads_both_cells_and_writes_committee_fields() {
    let tree = tree_of(&[None, Some(0), Some(0)]);
    let grants = [RoleGrant {
        role: Role::CommitteeMember,
        unit_id: "u0".into(),
    }];
    for cell in ["u1", "u2"] {
        let d = decide(&grants, cell, &tree);
        assert_eq!(d.access, Access::Read);
        assert!(d.can_write_committee_fields);
        assert_eq!(d.sync_access(), sync_core::sync::Access::ReadWrite);
    }
}
