//! `request` / `sync` handling: loading what a message needs, applying it, persisting its
//! changes, and answering (only once the document is durable).

use super::connection::PeerDoc;
use super::doc_state::{DocEntry, Inbound, memory_estimate};
use super::{ConnId, Output, PersistItem, RejectReason, ServerEngine};
use crate::doc_id::DocumentId;
use crate::sync::access::{Access, DocMeta};
use crate::sync::guard::{Candidate, GuardRefusal};
use crate::sync::message::{DocMessage, Message};
use automerge::sync::{State, SyncDoc};

impl ServerEngine {
    /// Validates a `request`/`sync` (both are handled alike: whether a peer "has" the
    /// document is read from its sync message's heads, as §7.2 of the reference requires), queues it on its document and makes sure the document and
    /// the connection's sync state are (being) loaded.
    pub(super) fn handle_doc_message(&mut self, conn: ConnId, m: DocMessage) {
        let doc_id = m.document_id;
        let message = match automerge::sync::Message::decode(&m.data) {
            Ok(message) => message,
            Err(_) => {
                self.fail(
                    conn,
                    Some(doc_id),
                    RejectReason::InvalidSyncMessage,
                    "invalid sync message",
                );
                return;
            }
        };
        // automerge drops undecodable change chunks silently when the document is not empty;
        // a peer sending one is broken or hostile, so it is refused outright.
        if message.version == automerge::sync::MessageVersion::V1
            && !message.changes.iter().all(change_chunk_is_valid)
        {
            self.fail(
                conn,
                Some(doc_id),
                RejectReason::ApplyFailed,
                "changes failed to apply",
            );
            return;
        }
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if !c.docs.contains_key(&doc_id) {
            if let Some(storage_id) = c.storage_id.clone() {
                c.docs.insert(doc_id, PeerDoc::loading());
                self.outputs.push(Output::LoadSyncState {
                    conn,
                    doc_id,
                    storage_id,
                });
            } else {
                c.docs.insert(doc_id, PeerDoc::ready(State::new()));
            }
        }
        let probe = super::index_answer::answerable_from_index(&message);
        self.ensure_doc(doc_id, probe);
        self.enqueue(doc_id, Inbound { conn, message });
        self.drain_inbox(doc_id);
    }

    /// The document's entry, creating it and asking storage for it if absent: for its heads
    /// index row first when `probe` (the message may be answered from it, see
    /// [`super::index_answer`]), else for the document.
    fn ensure_doc(&mut self, doc_id: DocumentId, probe: bool) -> &mut DocEntry {
        self.tick += 1;
        let tick = self.tick;
        match self.docs.get_mut(&doc_id) {
            None if probe => self.outputs.push(Output::LoadDocHeads { doc_id }),
            None => self.outputs.push(Output::LoadDoc { doc_id }),
            // A message the index cannot answer: stop waiting for the index.
            Some(entry) if entry.probing && !probe => {
                entry.probing = false;
                self.outputs.push(Output::LoadDoc { doc_id });
            }
            Some(_) => {}
        }
        let entry = self.docs.entry(doc_id).or_insert_with(|| {
            let mut entry = DocEntry::loading(tick);
            entry.probing = probe;
            entry
        });
        self.lru.remove(&entry.last_used);
        entry.last_used = tick;
        self.lru.insert(tick, doc_id);
        entry
    }

    /// Processes queued messages in order while the document and their sync states are ready.
    pub(super) fn drain_inbox(&mut self, doc_id: DocumentId) {
        loop {
            let Some(entry) = self.docs.get(&doc_id) else {
                return;
            };
            if entry.doc.is_none() || entry.poisoned {
                return;
            }
            let Some(front) = entry.inbox.front() else {
                break;
            };
            match self
                .conns
                .get(&front.conn)
                .and_then(|c| c.docs.get(&doc_id))
            {
                None => {} // the connection left or gave up on this document: drop the message
                Some(p) if p.state.is_none() => return,
                Some(_) => {}
            }
            let Some(inbound) = self.dequeue(doc_id) else {
                break;
            };
            if self
                .conns
                .get(&inbound.conn)
                .is_some_and(|c| c.docs.contains_key(&doc_id))
            {
                self.apply_inbound(doc_id, inbound);
            }
        }
        self.flush_doc(doc_id);
    }

    /// One `request`/`sync` against a resident document.
    fn apply_inbound(&mut self, doc_id: DocumentId, inbound: Inbound) {
        let conn = inbound.conn;
        let Some(identity) = self.conns.get(&conn).map(|c| c.identity.clone()) else {
            return;
        };
        let Some(entry) = self.docs.get(&doc_id) else {
            return;
        };
        let access = self.policy.access(&identity, &doc_id, entry.meta.as_ref());
        let holds_nothing =
            entry.meta.is_none() && entry.doc.as_ref().is_none_or(|d| d.get_heads().is_empty());
        let brings_nothing = inbound.message.heads.is_empty() && inbound.message.changes.is_empty();
        if access == Access::Denied {
            self.outputs.push(Output::Rejected {
                conn,
                doc_id: Some(doc_id),
                reason: RejectReason::AccessDenied,
            });
            self.doc_unavailable(conn, doc_id);
            return;
        }
        // The document exists nowhere and the peer has nothing to give: unavailable (for a
        // `request` and a `sync` alike). A peer with heads, even in a `request`, has the
        // document, so it is synced and thereby created.
        if holds_nothing && brings_nothing {
            self.doc_unavailable(conn, doc_id);
            return;
        }
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        let Some(doc) = entry.doc.as_mut() else {
            return;
        };
        let Some(peer_doc) = self
            .conns
            .get_mut(&conn)
            .and_then(|c| c.docs.get_mut(&doc_id))
        else {
            return;
        };
        let Some(state) = peer_doc.state.as_mut() else {
            return;
        };
        peer_doc.access = access;
        state.read_only = access == Access::ReadOnly;
        let before = doc.get_heads();
        // Automerge treats a peer that names our exact heads (and sends no changes) as told
        // them: it sets `last_sent_heads`, and its next message is suppressed. While the
        // document has uncommitted changes we have told nobody those heads (answers wait for
        // `persisted`), so the flush after the commit must still announce them: without that
        // announcement the peer never sees its push acknowledged and waits for ever.
        let held_sent_heads = (entry.unpersisted > 0).then(|| state.last_sent_heads.clone());
        // A new document arriving whole (one document chunk, automerge's v2 push to a peer
        // that holds nothing) is stored exactly as sent: no re-extraction of its changes.
        let whole = before
            .is_empty()
            .then(|| super::whole_doc::single_document_chunk(&inbound.message.changes))
            .flatten();
        let received = doc.receive_sync_message(state, inbound.message);
        if let Some(sent) = held_sent_heads {
            state.last_sent_heads = sent;
        }
        if received.is_err() {
            entry.poisoned = true;
            self.fail(
                conn,
                Some(doc_id),
                RejectReason::ApplyFailed,
                "changes failed to apply",
            );
            self.reload_if_poisoned(doc_id);
            return;
        }
        let changed = doc.get_heads() != before;
        let mut cell = None;
        if changed {
            let candidate = Candidate {
                peer: &identity,
                doc_id: &doc_id,
                meta: entry.meta.as_ref(),
                doc,
                before: &before,
            };
            let verdict = self.guard.check(&candidate).and_then(|named| {
                if entry.meta.is_some() {
                    return Ok(None);
                }
                // The first changes name the document's cell: may this peer create it there?
                let meta = DocMeta {
                    created_by: Some(identity.clone()),
                    cell: named.clone(),
                };
                match self.policy.access(&identity, &doc_id, Some(&meta)) {
                    Access::ReadWrite => Ok(named),
                    _ => Err(GuardRefusal("the peer may not create a document there")),
                }
            });
            match verdict {
                Ok(named) => cell = named,
                Err(refusal) => {
                    self.refuse_candidate(conn, doc_id, refusal);
                    return;
                }
            }
        }
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        let Some(doc) = entry.doc.as_ref() else {
            return;
        };
        self.doc_peers.entry(doc_id).or_default().insert(conn);
        entry.dirty.insert(conn);
        if !changed {
            return;
        }
        let new_heads = doc.get_heads();
        let (raw, change_meta) = super::whole_doc::new_changes(doc, &before, whole);
        let size = memory_estimate(doc);
        self.resident_bytes = (self.resident_bytes + size).saturating_sub(entry.size);
        entry.size = size;
        let creates_doc = entry.meta.is_none();
        if creates_doc {
            entry.meta = Some(DocMeta {
                created_by: Some(identity.clone()),
                cell: cell.clone(),
            });
        }
        entry.unpersisted += 1;
        if let Some(peers) = self.doc_peers.get(&doc_id) {
            entry.dirty.extend(peers.iter().copied());
        }
        self.unbatched.push(PersistItem {
            doc_id,
            delivered_by: identity,
            creates_doc,
            cell: if creates_doc { cell } else { None },
            changes: raw,
            change_meta,
            new_heads,
        });
    }

    /// Drops the in-memory copy holding refused changes (reloaded from storage once the
    /// document's pending commits are done), reports the refusal and answers the sender
    /// `doc-unavailable`, so nothing of the changes is kept, relayed or acknowledged.
    fn refuse_candidate(&mut self, conn: ConnId, doc_id: DocumentId, refusal: GuardRefusal) {
        if let Some(entry) = self.docs.get_mut(&doc_id) {
            entry.poisoned = true;
        }
        self.outputs.push(Output::Rejected {
            conn,
            doc_id: Some(doc_id),
            reason: RejectReason::GuardRefused(refusal),
        });
        self.doc_unavailable(conn, doc_id);
        self.reload_if_poisoned(doc_id);
    }

    /// Sends `doc-unavailable` and forgets the connection's interest in the document.
    pub(super) fn doc_unavailable(&mut self, conn: ConnId, doc_id: DocumentId) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.docs.remove(&doc_id);
        let target_id = c.peer_id.clone().unwrap_or_default();
        if let Some(peers) = self.doc_peers.get_mut(&doc_id) {
            peers.remove(&conn);
        }
        let message = Message::DocUnavailable {
            sender_id: self.config.peer_id.clone(),
            target_id,
            document_id: doc_id,
        };
        self.send(conn, &message);
    }

    /// Answers every connection owed a message, unless the document has uncommitted changes.
    pub(super) fn flush_doc(&mut self, doc_id: DocumentId) {
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        if !entry.is_durable() {
            return;
        }
        let dirty = std::mem::take(&mut entry.dirty);
        let Some(doc) = entry.doc.as_ref() else {
            return;
        };
        let heads = doc.get_heads();
        let mut sends = Vec::new();
        for conn in dirty {
            let Some(c) = self.conns.get_mut(&conn) else {
                continue;
            };
            let target_id = c.peer_id.clone().unwrap_or_default();
            let storage_id = c.storage_id.clone();
            let Some(peer_doc) = c.docs.get_mut(&doc_id) else {
                continue;
            };
            let Some(state) = peer_doc.state.as_mut() else {
                continue;
            };
            if let Some(message) = doc.generate_sync_message(state) {
                sends.push((conn, target_id, message.encode()));
            }
            // In sync and durable: the moment to remember the shared heads for next time.
            if state.their_heads.as_ref() == Some(&heads)
                && let (Some(storage_id), Some(bytes)) = (storage_id, peer_doc.unsaved_state())
            {
                peer_doc.mark_saved();
                self.outputs.push(Output::SaveSyncState {
                    doc_id,
                    storage_id,
                    bytes,
                });
            }
        }
        for (conn, target_id, data) in sends {
            let message = Message::Sync(DocMessage {
                sender_id: self.config.peer_id.clone(),
                target_id,
                document_id: doc_id,
                data,
            });
            self.send(conn, &message);
        }
    }
}

/// Parses a change chunk and checks its header checksum (the first four bytes of its hash),
/// which `Change::try_from` leaves unverified.
fn change_chunk_is_valid(chunk: &[u8]) -> bool {
    match (automerge::Change::try_from(chunk), chunk.get(4..8)) {
        (Ok(change), Some(checksum)) => change.hash().0.get(..4) == Some(checksum),
        _ => false,
    }
}
