//! Keeping resident documents within the memory budget: least recently used first, never a
//! document with uncommitted changes, queued work, or a peer still mid-sync.

use super::{Output, ServerEngine};
use crate::doc_id::DocumentId;

impl ServerEngine {
    /// Evicts idle documents, oldest use first, until the budget holds or nothing can go.
    pub(super) fn evict_over_budget(&mut self) {
        if self.resident_bytes <= self.config.doc_memory_budget {
            return;
        }
        let candidates: Vec<DocumentId> = self.lru.values().copied().collect();
        for doc_id in candidates {
            if self.resident_bytes <= self.config.doc_memory_budget {
                break;
            }
            if self.evictable(doc_id) {
                self.evict(doc_id);
            }
        }
    }

    fn evictable(&self, doc_id: DocumentId) -> bool {
        let Some(entry) = self.docs.get(&doc_id) else {
            return false;
        };
        let Some(doc) = entry.doc.as_ref() else {
            return false;
        };
        if !entry.is_durable() || !entry.inbox.is_empty() || !entry.dirty.is_empty() {
            return false;
        }
        let heads = doc.get_heads();
        self.doc_peers
            .get(&doc_id)
            .into_iter()
            .flatten()
            .all(|conn| {
                let state = self
                    .conns
                    .get(conn)
                    .and_then(|c| c.docs.get(&doc_id)?.state.as_ref());
                state.is_some_and(|s| match &s.their_heads {
                    Some(theirs) => *theirs == heads,
                    None => s.shared_heads == heads,
                })
            })
    }

    fn evict(&mut self, doc_id: DocumentId) {
        let Some(entry) = self.docs.remove(&doc_id) else {
            return;
        };
        self.lru.remove(&entry.last_used);
        self.resident_bytes = self.resident_bytes.saturating_sub(entry.size);
        self.outputs.push(Output::DocEvicted { doc_id });
    }
}
