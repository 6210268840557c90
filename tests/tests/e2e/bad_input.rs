//! Hostile or broken input over a real WebSocket: each gets a clear `error` (and a close) or
//! `doc-unavailable`, nothing is stored, and the server keeps serving other clients.

use std::time::Duration;

use automerge::sync::{ChunkList, Message as SyncMessage, MessageVersion, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use ciborium::Value as Cbor;
use e2e::server::{Backend, TestDb, TestServer};
use e2e::ws_client::{RawPeer, Received};
use sync_core::sync::{DocMessage, Message, PeerMetadata};

use crate::support::{assert_still_serves, meeting, new_doc_id, stored};

const PEER: &str = "bad-peer";

/// Starts a server, lets `attack` talk to it over one socket, expects `error` + close with a
/// message containing `expected`, then checks that nothing was stored, the refusal was
/// counted, and another client still syncs.
async fn refused_with_error(expected: &str, attack: impl AsyncFnOnce(&mut RawPeer)) {
    refused_with_error_on(
        TestServer::start(&TestDb::new(Backend::Sqlite), |_| {}).await,
        expected,
        attack,
    )
    .await;
}

async fn refused_with_error_on(
    server: TestServer,
    expected: &str,
    attack: impl AsyncFnOnce(&mut RawPeer),
) {
    let (device_id, token) = server.device("attacker").await;
    let mut peer = RawPeer::connect(&server.ws_url(&token))
        .await
        .expect("connects");
    attack(&mut peer).await;
    let error = peer.expect_error_and_close().await;
    assert!(
        error.contains(expected),
        "error `{error}` should mention `{expected}`"
    );
    let owned = server
        .store
        .documents_owned_by(&device_id)
        .await
        .expect("documents");
    assert!(
        owned.is_empty(),
        "nothing is stored for bad input: {owned:?}"
    );
    assert!(
        server.metric("sync_rejections_total{").unwrap_or(0.0) >= 1.0,
        "the refusal is counted"
    );
    assert_still_serves(&server).await;
    server.stop().await;
}

fn cbor(value: Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(&value, &mut out).expect("cbor encodes");
    out
}

fn text(s: &str) -> Cbor {
    Cbor::Text(s.to_owned())
}

fn sync(sender: &str, data: Vec<u8>) -> Message {
    Message::Sync(DocMessage {
        sender_id: sender.to_owned(),
        target_id: "sync-server".to_owned(),
        document_id: new_doc_id(),
        data,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_that_is_not_cbor_is_refused() {
    refused_with_error("malformed", async |p: &mut RawPeer| {
        p.send(vec![0xff, 0x00, 0x13, 0x37]).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cbor_of_the_wrong_shape_is_refused() {
    refused_with_error("malformed", async |p: &mut RawPeer| {
        p.send(cbor(Cbor::Array(vec![
            Cbor::Integer(1.into()),
            text("join"),
        ])))
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_message_type_is_refused() {
    refused_with_error("unknown message type", async |p: &mut RawPeer| {
        p.join(PEER).await;
        p.send(cbor(Cbor::Map(vec![
            (text("type"), text("teleport")),
            (text("senderId"), text(PEER)),
        ])))
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_before_join_is_refused() {
    refused_with_error("expected join", async |p: &mut RawPeer| {
        p.send_message(&sync(PEER, vec![0x42, 0, 0, 0])).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_protocol_version_is_refused() {
    refused_with_error("unsupported protocol version", async |p: &mut RawPeer| {
        p.send_message(&Message::Join {
            sender_id: PEER.to_owned(),
            supported_protocol_versions: vec!["2".to_owned()],
            peer_metadata: Some(PeerMetadata::default()),
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spoofed_sender_id_is_refused() {
    refused_with_error("sender id", async |p: &mut RawPeer| {
        p.join(PEER).await;
        let data = meeting("giả mạo")
            .generate_sync_message(&mut automerge::sync::State::new())
            .expect("a first message")
            .encode();
        p.send_message(&sync("someone-else", data)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_that_is_not_an_automerge_sync_message_is_refused() {
    refused_with_error("invalid sync message", async |p: &mut RawPeer| {
        p.join(PEER).await;
        p.send_message(&sync(PEER, b"definitely not automerge".to_vec()))
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_fails_to_apply_is_refused_and_quarantined() {
    let server = TestServer::start(&TestDb::new(Backend::Sqlite), |_| {}).await;
    let store = server.store.clone();
    refused_with_error_on(
        server,
        "changes failed to apply",
        async |p: &mut RawPeer| {
            p.join(PEER).await;
            let mut doc = AutoCommit::new();
            doc.put(ROOT, "title", "hỏng").expect("put");
            doc.commit();
            let change = doc.get_changes(&[]).remove(0).clone();
            let mut bytes = change.raw_bytes().to_vec();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
            let message = SyncMessage {
                heads: vec![change.hash()],
                need: vec![],
                have: vec![],
                changes: ChunkList::from(vec![bytes]),
                flags: None,
                version: MessageVersion::V1,
            };
            p.send_message(&sync(PEER, message.encode())).await;
        },
    )
    .await;
    let kept = tokio::task::spawn_blocking(move || {
        let mut conn = store.pool().get().expect("connection");
        server::store::list_quarantine(&mut conn, 10).expect("quarantine")
    })
    .await
    .expect("task");
    assert!(
        kept.iter().any(|q| q.reason == "apply_failed"),
        "the frame is quarantined: {kept:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_id_that_is_not_base58check_is_refused() {
    refused_with_error("invalid document id", async |p: &mut RawPeer| {
        p.join(PEER).await;
        p.send(cbor(Cbor::Map(vec![
            (text("type"), text("request")),
            (text("senderId"), text(PEER)),
            (text("targetId"), text("sync-server")),
            (text("documentId"), text("4NMNnkMhL8jXrdJ9jamS58PAVdXX")),
            (text("data"), Cbor::Bytes(vec![0x42, 0, 0, 0])),
        ])))
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_over_the_limit_gets_an_error_and_a_close() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db, |s| s.sync.max_message_bytes = 64 * 1024).await;
    refused_with_error_on(server, "too large", async |p: &mut RawPeer| {
        p.join(PEER).await;
        p.send(vec![0xa1; 100 * 1024]).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_frame_is_refused() {
    refused_with_error("malformed", async |p: &mut RawPeer| {
        p.send_text(r#"{"type":"join","senderId":"x","supportedProtocolVersions":["1"]}"#)
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_an_unknown_document_is_answered_doc_unavailable_and_stores_nothing() {
    let server = TestServer::start(&TestDb::new(Backend::Sqlite), |_| {}).await;
    let (_, token) = server.device("asker").await;
    let mut peer = RawPeer::connect(&server.ws_url(&token))
        .await
        .expect("connects");
    peer.join(PEER).await;
    let doc_id = new_doc_id();
    let empty = automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .expect("a first message")
        .encode();
    peer.send_message(&Message::Request(DocMessage {
        sender_id: PEER.to_owned(),
        target_id: "sync-server".to_owned(),
        document_id: doc_id,
        data: empty,
    }))
    .await;
    match peer.recv(Duration::from_secs(10)).await {
        Received::Message(Message::DocUnavailable { document_id, .. }) => {
            assert_eq!(document_id, doc_id)
        }
        other => panic!("expected doc-unavailable, got {other:?}"),
    }
    assert!(!stored(&server, doc_id).await);
    assert_still_serves(&server).await;
    server.stop().await;
}
