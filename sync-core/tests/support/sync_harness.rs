//! Test driver shared by the `sync_*` engine tests (included with `#[path]`): an in-memory
//! storage that carries out the [`ServerEngine`]'s outputs, and a checker that fails the test
//! as soon as a sync message leaves the server with heads that are not committed.
#![cfg(feature = "automerge")]
#![allow(dead_code)]

use automerge::ChangeHash;
use automerge::sync::SyncDoc;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::{Access, CreatorOnly};
use sync_core::sync::access::{DocMeta, PeerIdentity};
use sync_core::sync::server::RejectReason;
use sync_core::sync::{
    ClientEngine, ConnId, DocMessage, LoadedDoc, Message, Output, PeerMetadata, PersistItem,
    ServerConfig, ServerEngine, StoredHeads, Ticket, decode, encode,
};

/// One stored document: change chunks appended by commits, the heads index, the creator.
#[derive(Default, Clone)]
pub struct StoredDoc {
    pub chunks: Vec<Vec<u8>>,
    pub heads: Vec<ChangeHash>,
    pub meta: DocMeta,
}

/// A storage operation waiting to be carried out (when storage is not automatic).
pub enum StorageOp {
    LoadDoc(DocumentId),
    LoadDocHeads(DocumentId),
    LoadSyncState(ConnId, DocumentId, String),
    LoadHeads(ConnId, PeerIdentity, Vec<DocumentId>),
    Persist(Ticket, Vec<PersistItem>),
}

/// The server engine plus everything a real server process would do around it.
pub struct Harness {
    pub server: ServerEngine,
    pub docs: HashMap<DocumentId, StoredDoc>,
    pub sync_states: HashMap<(DocumentId, String), Vec<u8>>,
    /// `SaveSyncState` outputs carried out.
    pub sync_state_saves: usize,
    pub durable: HashSet<ChangeHash>,
    pub outbox: BTreeMap<ConnId, VecDeque<Vec<u8>>>,
    pub closed: Vec<(ConnId, &'static str)>,
    pub rejected: Vec<(ConnId, Option<DocumentId>, RejectReason)>,
    pub pending: VecDeque<StorageOp>,
    pub auto_storage: bool,
    pub load_docs: usize,
    /// `LoadDocHeads` outputs (heads index reads for one document).
    pub load_doc_heads: usize,
    pub persists: usize,
    pub evicted: usize,
    pub next_conn: u64,
}

impl Harness {
    pub fn new(server: ServerEngine) -> Self {
        Self {
            server,
            docs: HashMap::new(),
            sync_states: HashMap::new(),
            sync_state_saves: 0,
            durable: HashSet::new(),
            outbox: BTreeMap::new(),
            closed: Vec::new(),
            rejected: Vec::new(),
            pending: VecDeque::new(),
            auto_storage: true,
            load_docs: 0,
            load_doc_heads: 0,
            persists: 0,
            evicted: 0,
            next_conn: 1,
        }
    }

    /// Replaces the engine (a server restart) and keeps the storage.
    pub fn restart(&mut self, server: ServerEngine) {
        self.server = server;
        self.outbox.clear();
        self.pending.clear();
    }

    pub fn connect(&mut self, identity: &str) -> ConnId {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        self.server.connect(conn, PeerIdentity(identity.to_owned()));
        self.outbox.insert(conn, VecDeque::new());
        conn
    }

    pub fn receive(&mut self, conn: ConnId, bytes: &[u8]) {
        self.server.receive(conn, bytes);
        self.pump();
    }

    pub fn disconnect(&mut self, conn: ConnId) {
        self.server.disconnect(conn);
        self.outbox.remove(&conn);
        self.pump();
    }

    /// Frames the server queued for `conn`.
    pub fn take(&mut self, conn: ConnId) -> Vec<Vec<u8>> {
        self.outbox
            .get_mut(&conn)
            .map(|q| q.drain(..).collect())
            .unwrap_or_default()
    }

    pub fn take_messages(&mut self, conn: ConnId) -> Vec<Message> {
        self.take(conn)
            .iter()
            .map(|b| decode(b, usize::MAX).unwrap())
            .collect()
    }

    pub fn is_closed(&self, conn: ConnId) -> bool {
        self.closed.iter().any(|(c, _)| *c == conn)
    }

    /// Drains and carries out the engine's outputs until it is quiet.
    pub fn pump(&mut self) {
        loop {
            let outputs = self.server.poll_outputs();
            if outputs.is_empty() {
                break;
            }
            for output in outputs {
                self.handle(output);
            }
        }
    }

    fn handle(&mut self, output: Output) {
        match output {
            Output::Send { conn, bytes } => {
                self.check_durable(&bytes);
                if let Some(q) = self.outbox.get_mut(&conn) {
                    q.push_back(bytes);
                }
            }
            Output::Close { conn, reason } => {
                self.closed.push((conn, reason));
                self.server.disconnect(conn);
            }
            Output::LoadDoc { doc_id } => {
                self.load_docs += 1;
                self.queue(StorageOp::LoadDoc(doc_id));
            }
            Output::LoadDocHeads { doc_id } => {
                self.load_doc_heads += 1;
                self.queue(StorageOp::LoadDocHeads(doc_id));
            }
            Output::Persist { ticket, items } => self.queue(StorageOp::Persist(ticket, items)),
            Output::LoadSyncState {
                conn,
                doc_id,
                storage_id,
            } => self.queue(StorageOp::LoadSyncState(conn, doc_id, storage_id)),
            Output::SaveSyncState {
                doc_id,
                storage_id,
                bytes,
            } => {
                self.sync_state_saves += 1;
                self.sync_states.insert((doc_id, storage_id), bytes);
            }
            Output::LoadHeads {
                conn,
                identity,
                doc_ids,
            } => self.queue(StorageOp::LoadHeads(conn, identity, doc_ids)),
            Output::Rejected {
                conn,
                doc_id,
                reason,
            } => self.rejected.push((conn, doc_id, reason)),
            Output::DocEvicted { .. } => self.evicted += 1,
        }
    }

    fn queue(&mut self, op: StorageOp) {
        if self.auto_storage {
            self.complete(op);
        } else {
            self.pending.push_back(op);
        }
    }

    /// Carries out the pending storage operation at `index` (persists must go in order, so a
    /// persist is only taken when no earlier persist is pending).
    pub fn complete_pending(&mut self, index: usize) {
        let first_persist = self
            .pending
            .iter()
            .position(|op| matches!(op, StorageOp::Persist(..)));
        let index = match (&self.pending.get(index), first_persist) {
            (Some(StorageOp::Persist(..)), Some(first)) => first,
            _ => index,
        };
        if let Some(op) = self.pending.remove(index) {
            self.complete(op);
            self.pump();
        }
    }

    /// Carries out every pending storage operation.
    pub fn complete_all(&mut self) {
        while !self.pending.is_empty() {
            self.complete_pending(0);
        }
    }

    fn complete(&mut self, op: StorageOp) {
        match op {
            StorageOp::LoadDoc(doc_id) => {
                let loaded = self.docs.get(&doc_id).map(|d| LoadedDoc {
                    bytes: d.chunks.concat(),
                    meta: d.meta.clone(),
                });
                self.server.doc_loaded(doc_id, loaded);
            }
            StorageOp::LoadDocHeads(doc_id) => {
                let row = self.docs.get(&doc_id).map(|d| StoredHeads {
                    doc_id,
                    heads: d.heads.clone(),
                    meta: d.meta.clone(),
                });
                self.server.doc_heads_loaded(doc_id, row);
            }
            StorageOp::LoadSyncState(conn, doc_id, storage_id) => {
                let bytes = self.sync_states.get(&(doc_id, storage_id)).cloned();
                self.server.sync_state_loaded(conn, doc_id, bytes);
            }
            StorageOp::LoadHeads(conn, identity, doc_ids) => {
                let rows = self
                    .docs
                    .iter()
                    .filter(|(id, d)| {
                        doc_ids.contains(id) || d.meta.created_by.as_ref() == Some(&identity)
                    })
                    .map(|(id, d)| StoredHeads {
                        doc_id: *id,
                        heads: d.heads.clone(),
                        meta: d.meta.clone(),
                    })
                    .collect();
                self.server.heads_loaded(conn, rows);
            }
            StorageOp::Persist(ticket, items) => {
                self.persists += 1;
                for item in items {
                    let stored = self.docs.entry(item.doc_id).or_default();
                    if item.creates_doc {
                        stored.meta.created_by = Some(item.delivered_by.clone());
                        stored.meta.cell = item.cell.clone();
                    }
                    // One chunk per change, or one document chunk for a new document that
                    // arrived whole: every change it holds is listed in `change_meta`.
                    stored.chunks.extend(item.changes.iter().cloned());
                    for change in &item.change_meta {
                        self.durable.insert(change.hash);
                    }
                    stored.heads = item.new_heads;
                }
                self.server.persisted(ticket);
            }
        }
    }

    /// Fails the test if a sync message names heads that are not committed.
    fn check_durable(&self, bytes: &[u8]) {
        if let Ok(Message::Sync(m) | Message::Request(m)) = decode(bytes, usize::MAX) {
            let sync = automerge::sync::Message::decode(&m.data).unwrap();
            for head in &sync.heads {
                assert!(
                    self.durable.contains(head),
                    "server sent uncommitted head {head}"
                );
            }
        }
    }
}

/// Bytes and messages each way during one exchange.
#[derive(Debug, Default, Clone, Copy)]
pub struct Traffic {
    pub up_msgs: usize,
    pub up_bytes: usize,
    pub down_msgs: usize,
    pub down_bytes: usize,
    pub rounds: usize,
}

/// Moves frames between one client and its connection until both are quiet.
pub fn exchange(h: &mut Harness, client: &mut ClientEngine, conn: ConnId) -> Traffic {
    let mut t = Traffic::default();
    loop {
        let up = client.poll_frames();
        for f in &up {
            t.up_msgs += 1;
            t.up_bytes += f.len();
            h.receive(conn, f);
        }
        let down = h.take(conn);
        for f in &down {
            t.down_msgs += 1;
            t.down_bytes += f.len();
            client.receive(f).unwrap();
        }
        if up.is_empty() && down.is_empty() {
            break;
        }
        t.rounds += 1;
    }
    t
}

/// A document with `n` changes setting keys of the root map.
pub fn doc_with_changes(actor: u8, n: usize) -> automerge::Automerge {
    use automerge::transaction::Transactable;
    let mut doc = automerge::Automerge::new().with_actor(automerge::ActorId::from([actor; 16]));
    for i in 0..n {
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, format!("k{}", i % 7), i as i64)
            .unwrap();
        tx.commit();
    }
    doc
}

/// A device (`dev`, identity `dev-1`) holding one document per id, with 2–6 changes each,
/// all uploaded once; then disconnected.
pub fn uploaded_device(h: &mut Harness, ids: &[DocumentId], batch_sync: bool) -> ClientEngine {
    let mut device =
        ClientEngine::new("dev", Some("dev-storage".into())).with_batch_sync(batch_sync);
    for (i, id) in ids.iter().enumerate() {
        device.insert_doc(*id, doc_with_changes(1, 2 + i % 5));
    }
    let conn = h.connect("dev-1");
    device.connect();
    exchange(h, &mut device, conn);
    assert!(device.all_in_sync());
    device.disconnect();
    h.disconnect(conn);
    device
}

/// Connects `device` as `identity` and carries `join` and `peer` only; returns the
/// connection, with whatever the device queued after `peer` still unsent.
pub fn handshake(h: &mut Harness, device: &mut ClientEngine, identity: &str) -> ConnId {
    let conn = h.connect(identity);
    device.connect();
    for f in device.poll_frames() {
        h.receive(conn, &f);
    }
    for f in h.take(conn) {
        device.receive(&f).unwrap();
    }
    conn
}

/// Adds one change to a client's document.
pub fn edit(client: &mut ClientEngine, doc_id: DocumentId, key: &str, value: i64) {
    use automerge::transaction::Transactable;
    let doc = client.doc_mut(&doc_id).unwrap();
    let mut tx = doc.transaction();
    tx.put(automerge::ROOT, key, value).unwrap();
    tx.commit();
    client.local_change(doc_id);
}

// ---- helpers for the rule tests ----

pub fn config() -> ServerConfig {
    ServerConfig {
        peer_id: "server".into(),
        storage_id: Some("server-storage".into()),
        max_message_bytes: 1 << 20,
        doc_memory_budget: 64 << 20,
        batch_sync: true,
    }
}

pub fn harness() -> Harness {
    Harness::new(ServerEngine::new(config(), Box::new(CreatorOnly)))
}

pub fn open_to_all() -> Harness {
    let policy = |_: &PeerIdentity, _: &DocumentId, _: Option<&DocMeta>| Access::ReadWrite;
    Harness::new(ServerEngine::new(config(), Box::new(policy)))
}

pub fn join(sender: &str, versions: &[&str]) -> Vec<u8> {
    encode(&Message::Join {
        sender_id: sender.into(),
        supported_protocol_versions: versions.iter().map(|v| v.to_string()).collect(),
        peer_metadata: Some(PeerMetadata {
            storage_id: None,
            is_ephemeral: true,
            batch_sync: false,
            heads_digest: false,
        }),
    })
}

pub fn doc_frame(request: bool, sender: &str, doc_id: DocumentId, data: Vec<u8>) -> Vec<u8> {
    let m = DocMessage {
        sender_id: sender.into(),
        target_id: "server".into(),
        document_id: doc_id,
        data,
    };
    encode(&if request {
        Message::Request(m)
    } else {
        Message::Sync(m)
    })
}

/// The first sync message a fresh peer holding `doc` would send.
pub fn first_sync_data(doc: &automerge::Automerge) -> Vec<u8> {
    let mut state = automerge::sync::State::new();
    doc.generate_sync_message(&mut state).unwrap().encode()
}

pub fn id(name: &str) -> DocumentId {
    DocumentId::derive("rules", name)
}

pub fn assert_error_and_close(h: &mut Harness, conn: ConnId, text: &str) {
    let messages = h.take_messages(conn);
    assert!(
        matches!(messages.last(), Some(Message::Error { message, .. }) if message == text),
        "{messages:?}"
    );
    assert!(h.is_closed(conn));
}

pub fn connected_client(h: &mut Harness, identity: &str, peer: &str) -> (ClientEngine, ConnId) {
    let mut client = ClientEngine::new(peer, Some(format!("{peer}-storage")));
    let conn = h.connect(identity);
    client.connect();
    exchange(h, &mut client, conn);
    (client, conn)
}
