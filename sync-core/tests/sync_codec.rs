//! The v1 codec against byte fixtures built by cbor-x's rules, its lenient and strict decoding,
//! and properties over random input.
#![cfg(feature = "automerge")]

#[path = "support/cbor_fixture.rs"]
mod cbor_fixture;

use cbor_fixture::{cbor, t};
use ciborium::Value;
use proptest::prelude::*;
use sync_core::doc_id::DocumentId;
use sync_core::sync::message::{BatchHeads, DocHeads, RemoteHeads};
use sync_core::sync::{CodecError, DocMessage, Message, PeerMetadata, decode, encode};

const LIMIT: usize = 1 << 20;

fn doc() -> DocumentId {
    DocumentId::derive("test", "codec")
}

#[test]
fn leave_encodes_to_the_exact_bytes_cbor_x_writes() {
    // {"type":"leave","senderId":"a"}: map(2), text(4) "type", text(5) "leave", text(8) "senderId", text(1) "a"
    let expected: Vec<u8> = [
        &[0xa2, 0x64][..],
        b"type",
        &[0x65],
        b"leave",
        &[0x68],
        b"senderId",
        &[0x61],
        b"a",
    ]
    .concat();
    assert_eq!(
        encode(&Message::Leave {
            sender_id: "a".into()
        }),
        expected
    );
}

#[test]
fn sync_encodes_data_as_an_untagged_byte_string_with_ts_key_order() {
    let m = Message::Sync(DocMessage {
        sender_id: "server".into(),
        target_id: "client".into(),
        document_id: doc(),
        data: vec![0x42, 1, 2],
    });
    let expected = cbor(vec![
        ("type", t("sync")),
        ("targetId", t("client")),
        ("data", Value::Bytes(vec![0x42, 1, 2])),
        ("documentId", t(&doc().to_string())),
        ("senderId", t("server")),
    ]);
    let bytes = encode(&m);
    assert_eq!(bytes, expected);
    // Byte string of length 3 right after the "data" key, no tag 64 (0xd8 0x40).
    let data_at = bytes.windows(4).position(|w| w == b"data").unwrap();
    assert_eq!(bytes[data_at + 4], 0x43);
    assert_eq!(decode(&bytes, LIMIT).unwrap(), m);
}

#[test]
fn peer_carries_peer_metadata_as_a_map_and_batch_sync_only_when_asked() {
    let m = Message::Peer {
        sender_id: "server".into(),
        target_id: "c1".into(),
        selected_protocol_version: "1".into(),
        peer_metadata: Some(PeerMetadata {
            storage_id: Some("s-1".into()),
            is_ephemeral: false,
            batch_sync: false,
            heads_digest: false,
        }),
    };
    let expected = cbor(vec![
        ("type", t("peer")),
        ("senderId", t("server")),
        (
            "peerMetadata",
            Value::Map(vec![
                (t("storageId"), t("s-1")),
                (t("isEphemeral"), Value::Bool(false)),
            ]),
        ),
        ("selectedProtocolVersion", t("1")),
        ("targetId", t("c1")),
    ]);
    assert_eq!(encode(&m), expected);
    let with_batch = Message::Peer {
        sender_id: "server".into(),
        target_id: "c1".into(),
        selected_protocol_version: "1".into(),
        peer_metadata: Some(PeerMetadata {
            batch_sync: true,
            ..Default::default()
        }),
    };
    let bytes = encode(&with_batch);
    assert!(bytes.windows(9).any(|w| w == b"batchSync"));
    assert_eq!(decode(&bytes, LIMIT).unwrap(), with_batch);
}

#[test]
fn join_with_the_readme_metadata_key_decodes_like_peer_metadata() {
    let bytes = cbor(vec![
        ("type", t("join")),
        ("senderId", t("dev")),
        ("supportedProtocolVersions", Value::Array(vec![t("1")])),
        (
            "metadata",
            Value::Map(vec![
                (t("storageId"), t("abc")),
                (t("isEphemeral"), Value::Bool(true)),
            ]),
        ),
    ]);
    let Message::Join {
        peer_metadata,
        supported_protocol_versions,
        ..
    } = decode(&bytes, LIMIT).unwrap()
    else {
        panic!("not a join")
    };
    assert_eq!(supported_protocol_versions, vec!["1".to_string()]);
    let meta = peer_metadata.unwrap();
    assert_eq!(meta.storage_id.as_deref(), Some("abc"));
    assert!(meta.is_ephemeral);
}

#[test]
fn tagged_byte_strings_and_uuid_document_ids_are_accepted() {
    let bytes = cbor(vec![
        ("type", t("request")),
        ("senderId", t("a")),
        ("targetId", t("b")),
        ("documentId", t("6b1d4c3e-225a-4e8f-9a10-010203040506")),
        ("data", Value::Tag(64, Box::new(Value::Bytes(vec![0x42])))),
    ]);
    let Message::Request(m) = decode(&bytes, LIMIT).unwrap() else {
        panic!("not a request")
    };
    assert_eq!(m.data, vec![0x42]);
    assert_eq!(m.document_id.as_bytes()[0], 0x6b);
}

#[test]
fn every_message_type_round_trips() {
    let messages = vec![
        Message::Join {
            sender_id: "a".into(),
            supported_protocol_versions: vec!["1".into()],
            peer_metadata: None,
        },
        Message::Request(DocMessage {
            sender_id: "a".into(),
            target_id: "b".into(),
            document_id: doc(),
            data: vec![0x42, 0],
        }),
        Message::DocUnavailable {
            sender_id: "b".into(),
            target_id: "a".into(),
            document_id: doc(),
        },
        Message::Ephemeral {
            sender_id: "a".into(),
            target_id: "b".into(),
            document_id: doc(),
            count: 7,
            session_id: "s".into(),
            data: vec![0xa0],
        },
        Message::Error {
            sender_id: Some("b".into()),
            target_id: None,
            message: "nope".into(),
        },
        Message::Error {
            sender_id: None,
            target_id: None,
            message: "bare".into(),
        },
        Message::RemoteSubscriptionChange {
            sender_id: "a".into(),
            target_id: "b".into(),
            add: Some(vec!["x".into()]),
            remove: None,
        },
        Message::RemoteHeadsChanged {
            sender_id: "a".into(),
            target_id: "b".into(),
            document_id: doc(),
            new_heads: vec![(
                "st".into(),
                RemoteHeads {
                    heads: vec!["h".into()],
                    timestamp: 5,
                },
            )],
        },
        Message::HeadsBatch {
            sender_id: "a".into(),
            target_id: "b".into(),
            docs: vec![DocHeads {
                document_id: doc(),
                heads: BatchHeads::Hashes(vec![[7; 32]]),
            }],
        },
        Message::HeadsBatchResult {
            sender_id: "b".into(),
            target_id: "a".into(),
            out_of_sync: vec![doc()],
        },
    ];
    for m in messages {
        assert_eq!(decode(&encode(&m), LIMIT).unwrap(), m, "{}", m.type_name());
    }
}

#[test]
fn an_integral_float_count_from_javascript_is_accepted() {
    let bytes = cbor(vec![
        ("type", t("ephemeral")),
        ("senderId", t("a")),
        ("targetId", t("b")),
        ("documentId", t(&doc().to_string())),
        ("count", Value::Float(3.0)),
        ("sessionId", t("s")),
        ("data", Value::Bytes(vec![])),
    ]);
    assert!(matches!(
        decode(&bytes, LIMIT),
        Ok(Message::Ephemeral { count: 3, .. })
    ));
}

#[test]
fn bad_frames_get_typed_errors() {
    assert_eq!(decode(&[0xff, 0x00, 0x13], LIMIT), Err(CodecError::NotCbor));
    assert_eq!(decode(b"", LIMIT), Err(CodecError::NotCbor));
    let mut array = Vec::new();
    ciborium::into_writer(&Value::Array(vec![]), &mut array).unwrap();
    assert_eq!(decode(&array, LIMIT), Err(CodecError::NotAMap));
    let mut trailing = encode(&Message::Leave {
        sender_id: "a".into(),
    });
    trailing.push(0);
    assert_eq!(decode(&trailing, LIMIT), Err(CodecError::TrailingBytes));
    assert_eq!(
        decode(&cbor(vec![("senderId", t("a"))]), LIMIT),
        Err(CodecError::MissingField("type"))
    );
    assert_eq!(
        decode(
            &cbor(vec![("type", t("launch-missiles")), ("senderId", t("a"))]),
            LIMIT
        ),
        Err(CodecError::UnknownType("launch-missiles".into()))
    );
    let no_data = cbor(vec![
        ("type", t("sync")),
        ("senderId", t("a")),
        ("targetId", t("b")),
        ("documentId", t(&doc().to_string())),
    ]);
    assert_eq!(
        decode(&no_data, LIMIT),
        Err(CodecError::MissingField("data"))
    );
    let text_data = cbor(vec![
        ("type", t("sync")),
        ("senderId", t("a")),
        ("targetId", t("b")),
        ("documentId", t(&doc().to_string())),
        ("data", t("not bytes")),
    ]);
    assert!(matches!(
        decode(&text_data, LIMIT),
        Err(CodecError::WrongType { field: "data", .. })
    ));
    let bad_id = cbor(vec![
        ("type", t("doc-unavailable")),
        ("senderId", t("a")),
        ("targetId", t("b")),
        ("documentId", t("not-base58check")),
    ]);
    assert!(matches!(
        decode(&bad_id, LIMIT),
        Err(CodecError::InvalidDocumentId(_))
    ));
    let big = encode(&Message::Leave {
        sender_id: "x".repeat(100),
    });
    assert_eq!(
        decode(&big, 50),
        Err(CodecError::TooLarge {
            size: big.len(),
            limit: 50
        })
    );
}

#[test]
fn hostile_headers_neither_allocate_nor_recurse_without_bound() {
    // A byte string claiming 2^32 bytes, and an array claiming 2^60 elements.
    assert_eq!(
        decode(&[0x5a, 0xff, 0xff, 0xff, 0xff, 0x00], LIMIT),
        Err(CodecError::NotCbor)
    );
    assert_eq!(
        decode(&[0x9b, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x01], LIMIT),
        Err(CodecError::NotCbor)
    );
    // Nesting 100k arrays deep.
    let deep = vec![0x81u8; 100_000];
    assert!(decode(&deep, LIMIT).is_err());
}

fn arb_message() -> impl Strategy<Value = Message> {
    let id = any::<[u8; 16]>().prop_map(DocumentId::from_bytes);
    let s = "[a-zA-Z0-9đĐ -]{0,12}";
    prop_oneof![
        (
            s,
            proptest::option::of((proptest::option::of(s), any::<bool>(), 0u8..3))
        )
            .prop_map(|(sender_id, meta)| Message::Join {
                sender_id,
                supported_protocol_versions: vec!["1".into()],
                peer_metadata: meta.map(|(storage_id, is_ephemeral, batch)| PeerMetadata {
                    storage_id,
                    is_ephemeral,
                    batch_sync: batch >= 1,
                    heads_digest: batch >= 2,
                }),
            }),
        (
            s,
            s,
            id.clone(),
            proptest::collection::vec(any::<u8>(), 0..64)
        )
            .prop_map(|(sender_id, target_id, document_id, data)| Message::Sync(
                DocMessage {
                    sender_id,
                    target_id,
                    document_id,
                    data
                }
            )),
        (s, s, id.clone()).prop_map(|(sender_id, target_id, document_id)| {
            Message::DocUnavailable {
                sender_id,
                target_id,
                document_id,
            }
        }),
        (
            s,
            s,
            proptest::collection::vec(
                (
                    id,
                    prop_oneof![
                        proptest::collection::vec(any::<[u8; 32]>(), 0..3)
                            .prop_map(BatchHeads::Hashes),
                        any::<[u8; 8]>().prop_map(BatchHeads::Digest),
                    ]
                ),
                0..4
            )
        )
            .prop_map(|(sender_id, target_id, docs)| Message::HeadsBatch {
                sender_id,
                target_id,
                docs: docs
                    .into_iter()
                    .map(|(document_id, heads)| DocHeads { document_id, heads })
                    .collect(),
            }),
        s.prop_map(|message| Message::Error {
            sender_id: None,
            target_id: None,
            message
        }),
    ]
}

proptest! {
    #[test]
    fn decode_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&bytes, LIMIT);
    }

    #[test]
    fn decode_never_panics_on_mutated_valid_frames(
        m in arb_message(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = encode(&m);
        for (at, value) in flips {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        let _ = decode(&bytes, LIMIT);
    }

    #[test]
    fn encode_then_decode_is_the_identity(m in arb_message()) {
        prop_assert_eq!(decode(&encode(&m), LIMIT).unwrap(), m);
    }
}
