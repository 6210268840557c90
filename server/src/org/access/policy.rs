//! [`OrgAccessPolicy`]: [`decide`](super::decide) behind the sync engine's `AccessPolicy`
//! trait, over a snapshot of the tree and of each device's roles.
//!
//! The engine asks synchronously, so everything is in memory: the server rebuilds the snapshot
//! (or the entry of one device) when a [`RevocationEvent`](crate::accounts::revocation) or a
//! tree change arrives. The document's cell comes from `cell_of`, which the sync layer fills
//! from what it stores with the document (the cell named in its first change).

use std::collections::HashMap;
use std::sync::Arc;

use sync_core::doc_id::DocumentId;
use sync_core::sync::{Access as SyncAccess, AccessPolicy, DocMeta, PeerIdentity};

use super::{Role, RoleGrant, decide};
use crate::org::OrgTree;

/// The organisation access rule for the sync engine.
pub struct OrgAccessPolicy<F> {
    tree: Arc<OrgTree>,
    roles: HashMap<PeerIdentity, Vec<RoleGrant>>,
    cell_of: F,
}

impl<F> OrgAccessPolicy<F>
where
    F: Fn(&DocumentId, &DocMeta) -> Option<String> + Send + Sync,
{
    /// A policy over `tree` (as of today), the roles of each device's user, and `cell_of`
    /// (the unit id of a stored document's cell, `None` if unknown).
    pub fn new(
        tree: Arc<OrgTree>,
        roles: HashMap<PeerIdentity, Vec<RoleGrant>>,
        cell_of: F,
    ) -> Self {
        Self {
            tree,
            roles,
            cell_of,
        }
    }
}

impl<F> AccessPolicy for OrgAccessPolicy<F>
where
    F: Fn(&DocumentId, &DocMeta) -> Option<String> + Send + Sync,
{
    /// A document that does not exist yet may be created by a device holding a cell role (its
    /// first change names the cell, which the sync layer then checks); a stored document is
    /// decided by [`decide`] on its cell; a device without roles or a document without a
    /// known cell is denied.
    fn access(&self, peer: &PeerIdentity, doc: &DocumentId, meta: Option<&DocMeta>) -> SyncAccess {
        let Some(roles) = self.roles.get(peer) else {
            return SyncAccess::Denied;
        };
        match meta {
            None if roles
                .iter()
                .any(|g| matches!(g.role, Role::CellSecretary | Role::CellDeputy)) =>
            {
                SyncAccess::ReadWrite
            }
            None => SyncAccess::Denied,
            Some(meta) => match (self.cell_of)(doc, meta) {
                Some(cell) => decide(roles, &cell, &self.tree).sync_access(),
                None => SyncAccess::Denied,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::org::tree::{TreeUnit, UnitKind};

    fn unit(id: &str, parent: Option<&str>) -> TreeUnit {
        TreeUnit {
            id: id.into(),
            code: id.into(),
            kind: UnitKind::ChiBo,
            name: id.into(),
            parent_id: parent.map(Into::into),
        }
    }

    #[test]
    fn two_cells_under_one_committee_see_only_their_own_and_the_committee_sees_both() {
        let tree = OrgTree::new(
            NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            vec![unit("k", None), unit("a", Some("k")), unit("b", Some("k"))],
        );
        let grant = |role, unit: &str| RoleGrant {
            role,
            unit_id: unit.into(),
        };
        let roles = HashMap::from([
            (
                PeerIdentity("dev-a".into()),
                vec![grant(Role::CellSecretary, "a")],
            ),
            (
                PeerIdentity("dev-b".into()),
                vec![grant(Role::CellDeputy, "b")],
            ),
            (
                PeerIdentity("dev-k".into()),
                vec![grant(Role::CommitteeMember, "k")],
            ),
            (
                PeerIdentity("dev-adm".into()),
                vec![grant(Role::Administrator, "k")],
            ),
        ]);
        let doc_a = DocumentId::derive("test", "a");
        let doc_b = DocumentId::derive("test", "b");
        let cells = HashMap::from([(doc_a, "a".to_owned()), (doc_b, "b".to_owned())]);
        let policy = OrgAccessPolicy::new(
            Arc::new(tree),
            roles,
            move |doc: &DocumentId, _: &DocMeta| cells.get(doc).cloned(),
        );
        let meta = DocMeta::default();
        let ask = |peer: &str, doc| policy.access(&PeerIdentity(peer.into()), doc, Some(&meta));
        assert_eq!(ask("dev-a", &doc_a), SyncAccess::ReadWrite);
        assert_eq!(ask("dev-a", &doc_b), SyncAccess::Denied);
        assert_eq!(ask("dev-b", &doc_b), SyncAccess::ReadWrite);
        assert_eq!(ask("dev-b", &doc_a), SyncAccess::Denied);
        assert_eq!(
            ask("dev-k", &doc_a),
            SyncAccess::ReadWrite,
            "committee fields"
        );
        assert_eq!(
            ask("dev-k", &doc_b),
            SyncAccess::ReadWrite,
            "committee fields"
        );
        assert_eq!(ask("dev-adm", &doc_a), SyncAccess::Denied);
        assert_eq!(ask("stranger", &doc_a), SyncAccess::Denied);
        let new_doc = DocumentId::derive("test", "new");
        assert_eq!(
            policy.access(&PeerIdentity("dev-a".into()), &new_doc, None),
            SyncAccess::ReadWrite
        );
        assert_eq!(
            policy.access(&PeerIdentity("dev-k".into()), &new_doc, None),
            SyncAccess::Denied
        );
    }
}
