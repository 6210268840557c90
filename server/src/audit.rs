//! Who wrote what in a meeting, and whether it counts.
//!
//! - [`violations`]: the authorship check the ratings projection calls. Every value of a
//!   meeting document is attributed (through `sync_core`'s
//!   [`MeetingDoc::field_authors`](sync_core::doc::MeetingDoc::field_authors)) to the actor
//!   that wrote it, the actor to the device and user that first delivered it (`actors`), and
//!   the user's roles when the change was received decide whether it counts: the fields
//!   reserved for the superior committee only from a committee member with rights over the
//!   cell ([`Decision::can_write_committee_fields`](crate::org::access::Decision)), the cell's
//!   own fields only from a user who may write the cell's documents. A value that does not
//!   count is kept in the document and listed as a [`Violation`].
//! - [`history`]: every change with hash, actor, device, user, time received and a summary of
//!   what it changed; [`record_at`]: the record as it was at earlier heads.
//! - [`may_read`]: whether a device may see a document's audit (the sync rule).

mod authors;
mod history;
mod violations;

pub use authors::{Author, authors};
pub use history::{ChangeSummary, HistoryEntry, history, load_doc, record_at};
pub use violations::{Violation, ViolationReason, violations};

use sync_core::doc_id::DocumentId;
use sync_core::sync::{Access, DocMeta, PeerIdentity};

use crate::db::DbConnection;
use crate::org::access::LiveAccess;

/// Errors of the audit layer.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A query failed.
    #[error("audit query failed")]
    Query(#[from] diesel::result::Error),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Pool checkout or blocking task failure.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// The accounts layer failed.
    #[error(transparent)]
    Accounts(#[from] crate::accounts::AccountsError),
    /// The organisation layer failed.
    #[error(transparent)]
    Org(#[from] crate::org::OrgError),
    /// The stored document does not load or is not a meeting.
    #[error("document `{0}` is not a readable meeting")]
    NotAMeeting(String),
    /// Heads that are not in the document.
    #[error("unknown heads `{0}`")]
    UnknownHeads(String),
}

/// Whether `device_id` may read the stored document `doc_id` (same answer as the sync engine's:
/// the organisation rule on its cell, or the creator-only rule for devices without a user).
/// `false` for a document that does not exist.
pub fn may_read(
    conn: &mut DbConnection,
    access: &LiveAccess,
    device_id: &str,
    doc_id: &str,
) -> Result<bool, AuditError> {
    let Ok(parsed) = DocumentId::parse(doc_id) else {
        return Ok(false);
    };
    let index = crate::store::doc_index(conn, &[doc_id.to_owned()])?;
    let Some(entry) = index.get(doc_id) else {
        return Ok(false);
    };
    let meta = DocMeta {
        created_by: Some(PeerIdentity(entry.owner.clone())),
        cell: crate::org::access::documents::cell_of(conn, doc_id)?,
    };
    let verdict =
        access
            .snapshot()
            .sync_access(&PeerIdentity(device_id.to_owned()), &parsed, Some(&meta));
    Ok(verdict != Access::Denied)
}

/// An actor's registration: the device (and its user) that first delivered its changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegisteredActor {
    /// The device.
    pub device_id: String,
    /// Its user (`None` for a device without a user).
    pub user_id: Option<String>,
    /// When its first change was committed (UTC).
    pub first_seen: chrono::NaiveDateTime,
}

/// The registration of `actor_id` (hex), `None` if no change of it was ever committed.
pub fn registered_actor(
    conn: &mut DbConnection,
    actor_id: &str,
) -> Result<Option<RegisteredActor>, AuditError> {
    use crate::db::schema::actors as a;
    use diesel::prelude::*;
    let row: Option<(String, Option<String>, chrono::NaiveDateTime)> =
        crate::db::with_conn!(conn, |c| {
            a::table
                .find(actor_id)
                .select((a::device_id, a::user_id, a::first_seen))
                .first(c)
                .optional()?
        });
    Ok(row.map(|(device_id, user_id, first_seen)| RegisteredActor {
        device_id,
        user_id,
        first_seen,
    }))
}
