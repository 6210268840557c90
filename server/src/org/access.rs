//! The access rule, as a pure function of the user's roles, the document's cell and the tree.
//!
//! - `cell_secretary` and `cell_deputy` of a cell read and write that cell's documents (and only
//!   the cell's own fields: they never get `can_write_committee_fields`).
//! - `committee_member` of a unit reads every document of a cell in that unit's subtree (the
//!   unit itself included). Over cells strictly BELOW the unit they may also write the fields
//!   reserved for the superior committee (superior score, confirmation, return, lock):
//!   `can_write_committee_fields`. A committee member of the cell itself (its chi ủy) gets read
//!   access only, since a cell must not confirm its own minutes.
//! - `administrator` manages the tree, users and rubrics of the subtree but reads no minutes:
//!   the choice here is that administration alone grants no access to documents; an
//!   administrator who must read them also holds `committee_member`.
//! - Several roles combine: the widest access wins and the capability flags are or-ed.
//!
//! Roles are those in force on the date that matters (the caller filters revoked roles) and the
//! tree is the tree as of that date, so moving a cell under a new committee changes who reads it
//! from the move on.

pub mod documents;
mod live;

pub use live::{AccessSnapshot, DeviceAccount, LiveAccess, load_snapshot};

use serde::Serialize;

use super::tree::OrgTree;

/// A role a user holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Bí thư chi bộ.
    CellSecretary,
    /// Phó bí thư chi bộ.
    CellDeputy,
    /// Cấp ủy viên of a superior committee.
    CommitteeMember,
    /// Manages tree, users and rubrics of the subtree.
    Administrator,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Self::CellSecretary,
        Self::CellDeputy,
        Self::CommitteeMember,
        Self::Administrator,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CellSecretary => "cell_secretary",
            Self::CellDeputy => "cell_deputy",
            Self::CommitteeMember => "committee_member",
            Self::Administrator => "administrator",
        }
    }

    /// Parses [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The unit id it applies to.
    pub unit_id: String,
}

/// Document access level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Nothing: the document does not exist for this user.
    Denied,
    /// Receive the document.
    Read,
    /// Receive it and write the cell's fields.
    ReadWrite,
}

/// The verdict for one (user, document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Decision {
    /// Read / write of the document and the cell's fields.
    pub access: Access,
    /// May write the fields reserved for the superior committee.
    pub can_write_committee_fields: bool,
}

impl Decision {
    /// No access at all.
    pub const DENIED: Decision = Decision {
        access: Access::Denied,
        can_write_committee_fields: false,
    };

    /// What the sync engine should do with the connection: a committee member with read access
    /// still pushes changes (to the committee fields), so it syncs both ways, and the
    /// authorship check decides per field what counts.
    pub fn sync_access(self) -> sync_core::sync::Access {
        match (self.access, self.can_write_committee_fields) {
            (Access::ReadWrite, _) | (Access::Read, true) => sync_core::sync::Access::ReadWrite,
            (Access::Read, false) => sync_core::sync::Access::ReadOnly,
            (Access::Denied, _) => sync_core::sync::Access::Denied,
        }
    }

    fn merge(self, other: Decision) -> Decision {
        Decision {
            access: self.access.max(other.access),
            can_write_committee_fields: self.can_write_committee_fields
                || other.can_write_committee_fields,
        }
    }
}

/// The verdict for a user holding `roles` on a document of the cell `doc_cell_unit_id`, with
/// `tree` the tree as of the date that matters. A cell missing from the tree is reachable only
/// through a cell role on exactly that unit.
pub fn decide(roles: &[RoleGrant], doc_cell_unit_id: &str, tree: &OrgTree) -> Decision {
    roles
        .iter()
        .map(|grant| decide_one(grant, doc_cell_unit_id, tree))
        .fold(Decision::DENIED, Decision::merge)
}

fn decide_one(grant: &RoleGrant, cell: &str, tree: &OrgTree) -> Decision {
    match grant.role {
        Role::CellSecretary | Role::CellDeputy if grant.unit_id == cell => Decision {
            access: Access::ReadWrite,
            can_write_committee_fields: false,
        },
        Role::CommitteeMember if tree.is_within(cell, &grant.unit_id) => Decision {
            access: Access::Read,
            can_write_committee_fields: cell != grant.unit_id,
        },
        _ => Decision::DENIED,
    }
}

#[cfg(test)]
mod tests;
