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
    /// What the memory budget charges for it: [`memory_estimate`] of the resident copy.
    pub(super) size: usize,
    /// LRU key.
    pub(super) last_used: u64,
}

/// Bytes charged per resident document on top of its operations and changes.
const DOC_OVERHEAD: usize = 4 << 10;
/// Bytes charged per operation.
const BYTES_PER_OP: usize = 5;
/// Bytes charged per change (the change graph: hash, dependencies, actor, times, message).
const BYTES_PER_CHANGE: usize = 240;

/// The heap a resident document takes, estimated from its operation and change counts.
///
/// automerge 0.12 holds a loaded meeting at 12–16× its saved size, mostly per change: the
/// process RSS grew by 68 KB, 175 KB, 542 KB and 1.39 MB per document for meetings of 50,
/// 500, 2,000 and 5,000 edits saved in 5.7, 14.6, 39.9 and 87.1 KB (13,311 to 43,374
/// operations). This estimate gives 1.21×, 1.16×, 1.12× and 1.02× those figures, so a budget
/// in bytes bounds the memory the documents really take. (Charging the saved size, as before,
/// let a 256 MiB budget hold ~3 GiB of documents.)
pub(super) fn memory_estimate(doc: &Automerge) -> usize {
    use automerge::ReadDoc;
    let stats = doc.stats();
    let ops = usize::try_from(stats.num_ops).unwrap_or(usize::MAX);
    let changes = usize::try_from(stats.num_changes).unwrap_or(usize::MAX);
    DOC_OVERHEAD
        .saturating_add(ops.saturating_mul(BYTES_PER_OP))
        .saturating_add(changes.saturating_mul(BYTES_PER_CHANGE))
}

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
