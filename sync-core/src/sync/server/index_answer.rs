//! Answering an in-sync `request`/`sync` from the heads index, without loading the document.
//!
//! A plain v1 peer that reconnects holding a document the server already has in the same
//! state sends a sync message with those heads and nothing else. Automerge's answer to it
//! depends on the heads alone: our heads, no need, one `have` whose `last_sync` is those heads
//! and whose Bloom filter covers no change. So when the document is not in memory, the engine
//! first asks storage for its heads index row ([`Output::LoadDocHeads`]); if the heads are
//! equal it answers at once and registers the peer for relay, as the `heads-batch` extension
//! does; otherwise (or for any message that carries changes or needs) it loads the document
//! and syncs as usual. Loading a 500-edit meeting costs ~10 ms of CPU; this costs a row read.

use super::{ConnId, Output, ServerEngine, StoredHeads};
use crate::doc_id::DocumentId;
use crate::sync::access::Access;
use crate::sync::message::{DocMessage, Message};
use automerge::ChangeHash;
use automerge::sync::{BloomFilter, Have, MessageFlags, MessageVersion, State};

/// Whether the index may be enough: the peer claims heads and sends and asks for nothing.
pub(super) fn answerable_from_index(message: &automerge::sync::Message) -> bool {
    !message.heads.is_empty() && message.need.is_empty() && message.changes.is_empty()
}

impl ServerEngine {
    /// Storage answered [`Output::LoadDocHeads`] (`None`: not stored, or the read failed).
    pub fn doc_heads_loaded(&mut self, doc_id: DocumentId, row: Option<StoredHeads>) {
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        if !entry.probing {
            return;
        }
        entry.probing = false;
        if let Some(row) = row {
            let mut heads = row.heads;
            heads.sort();
            // In order: only a run of answerable messages at the front of the queue.
            while let Some(front) = self.docs.get(&doc_id).and_then(|e| e.inbox.front()) {
                let conn = front.conn;
                let mut theirs = front.message.heads.clone();
                theirs.sort();
                let Some(identity) = self.conns.get(&conn).map(|c| c.identity.clone()) else {
                    // The connection left: its message is dropped, as `drain_inbox` does.
                    self.dequeue(doc_id);
                    continue;
                };
                let access = self.policy.access(&identity, &doc_id, Some(&row.meta));
                if !answerable_from_index(&front.message)
                    || theirs != heads
                    || access == Access::Denied
                {
                    break;
                }
                let peer_flags = front.message.flags;
                self.dequeue(doc_id);
                self.answer_in_sync(conn, doc_id, &heads, access, peer_flags);
            }
        }
        let Some(entry) = self.docs.get(&doc_id) else {
            return;
        };
        if entry.inbox.is_empty() {
            // Everything was answered: the document never became resident.
            if let Some(entry) = self.docs.remove(&doc_id) {
                self.lru.remove(&entry.last_used);
            }
        } else {
            self.outputs.push(Output::LoadDoc { doc_id });
        }
    }

    /// Sends the sync message automerge would send for equal heads, and leaves the
    /// connection's sync state as automerge would after sending it.
    fn answer_in_sync(
        &mut self,
        conn: ConnId,
        doc_id: DocumentId,
        heads: &[ChangeHash],
        access: Access,
        peer_flags: Option<MessageFlags>,
    ) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let Some(peer_doc) = c.docs.get_mut(&doc_id) else {
            return;
        };
        let target_id = c.peer_id.clone().unwrap_or_default();
        let mut state = State::new();
        state.shared_heads = heads.to_vec();
        state.their_heads = Some(heads.to_vec());
        state.their_need = Some(Vec::new());
        state.last_sent_heads = heads.to_vec();
        state.have_responded = true;
        state.in_flight = true;
        state.read_only = access == Access::ReadOnly;
        peer_doc.state = Some(state);
        peer_doc.access = access;
        self.doc_peers.entry(doc_id).or_default().insert(conn);

        let mut flags = MessageFlags::new();
        flags.set(MessageFlags::SUPPORTS_SYNC_RESET);
        if access == Access::ReadOnly {
            flags.set(MessageFlags::READ_ONLY);
        }
        let reply = automerge::sync::Message {
            heads: heads.to_vec(),
            need: Vec::new(),
            have: vec![Have {
                last_sync: heads.to_vec(),
                bloom: BloomFilter::from_hashes(std::iter::empty::<ChangeHash>()),
            }],
            changes: Vec::<Vec<u8>>::new().into(),
            flags: Some(flags),
            // As automerge: a peer that sends flags understands v2 messages.
            version: if peer_flags.is_some() {
                MessageVersion::V2
            } else {
                MessageVersion::V1
            },
        };
        let message = Message::Sync(DocMessage {
            sender_id: self.config.peer_id.clone(),
            target_id,
            document_id: doc_id,
            data: reply.encode(),
        });
        self.send(conn, &message);
    }
}
