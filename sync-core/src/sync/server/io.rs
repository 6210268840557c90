//! The values exchanged with the server process: what storage returns, and the engine's
//! instructions ([`Output`]).

use super::{ConnId, Ticket};
use crate::doc_id::DocumentId;
use crate::sync::access::{DocMeta, PeerIdentity};
use crate::sync::codec::CodecError;
use automerge::ChangeHash;

/// What storage returned for a document.
#[derive(Debug, Clone)]
pub struct LoadedDoc {
    /// The stored snapshot and change chunks, concatenated (anything `Automerge::load` reads).
    pub bytes: Vec<u8>,
    /// Who created it and other facts the access policy needs.
    pub meta: DocMeta,
}

/// One row of the heads index, answering [`Output::LoadHeads`].
#[derive(Debug, Clone)]
pub struct StoredHeads {
    /// The document.
    pub doc_id: DocumentId,
    /// Its committed heads.
    pub heads: Vec<ChangeHash>,
    /// Facts for the access policy.
    pub meta: DocMeta,
}

/// Changes of one document delivered by one connection, to be committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistItem {
    /// The document.
    pub doc_id: DocumentId,
    /// The identity of the connection that delivered the changes (for audit).
    pub delivered_by: PeerIdentity,
    /// True when these are the first changes of a document the server did not have: store
    /// `delivered_by` as its creator.
    pub creates_doc: bool,
    /// When `creates_doc`: the unit the [`ChangeGuard`](crate::sync::ChangeGuard) named for
    /// the document (store it with the document; it never changes).
    pub cell: Option<String>,
    /// Raw automerge changes, each loadable with `load_incremental`, in causal order.
    pub changes: Vec<Vec<u8>>,
    /// Hash, actor and sequence number of each change, in the same order.
    pub change_meta: Vec<ChangeMeta>,
    /// The document's heads after these changes: the new value of the heads index.
    pub new_heads: Vec<ChangeHash>,
}

/// What the audit log records of one change: which change, and whose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMeta {
    /// The change hash.
    pub hash: ChangeHash,
    /// The change's actor id, hex encoded.
    pub actor: String,
    /// The change's sequence number among its actor's changes (1, 2, …). An actor's changes
    /// reach a document in this order, so a document holds seqs `1..=n` of every actor.
    pub seq: u64,
}

impl ChangeMeta {
    /// The audit facts of `change`.
    pub fn of(change: &automerge::Change) -> Self {
        Self {
            hash: change.hash(),
            actor: change.actor_id().to_hex_string(),
            seq: change.seq(),
        }
    }
}

/// Why the engine refused something (for quarantine and metrics; the peer got an `error` or a
/// `doc-unavailable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    /// The frame did not decode.
    Malformed(CodecError),
    /// A message other than `join` came first.
    NotJoined,
    /// The peer does not speak protocol "1".
    UnsupportedVersion,
    /// A `senderId` differed from the one in `join`.
    SenderMismatch,
    /// A message the server does not accept in this state (a second `join`, a `peer`, ...).
    Unexpected,
    /// `data` is not an automerge sync message.
    InvalidSyncMessage,
    /// The sync message's changes failed to apply.
    ApplyFailed,
    /// The access policy denied the document.
    AccessDenied,
    /// Storage returned bytes that are not an automerge document.
    CorruptStoredDoc,
    /// The [`ChangeGuard`](crate::sync::ChangeGuard) refused the changes (e.g. they move the
    /// document to another cell); nothing of them was kept.
    GuardRefused(crate::sync::GuardRefusal),
}

/// An instruction for the server process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Write `bytes` as one binary frame on `conn`.
    Send {
        /// The connection.
        conn: ConnId,
        /// One encoded message.
        bytes: Vec<u8>,
    },
    /// Close `conn` after sending what was queued before; then call `disconnect(conn)`.
    Close {
        /// The connection.
        conn: ConnId,
        /// A fixed, secret-free reason.
        reason: &'static str,
    },
    /// Load the document and answer with `doc_loaded` (or `doc_load_failed`).
    LoadDoc {
        /// The document.
        doc_id: DocumentId,
    },
    /// Commit every item in one transaction (append the changes, record `change_meta` with
    /// `delivered_by`, set the heads index to `new_heads`, the creator if `creates_doc`), then
    /// call `persisted(ticket)`, or `persist_failed(ticket)` if the transaction failed.
    Persist {
        /// Names the batch.
        ticket: Ticket,
        /// The batch.
        items: Vec<PersistItem>,
    },
    /// Read the heads index row of one document (no document bytes) and answer with
    /// `doc_heads_loaded(doc_id, row)`; `None` when it is not stored or the read failed (the
    /// engine then loads the document as usual). Asked for before a `LoadDoc` when a
    /// `request`/`sync` may be answerable from the index alone.
    LoadDocHeads {
        /// The document.
        doc_id: DocumentId,
    },
    /// Load the sync state saved for (document, peer storage id) and answer with
    /// `sync_state_loaded(conn, doc_id, bytes)`.
    LoadSyncState {
        /// The connection waiting for it.
        conn: ConnId,
        /// The document.
        doc_id: DocumentId,
        /// The peer's storage id.
        storage_id: String,
    },
    /// Store (overwrite) the sync state of (document, peer storage id); no answer needed.
    SaveSyncState {
        /// The document.
        doc_id: DocumentId,
        /// The peer's storage id.
        storage_id: String,
        /// `automerge::sync::State::encode()`.
        bytes: Vec<u8>,
    },
    /// Read the heads index for `doc_ids`, plus every other document `identity` may read,
    /// and answer with `heads_loaded(conn, rows)`. No document needs to be loaded.
    LoadHeads {
        /// The connection waiting for it.
        conn: ConnId,
        /// Its identity.
        identity: PeerIdentity,
        /// The documents the peer listed.
        doc_ids: Vec<DocumentId>,
    },
    /// Something was refused; count it, maybe quarantine the frame. Nothing to answer.
    Rejected {
        /// The connection.
        conn: ConnId,
        /// The document, when the refusal concerns one.
        doc_id: Option<DocumentId>,
        /// Why.
        reason: RejectReason,
    },
    /// The document left memory (informational, for the residency gauge).
    DocEvicted {
        /// The document.
        doc_id: DocumentId,
    },
}
