//! The meeting and roster documents as Automerge documents (layout in `sync-core/SCHEMA.md`).
//!
//! - [`MeetingDoc`]: one meeting's minutes. The regular meeting of a cell and month has a
//!   deterministic id and first change ([`MeetingDoc::regular_genesis`]), so devices that start it
//!   offline edit the same objects; other meetings get fresh ids ([`MeetingDoc::new_meeting`]).
//! - [`MeetingOp`]: the typed edits; [`MeetingDoc::apply`] changes only what an op names.
//! - [`MeetingDoc::record`] reads the plain [`MeetingRecord`]; [`MeetingDoc::conflicts`] lists
//!   concurrent values of one field with their authors.
//! - [`RosterDoc`]: a cell's roster, with [`RosterOp`].
//! - [`MeetingDoc::field_authors`]: who wrote each value the record shows (for the server's
//!   authorship check).

mod apply;
mod authorship;
mod cell;
mod conflicts;
mod entries;
mod genesis;
mod ops;
mod read;
mod roster;
mod schema;
mod snapshot;
mod text_ops;
mod write;

pub use authorship::{
    COMMITTEE_STATUSES, FIXED_FIELDS, FieldAuthorship, FieldOwner, Writer, owner_of,
};
pub use cell::cell_of_new_document;
pub use conflicts::{Conflict, ConflictValue};
pub use ops::{ListName, MeetingOp, Sheet};
pub use roster::{RosterDoc, RosterMember, RosterOp, RosterRecord};
pub use snapshot::{MeetingRead, MeetingSnapshot, raw_cell_id};

use crate::doc_id::DocumentId;
use crate::record::{MeetingRecord, MeetingType, SCHEMA_VERSION};
use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, AutomergeError, ChangeHash, ROOT, ReadDoc};

pub use crate::doc_id::{MEETING_NAMESPACE, ROSTER_NAMESPACE};

/// A document that cannot be loaded or read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocError {
    /// The bytes are not an Automerge document.
    #[error("not an automerge document: {0}")]
    Load(String),
    /// A field has the wrong type or an unknown code.
    #[error("field `{path}`: {reason}")]
    Shape {
        /// Dotted path of the field.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The document was written by a newer schema.
    #[error("schema version `{0}` is newer than this program's `{SCHEMA_VERSION}`")]
    UnsupportedVersion(u64),
    /// The genesis parameters are invalid.
    #[error("invalid `{field}` `{value}`")]
    Genesis {
        /// `cellId` or `period`.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// Automerge refused an operation.
    #[error("automerge: {0}")]
    Automerge(String),
}

impl From<AutomergeError> for DocError {
    fn from(e: AutomergeError) -> Self {
        DocError::Automerge(e.to_string())
    }
}

/// An operation that was refused; the document is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpError {
    /// No such field in the schema.
    #[error("unknown field `{field}`")]
    UnknownField {
        /// The path given.
        field: String,
    },
    /// The field is fixed or not a single value.
    #[error("field `{field}` cannot be written by this op")]
    NotWritable {
        /// The path given.
        field: String,
    },
    /// The field needs another op.
    #[error("field `{field}`: {hint}")]
    WrongOp {
        /// The path given.
        field: String,
        /// Which op to use.
        hint: &'static str,
    },
    /// The value does not pass the field's check.
    #[error("field `{field}`: expected {expected}")]
    Invalid {
        /// The path given.
        field: String,
        /// What was expected.
        expected: &'static str,
    },
    /// No item with this id in the list.
    #[error("no item `{id}` in `{list:?}`")]
    UnknownItem {
        /// The list.
        list: ListName,
        /// The id given.
        id: String,
    },
    /// The list already has an item with this id.
    #[error("item `{id}` already in `{list:?}`")]
    DuplicateItem {
        /// The list.
        list: ListName,
        /// The id given.
        id: String,
    },
    /// No such key in a keyed map.
    #[error("no `{key}` in `{map}`")]
    UnknownKey {
        /// The map.
        map: String,
        /// The key given.
        key: String,
    },
    /// A splice outside the text.
    #[error(
        "field `{field}`: splice at `{index}` deleting `{delete}` outside text of `{len}` code points"
    )]
    OutOfRange {
        /// The path given.
        field: String,
        /// Code point index.
        index: usize,
        /// Code points to delete.
        delete: usize,
        /// Length in code points.
        len: usize,
    },
    /// The document does not have the shape the op expects (written by another program).
    #[error("field `{field}`: document holds something other than {expected}")]
    Shape {
        /// The path.
        field: String,
        /// What was expected.
        expected: &'static str,
    },
    /// Automerge refused the write.
    #[error("automerge: {0}")]
    Automerge(String),
}

impl From<AutomergeError> for OpError {
    fn from(e: AutomergeError) -> Self {
        OpError::Automerge(e.to_string())
    }
}

/// One meeting's minutes as an Automerge document.
#[derive(Debug, Clone)]
pub struct MeetingDoc {
    doc: AutoCommit,
}

impl MeetingDoc {
    /// The id and the genesis change of the regular (thường kỳ) meeting of `cell_id` in
    /// `period` (`YYYY-MM`). Every call with the same arguments returns the same bytes: one
    /// change by an actor derived from the id, time 0, no message, holding the whole skeleton.
    pub fn regular_genesis(cell_id: &str, period: &str) -> Result<(DocumentId, Vec<u8>), DocError> {
        genesis::regular(cell_id, period)
    }

    /// A meeting of any type with a fresh random id, its first change made by `actor`.
    pub fn new_meeting(
        cell_id: &str,
        period: &str,
        meeting_type: MeetingType,
        actor: ActorId,
    ) -> Result<(DocumentId, MeetingDoc), DocError> {
        let id = DocumentId::from_bytes(random_id());
        let doc = genesis::meeting(id, cell_id, period, meeting_type, actor)?;
        Ok((id, MeetingDoc { doc }))
    }

    /// Loads a saved document (or a genesis) and checks that it reads as a meeting. Garbage,
    /// truncated bytes and documents of other shapes are errors, never panics.
    pub fn load(bytes: &[u8]) -> Result<MeetingDoc, DocError> {
        Self::from_automerge(load_automerge(bytes)?)
    }

    /// [`load`](Self::load), also returning the record the shape check read, for a caller
    /// that reads it next (one hydration instead of two).
    pub fn load_with_record(bytes: &[u8]) -> Result<(MeetingDoc, MeetingRecord), DocError> {
        Self::checked(load_automerge(bytes)?).map_err(|(e, _)| e)
    }

    /// [`load_with_record`](Self::load_with_record), handing back the loaded Automerge
    /// document when it is not a meeting, for a caller that looks at it next (a roster, the
    /// cell it names) without loading the bytes again. The document is `None` when the bytes
    /// do not load at all.
    pub fn load_with_record_or_doc(
        bytes: &[u8],
    ) -> Result<(MeetingDoc, MeetingRecord), NotAMeeting> {
        let doc = load_automerge(bytes).map_err(|e| (e, None))?;
        Self::checked(doc).map_err(|(e, doc)| (e, Some(doc)))
    }

    /// Wraps a document received by other means (e.g. the sync engine), checking its shape.
    pub fn from_automerge(doc: AutoCommit) -> Result<MeetingDoc, DocError> {
        Self::checked(doc).map(|(doc, _)| doc).map_err(|(e, _)| e)
    }

    /// The document as a meeting with its record, or the shape error and the document back.
    fn checked(
        doc: AutoCommit,
    ) -> Result<(MeetingDoc, MeetingRecord), (DocError, Box<AutoCommit>)> {
        match meeting_of(&doc) {
            Ok(record) => Ok((MeetingDoc { doc }, record)),
            Err(e) => Err((e, Box::new(doc))),
        }
    }

    /// Applies one typed operation as one change (commit time 0: this crate reads no clock).
    pub fn apply(&mut self, op: &MeetingOp) -> Result<(), OpError> {
        self.apply_with(op, CommitOptions::default())
    }

    /// Applies one typed operation as one change with the given commit options (time, message).
    pub fn apply_with(&mut self, op: &MeetingOp, options: CommitOptions) -> Result<(), OpError> {
        // Close anything written through `inner_mut`, so a rollback only drops this op.
        self.doc.commit();
        match apply::apply(&mut self.doc, op) {
            Ok(()) => {
                self.doc.commit_with(options);
                Ok(())
            }
            Err(e) => {
                self.doc.rollback();
                Err(e)
            }
        }
    }

    /// Reads the whole document as a record; errors name the field path.
    pub fn record(&self) -> Result<MeetingRecord, DocError> {
        meeting_record_of(&self.doc)
    }

    /// Every field with concurrent values, each with its author.
    pub fn conflicts(&self) -> Vec<Conflict> {
        conflicts::find(&self.doc)
    }

    /// The whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes since the last `save` or `save_incremental`.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// Current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// A copy with a fresh random actor (another device).
    pub fn fork(&mut self) -> MeetingDoc {
        MeetingDoc {
            doc: self.doc.fork(),
        }
    }

    /// This document, writing as `actor` from now on.
    pub fn with_actor(self, actor: ActorId) -> MeetingDoc {
        MeetingDoc {
            doc: self.doc.with_actor(actor),
        }
    }

    /// Sets the actor for later changes.
    pub fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    /// Merges another copy's changes into this one.
    pub fn merge(&mut self, other: &mut MeetingDoc) -> Result<Vec<ChangeHash>, DocError> {
        Ok(self.doc.merge(&mut other.doc)?)
    }

    /// The Automerge document (for the sync engine).
    pub fn inner(&self) -> &AutoCommit {
        &self.doc
    }

    /// The Automerge document, mutable (for the sync engine; write only through ops).
    pub fn inner_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// Unwraps the Automerge document.
    pub fn into_inner(self) -> AutoCommit {
        self.doc
    }
}

/// Bytes that did not load as a meeting: why, and the Automerge document when they loaded
/// at all ([`MeetingDoc::load_with_record_or_doc`]).
pub type NotAMeeting = (DocError, Option<Box<AutoCommit>>);

/// Loads Automerge bytes. Automerge returns errors for malformed input; the panic guard turns
/// any loader panic on hostile bytes into an error as well, because nothing may panic on input.
pub(crate) fn load_automerge(bytes: &[u8]) -> Result<AutoCommit, DocError> {
    match std::panic::catch_unwind(|| AutoCommit::load(bytes)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(DocError::Load(e.to_string())),
        Err(_) => Err(DocError::Load("the loader failed on these bytes".into())),
    }
}

/// The record of a document that reads as a meeting.
pub(crate) fn meeting_of<D: ReadDoc>(doc: &D) -> Result<MeetingRecord, DocError> {
    let record = meeting_record_of(doc)?;
    // Every meeting has a period from its first change; a roster or another program's
    // document with a `schemaVersion` does not.
    if record.period.is_empty() {
        return Err(DocError::Shape {
            path: "period".into(),
            reason: "missing".into(),
        });
    }
    Ok(record)
}

/// `schemaVersion` must be present and not newer than ours.
/// Reads a meeting record out of any Automerge reader (see [`MeetingDoc::record`]).
pub(crate) fn meeting_record_of<D: ReadDoc>(doc: &D) -> Result<MeetingRecord, DocError> {
    check_version(doc)?;
    let map = read::read_map(doc, &ROOT, schema::MEETING, "")?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| DocError::Shape {
        path: String::new(),
        reason: e.to_string(),
    })
}

pub(crate) fn check_version<D: ReadDoc>(doc: &D) -> Result<(), DocError> {
    let map = read::read_map(doc, &ROOT, &schema::MEETING[..1], "")?;
    match map.get("schemaVersion").and_then(serde_json::Value::as_u64) {
        None => Err(DocError::Shape {
            path: "schemaVersion".into(),
            reason: "missing".into(),
        }),
        Some(v) if v > SCHEMA_VERSION => Err(DocError::UnsupportedVersion(v)),
        Some(_) => Ok(()),
    }
}

/// 16 random bytes (Automerge's random actor ids are UUID v4 bytes).
fn random_id() -> [u8; 16] {
    let actor = ActorId::random();
    let mut out = [0u8; 16];
    for (o, b) in out.iter_mut().zip(actor.to_bytes()) {
        *o = *b;
    }
    out
}
