//! [`ServerEngine`]: the receiving side of the protocol, for many connections and documents.
//!
//! # Contract with the server process
//!
//! The engine never blocks and never does IO. The server:
//!
//! 1. calls [`ServerEngine::connect`] when a socket is authenticated, with the identity its
//!    credential proves;
//! 2. calls [`ServerEngine::receive`] with every binary frame, in order, per connection (a text
//!    frame should be passed as its bytes too, or closed by the server);
//! 3. calls [`ServerEngine::disconnect`] when a socket ends, for whatever reason (also after the
//!    engine asked for a [`Output::Close`]; it is idempotent);
//! 4. after every input, drains [`ServerEngine::poll_outputs`] and carries out each [`Output`]
//!    (see its documentation for what each one requires), feeding results back through
//!    [`ServerEngine::doc_loaded`], [`ServerEngine::doc_load_failed`],
//!    [`ServerEngine::sync_state_loaded`], [`ServerEngine::heads_loaded`],
//!    [`ServerEngine::doc_heads_loaded`],
//!    [`ServerEngine::persisted`] and [`ServerEngine::persist_failed`].
//!
//! # Durable before acknowledged
//!
//! Changes received from a peer are applied in memory and handed out in an [`Output::Persist`]
//! batch. While a document has changes in a batch that is not yet [`ServerEngine::persisted`],
//! the engine sends no sync message about that document to anyone, so no peer ever sees heads
//! that include an uncommitted change. One `poll_outputs` call yields at most one `Persist`,
//! holding every document's and connection's changes received since the previous call: commit
//! the whole batch in one transaction, then call `persisted(ticket)` once. Several batches may be
//! in flight; commit them in ticket order. To group more work per commit, feed several frames
//! (from any connections) before polling.
//!
//! # Further rules for the server process
//!
//! - Carry out outputs in the order given where they touch the same storage key (a
//!   `SaveSyncState` followed by a `LoadSyncState` of the same (document, storage id)).
//! - Storage answers may come in any order and after any delay; messages for a document wait
//!   in the engine until it is loaded. Answer every `LoadDoc`, `LoadSyncState` and `LoadHeads`.
//! - [`Output::Rejected`] refers to the input just given, so the server still holds the
//!   offending frame if it wants to quarantine it.
//! - After [`Output::Close`], send the frames queued before it, close the socket, and call
//!   `disconnect`; frames that still arrive on it are ignored.
//! - The engine is single-threaded state (`Send`, not shared): keep it behind one lock or
//!   in one task. Calls do CPU work (automerge load, apply, sync) but never wait.
//! - Every message is answered, so a connection that asks for more than it reads fills its
//!   outbound queue. To bound that, read a connection's next frame only while its queue has
//!   room and few of its messages are unanswered: [`ServerEngine::awaiting`] counts those
//!   waiting for storage, and [`ServerEngine::take_awaiting_changes`] says whose count moved.

mod awaiting;
mod batch;
mod connection;
mod doc_state;
mod doc_sync;
mod eviction;
mod handshake;
mod index_answer;
mod io;
mod peers;
mod relay;
mod storage_results;
mod whole_doc;

use super::access::{AccessPolicy, PeerIdentity};
use super::codec::CodecError;
use super::guard::{AcceptAll, ChangeGuard};
use super::message::Message;
use crate::doc_id::DocumentId;
use automerge::Automerge;
pub use io::{ChangeMeta, LoadedDoc, Output, PersistItem, RejectReason, StoredHeads};

use connection::Connection;
use doc_state::DocEntry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A connection, numbered by the server process (unique for the engine's lifetime).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Names one [`Output::Persist`] batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub u64);

/// Engine settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The server's peer id, sent as `senderId`.
    pub peer_id: String,
    /// The server's storage id (a UUID string), sent in `peerMetadata`.
    pub storage_id: Option<String>,
    /// Frames longer than this get an `error` and the connection is closed.
    pub max_message_bytes: usize,
    /// Approximate bytes of resident documents above which idle ones are evicted.
    pub doc_memory_budget: usize,
    /// Whether the `heads-batch` extension is offered to peers that ask for it.
    pub batch_sync: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            peer_id: "sync-server".to_owned(),
            storage_id: None,
            max_message_bytes: 8 << 20,
            doc_memory_budget: 256 << 20,
            batch_sync: true,
        }
    }
}

/// The receiving side of the automerge-repo v1 protocol. See the module documentation for the
/// contract with the server process.
pub struct ServerEngine {
    config: ServerConfig,
    policy: Box<dyn AccessPolicy>,
    guard: Box<dyn ChangeGuard>,
    conns: HashMap<ConnId, Connection>,
    docs: HashMap<DocumentId, DocEntry>,
    /// Connections that have synced (or subscribed to) each document: relay targets.
    doc_peers: HashMap<DocumentId, peers::Peers>,
    /// Changes not yet handed out in a `Persist`.
    unbatched: Vec<PersistItem>,
    /// Batches handed out and not yet committed: the documents in each, with item counts.
    in_flight: BTreeMap<Ticket, Vec<DocumentId>>,
    next_ticket: u64,
    outputs: Vec<Output>,
    /// Logical clock for the LRU.
    tick: u64,
    lru: BTreeMap<u64, DocumentId>,
    resident_bytes: usize,
    /// Connections whose count of messages waiting for storage changed (module `awaiting`).
    awaiting_changed: BTreeSet<ConnId>,
}

impl ServerEngine {
    /// An engine with `config`, deciding access with `policy`.
    pub fn new(config: ServerConfig, policy: Box<dyn AccessPolicy>) -> Self {
        Self {
            config,
            policy,
            guard: Box::new(AcceptAll),
            conns: HashMap::new(),
            docs: HashMap::new(),
            doc_peers: HashMap::new(),
            unbatched: Vec::new(),
            in_flight: BTreeMap::new(),
            next_ticket: 1,
            outputs: Vec::new(),
            tick: 0,
            lru: BTreeMap::new(),
            resident_bytes: 0,
            awaiting_changed: BTreeSet::new(),
        }
    }

    /// This engine, checking every received change with `guard` before accepting it (see
    /// [`ChangeGuard`]). Without one, every change that applies is accepted.
    pub fn with_guard(mut self, guard: Box<dyn ChangeGuard>) -> Self {
        self.guard = guard;
        self
    }

    /// Closes every connection of `identity` at once (its credential or a role was revoked):
    /// each gets an [`Output::Close`] and nothing more is sent to it. Returns the connections.
    /// The server re-checks access when the device connects again.
    pub fn close_identity(&mut self, identity: &PeerIdentity, reason: &'static str) -> Vec<ConnId> {
        let mut closed: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| &c.identity == identity)
            .map(|(id, _)| *id)
            .collect();
        closed.sort();
        for conn in &closed {
            self.outputs
                .retain(|o| !matches!(o, Output::Send { conn: c, .. } if c == conn));
            self.outputs.push(Output::Close {
                conn: *conn,
                reason,
            });
            self.drop_conn(*conn, true);
        }
        closed
    }

    /// A new authenticated connection. Its first frame must be a `join`.
    pub fn connect(&mut self, conn: ConnId, identity: PeerIdentity) {
        self.conns.insert(conn, Connection::new(identity));
    }

    /// The connection ended. Saves its durable sync states and forgets it. Idempotent.
    pub fn disconnect(&mut self, conn: ConnId) {
        self.drop_conn(conn, true);
        self.evict_over_budget();
    }

    /// Everything the server must do now, in order.
    pub fn poll_outputs(&mut self) -> Vec<Output> {
        if !self.unbatched.is_empty() {
            let ticket = Ticket(self.next_ticket);
            self.next_ticket += 1;
            let items = std::mem::take(&mut self.unbatched);
            self.in_flight
                .insert(ticket, items.iter().map(|i| i.doc_id).collect());
            self.outputs.push(Output::Persist { ticket, items });
        }
        std::mem::take(&mut self.outputs)
    }

    /// Number of documents in memory.
    pub fn resident_docs(&self) -> usize {
        self.docs.len()
    }

    /// Approximate bytes of documents in memory (the eviction budget's measure).
    pub fn resident_bytes(&self) -> usize {
        self.resident_bytes
    }

    /// Copies of the documents of `doc_ids` that are in memory, for a reader beside the engine
    /// (the server's ratings projector) that would otherwise load them from storage: `None`
    /// for one not resident, still loading or possibly holding a change that failed to apply,
    /// and for every one past `budget` bytes of copies (by the memory budget's estimate). A
    /// copy may hold changes not yet durable: the reader compares its heads with the stored
    /// ones. Copying costs a memory copy, no parsing.
    pub fn resident_copies(&self, doc_ids: &[DocumentId], budget: usize) -> Vec<Option<Automerge>> {
        let mut spent = 0usize;
        doc_ids
            .iter()
            .map(|id| {
                let entry = self.docs.get(id).filter(|e| !e.poisoned)?;
                let doc = entry.doc.as_ref()?;
                spent = spent.saturating_add(entry.size);
                (spent <= budget).then(|| doc.clone())
            })
            .collect()
    }

    /// Number of live connections.
    pub fn connections(&self) -> usize {
        self.conns.len()
    }

    fn send(&mut self, conn: ConnId, message: &Message) {
        self.outputs.push(Output::Send {
            conn,
            bytes: super::codec::encode(message),
        });
    }

    /// Sends `error`, asks for a close and forgets the connection.
    fn fail(
        &mut self,
        conn: ConnId,
        doc_id: Option<DocumentId>,
        reason: RejectReason,
        text: &'static str,
    ) {
        let target_id = self
            .conns
            .get(&conn)
            .and_then(|c| c.peer_id().map(str::to_owned));
        self.send(
            conn,
            &Message::Error {
                sender_id: Some(self.config.peer_id.clone()),
                target_id,
                message: text.to_owned(),
            },
        );
        self.outputs.push(Output::Rejected {
            conn,
            doc_id,
            reason,
        });
        self.outputs.push(Output::Close { conn, reason: text });
        self.drop_conn(conn, false);
    }

    /// Forgets a connection; with `save`, emits its sync states that are safe to persist.
    fn drop_conn(&mut self, conn: ConnId, save: bool) {
        let Some(connection) = self.conns.remove(&conn) else {
            return;
        };
        for (doc_id, peer_doc) in connection.docs {
            if let Some(peers) = self.doc_peers.get_mut(&doc_id) {
                peers.remove(&conn);
                if peers.is_empty() {
                    self.doc_peers.remove(&doc_id);
                }
            }
            // Shared heads may name changes still being committed; an evicted document
            // (absent) was durable and in sync when it left memory.
            let durable = self.docs.get(&doc_id).is_none_or(|d| d.is_durable());
            if save
                && durable
                && let Some(storage_id) = connection.storage_id.as_ref()
                && let Some(bytes) = peer_doc.unsaved_state()
            {
                self.outputs.push(Output::SaveSyncState {
                    doc_id,
                    storage_id: storage_id.clone(),
                    bytes,
                });
            }
        }
    }

    /// Handles one frame from `conn`.
    pub fn receive(&mut self, conn: ConnId, bytes: &[u8]) {
        let Some(connection) = self.conns.get(&conn) else {
            return;
        };
        let joined = connection.is_joined();
        let message = match super::codec::decode(bytes, self.config.max_message_bytes) {
            Ok(m) => m,
            Err(e) => {
                let text = match e {
                    CodecError::TooLarge { .. } => "message too large",
                    CodecError::UnknownType(_) => "unknown message type",
                    CodecError::InvalidDocumentId(_) => "invalid document id",
                    _ => "malformed message",
                };
                self.fail(conn, None, RejectReason::Malformed(e), text);
                return;
            }
        };
        if !joined {
            self.handle_join(conn, message);
            return;
        }
        // A `heads-batch` may leave its sender id out (our extension; see the codec).
        let anonymous_batch =
            matches!(&message, Message::HeadsBatch { sender_id, .. } if sender_id.is_empty());
        if !anonymous_batch
            && message.sender_id() != self.conns.get(&conn).and_then(Connection::peer_id)
        {
            self.fail(
                conn,
                None,
                RejectReason::SenderMismatch,
                "sender id does not match join",
            );
            return;
        }
        match message {
            Message::Request(m) | Message::Sync(m) => self.handle_doc_message(conn, m),
            Message::HeadsBatch { docs, .. } => self.handle_heads_batch(conn, docs),
            Message::Ephemeral { .. } => self.relay_ephemeral(conn, message),
            Message::Error { .. } => {
                self.outputs.push(Output::Close {
                    conn,
                    reason: "peer reported an error",
                });
                self.drop_conn(conn, true);
            }
            // Advisory or gossip we do not take part in.
            Message::Leave { .. }
            | Message::DocUnavailable { .. }
            | Message::RemoteSubscriptionChange { .. }
            | Message::RemoteHeadsChanged { .. } => {}
            Message::Join { .. } | Message::Peer { .. } | Message::HeadsBatchResult { .. } => {
                self.fail(conn, None, RejectReason::Unexpected, "unexpected message");
            }
        }
        self.evict_over_budget();
    }
}
