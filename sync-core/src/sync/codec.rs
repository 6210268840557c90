//! CBOR encoding of [`Message`]s, byte-compatible with automerge-repo's `cbor-x` encoder
//! (`useRecords: false, tagUint8Array: false`): one definite-length map per frame, text keys,
//! minimal integer heads, byte strings without the typed-array tag, keys in the order the TS code
//! builds its objects (`senderId` last where `NetworkSubsystem` appends it).
//!
//! Decoding is lenient where the ecosystem drifts (`metadata` or `peerMetadata`, tagged or
//! untagged byte strings, key order, unknown keys) and strict everywhere else: one CBOR item,
//! a bounded size, every required field with its type, a known `type`, valid document ids.

mod decode;

use super::message::{BatchHeads, Message, PeerMetadata};
use crate::doc_id::DocumentId;
use ciborium::Value;

/// Why a frame is not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The frame exceeds the configured limit.
    #[error("message of `{size}` bytes exceeds the limit of `{limit}` bytes")]
    TooLarge {
        /// Frame length.
        size: usize,
        /// Configured limit.
        limit: usize,
    },
    /// The bytes are not one well-formed CBOR item.
    #[error("frame is not valid cbor")]
    NotCbor,
    /// Bytes follow the first CBOR item.
    #[error("frame has trailing bytes after the cbor item")]
    TrailingBytes,
    /// The CBOR item is not a map with text keys.
    #[error("message is not a cbor map with text keys")]
    NotAMap,
    /// A required field is absent.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A field has the wrong CBOR type.
    #[error("field `{field}` must be {expected}")]
    WrongType {
        /// The field name.
        field: &'static str,
        /// What it should have been.
        expected: &'static str,
    },
    /// The `type` is not one we know (truncated to 64 characters).
    #[error("unknown message type `{0}`")]
    UnknownType(String),
    /// A `documentId` is neither base58check nor a UUID (truncated to 64 characters).
    #[error("invalid document id `{0}`")]
    InvalidDocumentId(String),
}

/// Encodes a message as one CBOR map.
pub fn encode(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    // unwrap: writing a `Value` into a `Vec` cannot fail (no I/O, no unsupported types).
    #[allow(clippy::unwrap_used)]
    ciborium::into_writer(&to_value(message), &mut out).unwrap();
    out
}

/// Decodes one frame, refusing frames longer than `max_message_bytes`.
pub fn decode(bytes: &[u8], max_message_bytes: usize) -> Result<Message, CodecError> {
    if bytes.len() > max_message_bytes {
        return Err(CodecError::TooLarge {
            size: bytes.len(),
            limit: max_message_bytes,
        });
    }
    let mut rest = bytes;
    let value: Value = ciborium::from_reader(&mut rest).map_err(|_| CodecError::NotCbor)?;
    if !rest.is_empty() {
        return Err(CodecError::TrailingBytes);
    }
    decode::from_value(value)
}

/// A document id in the batched extension: its 16 raw bytes.
fn doc_id_bytes(id: &DocumentId) -> Value {
    Value::Bytes(id.as_bytes().to_vec())
}

/// `senderId` and `targetId` of an extension message, each only when not empty: on one
/// connection both ends already know them from `join`/`peer`, so senders leave them empty to
/// save ~90 bytes a message.
fn peer_ids(sender_id: &str, target_id: &str) -> Vec<(Value, Value)> {
    [("senderId", sender_id), ("targetId", target_id)]
        .into_iter()
        .filter(|(_, id)| !id.is_empty())
        .map(|(key, id)| entry(key, text(id)))
        .collect()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn entry(key: &str, value: Value) -> (Value, Value) {
    (text(key), value)
}

fn metadata_value(m: &PeerMetadata) -> Value {
    let mut fields = Vec::new();
    if let Some(storage_id) = &m.storage_id {
        fields.push(entry("storageId", text(storage_id)));
    }
    fields.push(entry("isEphemeral", Value::Bool(m.is_ephemeral)));
    if m.batch_sync {
        let version = if m.heads_digest { 2 } else { 1 };
        fields.push(entry("batchSync", Value::Integer(version.into())));
    }
    Value::Map(fields)
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| text(s)).collect())
}

fn to_value(message: &Message) -> Value {
    let ty = entry("type", text(message.type_name()));
    let fields = match message {
        Message::Join {
            sender_id,
            supported_protocol_versions,
            peer_metadata,
        } => {
            let mut f = vec![ty, entry("senderId", text(sender_id))];
            if let Some(m) = peer_metadata {
                f.push(entry("peerMetadata", metadata_value(m)));
            }
            f.push(entry(
                "supportedProtocolVersions",
                strings(supported_protocol_versions),
            ));
            f
        }
        Message::Peer {
            sender_id,
            target_id,
            selected_protocol_version,
            peer_metadata,
        } => {
            let mut f = vec![ty, entry("senderId", text(sender_id))];
            if let Some(m) = peer_metadata {
                f.push(entry("peerMetadata", metadata_value(m)));
            }
            f.push(entry(
                "selectedProtocolVersion",
                text(selected_protocol_version),
            ));
            f.push(entry("targetId", text(target_id)));
            f
        }
        Message::Request(m) | Message::Sync(m) => vec![
            ty,
            entry("targetId", text(&m.target_id)),
            entry("data", Value::Bytes(m.data.clone())),
            entry("documentId", text(&m.document_id.to_string())),
            entry("senderId", text(&m.sender_id)),
        ],
        Message::DocUnavailable {
            sender_id,
            target_id,
            document_id,
        } => vec![
            ty,
            entry("documentId", text(&document_id.to_string())),
            entry("targetId", text(target_id)),
            entry("senderId", text(sender_id)),
        ],
        Message::Ephemeral {
            sender_id,
            target_id,
            document_id,
            count,
            session_id,
            data,
        } => vec![
            ty,
            entry("targetId", text(target_id)),
            entry("documentId", text(&document_id.to_string())),
            entry("data", Value::Bytes(data.clone())),
            entry("count", Value::Integer((*count).into())),
            entry("sessionId", text(session_id)),
            entry("senderId", text(sender_id)),
        ],
        Message::Error {
            sender_id,
            target_id,
            message,
        } => {
            let mut f = vec![ty, entry("message", text(message))];
            if let Some(t) = target_id {
                f.push(entry("targetId", text(t)));
            }
            if let Some(s) = sender_id {
                f.push(entry("senderId", text(s)));
            }
            f
        }
        Message::Leave { sender_id } => vec![ty, entry("senderId", text(sender_id))],
        Message::RemoteSubscriptionChange {
            sender_id,
            target_id,
            add,
            remove,
        } => {
            let mut f = vec![ty, entry("targetId", text(target_id))];
            if let Some(a) = add {
                f.push(entry("add", strings(a)));
            }
            if let Some(r) = remove {
                f.push(entry("remove", strings(r)));
            }
            f.push(entry("senderId", text(sender_id)));
            f
        }
        Message::RemoteHeadsChanged {
            sender_id,
            target_id,
            document_id,
            new_heads,
        } => {
            let heads = new_heads
                .iter()
                .map(|(storage_id, h)| {
                    let info = Value::Map(vec![
                        entry("heads", strings(&h.heads)),
                        entry("timestamp", Value::Integer(h.timestamp.into())),
                    ]);
                    (text(storage_id), info)
                })
                .collect();
            vec![
                ty,
                entry("targetId", text(target_id)),
                entry("documentId", text(&document_id.to_string())),
                entry("newHeads", Value::Map(heads)),
                entry("senderId", text(sender_id)),
            ]
        }
        Message::HeadsBatch {
            sender_id,
            target_id,
            docs,
        } => {
            // Ids as their 16 raw bytes (not base58check text): ~13 bytes less per document.
            let docs = docs
                .iter()
                .map(|d| {
                    let heads = match &d.heads {
                        BatchHeads::Hashes(hashes) => {
                            Value::Array(hashes.iter().map(|h| Value::Bytes(h.to_vec())).collect())
                        }
                        BatchHeads::Digest(digest) => Value::Bytes(digest.to_vec()),
                    };
                    Value::Array(vec![doc_id_bytes(&d.document_id), heads])
                })
                .collect();
            let mut fields = vec![ty];
            fields.extend(peer_ids(sender_id, target_id));
            fields.push(entry("docs", Value::Array(docs)));
            fields
        }
        Message::HeadsBatchResult {
            sender_id,
            target_id,
            out_of_sync,
        } => {
            let ids = out_of_sync.iter().map(doc_id_bytes).collect();
            let mut fields = vec![ty];
            fields.extend(peer_ids(sender_id, target_id));
            fields.push(entry("outOfSync", Value::Array(ids)));
            fields
        }
    };
    Value::Map(fields)
}
