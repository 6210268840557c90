//! Deterministic first changes. Two devices that start the regular meeting of one cell and month
//! offline must produce the same bytes, or their edits land in different objects that fight. So
//! the first change is a pure function of (cell, period): the actor is derived from the document
//! id, the time is 0, there is no message, and the skeleton is written in schema order.

use super::schema::{self, MEETING};
use super::write::{prepare_map, write_map};
use super::{DocError, MEETING_NAMESPACE};
use crate::doc_id::DocumentId;
use crate::record::{MeetingRecord, MeetingType, SCHEMA_VERSION};
use crate::text::normalize;
use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, ROOT};
use sha2::{Digest, Sha256};

/// The id and genesis bytes of the regular meeting of `cell_id` in `period`.
pub(crate) fn regular(cell_id: &str, period: &str) -> Result<(DocumentId, Vec<u8>), DocError> {
    let (cell_id, period) = check_params(cell_id, period)?;
    let name = format!("{cell_id}/{period}/{}", MeetingType::ThuongKy.code());
    let id = DocumentId::derive(MEETING_NAMESPACE, &name);
    let mut doc = meeting(
        id,
        &cell_id,
        &period,
        MeetingType::ThuongKy,
        genesis_actor(&id),
    )?;
    Ok((id, doc.save()))
}

/// A meeting skeleton in one committed change by `actor`.
pub(crate) fn meeting(
    id: DocumentId,
    cell_id: &str,
    period: &str,
    meeting_type: MeetingType,
    actor: ActorId,
) -> Result<AutoCommit, DocError> {
    let (cell_id, period) = check_params(cell_id, period)?;
    let record = MeetingRecord {
        schema_version: SCHEMA_VERSION,
        meeting_id: id.to_string(),
        scheduled_date: format!("{period}-03"),
        cell_id,
        period,
        meeting_type,
        ..MeetingRecord::default()
    };
    skeleton(&record, MEETING, actor)
}

/// Writes `value` laid out as `fields` into a new document as one change at time 0.
pub(crate) fn skeleton<T: serde::Serialize>(
    value: &T,
    fields: &'static [schema::Field],
    actor: ActorId,
) -> Result<AutoCommit, DocError> {
    let json = serde_json::to_value(value).map_err(|e| DocError::Shape {
        path: String::new(),
        reason: e.to_string(),
    })?;
    let values = prepare_map(fields, &json, "").map_err(|e| DocError::Shape {
        path: String::new(),
        reason: e.to_string(),
    })?;
    let mut doc = AutoCommit::new().with_actor(actor);
    write_map(&mut doc, &ROOT, fields, &values)?;
    doc.commit_with(CommitOptions::default().with_time(0));
    Ok(doc)
}

/// The actor of a derived genesis: 16 bytes of SHA-256 over a label and the document id.
pub(crate) fn genesis_actor(id: &DocumentId) -> ActorId {
    let mut hasher = Sha256::new();
    hasher.update(b"chibo/genesis-actor/v1\0");
    hasher.update(id.as_bytes());
    let digest = hasher.finalize();
    ActorId::from(&digest[..16])
}

/// Normalised `cellId` (an identifier) and `period` (`YYYY-MM`).
pub(crate) fn check_params(cell_id: &str, period: &str) -> Result<(String, String), DocError> {
    let cell = normalize(cell_id);
    if !schema::is_id(&cell) {
        return Err(DocError::Genesis {
            field: "cellId",
            value: cell_id.chars().take(64).collect(),
        });
    }
    let period_n = normalize(period);
    if !schema::is_period(&period_n) {
        return Err(DocError::Genesis {
            field: "period",
            value: period.chars().take(64).collect(),
        });
    }
    Ok((cell, period_n))
}
