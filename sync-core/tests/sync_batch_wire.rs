//! The `heads-batch` extension on the wire: documents named by their 16 raw bytes (text ids
//! still read), and, in version 2, a document's heads as an 8-byte digest when the server
//! announced `batchSync: 2`, as hashes otherwise; the server reads both.
#![cfg(feature = "automerge")]

#[path = "support/cbor_fixture.rs"]
mod cbor_fixture;

#[path = "support/sync_harness.rs"]
mod harness;

use automerge::ChangeHash;
use cbor_fixture::{cbor, t};
use ciborium::Value;
use harness::{Harness, doc_with_changes, handshake, harness, uploaded_device};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{
    BatchHeads, ClientEngine, CodecError, ConnId, DocHeads, Message, PeerMetadata, decode, encode,
    heads_digest,
};

const LIMIT: usize = 1 << 20;

fn doc() -> DocumentId {
    DocumentId::derive("test", "codec")
}

fn ids(n: usize) -> Vec<DocumentId> {
    (0..n)
        .map(|i| DocumentId::derive("digest", &i.to_string()))
        .collect()
}

/// A batching device holding `n` documents, all uploaded once, disconnected again.
fn synced_device(h: &mut Harness, n: usize) -> ClientEngine {
    uploaded_device(h, &ids(n), true)
}

/// A raw batching peer after `join` → `peer`.
fn raw_batch_peer(h: &mut Harness) -> ConnId {
    let conn = h.connect("dev-1");
    h.receive(
        conn,
        &encode(&Message::Join {
            sender_id: "raw".into(),
            supported_protocol_versions: vec!["1".into()],
            peer_metadata: Some(PeerMetadata {
                batch_sync: true,
                ..Default::default()
            }),
        }),
    );
    let answer = h.take_messages(conn);
    assert!(
        matches!(&answer[..], [Message::Peer { peer_metadata: Some(m), .. }]
            if m.batch_sync && m.heads_digest),
        "the server announces version 2: {answer:?}"
    );
    conn
}

fn batch_of(frame: &[u8]) -> Vec<DocHeads> {
    match decode(frame, LIMIT).unwrap() {
        Message::HeadsBatch { docs, .. } => docs,
        other => panic!("a heads-batch, got {other:?}"),
    }
}

#[test]
fn a_version_2_server_gets_27_bytes_per_document_and_one_round_trip() {
    let mut h = harness();
    let mut device = synced_device(&mut h, 12);
    let conn = handshake(&mut h, &mut device, "dev-1");
    let up = device.poll_frames();
    assert_eq!(up.len(), 1, "one heads-batch");
    let docs = batch_of(&up[0]);
    assert_eq!(docs.len(), 12);
    for d in &docs {
        let heads = device.doc(&d.document_id).unwrap().get_heads();
        assert_eq!(d.heads, BatchHeads::Digest(heads_digest(&heads)));
    }
    // The type (~20 B) plus 12 × (1 + 17 + 9): under half of the 12 × 53 B of hashes.
    assert!(up[0].len() <= 20 + 12 * 27 + 4, "{} bytes", up[0].len());
    let loads = h.load_docs;
    h.receive(conn, &up[0]);
    let down = h.take_messages(conn);
    assert!(
        matches!(&down[..], [Message::HeadsBatchResult { out_of_sync, .. }] if out_of_sync.is_empty()),
        "{down:?}"
    );
    device.receive(&encode(&down[0])).unwrap();
    assert!(device.poll_frames().is_empty(), "nothing more to say");
    assert!(device.all_in_sync());
    assert_eq!(h.load_docs, loads, "no document loaded");
}

#[test]
fn a_digest_or_hashes_that_differ_from_the_servers_heads_name_the_document() {
    let mut h = harness();
    let device = synced_device(&mut h, 4);
    let heads = |i: usize| device.doc(&ids(4)[i]).unwrap().get_heads();
    let mut wrong = heads_digest(&heads(1));
    wrong[0] ^= 1;
    let other: Vec<ChangeHash> = doc_with_changes(9, 3).get_heads();
    let conn = raw_batch_peer(&mut h);
    let entries = vec![
        BatchHeads::Digest(heads_digest(&heads(0))),
        BatchHeads::Digest(wrong),
        BatchHeads::Hashes(heads(2).iter().map(|h| h.0).collect()),
        BatchHeads::Hashes(other.iter().map(|h| h.0).collect()),
    ];
    let docs = ids(4)
        .into_iter()
        .zip(entries)
        .map(|(document_id, heads)| DocHeads { document_id, heads })
        .collect();
    h.receive(
        conn,
        &encode(&Message::HeadsBatch {
            sender_id: String::new(),
            target_id: String::new(),
            docs,
        }),
    );
    let down = h.take_messages(conn);
    let [Message::HeadsBatchResult { out_of_sync, .. }] = &down[..] else {
        panic!("{down:?}")
    };
    assert_eq!(out_of_sync, &vec![ids(4)[1], ids(4)[3]]);
}

#[test]
fn a_version_1_server_gets_the_hashes() {
    let mut device = ClientEngine::new("dev", Some("dev-storage".into())).with_batch_sync(true);
    let doc = doc_with_changes(1, 3);
    let heads = doc.get_heads();
    device.insert_doc(ids(1)[0], doc);
    device.connect();
    let join = device.poll_frames();
    let Message::Join {
        peer_metadata: Some(meta),
        ..
    } = decode(&join[0], LIMIT).unwrap()
    else {
        panic!("a join with metadata")
    };
    assert!(
        meta.batch_sync && meta.heads_digest,
        "the device reads both"
    );
    let peer = Message::Peer {
        sender_id: "old-server".into(),
        target_id: "dev".into(),
        selected_protocol_version: "1".into(),
        peer_metadata: Some(PeerMetadata {
            storage_id: Some("old-storage".into()),
            is_ephemeral: false,
            batch_sync: true,
            heads_digest: false,
        }),
    };
    device.receive(&encode(&peer)).unwrap();
    let docs = batch_of(&device.poll_frames()[0]);
    assert_eq!(
        docs[0].heads,
        BatchHeads::Hashes(heads.iter().map(|h| h.0).collect())
    );
}

#[test]
fn batch_sync_true_or_1_is_version_1_and_2_is_version_2() {
    let peer_with = |batch: Value| {
        let bytes = cbor(vec![
            ("type", t("peer")),
            ("senderId", t("s")),
            ("targetId", t("c")),
            ("selectedProtocolVersion", t("1")),
            ("peerMetadata", Value::Map(vec![(t("batchSync"), batch)])),
        ]);
        match decode(&bytes, LIMIT).unwrap() {
            Message::Peer {
                peer_metadata: Some(m),
                ..
            } => (m.batch_sync, m.heads_digest),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(peer_with(Value::Bool(true)), (true, false));
    assert_eq!(peer_with(Value::Integer(1.into())), (true, false));
    assert_eq!(peer_with(Value::Integer(2.into())), (true, true));
    assert_eq!(peer_with(Value::Integer(0.into())), (false, false));
}

#[test]
fn an_entry_whose_digest_is_not_8_bytes_is_refused() {
    for len in [0, 7, 9, 32] {
        let entry = Value::Array(vec![
            Value::Bytes(ids(1)[0].as_bytes().to_vec()),
            Value::Bytes(vec![1; len]),
        ]);
        let bytes = cbor(vec![
            ("type", t("heads-batch")),
            ("docs", Value::Array(vec![entry])),
        ]);
        assert!(decode(&bytes, LIMIT).is_err(), "{len} bytes");
    }
}

#[test]
fn the_digest_ignores_order_and_tells_heads_apart() {
    let a = doc_with_changes(1, 3).get_heads()[0];
    let b = doc_with_changes(2, 3).get_heads()[0];
    assert_eq!(heads_digest(&[a, b]), heads_digest(&[b, a]));
    assert_ne!(heads_digest(&[a]), heads_digest(&[b]));
    assert_ne!(heads_digest(&[a]), heads_digest(&[a, b]));
    assert!(BatchHeads::Digest(heads_digest(&[a, b])).matches(&[b, a]));
    assert!(
        !BatchHeads::Digest(heads_digest(&[])).matches(&[]),
        "empty never matches"
    );
    assert!(!BatchHeads::Hashes(vec![]).matches(&[]));
}

#[test]
fn a_heads_batch_names_documents_by_their_16_raw_bytes_and_leaves_empty_ids_out() {
    let heads = [9; 32];
    let message = Message::HeadsBatch {
        sender_id: String::new(),
        target_id: String::new(),
        docs: vec![DocHeads {
            document_id: doc(),
            heads: BatchHeads::Hashes(vec![heads]),
        }],
    };
    let bytes = encode(&message);
    let value: Value = ciborium::from_reader(bytes.as_slice()).unwrap();
    let Value::Map(fields) = value else {
        panic!("a map")
    };
    let keys: Vec<_> = fields.iter().filter_map(|(k, _)| k.as_text()).collect();
    assert_eq!(keys, ["type", "docs"]);
    let expected_entry = Value::Array(vec![
        Value::Bytes(doc().as_bytes().to_vec()),
        Value::Array(vec![Value::Bytes(heads.to_vec())]),
    ]);
    assert_eq!(fields[1].1, Value::Array(vec![expected_entry]));
    // Type name (~20 B) plus one entry: 1 + 17 + 1 + 34 bytes, under the 64 B per document of W2.
    assert!(bytes.len() <= 20 + 53 + 4, "{} bytes", bytes.len());
    assert_eq!(decode(&bytes, LIMIT).unwrap(), message);
}

#[test]
fn a_heads_batch_with_text_ids_and_peer_ids_as_first_sent_is_still_read() {
    let bytes = cbor(vec![
        ("type", t("heads-batch")),
        ("senderId", t("a")),
        ("targetId", t("b")),
        (
            "docs",
            Value::Array(vec![Value::Array(vec![
                t(&doc().to_string()),
                Value::Array(vec![Value::Bytes(vec![7; 32])]),
            ])]),
        ),
    ]);
    assert_eq!(
        decode(&bytes, LIMIT).unwrap(),
        Message::HeadsBatch {
            sender_id: "a".into(),
            target_id: "b".into(),
            docs: vec![DocHeads {
                document_id: doc(),
                heads: BatchHeads::Hashes(vec![[7; 32]]),
            }],
        }
    );
    let result = cbor(vec![
        ("type", t("heads-batch-result")),
        ("outOfSync", Value::Array(vec![t(&doc().to_string())])),
    ]);
    assert_eq!(
        decode(&result, LIMIT).unwrap(),
        Message::HeadsBatchResult {
            sender_id: String::new(),
            target_id: String::new(),
            out_of_sync: vec![doc()],
        }
    );
}

#[test]
fn a_raw_document_id_of_the_wrong_length_is_refused() {
    let bytes = cbor(vec![
        ("type", t("heads-batch-result")),
        ("outOfSync", Value::Array(vec![Value::Bytes(vec![1; 15])])),
    ]);
    assert!(matches!(
        decode(&bytes, LIMIT),
        Err(CodecError::InvalidDocumentId(_))
    ));
}
