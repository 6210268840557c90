//! Per-connection state: handshake phase and one automerge sync state per document.

use crate::sync::access::{Access, PeerIdentity};
use automerge::ChangeHash;
use automerge::sync::State;
use std::collections::HashMap;

/// One connection as the engine sees it.
pub(super) struct Connection {
    /// Proven by the credential; what the access policy is asked about.
    pub(super) identity: PeerIdentity,
    /// The `senderId` of `join`; `None` until then.
    pub(super) peer_id: Option<String>,
    /// The peer's storage id, only when it is not ephemeral (sync states are persisted then).
    pub(super) storage_id: Option<String>,
    /// Both sides agreed on the `heads-batch` extension.
    pub(super) batch_sync: bool,
    /// Sync state per document this connection has touched.
    pub(super) docs: HashMap<crate::doc_id::DocumentId, PeerDoc>,
    /// A `heads-batch` waiting for `heads_loaded`.
    pub(super) pending_batch: Option<Vec<crate::sync::message::DocHeads>>,
    /// Messages of this connection queued on documents, waiting for storage.
    pub(super) awaiting: usize,
}

impl Connection {
    pub(super) fn new(identity: PeerIdentity) -> Self {
        Self {
            identity,
            peer_id: None,
            storage_id: None,
            batch_sync: false,
            docs: HashMap::new(),
            pending_batch: None,
            awaiting: 0,
        }
    }

    pub(super) fn is_joined(&self) -> bool {
        self.peer_id.is_some()
    }

    pub(super) fn peer_id(&self) -> Option<&str> {
        self.peer_id.as_deref()
    }
}

/// The sync of one document with one connection.
pub(super) struct PeerDoc {
    /// `None` while the persisted state is being loaded.
    pub(super) state: Option<State>,
    /// The verdict of the last access check (relay of ephemeral messages uses it).
    pub(super) access: Access,
    /// The shared heads last saved (or loaded) for this (doc, storage id), all a stored sync
    /// state holds, to skip identical writes; for a document found in sync by a `heads-batch`,
    /// the heads of the index, which the next batch derives again, so storage need not hold
    /// them. Kept as heads, not encoded: a batch of 6,000 documents encoded twice per document.
    pub(super) saved: Option<Vec<ChangeHash>>,
}

impl PeerDoc {
    pub(super) fn loading() -> Self {
        Self {
            state: None,
            access: Access::ReadWrite,
            saved: None,
        }
    }

    pub(super) fn ready(state: State) -> Self {
        Self {
            state: Some(state),
            access: Access::ReadWrite,
            saved: None,
        }
    }

    /// A document found in sync by a `heads-batch`: `state` holds only the heads both sides
    /// have, known from the index, and is saved only once the sync moves past it. A device that
    /// reconnects with nothing changed then writes no sync state at all (W2: one row per
    /// document per reconnect before).
    pub(super) fn from_index(state: State) -> Self {
        let saved = Some(state.shared_heads.clone());
        Self {
            state: Some(state),
            access: Access::ReadWrite,
            saved,
        }
    }

    /// The encoded state if it differs from what storage holds.
    pub(super) fn unsaved_state(&self) -> Option<Vec<u8>> {
        let state = self.state.as_ref()?;
        (self.saved.as_ref() != Some(&state.shared_heads)).then(|| state.encode())
    }

    /// Remembers the state now as what storage holds.
    pub(super) fn mark_saved(&mut self) {
        self.saved = self.state.as_ref().map(|s| s.shared_heads.clone());
    }
}
