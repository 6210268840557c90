//! A property test of the live access rule: random trees, users with random roles on random
//! units, and documents of random cells (or of no cell, or created by a device without a
//! user); `LiveAccess` (the object the sync engine asks) must grant exactly what the rules say.

use std::collections::HashMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use server::org::access::{AccessSnapshot, DeviceAccount, LiveAccess, Role, RoleGrant};
use server::org::{OrgTree, TreeUnit, UnitKind};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{Access, AccessPolicy, DocMeta, PeerIdentity};

/// A generated world: `parents[i]` is unit `i`'s parent (always a lower index).
#[derive(Debug, Clone)]
struct World {
    parents: Vec<Option<usize>>,
    /// Per device: `None` = without a user, else the user's roles as (role, unit index).
    devices: Vec<Option<Vec<(Role, usize)>>>,
}

fn world() -> impl Strategy<Value = World> {
    (2usize..10).prop_flat_map(|n| {
        let parents = (0..n)
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    prop_oneof![1 => Just(None), 6 => (0..i).prop_map(Some)].boxed()
                }
            })
            .collect::<Vec<_>>();
        let role = prop_oneof![
            Just(Role::CellSecretary),
            Just(Role::CellDeputy),
            Just(Role::CommitteeMember),
            Just(Role::Administrator),
        ];
        let grants = prop::collection::vec((role, 0..n), 0..4);
        let device = prop_oneof![1 => Just(None), 5 => grants.prop_map(Some)];
        (parents, prop::collection::vec(device, 1..5))
            .prop_map(|(parents, devices)| World { parents, devices })
    })
}

/// (device index or an unknown device, document cell: unit index / unknown code / none,
/// creator device index, whether the document exists yet).
type Question = (usize, u8, usize, usize, bool);

fn code(i: usize) -> String {
    format!("u{i}")
}

fn is_within(parents: &[Option<usize>], mut unit: usize, ancestor: usize) -> bool {
    loop {
        if unit == ancestor {
            return true;
        }
        match parents[unit] {
            Some(p) => unit = p,
            None => return false,
        }
    }
}

/// The rules, written out independently of `decide`.
fn expected(
    w: &World,
    device: usize,
    cell: Option<Option<usize>>,
    creator: usize,
    exists: bool,
) -> Access {
    let Some(account) = w.devices.get(device) else {
        return Access::Denied; // unknown or revoked device
    };
    let Some(roles) = account else {
        // Without a user: creator-only.
        return if !exists || creator == device {
            Access::ReadWrite
        } else {
            Access::Denied
        };
    };
    if !exists {
        let writes_a_cell = roles
            .iter()
            .any(|(r, _)| matches!(r, Role::CellSecretary | Role::CellDeputy));
        return if writes_a_cell {
            Access::ReadWrite
        } else {
            Access::Denied
        };
    }
    let Some(Some(cell)) = cell else {
        return Access::Denied; // no cell, or a cell not in the tree
    };
    let mut best = Access::Denied;
    for (role, unit) in roles {
        let verdict = match role {
            Role::CellSecretary | Role::CellDeputy if *unit == cell => Access::ReadWrite,
            // Over cells strictly below: read + committee fields (syncs both ways).
            Role::CommitteeMember if *unit != cell && is_within(&w.parents, cell, *unit) => {
                Access::ReadWrite
            }
            Role::CommitteeMember if *unit == cell => Access::ReadOnly,
            _ => Access::Denied,
        };
        best = match (best, verdict) {
            (Access::ReadWrite, _) | (_, Access::ReadWrite) => Access::ReadWrite,
            (Access::ReadOnly, _) | (_, Access::ReadOnly) => Access::ReadOnly,
            _ => Access::Denied,
        };
    }
    best
}

fn live(w: &World) -> LiveAccess {
    let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let units = w
        .parents
        .iter()
        .enumerate()
        .map(|(i, p)| TreeUnit {
            id: format!("id-{i}"),
            code: code(i),
            kind: UnitKind::ChiBo,
            name: code(i),
            parent_id: p.map(|p| format!("id-{p}")),
        })
        .collect();
    let devices: HashMap<String, DeviceAccount> = w
        .devices
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let account = match d {
                None => DeviceAccount::NoUser,
                Some(roles) => DeviceAccount::User {
                    user_id: format!("user-{i}"),
                    roles: roles
                        .iter()
                        .map(|(role, unit)| RoleGrant {
                            role: *role,
                            unit_id: format!("id-{unit}"),
                        })
                        .collect(),
                },
            };
            (format!("dev-{i}"), account)
        })
        .collect();
    LiveAccess::from_snapshot(AccessSnapshot::new(OrgTree::new(date, units), devices))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn access_is_granted_exactly_when_the_rules_say(
        w in world(),
        questions in prop::collection::vec((0usize..6, 0u8..3, 0usize..12, 0usize..6, any::<bool>()), 1..20),
    ) {
        let policy = live(&w);
        let doc = DocumentId::derive("proptest", "doc");
        for (device, cell_kind, cell_unit, creator, exists) in questions as Vec<Question> {
            let cell: Option<Option<usize>> = match cell_kind {
                0 => None,
                _ => Some((cell_unit < w.parents.len()).then_some(cell_unit)),
            };
            let meta = exists.then(|| DocMeta {
                created_by: Some(PeerIdentity(format!("dev-{creator}"))),
                cell: cell.map(|c| c.map_or_else(|| "not-in-tree".to_owned(), code)),
            });
            let peer = PeerIdentity(format!("dev-{device}"));
            let got = policy.access(&peer, &doc, meta.as_ref());
            let want = expected(&w, device, cell, creator, exists);
            prop_assert_eq!(got, want, "device {} cell {:?} creator {} exists {}", device, cell, creator, exists);
        }
        // The heads-batch listing of readable cells agrees with the per-document answer.
        for (device, account) in w.devices.iter().enumerate() {
            let readable = policy.snapshot().readable_cells(&format!("dev-{device}"));
            prop_assert_eq!(readable.is_some(), account.is_some());
            if let Some(readable) = readable {
                for unit in 0..w.parents.len() {
                    let reads = expected(&w, device, Some(Some(unit)), usize::MAX, true) != Access::Denied;
                    prop_assert_eq!(readable.contains(&code(unit)), reads, "device {} unit {}", device, unit);
                }
            }
        }
    }
}
