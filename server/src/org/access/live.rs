//! [`LiveAccess`]: the access rule the sync hub uses, over an in-memory snapshot of the tree (as
//! of today), every active device with its user, and every user's roles in force.
//!
//! Identity is the device. A device enrolled by a login belongs to a user, whose roles decide
//! (through [`decide`](super::decide)) on the document's cell ([`DocMeta::cell`], a unit code,
//! mapped to the unit through the tree). A device without a user (made by
//! `server admin device create`, for scripts, benchmarks and interop peers) keeps the interim
//! creator-only rule: it may create documents and reads and writes only those it created. A
//! device missing from the snapshot (revoked, expired, disabled user, unknown) gets nothing.
//!
//! The engine asks synchronously, so the snapshot is swapped whole behind a lock: rebuilt by
//! [`LiveAccess::reload`] (periodically, and after a lagged revocation channel), one device at
//! a time by [`LiveAccess::refresh_device`] (when it connects), and narrowed at once by
//! [`LiveAccess::forget_device`] / [`LiveAccess::forget_user`] when a revocation arrives.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use diesel::prelude::*;
use sync_core::doc_id::DocumentId;
use sync_core::sync::{Access as SyncAccess, AccessPolicy, CreatorOnly, DocMeta, PeerIdentity};

use super::{Decision, Role, RoleGrant, decide};
use crate::accounts::AccountsError;
use crate::accounts::credentials::{DeviceStatus, device_status};
use crate::db::schema::{device_credentials as d, user_roles as r, users as u};
use crate::db::{DbConnection, with_conn};
use crate::org::OrgTree;
use crate::org::units::tree_as_of;

/// Who a device syncs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceAccount {
    /// Operator-created: the creator-only rule.
    NoUser,
    /// Enrolled by a login.
    User {
        /// The user id.
        user_id: String,
        /// The user's roles in force.
        roles: Vec<RoleGrant>,
    },
}

/// One consistent view of tree, devices and roles.
#[derive(Debug, Clone, Default)]
pub struct AccessSnapshot {
    tree: OrgTree,
    unit_by_code: HashMap<String, String>,
    devices: HashMap<String, DeviceAccount>,
}

impl AccessSnapshot {
    /// A snapshot of `tree` and `devices` (device id → account).
    pub fn new(tree: OrgTree, devices: HashMap<String, DeviceAccount>) -> Self {
        let unit_by_code = tree
            .walk()
            .into_iter()
            .map(|u| (u.code.clone(), u.id.clone()))
            .collect();
        Self {
            tree,
            unit_by_code,
            devices,
        }
    }

    /// The tree.
    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }

    /// The unit id of the cell with `code`.
    pub fn unit_of_code(&self, code: &str) -> Option<&str> {
        self.unit_by_code.get(code).map(String::as_str)
    }

    /// The device's account, `None` if it may not sync.
    pub fn device(&self, device_id: &str) -> Option<&DeviceAccount> {
        self.devices.get(device_id)
    }

    /// The verdict for a device on a document of the cell `cell_code`: [`Decision::DENIED`]
    /// for unknown devices, devices without a user, and cells not in the tree.
    pub fn decision(&self, device_id: &str, cell_code: &str) -> Decision {
        match (self.devices.get(device_id), self.unit_of_code(cell_code)) {
            (Some(DeviceAccount::User { roles, .. }), Some(unit)) => {
                decide(roles, unit, &self.tree)
            }
            _ => Decision::DENIED,
        }
    }

    /// Codes of every cell whose documents the device's user may read; `None` for a device
    /// without a user (it reads what it created).
    pub fn readable_cells(&self, device_id: &str) -> Option<Vec<String>> {
        match self.devices.get(device_id)? {
            DeviceAccount::NoUser => None,
            DeviceAccount::User { roles, .. } => Some(
                self.unit_by_code
                    .iter()
                    .filter(|(_, unit)| {
                        decide(roles, unit, &self.tree).access > super::Access::Denied
                    })
                    .map(|(code, _)| code.clone())
                    .collect(),
            ),
        }
    }

    /// True when the device's user may read every unit of the tree (a committee member at the
    /// root): the national views.
    pub fn reads_whole_tree(&self, device_id: &str) -> bool {
        match self.devices.get(device_id) {
            Some(DeviceAccount::User { roles, .. }) => self
                .unit_by_code
                .values()
                .all(|unit| decide(roles, unit, &self.tree).access > super::Access::Denied),
            _ => false,
        }
    }

    /// The verdict of the sync engine's policy.
    pub fn sync_access(
        &self,
        peer: &PeerIdentity,
        doc: &DocumentId,
        meta: Option<&DocMeta>,
    ) -> SyncAccess {
        match self.devices.get(&peer.0) {
            None => SyncAccess::Denied,
            Some(DeviceAccount::NoUser) => CreatorOnly.access(peer, doc, meta),
            Some(DeviceAccount::User { roles, .. }) => match meta {
                // Creating: only a cell role writes a first change (the guard then checks the
                // cell it names against this policy again).
                None if roles
                    .iter()
                    .any(|g| matches!(g.role, Role::CellSecretary | Role::CellDeputy)) =>
                {
                    SyncAccess::ReadWrite
                }
                None => SyncAccess::Denied,
                Some(meta) => match meta.cell.as_deref() {
                    Some(cell) => self.decision(&peer.0, cell).sync_access(),
                    None => SyncAccess::Denied,
                },
            },
        }
    }
}

/// The shared, refreshable access rule; cheap to clone. Implements the engine's
/// [`AccessPolicy`].
#[derive(Debug, Clone, Default)]
pub struct LiveAccess {
    snapshot: Arc<RwLock<Arc<AccessSnapshot>>>,
}

impl LiveAccess {
    /// A rule over a fixed snapshot (tests, or before the first load).
    pub fn from_snapshot(snapshot: AccessSnapshot) -> Self {
        Self {
            snapshot: Arc::new(RwLock::new(Arc::new(snapshot))),
        }
    }

    /// Loads the snapshot from the database.
    pub fn load(conn: &mut DbConnection) -> Result<Self, AccountsError> {
        Ok(Self::from_snapshot(load_snapshot(conn)?))
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<AccessSnapshot> {
        // A poisoned lock still holds a whole snapshot (it is only ever replaced whole).
        match self.snapshot.read() {
            Ok(s) => Arc::clone(&s),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut AccessSnapshot)) {
        let mut guard = match self.snapshot.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let mut next = AccessSnapshot::clone(&guard);
        f(&mut next);
        *guard = Arc::new(next);
    }

    /// Rebuilds the whole snapshot; returns the devices that lost their entry or changed.
    pub fn reload(&self, conn: &mut DbConnection) -> Result<Vec<String>, AccountsError> {
        let fresh = load_snapshot(conn)?;
        let old = self.snapshot();
        let changed = old
            .devices
            .iter()
            .filter(|(id, account)| fresh.devices.get(*id) != Some(account))
            .map(|(id, _)| id.clone())
            .collect();
        self.update(|s| *s = fresh);
        Ok(changed)
    }

    /// Re-reads one device (its credential, user and roles) and the tree, e.g. when it
    /// connects. Returns whether it may sync.
    pub fn refresh_device(
        &self,
        conn: &mut DbConnection,
        device_id: &str,
    ) -> Result<bool, AccountsError> {
        let account = match device_status(conn, device_id)? {
            DeviceStatus::Refused => None,
            DeviceStatus::Allowed { user_id: None, .. } => Some(DeviceAccount::NoUser),
            DeviceStatus::Allowed {
                user_id: Some(user_id),
                roles,
            } => Some(DeviceAccount::User {
                user_id,
                roles: sorted(roles.iter().map(|h| h.grant()).collect()),
            }),
        };
        let tree = tree_as_of(conn, chrono::Utc::now().date_naive())?;
        let allowed = account.is_some();
        self.update(|s| {
            match account {
                Some(a) => s.devices.insert(device_id.to_owned(), a),
                None => s.devices.remove(device_id),
            };
            let devices = std::mem::take(&mut s.devices);
            *s = AccessSnapshot::new(tree, devices);
        });
        Ok(allowed)
    }

    /// Records a device the credential check found active and without a user (no query:
    /// the creator-only rule needs no roles).
    pub fn note_device_without_user(&self, device_id: &str) {
        if self.snapshot().device(device_id) == Some(&DeviceAccount::NoUser) {
            return;
        }
        self.update(|s| {
            s.devices
                .insert(device_id.to_owned(), DeviceAccount::NoUser);
        });
    }

    /// Drops a device at once (its credential was revoked).
    pub fn forget_device(&self, device_id: &str) {
        self.update(|s| {
            s.devices.remove(device_id);
        });
    }

    /// Drops every device of a user at once (a role revoked, the user disabled) until they are
    /// refreshed; returns those devices.
    pub fn forget_user(&self, user_id: &str) -> Vec<String> {
        let devices: Vec<String> = self
            .snapshot()
            .devices
            .iter()
            .filter(|(_, a)| matches!(a, DeviceAccount::User { user_id: u, .. } if u == user_id))
            .map(|(id, _)| id.clone())
            .collect();
        self.update(|s| {
            for id in &devices {
                s.devices.remove(id);
            }
        });
        devices
    }
}

impl AccessPolicy for LiveAccess {
    fn access(&self, peer: &PeerIdentity, doc: &DocumentId, meta: Option<&DocMeta>) -> SyncAccess {
        self.snapshot().sync_access(peer, doc, meta)
    }
}

/// Reads tree, active devices and roles in force now.
pub fn load_snapshot(conn: &mut DbConnection) -> Result<AccessSnapshot, AccountsError> {
    let now = chrono::Utc::now().naive_utc();
    let tree = tree_as_of(conn, now.date())?;
    type Rows = (
        Vec<(String, Option<String>)>,
        Vec<String>,
        Vec<(String, String, String)>,
    );
    let (devices, disabled, roles): Rows = with_conn!(conn, |c| {
        let devices = d::table
            .filter(d::revoked_at.is_null())
            .filter(d::expires_at.is_null().or(d::expires_at.gt(now)))
            .select((d::id, d::user_id))
            .load(c)?;
        let disabled = u::table
            .filter(u::disabled_at.is_not_null())
            .select(u::id)
            .load(c)?;
        let roles = r::table
            .filter(r::granted_at.le(now))
            .filter(r::revoked_at.is_null().or(r::revoked_at.gt(now)))
            .select((r::user_id, r::role, r::unit_id))
            .load(c)?;
        (devices, disabled, roles)
    });
    let disabled: HashSet<String> = disabled.into_iter().collect();
    let mut by_user: HashMap<String, Vec<RoleGrant>> = HashMap::new();
    for (user, role, unit_id) in roles {
        if let Some(role) = Role::parse(&role) {
            by_user
                .entry(user)
                .or_default()
                .push(RoleGrant { role, unit_id });
        }
    }
    let devices = devices
        .into_iter()
        .filter_map(|(id, user)| match user {
            None => Some((id, DeviceAccount::NoUser)),
            Some(user) if disabled.contains(&user) => None,
            Some(user_id) => {
                let roles = sorted(by_user.get(&user_id).cloned().unwrap_or_default());
                Some((id, DeviceAccount::User { user_id, roles }))
            }
        })
        .collect();
    Ok(AccessSnapshot::new(tree, devices))
}

/// Roles in one order, so snapshots read by different queries compare equal.
fn sorted(mut roles: Vec<RoleGrant>) -> Vec<RoleGrant> {
    roles.sort_by(|a, b| (&a.unit_id, a.role).cmp(&(&b.unit_id, b.role)));
    roles.dedup();
    roles
}
