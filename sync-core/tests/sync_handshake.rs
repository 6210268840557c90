//! Server engine rules around the handshake and malformed input: `join` first, protocol
//! version, `senderId` binding, size limit, error texts, duplicate joins.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::*;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::server::RejectReason;
use sync_core::sync::{Message, ServerConfig, ServerEngine};

#[test]
fn a_message_before_join_gets_an_error_and_a_close() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(
        conn,
        &doc_frame(
            false,
            "p",
            id("x"),
            first_sync_data(&doc_with_changes(1, 1)),
        ),
    );
    assert_error_and_close(&mut h, conn, "expected join");
    assert_eq!(h.persists, 0);
    assert!(matches!(
        h.rejected.last(),
        Some((_, _, RejectReason::NotJoined))
    ));
}

#[test]
fn an_unsupported_protocol_version_gets_an_error_and_a_close() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["2"]));
    assert_error_and_close(&mut h, conn, "unsupported protocol version");
}

#[test]
fn the_peer_reply_selects_version_1_and_names_the_server_and_its_storage() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["1"]));
    let messages = h.take_messages(conn);
    let [
        Message::Peer {
            sender_id,
            target_id,
            selected_protocol_version,
            peer_metadata,
        },
    ] = messages.as_slice()
    else {
        panic!("{messages:?}")
    };
    assert_eq!((sender_id.as_str(), target_id.as_str()), ("server", "p"));
    assert_eq!(selected_protocol_version, "1");
    let meta = peer_metadata.as_ref().unwrap();
    assert_eq!(meta.storage_id.as_deref(), Some("server-storage"));
    assert!(!meta.is_ephemeral);
    assert!(
        !meta.batch_sync,
        "a peer that did not ask must not see the extension"
    );
}

#[test]
fn a_sender_id_that_differs_from_the_join_gets_an_error_and_a_close() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["1"]));
    h.take(conn);
    h.receive(
        conn,
        &doc_frame(
            false,
            "someone-else",
            id("x"),
            first_sync_data(&doc_with_changes(1, 1)),
        ),
    );
    assert_error_and_close(&mut h, conn, "sender id does not match join");
    assert_eq!(h.persists, 0);
}

#[test]
fn error_texts_never_echo_what_the_peer_sent() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["1"]));
    h.take(conn);
    let mut frame = Vec::new();
    let secret = "Bearer-s3cr3t-token";
    let map = ciborium::Value::Map(vec![
        (
            ciborium::Value::Text("type".into()),
            ciborium::Value::Text(secret.into()),
        ),
        (
            ciborium::Value::Text("senderId".into()),
            ciborium::Value::Text("p".into()),
        ),
    ]);
    ciborium::into_writer(&map, &mut frame).unwrap();
    h.receive(conn, &frame);
    let out = h.take(conn).concat();
    assert!(!out.windows(secret.len()).any(|w| w == secret.as_bytes()));
    assert!(h.is_closed(conn));
}

#[test]
fn an_oversized_frame_gets_an_error_and_a_close() {
    let mut h = Harness::new(ServerEngine::new(
        ServerConfig {
            max_message_bytes: 120,
            ..config()
        },
        Box::new(CreatorOnly),
    ));
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["1"]));
    h.take(conn);
    h.receive(conn, &doc_frame(false, "p", id("x"), vec![0x42; 200]));
    assert_error_and_close(&mut h, conn, "message too large");
}

#[test]
fn garbage_and_a_text_frame_get_an_error_and_a_close() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, b"{\"type\":\"join\"}");
    assert_error_and_close(&mut h, conn, "malformed message");
}

#[test]
fn a_second_join_with_the_same_sender_replaces_the_older_connection() {
    let mut h = harness();
    let old = h.connect("dev-1");
    h.receive(old, &join("p", &["1"]));
    let new = h.connect("dev-1");
    h.receive(new, &join("p", &["1"]));
    assert!(h.is_closed(old));
    assert!(!h.is_closed(new));
    assert_eq!(h.server.connections(), 1);
    // The same senderId claimed by another authenticated device does not touch it.
    let other = h.connect("dev-2");
    h.receive(other, &join("p", &["1"]));
    assert!(!h.is_closed(new) && !h.is_closed(other));
    assert_eq!(h.server.connections(), 2);
}
