//! The messages of the automerge-repo v1 wire protocol, plus the batched-sync extension
//! (`heads-batch` / `heads-batch-result`), as plain typed data. Encoding lives in
//! [`super::codec`].

use crate::doc_id::DocumentId;

/// The only protocol version automerge-repo has ever defined.
pub const PROTOCOL_V1: &str = "1";

/// `peerMetadata` of `join` and `peer` (the README's CDDL calls it `metadata`; both are read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerMetadata {
    /// The sender's storage id (a UUID string); the other side persists sync state for it.
    pub storage_id: Option<String>,
    /// Whether the sender will not come back with the same storage id.
    pub is_ephemeral: bool,
    /// Our extension: the sender understands `heads-batch`. Encoded as `batchSync: 1` (or 2,
    /// see `heads_digest`) and only when set, so stock peers never see it.
    pub batch_sync: bool,
    /// Version 2 of the extension: the sender reads a `heads-batch` entry whose heads are a
    /// [`heads_digest`] instead of the hashes. Encoded as `batchSync: 2`; a version-1 peer
    /// reads that as `batchSync` on (any non-zero value) and keeps sending hashes.
    pub heads_digest: bool,
}

/// The common fields of `request` and `sync`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocMessage {
    /// The peer id of the sender.
    pub sender_id: String,
    /// The peer id of the receiver.
    pub target_id: String,
    /// The document this message is about.
    pub document_id: DocumentId,
    /// An encoded automerge sync message (first byte 0x42 or 0x43).
    pub data: Vec<u8>,
}

/// The heads one storage id holds of a document (`remote-heads-changed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteHeads {
    /// Base58 change hashes.
    pub heads: Vec<String>,
    /// Milliseconds since the Unix epoch, as the original sender saw it.
    pub timestamp: u64,
}

/// One entry of a `heads-batch`: a document and the heads the sender holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHeads {
    /// The document.
    pub document_id: DocumentId,
    /// The sender's heads of it.
    pub heads: BatchHeads,
}

/// The heads of a `heads-batch` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchHeads {
    /// Raw 32-byte change hashes (wire: an array of byte strings); empty if the sender holds
    /// nothing but wants the document.
    Hashes(Vec<[u8; 32]>),
    /// [`heads_digest`] of the heads (wire: one 8-byte string), for a receiver that announced
    /// `batchSync: 2`: 27 bytes per document instead of 19 + 34 per head.
    Digest([u8; HEADS_DIGEST_BYTES]),
}

/// Bytes of a [`heads_digest`].
pub const HEADS_DIGEST_BYTES: usize = 8;

/// The first 8 bytes of the SHA-256 of a document's heads, sorted and concatenated.
///
/// The receiver compares it with the digest of its own heads. Two different sets of heads
/// share a digest with probability 2^-64; the only effect of that would be one document
/// reported in sync to a peer that is not, which is the sender's own loss (and, as with
/// automerge's Bloom filter, repaired by the next change either side makes). A sender cannot
/// use it against anyone else: it only ever learns "in sync" or "not in sync".
pub fn heads_digest(heads: &[automerge::ChangeHash]) -> [u8; HEADS_DIGEST_BYTES] {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<&automerge::ChangeHash> = heads.iter().collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    for head in sorted {
        hasher.update(head.0);
    }
    let full = hasher.finalize();
    let mut out = [0; HEADS_DIGEST_BYTES];
    out.copy_from_slice(&full[..HEADS_DIGEST_BYTES]);
    out
}

impl BatchHeads {
    /// Whether these are exactly `heads` (any order); empty heads never match.
    pub fn matches(&self, heads: &[automerge::ChangeHash]) -> bool {
        if heads.is_empty() {
            return false;
        }
        match self {
            BatchHeads::Hashes(hashes) => {
                let mut theirs: Vec<&[u8; 32]> = hashes.iter().collect();
                let mut ours: Vec<&[u8; 32]> = heads.iter().map(|h| &h.0).collect();
                theirs.sort();
                ours.sort();
                theirs == ours
            }
            BatchHeads::Digest(digest) => heads_digest(heads) == *digest,
        }
    }
}

/// Every message of protocol v1 and of our batched extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Initiating peer → receiving peer, first message of a connection.
    Join {
        /// The initiating peer's id.
        sender_id: String,
        /// Versions the initiating peer speaks; must contain `"1"`.
        supported_protocol_versions: Vec<String>,
        /// Storage id, ephemerality and extensions.
        peer_metadata: Option<PeerMetadata>,
    },
    /// Receiving peer's answer to `join`.
    Peer {
        /// The receiving peer's id.
        sender_id: String,
        /// The initiating peer's id.
        target_id: String,
        /// Always `"1"`.
        selected_protocol_version: String,
        /// Storage id, ephemerality and extensions.
        peer_metadata: Option<PeerMetadata>,
    },
    /// The first sync message for a document; the answer is `doc-unavailable` if the target
    /// lacks it and the message carries nothing.
    Request(DocMessage),
    /// Any further sync message.
    Sync(DocMessage),
    /// The sender does not have (or will not share) the document.
    DocUnavailable {
        /// The sender's id.
        sender_id: String,
        /// The receiver's id.
        target_id: String,
        /// The document.
        document_id: DocumentId,
    },
    /// Presence and other transient data, relayed and never stored.
    Ephemeral {
        /// The original sender's id.
        sender_id: String,
        /// The receiver's id.
        target_id: String,
        /// The document the message belongs to.
        document_id: DocumentId,
        /// Per-session sequence number.
        count: u64,
        /// The sender's session id.
        session_id: String,
        /// Arbitrary CBOR, opaque here.
        data: Vec<u8>,
    },
    /// A protocol error; the sender closes the connection after it.
    Error {
        /// The sender's id (sent by the TS code, absent from the CDDL).
        sender_id: Option<String>,
        /// The receiver's id (sent by the TS code, absent from the CDDL).
        target_id: Option<String>,
        /// Human-readable reason.
        message: String,
    },
    /// Advisory: the sender is about to disconnect.
    Leave {
        /// The sender's id.
        sender_id: String,
    },
    /// Ask the receiver to watch other storage ids' heads (decoded, otherwise ignored).
    RemoteSubscriptionChange {
        /// The sender's id.
        sender_id: String,
        /// The receiver's id.
        target_id: String,
        /// Storage ids to add.
        add: Option<Vec<String>>,
        /// Storage ids to remove.
        remove: Option<Vec<String>>,
    },
    /// Gossip of other storage ids' heads (decoded, otherwise ignored).
    RemoteHeadsChanged {
        /// The sender's id.
        sender_id: String,
        /// The receiver's id.
        target_id: String,
        /// The document.
        document_id: DocumentId,
        /// Heads per storage id, in the order received.
        new_heads: Vec<(String, RemoteHeads)>,
    },
    /// Extension, client → server: the heads of every document the client holds or wants.
    HeadsBatch {
        /// The sender's id.
        sender_id: String,
        /// The receiver's id.
        target_id: String,
        /// One entry per document.
        docs: Vec<DocHeads>,
    },
    /// Extension, server → client: the documents that need an automerge sync; every other
    /// document of the batch is in sync.
    HeadsBatchResult {
        /// The sender's id.
        sender_id: String,
        /// The receiver's id.
        target_id: String,
        /// Documents whose heads differ, or that the server has and the client lacks.
        out_of_sync: Vec<DocumentId>,
    },
}

impl Message {
    /// The wire `type` string of this message.
    pub fn type_name(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Request(_) => "request",
            Message::Sync(_) => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::Error { .. } => "error",
            Message::Leave { .. } => "leave",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
            Message::HeadsBatch { .. } => "heads-batch",
            Message::HeadsBatchResult { .. } => "heads-batch-result",
        }
    }

    /// The `senderId`, when the message carries one.
    pub fn sender_id(&self) -> Option<&str> {
        match self {
            Message::Join { sender_id, .. }
            | Message::Peer { sender_id, .. }
            | Message::DocUnavailable { sender_id, .. }
            | Message::Ephemeral { sender_id, .. }
            | Message::Leave { sender_id }
            | Message::RemoteSubscriptionChange { sender_id, .. }
            | Message::RemoteHeadsChanged { sender_id, .. }
            | Message::HeadsBatch { sender_id, .. }
            | Message::HeadsBatchResult { sender_id, .. } => Some(sender_id),
            Message::Request(m) | Message::Sync(m) => Some(&m.sender_id),
            Message::Error { sender_id, .. } => sender_id.as_deref(),
        }
    }
}
