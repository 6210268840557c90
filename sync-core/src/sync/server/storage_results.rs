//! Results of storage operations fed back by the server process: loaded documents and sync
//! states, committed or failed `Persist` batches.

use super::doc_state::memory_estimate;
use super::{ConnId, LoadedDoc, Output, RejectReason, ServerEngine, Ticket};
use crate::doc_id::DocumentId;
use automerge::Automerge;
use automerge::sync::State;

impl ServerEngine {
    /// Storage answered `LoadDoc`. `None`: the document does not exist.
    pub fn doc_loaded(&mut self, doc_id: DocumentId, loaded: Option<LoadedDoc>) {
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        if entry.doc.is_some() {
            return;
        }
        match loaded {
            None => {
                let doc = Automerge::new();
                entry.size = memory_estimate(&doc);
                entry.doc = Some(doc);
                entry.meta = None;
            }
            Some(LoadedDoc { bytes, meta }) => match Automerge::load(&bytes) {
                Ok(doc) => {
                    entry.size = memory_estimate(&doc);
                    entry.doc = Some(doc);
                    entry.meta = Some(meta);
                }
                Err(_) => {
                    self.refuse_waiting(doc_id, RejectReason::CorruptStoredDoc);
                    return;
                }
            },
        }
        self.resident_bytes += entry.size;
        self.drain_inbox(doc_id);
        self.evict_over_budget();
    }

    /// Storage could not load the document: every waiting connection is closed (it will
    /// retry on reconnect) and the entry forgotten.
    pub fn doc_load_failed(&mut self, doc_id: DocumentId) {
        if self.docs.get(&doc_id).is_some_and(|e| e.doc.is_none()) {
            let waiting = self.forget_doc(doc_id);
            for conn in waiting {
                self.outputs.push(Output::Close {
                    conn,
                    reason: "storage unavailable",
                });
                self.drop_conn(conn, false);
            }
        }
    }

    /// Answers every waiting connection with `doc-unavailable` and forgets the entry.
    pub(super) fn refuse_waiting(&mut self, doc_id: DocumentId, reason: RejectReason) {
        for conn in self.forget_doc(doc_id) {
            self.outputs.push(Output::Rejected {
                conn,
                doc_id: Some(doc_id),
                reason: reason.clone(),
            });
            self.doc_unavailable(conn, doc_id);
        }
    }

    /// Drops a document entry (which must not be resident); returns the connections it queued.
    fn forget_doc(&mut self, doc_id: DocumentId) -> Vec<ConnId> {
        let Some(entry) = self.docs.remove(&doc_id) else {
            return Vec::new();
        };
        self.lru.remove(&entry.last_used);
        self.uncount(&entry.inbox);
        let mut conns: Vec<ConnId> = entry.inbox.iter().map(|i| i.conn).collect();
        conns.dedup();
        conns
    }

    /// Storage answered `LoadSyncState`.
    pub fn sync_state_loaded(&mut self, conn: ConnId, doc_id: DocumentId, bytes: Option<Vec<u8>>) {
        let Some(peer_doc) = self
            .conns
            .get_mut(&conn)
            .and_then(|c| c.docs.get_mut(&doc_id))
        else {
            return;
        };
        // A state that does not decode is as good as none: the sync just costs more.
        let decode = || bytes.as_deref().and_then(|b| State::decode(b).ok());
        if peer_doc.state.is_some() {
            // Answered from the heads index meanwhile: remember what storage holds, so an
            // unchanged state is not written back on disconnect.
            if peer_doc.saved.is_none() {
                peer_doc.saved = decode().map(|s| s.shared_heads);
            }
            return;
        }
        let stored = decode();
        let decoded = stored.is_some();
        peer_doc.state = Some(stored.unwrap_or_default());
        if decoded {
            peer_doc.mark_saved();
        }
        self.drain_inbox(doc_id);
    }

    /// Storage committed a `Persist` batch: documents it held become durable and are synced.
    pub fn persisted(&mut self, ticket: Ticket) {
        let Some(doc_ids) = self.in_flight.remove(&ticket) else {
            return;
        };
        for doc_id in &doc_ids {
            if let Some(entry) = self.docs.get_mut(doc_id) {
                entry.unpersisted = entry.unpersisted.saturating_sub(1);
            }
        }
        for doc_id in doc_ids {
            self.reload_if_poisoned(doc_id);
            self.flush_doc(doc_id);
            self.drain_inbox(doc_id);
        }
        self.evict_over_budget();
    }

    /// Storage could not commit a `Persist` batch. The in-memory copies of its documents hold
    /// changes that are not stored, so they are dropped and reloaded, and every connection
    /// syncing them is closed: its peer reconnects and sends the changes again.
    pub fn persist_failed(&mut self, ticket: Ticket) {
        let Some(doc_ids) = self.in_flight.remove(&ticket) else {
            return;
        };
        for doc_id in doc_ids {
            let Some(entry) = self.docs.get_mut(&doc_id) else {
                continue;
            };
            entry.unpersisted = entry.unpersisted.saturating_sub(1);
            entry.poisoned = true;
            let peers: Vec<ConnId> = self
                .doc_peers
                .get(&doc_id)
                .map(|p| p.iter().copied().collect())
                .unwrap_or_default();
            for conn in peers {
                self.outputs.push(Output::Close {
                    conn,
                    reason: "storage failure",
                });
                self.drop_conn(conn, false);
            }
            self.reload_if_poisoned(doc_id);
        }
    }

    /// A poisoned document with no uncommitted changes is dropped and loaded again, keeping
    /// its queued messages.
    pub(super) fn reload_if_poisoned(&mut self, doc_id: DocumentId) {
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        if !entry.poisoned || entry.unpersisted > 0 {
            return;
        }
        entry.poisoned = false;
        if entry.doc.take().is_some() {
            self.resident_bytes = self.resident_bytes.saturating_sub(entry.size);
            entry.size = 0;
            entry.meta = None;
            self.outputs.push(Output::LoadDoc { doc_id });
        }
    }
}
