//! One live session of a [`ClientEngine`] with a server, and the handling of its messages.

use super::{ClientEngine, ClientError, ClientEvent};
use crate::doc_id::DocumentId;
use crate::sync::message::{BatchHeads, DocHeads, DocMessage, Message, heads_digest};
use automerge::sync::{State, SyncDoc};
use automerge::{Automerge, ChangeHash};
use std::collections::{BTreeSet, HashMap};

/// The server as announced in `peer`.
pub(super) struct ServerInfo {
    pub(super) peer_id: String,
    pub(super) storage_id: Option<String>,
}

/// A document named in the `heads-batch`: its heads then, and whether the saved sync state
/// already names them as shared (then a verdict of "in sync" has nothing new to save).
pub(super) struct BatchEntry {
    heads: Vec<ChangeHash>,
    saved: bool,
}

/// Per-session state; dropped on disconnect (only shared heads survive, in `saved_states`).
#[derive(Default)]
pub(super) struct Session {
    /// Set once `peer` arrived.
    pub(super) server: Option<ServerInfo>,
    /// A `heads-batch` is out and its result not back yet.
    pub(super) awaiting_batch: bool,
    /// The heads each document had when the `heads-batch` went out.
    pub(super) batch_heads: HashMap<DocumentId, BatchEntry>,
    pub(super) states: HashMap<DocumentId, State>,
    pub(super) in_sync: BTreeSet<DocumentId>,
    pub(super) unavailable: BTreeSet<DocumentId>,
}

impl Session {
    /// The storage id the server announced, under which its sync states are saved.
    pub(super) fn server_storage(&self) -> Option<&str> {
        self.server.as_ref()?.storage_id.as_deref()
    }
}

impl ClientEngine {
    /// Handles one frame from the server.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        let message = crate::sync::codec::decode(bytes, self.max_message_bytes)?;
        if self.session.is_none() {
            return Err(ClientError::Unexpected(message.type_name()));
        }
        match message {
            Message::Peer {
                sender_id,
                peer_metadata,
                ..
            } => self.on_peer(sender_id, peer_metadata),
            Message::HeadsBatchResult { out_of_sync, .. } => self.on_batch_result(out_of_sync),
            Message::Request(m) | Message::Sync(m) => self.on_sync(m)?,
            Message::DocUnavailable { document_id, .. } => {
                if let Some(s) = self.session.as_mut() {
                    s.states.remove(&document_id);
                    s.in_sync.remove(&document_id);
                    s.unavailable.insert(document_id);
                }
                self.events.push(ClientEvent::Unavailable(document_id));
            }
            Message::Error { message, .. } => self.events.push(ClientEvent::ServerError(message)),
            Message::Ephemeral { .. }
            | Message::Leave { .. }
            | Message::RemoteSubscriptionChange { .. }
            | Message::RemoteHeadsChanged { .. } => {}
            other @ (Message::Join { .. } | Message::HeadsBatch { .. }) => {
                return Err(ClientError::Unexpected(other.type_name()));
            }
        }
        Ok(())
    }

    fn on_peer(&mut self, peer_id: String, meta: Option<crate::sync::message::PeerMetadata>) {
        let meta = meta.unwrap_or_default();
        let batch = self.batch_sync && meta.batch_sync;
        // A server that reads heads digests (batch version 2) gets 8 bytes per document.
        let digest = batch && meta.heads_digest;
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if session.server.is_some() {
            return;
        }
        session.server = Some(ServerInfo {
            peer_id,
            storage_id: meta.storage_id,
        });
        self.events
            .push(ClientEvent::Connected { batch_sync: batch });
        if batch {
            // A document changed since its last sync needs a sync anyway: it is pushed at once
            // (one round trip, see `push`) rather than named in the batch.
            let server_storage = session.server_storage();
            let mut pushed = Vec::new();
            let mut batch_heads = HashMap::with_capacity(self.docs.len());
            for (id, doc) in &self.docs {
                let heads = doc.get_heads();
                let state = server_storage
                    .and_then(|s| self.saved_states.get(s, id))
                    .and_then(|b| State::decode(b).ok());
                if state
                    .as_ref()
                    .is_some_and(|state| super::push::has_unsent_changes(doc, &heads, state))
                {
                    pushed.push(*id);
                } else {
                    let saved = state.is_some_and(|state| state.shared_heads == heads);
                    batch_heads.insert(*id, BatchEntry { heads, saved });
                }
            }
            session.awaiting_batch = true;
            session.batch_heads = batch_heads;
            let docs = session
                .batch_heads
                .iter()
                .map(|(id, BatchEntry { heads, .. })| DocHeads {
                    document_id: *id,
                    heads: if digest && !heads.is_empty() {
                        BatchHeads::Digest(heads_digest(heads))
                    } else {
                        BatchHeads::Hashes(heads.iter().map(|h| h.0).collect())
                    },
                })
                .collect();
            // Both ids left out on the wire: the server knows them from `join`/`peer`.
            let message = Message::HeadsBatch {
                sender_id: String::new(),
                target_id: String::new(),
                docs,
            };
            self.push(&message);
            for doc_id in pushed {
                self.start_doc(doc_id);
            }
        } else {
            for doc_id in self.doc_ids() {
                self.start_doc(doc_id);
            }
        }
    }

    fn on_batch_result(&mut self, out_of_sync: Vec<DocumentId>) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        session.awaiting_batch = false;
        let mut differ: BTreeSet<DocumentId> = out_of_sync.iter().copied().collect();
        let sent = std::mem::take(&mut session.batch_heads);
        // Documents pushed at once (not named in the batch) are syncing already: the result
        // lists them among the documents we did not name.
        differ.retain(|id| !session.states.contains_key(id));
        for (doc_id, doc) in &self.docs {
            if differ.contains(doc_id) || session.states.contains_key(doc_id) {
                continue;
            }
            // Edited (or added) while the batch was out: the server's verdict is stale.
            let heads = doc.get_heads();
            let Some(entry) = sent.get(doc_id).filter(|e| e.heads == heads) else {
                differ.insert(*doc_id);
                continue;
            };
            if session.in_sync.insert(*doc_id) {
                self.events.push(ClientEvent::InSync(*doc_id));
            }
            // The server holds these heads: remember them as shared, so that an offline edit
            // is pushed in one round trip on the next connection (see `push`).
            if !entry.saved
                && let Some(server) = session.server_storage()
            {
                let mut state = State::new();
                state.shared_heads = heads;
                self.saved_states.insert(server, *doc_id, state.encode());
            }
        }
        for doc_id in differ {
            // A document the server has and we lack: fetch it.
            self.docs.entry(doc_id).or_default();
            self.start_doc(doc_id);
        }
    }

    fn server_peer_id(&self) -> String {
        self.session
            .as_ref()
            .and_then(|s| s.server.as_ref())
            .map(|s| s.peer_id.clone())
            .unwrap_or_default()
    }

    /// The session's sync state for a document, restored from the saved shared heads.
    fn state_entry(&mut self, doc_id: DocumentId) -> Option<&mut State> {
        let session = self.session.as_mut()?;
        // The field, not `server_storage()`: `states` is borrowed mutably below.
        let server_storage = session.server.as_ref()?.storage_id.as_deref();
        let saved = &self.saved_states;
        Some(session.states.entry(doc_id).or_insert_with(|| {
            server_storage
                .and_then(|s| saved.get(s, &doc_id))
                .and_then(|b| State::decode(b).ok())
                .unwrap_or_default()
        }))
    }

    /// Sends this document's next sync message, if the session is ready for it.
    pub(super) fn start_doc(&mut self, doc_id: DocumentId) {
        let ready = self.session.as_ref().is_some_and(|s| {
            s.server.is_some() && !(s.awaiting_batch && s.batch_heads.contains_key(&doc_id))
        });
        if !ready {
            return;
        }
        let target_id = self.server_peer_id();
        let doc = self.docs.remove(&doc_id).unwrap_or_default();
        let message = self.state_entry(doc_id).and_then(|state| {
            let mut message = doc.generate_sync_message(state)?;
            super::push::attach_unsent_changes(&doc, state, &mut message);
            Some(message)
        });
        let empty = doc.get_heads().is_empty();
        self.docs.insert(doc_id, doc);
        if let Some(message) = message {
            let m = DocMessage {
                sender_id: self.peer_id.clone(),
                target_id,
                document_id: doc_id,
                data: message.encode(),
            };
            // As the JS client: `request` while we hold nothing, `sync` otherwise.
            self.push(&if empty {
                Message::Request(m)
            } else {
                Message::Sync(m)
            });
        }
    }

    fn on_sync(&mut self, m: DocMessage) -> Result<(), ClientError> {
        let doc_id = m.document_id;
        let Some(mut doc) = self.docs.remove(&doc_id) else {
            return Ok(());
        };
        let result = self.sync_one(&mut doc, m);
        self.docs.insert(doc_id, doc);
        result
    }

    fn sync_one(&mut self, doc: &mut Automerge, m: DocMessage) -> Result<(), ClientError> {
        let doc_id = m.document_id;
        let message =
            automerge::sync::Message::decode(&m.data).map_err(|_| ClientError::Sync(doc_id))?;
        let target_id = self.server_peer_id();
        let Some(state) = self.state_entry(doc_id) else {
            return Ok(());
        };
        doc.receive_sync_message(state, message)
            .map_err(|_| ClientError::Sync(doc_id))?;
        let reply = doc.generate_sync_message(state);
        let heads = doc.get_heads();
        // The server only ever names committed heads: once they equal ours, everything here is
        // durable there (our reply, if any, can only be an acknowledgement then).
        let in_sync = state.their_heads.as_ref() == Some(&heads);
        let encoded_state = state.encode();
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        session.unavailable.remove(&doc_id);
        if !in_sync {
            session.in_sync.remove(&doc_id);
        } else if session.in_sync.insert(doc_id) {
            if let Some(server) = session.server_storage() {
                self.saved_states.insert(server, doc_id, encoded_state);
            }
            self.events.push(ClientEvent::InSync(doc_id));
        }
        if let Some(reply) = reply.filter(|r| !super::push::is_bare_acknowledgement(r, in_sync)) {
            let m = DocMessage {
                sender_id: self.peer_id.clone(),
                target_id,
                document_id: doc_id,
                data: reply.encode(),
            };
            self.push(&Message::Sync(m));
        }
        Ok(())
    }
}
