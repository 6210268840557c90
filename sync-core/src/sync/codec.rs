//! CBOR encoding of [`Message`]s, byte-compatible with automerge-repo's `cbor-x` encoder
//! (`useRecords: false, tagUint8Array: false`): one definite-length map per frame, text keys,
//! minimal integer heads, byte strings without the typed-array tag, keys in the order the TS code
//! builds its objects (`senderId` last where `NetworkSubsystem` appends it).
//!
//! Decoding is lenient where the ecosystem drifts (`metadata` or `peerMetadata`, tagged or
//! untagged byte strings, key order, unknown keys) and strict everywhere else: one CBOR item,
//! a bounded size, every required field with its type, a known `type`, valid document ids.

use super::message::{DocHeads, DocMessage, Message, PeerMetadata, RemoteHeads};
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
    from_value(value)
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
        fields.push(entry("batchSync", Value::Integer(1.into())));
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
            let docs = docs
                .iter()
                .map(|d| {
                    let heads = d.heads.iter().map(|h| Value::Bytes(h.to_vec())).collect();
                    Value::Array(vec![text(&d.document_id.to_string()), Value::Array(heads)])
                })
                .collect();
            vec![
                ty,
                entry("targetId", text(target_id)),
                entry("docs", Value::Array(docs)),
                entry("senderId", text(sender_id)),
            ]
        }
        Message::HeadsBatchResult {
            sender_id,
            target_id,
            out_of_sync,
        } => {
            let ids = out_of_sync.iter().map(|d| text(&d.to_string())).collect();
            vec![
                ty,
                entry("targetId", text(target_id)),
                entry("outOfSync", Value::Array(ids)),
                entry("senderId", text(sender_id)),
            ]
        }
    };
    Value::Map(fields)
}

/// The fields of a decoded map, looked up by name.
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn string(&self, key: &'static str) -> Result<String, CodecError> {
        self.opt_string(key)?.ok_or(CodecError::MissingField(key))
    }

    fn opt_string(&self, key: &'static str) -> Result<Option<String>, CodecError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(s)) => Ok(Some(s.clone())),
            Some(_) => Err(CodecError::WrongType {
                field: key,
                expected: "a text string",
            }),
        }
    }

    fn bytes(&self, key: &'static str) -> Result<Vec<u8>, CodecError> {
        let value = self.get(key).ok_or(CodecError::MissingField(key))?;
        as_bytes(value).ok_or(CodecError::WrongType {
            field: key,
            expected: "a byte string",
        })
    }

    fn doc_id(&self) -> Result<DocumentId, CodecError> {
        parse_doc_id(&self.string("documentId")?)
    }

    fn uint(&self, key: &'static str) -> Result<u64, CodecError> {
        let value = self.get(key).ok_or(CodecError::MissingField(key))?;
        as_uint(value).ok_or(CodecError::WrongType {
            field: key,
            expected: "an unsigned integer",
        })
    }

    fn opt_strings(&self, key: &'static str) -> Result<Option<Vec<String>>, CodecError> {
        let wrong = CodecError::WrongType {
            field: key,
            expected: "an array of text strings",
        };
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Text(s) => Ok(s.clone()),
                    _ => Err(wrong.clone()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(wrong),
        }
    }
}

fn parse_doc_id(s: &str) -> Result<DocumentId, CodecError> {
    DocumentId::parse(s).map_err(|_| CodecError::InvalidDocumentId(s.chars().take(64).collect()))
}

/// A byte string, possibly wrapped in a tag (cbor-x with `tagUint8Array: true` uses tag 64).
fn as_bytes(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::Bytes(b) => Some(b.clone()),
        Value::Tag(_, inner) => match inner.as_ref() {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// JS numbers may arrive as integers or as integral floats.
fn as_uint(value: &Value) -> Option<u64> {
    match value {
        Value::Integer(i) => u64::try_from(*i).ok(),
        Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= 9_007_199_254_740_991.0 => {
            // unwrap-free: the range check above makes the cast exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(*f as u64)
        }
        _ => None,
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Integer(i) => i128::from(*i) != 0,
        Value::Float(f) => *f != 0.0,
        _ => false,
    }
}

fn metadata(fields: &Fields) -> Result<Option<PeerMetadata>, CodecError> {
    let value = match fields
        .get("peerMetadata")
        .or_else(|| fields.get("metadata"))
    {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    let Value::Map(entries) = value else {
        return Err(CodecError::WrongType {
            field: "peerMetadata",
            expected: "a map",
        });
    };
    let mut meta = PeerMetadata::default();
    for (k, v) in entries {
        match (k.as_text(), v) {
            (Some("storageId"), Value::Text(s)) => meta.storage_id = Some(s.clone()),
            (Some("storageId"), Value::Null) => {}
            (Some("storageId"), _) => {
                return Err(CodecError::WrongType {
                    field: "storageId",
                    expected: "a text string",
                });
            }
            (Some("isEphemeral"), v) => meta.is_ephemeral = truthy(v),
            (Some("batchSync"), v) => meta.batch_sync = truthy(v),
            _ => {}
        }
    }
    Ok(Some(meta))
}

fn doc_message(fields: &Fields) -> Result<DocMessage, CodecError> {
    Ok(DocMessage {
        sender_id: fields.string("senderId")?,
        target_id: fields.string("targetId")?,
        document_id: fields.doc_id()?,
        data: fields.bytes("data")?,
    })
}

fn new_heads(fields: &Fields) -> Result<Vec<(String, RemoteHeads)>, CodecError> {
    let wrong = CodecError::WrongType {
        field: "newHeads",
        expected: "a map of storage ids to heads",
    };
    let Some(Value::Map(entries)) = fields.get("newHeads") else {
        return Err(if fields.get("newHeads").is_some() {
            wrong
        } else {
            CodecError::MissingField("newHeads")
        });
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let (Some(storage_id), Value::Map(info)) = (k.as_text(), v) else {
            return Err(wrong);
        };
        let info = Fields(text_keyed(info).ok_or_else(|| wrong.clone())?);
        out.push((
            storage_id.to_owned(),
            RemoteHeads {
                heads: info.opt_strings("heads")?.unwrap_or_default(),
                timestamp: info.uint("timestamp")?,
            },
        ));
    }
    Ok(out)
}

fn heads_batch_docs(fields: &Fields) -> Result<Vec<DocHeads>, CodecError> {
    let wrong = CodecError::WrongType {
        field: "docs",
        expected: "an array of [documentId, heads]",
    };
    let Some(Value::Array(items)) = fields.get("docs") else {
        return Err(if fields.get("docs").is_some() {
            wrong
        } else {
            CodecError::MissingField("docs")
        });
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Value::Array(pair) = item else {
            return Err(wrong);
        };
        let [Value::Text(id), Value::Array(heads)] = pair.as_slice() else {
            return Err(wrong);
        };
        let heads = heads
            .iter()
            .map(|h| as_bytes(h).and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| wrong.clone())?;
        out.push(DocHeads {
            document_id: parse_doc_id(id)?,
            heads,
        });
    }
    Ok(out)
}

fn text_keyed(entries: &[(Value, Value)]) -> Option<Vec<(String, Value)>> {
    entries
        .iter()
        .map(|(k, v)| k.as_text().map(|k| (k.to_owned(), v.clone())))
        .collect()
}

fn from_value(value: Value) -> Result<Message, CodecError> {
    let Value::Map(entries) = value else {
        return Err(CodecError::NotAMap);
    };
    let fields = Fields(text_keyed(&entries).ok_or(CodecError::NotAMap)?);
    let ty = fields.string("type")?;
    let message = match ty.as_str() {
        "join" => Message::Join {
            sender_id: fields.string("senderId")?,
            supported_protocol_versions: fields
                .opt_strings("supportedProtocolVersions")?
                .ok_or(CodecError::MissingField("supportedProtocolVersions"))?,
            peer_metadata: metadata(&fields)?,
        },
        "peer" => Message::Peer {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            selected_protocol_version: fields.string("selectedProtocolVersion")?,
            peer_metadata: metadata(&fields)?,
        },
        "request" => Message::Request(doc_message(&fields)?),
        "sync" => Message::Sync(doc_message(&fields)?),
        "doc-unavailable" => Message::DocUnavailable {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            document_id: fields.doc_id()?,
        },
        "ephemeral" => Message::Ephemeral {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            document_id: fields.doc_id()?,
            count: fields.uint("count")?,
            session_id: fields.string("sessionId")?,
            data: fields.bytes("data")?,
        },
        "error" => Message::Error {
            sender_id: fields.opt_string("senderId")?,
            target_id: fields.opt_string("targetId")?,
            message: fields.string("message")?,
        },
        "leave" => Message::Leave {
            sender_id: fields.string("senderId")?,
        },
        "remote-subscription-change" => Message::RemoteSubscriptionChange {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            add: fields.opt_strings("add")?,
            remove: fields.opt_strings("remove")?,
        },
        "remote-heads-changed" => Message::RemoteHeadsChanged {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            document_id: fields.doc_id()?,
            new_heads: new_heads(&fields)?,
        },
        "heads-batch" => Message::HeadsBatch {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            docs: heads_batch_docs(&fields)?,
        },
        "heads-batch-result" => Message::HeadsBatchResult {
            sender_id: fields.string("senderId")?,
            target_id: fields.string("targetId")?,
            out_of_sync: fields
                .opt_strings("outOfSync")?
                .ok_or(CodecError::MissingField("outOfSync"))?
                .iter()
                .map(|s| parse_doc_id(s))
                .collect::<Result<_, _>>()?,
        },
        other => return Err(CodecError::UnknownType(other.chars().take(64).collect())),
    };
    Ok(message)
}
