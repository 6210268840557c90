//! [`CellGuard`]: the server's [`ChangeGuard`]. A document belongs to the cell named in its
//! first change, and its fixed fields never change afterwards.
//!
//! - First changes from a device with a user must make a meeting ([`MeetingDoc`](sync_core::doc::MeetingDoc)) or a roster
//!   ([`RosterDoc`](sync_core::doc::RosterDoc)) that names its `cellId`; anything else is refused. The cell is returned so
//!   the engine stores it and checks the device may write there. A device without a user (the
//!   creator-only rule) may create any document; its cell is recorded when it names one.
//! - Later changes must leave `cellId`, `period` and `meetingType` exactly as they were (every
//!   concurrent value included): a change that moves a document to another cell, or turns it
//!   into another meeting, is refused, and the hub quarantines it.

use automerge::{ChangeHash, ObjId, ROOT, ReadDoc};
use sync_core::sync::{Candidate, ChangeGuard, GuardRefusal};

use crate::org::access::{DeviceAccount, LiveAccess};

/// Root fields fixed by the first change.
const FIXED: [&str; 3] = ["cellId", "period", "meetingType"];

/// The guard over the live access rule (to tell devices with and without a user apart).
#[derive(Debug, Clone)]
pub struct CellGuard {
    access: LiveAccess,
}

impl CellGuard {
    /// A guard consulting `access`.
    pub fn new(access: LiveAccess) -> Self {
        Self { access }
    }
}

impl ChangeGuard for CellGuard {
    fn check(&self, c: &Candidate<'_>) -> Result<Option<String>, GuardRefusal> {
        if c.meta.is_some() {
            return match FIXED
                .iter()
                .all(|f| values(c.doc, f, Some(c.before)) == values(c.doc, f, None))
            {
                true => Ok(None),
                false => Err(GuardRefusal("a change alters the document's fixed fields")),
            };
        }
        let cell = cell_of_new(c.doc);
        let has_user = matches!(
            self.access.snapshot().device(&c.peer.0),
            Some(DeviceAccount::User { .. })
        );
        match cell {
            Some(cell) => Ok(Some(cell)),
            None if has_user => Err(GuardRefusal("the document names no cell")),
            None => Ok(None),
        }
    }
}

/// The `cellId` of a new meeting or roster document, `None` if it is neither or names none.
/// Read from the engine's document as it is (see [`sync_core::doc::cell_of_new_document`]).
pub fn cell_of_new(doc: &automerge::Automerge) -> Option<String> {
    let cell = sync_core::doc::cell_of_new_document(doc)?;
    let cell = sync_core::text::normalize(&cell);
    (!cell.trim().is_empty()).then(|| cell.trim().to_owned())
}

/// Every concurrent value of a root field, with its op id, at `heads` (or now).
fn values(
    doc: &automerge::Automerge,
    field: &str,
    heads: Option<&[ChangeHash]>,
) -> Vec<(String, ObjId)> {
    let all = match heads {
        Some(h) => doc.get_all_at(ROOT, field, h),
        None => doc.get_all(ROOT, field),
    };
    all.unwrap_or_default()
        .into_iter()
        .map(|(v, id)| (format!("{v:?}"), id))
        .collect()
}
