//! Decoding: from one CBOR value to a [`Message`], strict about shape and lenient about the
//! ecosystem's drift.

use super::CodecError;
use crate::doc_id::DocumentId;
use crate::sync::message::{
    BatchHeads, DocHeads, DocMessage, HEADS_DIGEST_BYTES, Message, PeerMetadata, RemoteHeads,
};
use ciborium::Value;

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

    /// The byte string at `key`, taken out (a sync message's payload is moved, not copied).
    fn take_bytes(&mut self, key: &'static str) -> Result<Vec<u8>, CodecError> {
        let wrong = CodecError::WrongType {
            field: key,
            expected: "a byte string",
        };
        let value = self
            .0
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .ok_or(CodecError::MissingField(key))?;
        match std::mem::replace(value, Value::Null) {
            Value::Bytes(b) => Ok(b),
            Value::Tag(_, inner) => match *inner {
                Value::Bytes(b) => Ok(b),
                _ => Err(wrong),
            },
            _ => Err(wrong),
        }
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

/// A document id of the batched extension: 16 raw bytes, or (as first sent) its text form.
/// `None` when it is neither a byte nor a text string.
fn extension_doc_id(value: &Value) -> Option<Result<DocumentId, CodecError>> {
    match value {
        Value::Text(s) => Some(parse_doc_id(s)),
        other => {
            let bytes = as_bytes(other)?;
            Some(
                <[u8; 16]>::try_from(bytes)
                    .map(DocumentId::from_bytes)
                    .map_err(|_| {
                        CodecError::InvalidDocumentId(format!("{} raw bytes", bytes.len()))
                    }),
            )
        }
    }
}

/// The ids of an extension message: optional there (see the encoder), empty when absent.
fn extension_peer_id(fields: &Fields, key: &'static str) -> Result<String, CodecError> {
    Ok(fields.opt_string(key)?.unwrap_or_default())
}

fn parse_doc_id(s: &str) -> Result<DocumentId, CodecError> {
    DocumentId::parse(s).map_err(|_| CodecError::InvalidDocumentId(s.chars().take(64).collect()))
}

/// A byte string, possibly wrapped in a tag (cbor-x with `tagUint8Array: true` uses tag 64).
fn as_bytes(value: &Value) -> Option<&[u8]> {
    match value {
        Value::Bytes(b) => Some(b),
        Value::Tag(_, inner) => match inner.as_ref() {
            Value::Bytes(b) => Some(b),
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
            (Some("batchSync"), v) => {
                meta.batch_sync = truthy(v);
                meta.heads_digest = matches!(v, Value::Integer(i) if i128::from(*i) >= 2);
            }
            _ => {}
        }
    }
    Ok(Some(meta))
}

fn doc_message(fields: &mut Fields) -> Result<DocMessage, CodecError> {
    Ok(DocMessage {
        sender_id: fields.string("senderId")?,
        target_id: fields.string("targetId")?,
        document_id: fields.doc_id()?,
        data: fields.take_bytes("data")?,
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
        let info = Fields(text_keyed(info.clone()).ok_or_else(|| wrong.clone())?);
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
        expected: "an array of [documentId, heads or an 8-byte heads digest]",
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
        let [id, heads] = pair.as_slice() else {
            return Err(wrong);
        };
        let heads = match heads {
            Value::Array(heads) => BatchHeads::Hashes(
                heads
                    .iter()
                    .map(|h| as_bytes(h).and_then(|b| <[u8; 32]>::try_from(b).ok()))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| wrong.clone())?,
            ),
            digest => BatchHeads::Digest(
                as_bytes(digest)
                    .and_then(|b| <[u8; HEADS_DIGEST_BYTES]>::try_from(b).ok())
                    .ok_or_else(|| wrong.clone())?,
            ),
        };
        out.push(DocHeads {
            document_id: extension_doc_id(id).ok_or_else(|| wrong.clone())??,
            heads,
        });
    }
    Ok(out)
}

fn out_of_sync(fields: &Fields) -> Result<Vec<DocumentId>, CodecError> {
    let wrong = CodecError::WrongType {
        field: "outOfSync",
        expected: "an array of document ids",
    };
    match fields.get("outOfSync") {
        None => Err(CodecError::MissingField("outOfSync")),
        Some(Value::Array(items)) => items
            .iter()
            .map(|id| extension_doc_id(id).ok_or_else(|| wrong.clone())?)
            .collect(),
        Some(_) => Err(wrong),
    }
}

/// The map's entries, taken (not copied: a `heads-batch` holds thousands of values), if every
/// key is a text string.
fn text_keyed(entries: Vec<(Value, Value)>) -> Option<Vec<(String, Value)>> {
    entries
        .into_iter()
        .map(|(k, v)| match k {
            Value::Text(k) => Some((k, v)),
            _ => None,
        })
        .collect()
}

pub(super) fn from_value(value: Value) -> Result<Message, CodecError> {
    let Value::Map(entries) = value else {
        return Err(CodecError::NotAMap);
    };
    let mut fields = Fields(text_keyed(entries).ok_or(CodecError::NotAMap)?);
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
        "request" => Message::Request(doc_message(&mut fields)?),
        "sync" => Message::Sync(doc_message(&mut fields)?),
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
            data: fields.take_bytes("data")?,
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
            sender_id: extension_peer_id(&fields, "senderId")?,
            target_id: extension_peer_id(&fields, "targetId")?,
            docs: heads_batch_docs(&fields)?,
        },
        "heads-batch-result" => Message::HeadsBatchResult {
            sender_id: extension_peer_id(&fields, "senderId")?,
            target_id: extension_peer_id(&fields, "targetId")?,
            out_of_sync: out_of_sync(&fields)?,
        },
        other => return Err(CodecError::UnknownType(other.chars().take(64).collect())),
    };
    Ok(message)
}
