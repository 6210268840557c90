//! Per-document state: residency, the inbox of messages waiting for storage, unpersisted work.

use super::ConnId;
use crate::sync::access::DocMeta;
use automerge::Automerge;
use std::collections::{BTreeSet, VecDeque};

/// A queued `request` or `sync` (already decoded and validated as an automerge sync message).
pub(super) struct Inbound {
    pub(super) conn: ConnId,
    pub(super) message: automerge::sync::Message,
}

/// A document the engine is working with.
pub(super) struct DocEntry {
    /// `None` while `LoadDoc` (or `LoadDocHeads`) is outstanding.
    pub(super) doc: Option<Automerge>,
    /// `LoadDocHeads` is outstanding and no `LoadDoc` was asked for yet.
    pub(super) probing: bool,
    /// `None` when storage does not have the document (yet).
    pub(super) meta: Option<DocMeta>,
    /// Messages waiting for the document or for their connection's sync state.
    pub(super) inbox: VecDeque<Inbound>,
    /// Persist items of this document not yet committed.
    pub(super) unpersisted: usize,
    /// The in-memory copy may hold changes that failed to apply: reload it before syncing.
    pub(super) poisoned: bool,
    /// Connections owed a sync message once the document is durable.
    pub(super) dirty: BTreeSet<ConnId>,
    /// Approximate memory cost: stored length plus applied changes plus a fixed overhead.
    pub(super) size: usize,
    /// LRU key.
    pub(super) last_used: u64,
}

/// Bytes charged per resident document on top of its content.
pub(super) const DOC_OVERHEAD: usize = 256;

impl DocEntry {
    pub(super) fn loading(last_used: u64) -> Self {
        Self {
            doc: None,
            probing: false,
            meta: None,
            inbox: VecDeque::new(),
            unpersisted: 0,
            poisoned: false,
            dirty: BTreeSet::new(),
            size: 0,
            last_used,
        }
    }

    /// No uncommitted changes and nothing suspicious in memory.
    pub(super) fn is_durable(&self) -> bool {
        self.unpersisted == 0 && !self.poisoned && self.doc.is_some()
    }
}
