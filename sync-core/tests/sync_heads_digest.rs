//! Version 2 of the `heads-batch` extension: a document's heads travel as an 8-byte digest
//! when the server announced `batchSync: 2`, and as hashes otherwise; the server reads both.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use automerge::ChangeHash;
use harness::{Harness, doc_with_changes, handshake, harness, uploaded_device};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{
    BatchHeads, ClientEngine, ConnId, DocHeads, Message, PeerMetadata, decode, encode, heads_digest,
};

const LIMIT: usize = 1 << 20;

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
    let conn = handshake(&mut h, &mut device);
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
    use ciborium::Value;
    let peer_with = |batch: Value| {
        let fields = vec![
            (Value::Text("type".into()), Value::Text("peer".into())),
            (Value::Text("senderId".into()), Value::Text("s".into())),
            (Value::Text("targetId".into()), Value::Text("c".into())),
            (
                Value::Text("selectedProtocolVersion".into()),
                Value::Text("1".into()),
            ),
            (
                Value::Text("peerMetadata".into()),
                Value::Map(vec![(Value::Text("batchSync".into()), batch)]),
            ),
        ];
        let mut bytes = Vec::new();
        ciborium::into_writer(&Value::Map(fields), &mut bytes).unwrap();
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
    use ciborium::Value;
    for len in [0, 7, 9, 32] {
        let entry = Value::Array(vec![
            Value::Bytes(ids(1)[0].as_bytes().to_vec()),
            Value::Bytes(vec![1; len]),
        ]);
        let fields = vec![
            (
                Value::Text("type".into()),
                Value::Text("heads-batch".into()),
            ),
            (Value::Text("docs".into()), Value::Array(vec![entry])),
        ];
        let mut bytes = Vec::new();
        ciborium::into_writer(&Value::Map(fields), &mut bytes).unwrap();
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
