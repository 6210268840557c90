//! Who may connect and what they may read.

use std::time::Duration;

use e2e::server::{Backend, TestDb, TestServer};
use e2e::ws_client::{Device, RawPeer, Received};
use sync_core::sync::{ClientEvent, Message};
use tokio_tungstenite::tungstenite;

use crate::support::{SYNC_TIMEOUT, assert_still_serves, meeting, new_doc_id, wait_for_heads};

fn status_of(error: tungstenite::Error) -> u16 {
    match error {
        tungstenite::Error::Http(response) => response.status().as_u16(),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_without_a_valid_credential_is_refused_with_401_before_the_upgrade() {
    let server = TestServer::start(&TestDb::new(Backend::Sqlite), |_| {}).await;
    let bare = format!("ws://127.0.0.1:{}/sync", server.port);
    let missing = RawPeer::connect(&bare).await.err().expect("refused");
    assert_eq!(status_of(missing), 401);
    let wrong = RawPeer::connect(&server.ws_url("not-a-token"))
        .await
        .err()
        .expect("refused");
    assert_eq!(status_of(wrong), 401);

    let (device_id, token) = server.device("revoked soon").await;
    let pool = server.store.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        server::store::devices::revoke_device(&mut conn, &device_id).expect("revoke")
    })
    .await
    .expect("task");
    let revoked = RawPeer::connect(&server.ws_url(&token))
        .await
        .err()
        .expect("refused");
    assert_eq!(status_of(revoked), 401);
    assert_eq!(server.metric("sync_connections_total"), Some(0.0));
    assert_still_serves(&server).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_cannot_read_another_devices_document_and_cannot_tell_it_exists() {
    let server = TestServer::start(&TestDb::new(Backend::Sqlite), |_| {}).await;
    let (_, owner_token) = server.device("owner").await;
    let (_, other_token) = server.device("other").await;

    let mut owner = Device::new("owner-peer", None, &server.ws_url(&owner_token));
    let doc_id = new_doc_id();
    let doc = meeting("Biên bản mật");
    let heads = doc.get_heads();
    owner.engine.insert_doc(doc_id, doc);
    owner.sync(SYNC_TIMEOUT).await;
    wait_for_heads(&server, doc_id, &heads).await;

    // The other device asks for the existing document and for a missing one.
    let missing = new_doc_id();
    let mut answers = Vec::new();
    for wanted in [doc_id, missing] {
        let mut other = Device::new("other-peer", None, &server.ws_url(&other_token));
        other.engine.want(wanted);
        let events = other.sync(SYNC_TIMEOUT).await;
        assert!(
            events.contains(&ClientEvent::Unavailable(wanted)),
            "{events:?}"
        );
        assert!(
            other
                .engine
                .doc(&wanted)
                .is_none_or(|d| d.get_heads().is_empty())
        );
        other.go_offline().await;

        // The raw answer, byte for byte apart from the id.
        let mut raw = RawPeer::connect(&server.ws_url(&other_token))
            .await
            .expect("connects");
        raw.join("other-raw").await;
        let request = automerge::sync::SyncDoc::generate_sync_message(
            &automerge::Automerge::new(),
            &mut automerge::sync::State::new(),
        )
        .expect("a first message")
        .encode();
        raw.send_message(&Message::Request(sync_core::sync::DocMessage {
            sender_id: "other-raw".to_owned(),
            target_id: "sync-server".to_owned(),
            document_id: wanted,
            data: request,
        }))
        .await;
        match raw.recv(Duration::from_secs(10)).await {
            Received::Message(Message::DocUnavailable {
                sender_id,
                target_id,
                document_id,
            }) => {
                assert_eq!(document_id, wanted);
                answers.push((sender_id, target_id));
            }
            other => panic!("expected doc-unavailable, got {other:?}"),
        }
    }
    assert_eq!(answers[0], answers[1], "denied looks exactly like missing");

    // The owner still has it, unchanged by the other device.
    owner.go_offline().await;
    let mut again = Device::new("owner-again", None, &server.ws_url(&owner_token));
    again.engine.want(doc_id);
    again.sync(SYNC_TIMEOUT).await;
    assert_eq!(again.engine.doc(&doc_id).expect("doc").get_heads(), heads);
    assert_still_serves(&server).await;
    server.stop().await;
}
