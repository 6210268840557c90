//! Values passed into and out of the store.

use automerge::ChangeHash;
use chrono::NaiveDateTime;

/// A document as stored: its chunks in load order, ready for `Automerge::load(&concat)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    /// Chunk bytes: the latest snapshot first (if any), then every other chunk by insertion
    /// order. Loading applies changes idempotently, so chunks already covered by the snapshot
    /// (left behind by an interrupted compaction) are harmless.
    pub chunks: Vec<Vec<u8>>,
    /// Row ids of `chunks`, in the same order (for [`compact`](super::compaction::compact)).
    pub chunk_ids: Vec<i64>,
    /// Heads recorded by the last committed write.
    pub heads: Vec<ChangeHash>,
    /// The owning device.
    pub owner: String,
}

impl StoredDoc {
    /// All chunks concatenated, the input of `automerge::Automerge::load`.
    pub fn concat(&self) -> Vec<u8> {
        self.chunks.concat()
    }
}

/// An accepted change's identity (hash, actor, seq), recorded in the audit log: the engine's
/// own type, so the committer hands it over as it is.
pub use sync_core::sync::ChangeMeta;

/// One document's share of a group commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocWrite {
    /// The document.
    pub doc_id: String,
    /// New change bytes (e.g. `save_after(old_heads)`), appended as one incremental chunk;
    /// empty means no chunk (heads-only update).
    pub change_bytes: Vec<u8>,
    /// The document's heads once these changes are applied.
    pub new_heads: Vec<ChangeHash>,
    /// The changes in `change_bytes`, for the audit log.
    pub changes: Vec<ChangeMeta>,
    /// The authenticated device that delivered the changes.
    pub device_id: String,
    /// The owner to record if this write creates the document; `None` means `device_id`.
    pub owner_if_new: Option<String>,
    /// The cell (unit code) to record if the document has none yet: set once, from the
    /// document's first change, never changed afterwards.
    pub cell_if_new: Option<String>,
}

/// Heads and owner of a document, from the index (no bytes read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocIndexEntry {
    /// Current heads.
    pub heads: Vec<ChangeHash>,
    /// The owning device.
    pub owner: String,
}

/// A document listed by owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSummary {
    /// The document.
    pub doc_id: String,
    /// Current heads.
    pub heads: Vec<ChangeHash>,
    /// Stored bytes over all chunks.
    pub size_bytes: i64,
    /// Time of the last write (UTC).
    pub updated_at: NaiveDateTime,
}

/// Input to keep instead of dropping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineRecord {
    /// The authenticated device that sent it.
    pub device_id: String,
    /// The document it was about, when known.
    pub doc_id: Option<String>,
    /// A short machine-readable reason (also the metrics label), e.g. `change_failed_to_apply`.
    pub reason: String,
    /// The bytes as received.
    pub bytes: Vec<u8>,
}

/// A quarantined item read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantinedItem {
    /// Row id.
    pub id: i64,
    /// When it arrived (UTC).
    pub received_at: NaiveDateTime,
    /// Sending device.
    pub device_id: String,
    /// Document, when known.
    pub doc_id: Option<String>,
    /// Reason code.
    pub reason: String,
    /// The bytes as received.
    pub bytes: Vec<u8>,
}

/// What a chunk holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// A full `save()` of the document.
    Snapshot,
    /// Changes appended after the snapshot.
    Incremental,
}

impl ChunkKind {
    /// The value stored in `doc_chunks.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Incremental => "incremental",
        }
    }
}

/// The current time as stored (UTC, no zone).
pub(crate) fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
