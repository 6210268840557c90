//! [`ClientEngine`]: the initiating side of the protocol, for Rust devices, the test fleet and
//! benchmarks. It holds its documents and the sync states it persisted per server storage id.
//!
//! Use: [`ClientEngine::connect`], send every frame of [`ClientEngine::poll_frames`] to the
//! server, pass every frame from it to [`ClientEngine::receive`], watch
//! [`ClientEngine::poll_events`]; after editing a document call [`ClientEngine::local_change`];
//! when the transport drops call [`ClientEngine::disconnect`].

mod push;
mod saved;
mod session;

use super::codec::CodecError;
use super::message::{Message, PROTOCOL_V1, PeerMetadata};
use crate::doc_id::DocumentId;
use automerge::Automerge;
use saved::SavedStates;
use session::Session;
use std::collections::BTreeMap;

/// Something the application may want to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// The server answered `join`.
    Connected {
        /// Whether the `heads-batch` extension is in use on this connection.
        batch_sync: bool,
    },
    /// The document's heads equal the server's: everything local is durable there.
    InSync(DocumentId),
    /// The server does not have the document, or will not share it.
    Unavailable(DocumentId),
    /// The server reported an error and will close.
    ServerError(String),
}

/// Why an incoming frame was refused (the caller should drop the connection).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The frame did not decode.
    #[error("malformed frame: {0}")]
    Codec(#[from] CodecError),
    /// A message arrived that does not fit the session.
    #[error("unexpected `{0}` message")]
    Unexpected(&'static str),
    /// The server's sync message is invalid or its changes failed to apply.
    #[error("sync of document `{0}` failed")]
    Sync(DocumentId),
}

/// The initiating side: documents, persisted sync states, at most one live session.
pub struct ClientEngine {
    peer_id: String,
    storage_id: Option<String>,
    batch_sync: bool,
    max_message_bytes: usize,
    docs: BTreeMap<DocumentId, Automerge>,
    /// `sync::State::encode()` per server storage id and document.
    saved_states: SavedStates,
    session: Option<Session>,
    frames: Vec<Vec<u8>>,
    events: Vec<ClientEvent>,
}

impl ClientEngine {
    /// A client with peer id `peer_id` and, for a device that keeps its data, a storage id.
    pub fn new(peer_id: impl Into<String>, storage_id: Option<String>) -> Self {
        Self {
            peer_id: peer_id.into(),
            storage_id,
            batch_sync: false,
            max_message_bytes: 64 << 20,
            docs: BTreeMap::new(),
            saved_states: SavedStates::default(),
            session: None,
            frames: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Ask servers for the `heads-batch` extension.
    pub fn with_batch_sync(mut self, on: bool) -> Self {
        self.batch_sync = on;
        self
    }

    /// The peer id sent in `join`.
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// Adds (or replaces) a document.
    pub fn insert_doc(&mut self, doc_id: DocumentId, doc: Automerge) {
        self.docs.insert(doc_id, doc);
    }

    /// Asks for a document this client does not hold: an empty document is kept under its id
    /// and `request`ed now (in a live session) or on the next sync.
    pub fn want(&mut self, doc_id: DocumentId) {
        if let std::collections::btree_map::Entry::Vacant(slot) = self.docs.entry(doc_id) {
            slot.insert(Automerge::new());
            self.start_doc(doc_id);
        }
    }

    /// A held document.
    pub fn doc(&self, doc_id: &DocumentId) -> Option<&Automerge> {
        self.docs.get(doc_id)
    }

    /// A held document, to edit; call [`Self::local_change`] afterwards.
    pub fn doc_mut(&mut self, doc_id: &DocumentId) -> Option<&mut Automerge> {
        self.docs.get_mut(doc_id)
    }

    /// Every held document id.
    pub fn doc_ids(&self) -> Vec<DocumentId> {
        self.docs.keys().copied().collect()
    }

    /// Whether the live session has the document in sync with the server.
    pub fn is_in_sync(&self, doc_id: &DocumentId) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.in_sync.contains(doc_id))
    }

    /// Whether every held document is in sync (unavailable ones count as settled).
    pub fn all_in_sync(&self) -> bool {
        self.session.as_ref().is_some_and(|s| {
            s.server.is_some()
                && self
                    .docs
                    .keys()
                    .all(|d| s.in_sync.contains(d) || s.unavailable.contains(d))
        })
    }

    /// Starts a session: queues `join`. A live session is dropped first (as
    /// [`Self::disconnect`]).
    pub fn connect(&mut self) {
        self.disconnect();
        self.session = Some(Session::default());
        let join = Message::Join {
            sender_id: self.peer_id.clone(),
            supported_protocol_versions: vec![PROTOCOL_V1.to_owned()],
            peer_metadata: Some(PeerMetadata {
                storage_id: self.storage_id.clone(),
                is_ephemeral: self.storage_id.is_none(),
                batch_sync: self.batch_sync,
                heads_digest: self.batch_sync,
            }),
        };
        self.push(&join);
    }

    /// The transport ended: keeps the shared heads of every document for the next session
    /// with the same server, and forgets the session. Queued frames are discarded.
    pub fn disconnect(&mut self) {
        self.frames.clear();
        let Some(session) = self.session.take() else {
            return;
        };
        let Some(server) = session.server.and_then(|s| s.storage_id) else {
            return;
        };
        for (doc_id, state) in session.states {
            self.saved_states.insert(&server, doc_id, state.encode());
        }
    }

    /// Frames to send to the server, in order.
    pub fn poll_frames(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.frames)
    }

    /// What happened since the last call.
    pub fn poll_events(&mut self) -> Vec<ClientEvent> {
        std::mem::take(&mut self.events)
    }

    /// A document was edited locally: push the edit if a session is live.
    pub fn local_change(&mut self, doc_id: DocumentId) {
        if let Some(session) = self.session.as_mut() {
            session.in_sync.remove(&doc_id);
        }
        self.start_doc(doc_id);
    }

    fn push(&mut self, message: &Message) {
        self.frames.push(super::codec::encode(message));
    }
}
