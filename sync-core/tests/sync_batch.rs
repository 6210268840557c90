//! The `heads-batch` extension: negotiated through `peerMetadata`, invisible to peers that do
//! not ask, one round trip and no document load when everything is in sync.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::{Harness, doc_with_changes, edit, exchange, handshake, uploaded_device};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::{ClientEngine, ClientEvent, Message, ServerConfig, ServerEngine};

fn server(budget: usize) -> ServerEngine {
    let config = ServerConfig {
        peer_id: "server".into(),
        storage_id: Some("server-storage".into()),
        max_message_bytes: 1 << 20,
        doc_memory_budget: budget,
        batch_sync: true,
    };
    ServerEngine::new(config, Box::new(CreatorOnly))
}

fn ids(n: usize) -> Vec<DocumentId> {
    (0..n)
        .map(|i| DocumentId::derive("batch", &i.to_string()))
        .collect()
}

/// A device holding 50 documents, all uploaded once.
fn device_with_50_synced_docs(h: &mut Harness) -> ClientEngine {
    uploaded_device(h, &ids(50), true)
}

/// Runs the handshake only; returns the connection.
fn batch_handshake(h: &mut Harness, device: &mut ClientEngine) -> sync_core::sync::ConnId {
    let conn = handshake(h, device, "dev-1");
    assert!(
        device
            .poll_events()
            .contains(&ClientEvent::Connected { batch_sync: true })
    );
    conn
}

#[test]
fn an_all_in_sync_reconnect_of_50_documents_takes_one_round_trip_and_loads_no_document() {
    let mut h = Harness::new(server(0));
    let mut device = device_with_50_synced_docs(&mut h);
    h.restart(server(0)); // nothing resident
    let conn = batch_handshake(&mut h, &mut device);
    let loads = h.load_docs;
    let up = device.poll_frames();
    assert_eq!(up.len(), 1, "one heads-batch");
    for f in &up {
        h.receive(conn, f);
    }
    let down = h.take(conn);
    assert_eq!(down.len(), 1, "one answer");
    for f in &down {
        device.receive(f).unwrap();
    }
    assert!(device.poll_frames().is_empty(), "nothing more to say");
    assert!(device.all_in_sync());
    assert_eq!(h.load_docs, loads, "no LoadDoc");
    assert_eq!(h.server.resident_docs(), 0);
}

#[test]
fn only_documents_whose_heads_differ_run_the_automerge_sync() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = device_with_50_synced_docs(&mut h);
    let changed = ids(50)[7];
    // The device edits one document offline: it is pushed at once (one round trip), and the
    // batch names the 49 others.
    edit(&mut device, changed, "offline", 1);
    let conn = batch_handshake(&mut h, &mut device);
    let up = device.poll_frames();
    let kinds: Vec<&str> = up
        .iter()
        .map(|f| sync_core::sync::decode(f, 1 << 20).unwrap().type_name())
        .collect();
    assert_eq!(kinds, ["heads-batch", "sync"]);
    let Message::HeadsBatch { docs, .. } = sync_core::sync::decode(&up[0], 1 << 20).unwrap() else {
        panic!("a heads-batch")
    };
    assert_eq!(docs.len(), 49);
    assert!(docs.iter().all(|d| d.document_id != changed));
    for f in &up {
        h.receive(conn, f);
    }
    let answer = h.take_messages(conn);
    // The result lists the one document the batch did not name; the device is syncing it.
    let Some(Message::HeadsBatchResult { out_of_sync, .. }) = answer
        .iter()
        .find(|m| matches!(m, Message::HeadsBatchResult { .. }))
    else {
        panic!("{answer:?}")
    };
    assert_eq!(out_of_sync, &vec![changed]);
    for m in &answer {
        device.receive(&sync_core::sync::encode(m)).unwrap();
    }
    assert!(device.poll_frames().is_empty(), "nothing more to send");
    assert!(device.all_in_sync());
    assert_eq!(
        h.docs[&changed].heads,
        device.doc(&changed).unwrap().get_heads()
    );
}

#[test]
fn a_document_the_server_has_and_the_device_lacks_is_fetched() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = device_with_50_synced_docs(&mut h);
    // The same device identity, a fresh install: no documents at all.
    let mut fresh = ClientEngine::new("dev", Some("dev-storage-2".into())).with_batch_sync(true);
    let conn = batch_handshake(&mut h, &mut fresh);
    exchange(&mut h, &mut fresh, conn);
    assert_eq!(fresh.doc_ids().len(), 50);
    for id in ids(50) {
        assert_eq!(
            fresh.doc(&id).unwrap().get_heads(),
            device.doc(&id).unwrap().get_heads()
        );
    }
    device.disconnect();
}

#[test]
fn a_change_made_elsewhere_reaches_a_batch_subscriber() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = device_with_50_synced_docs(&mut h);
    let target = ids(50)[3];
    let mut other = ClientEngine::new("dev-b", Some("dev-b-storage".into()));
    other.insert_doc(target, device.doc(&target).unwrap().fork());
    let conn = batch_handshake(&mut h, &mut device);
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    // Another connection of the same identity edits the document.
    let oc = h.connect("dev-1");
    other.connect();
    exchange(&mut h, &mut other, oc);
    edit(&mut other, target, "elsewhere", 5);
    exchange(&mut h, &mut other, oc);
    exchange(&mut h, &mut device, conn);
    assert_eq!(
        device.doc(&target).unwrap().get_heads(),
        other.doc(&target).unwrap().get_heads()
    );
}

#[test]
fn a_nothing_changed_batch_reconnect_writes_no_sync_state() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = device_with_50_synced_docs(&mut h);
    let saved = h.sync_state_saves;
    let stored = h.sync_states.clone();
    let conn = batch_handshake(&mut h, &mut device);
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    device.disconnect();
    h.disconnect(conn);
    assert_eq!(
        h.sync_state_saves, saved,
        "no save for a state the index gives"
    );
    assert_eq!(h.sync_states, stored);
}

#[test]
fn a_batch_subscriber_that_syncs_an_edit_saves_its_new_sync_state() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = device_with_50_synced_docs(&mut h);
    let target = ids(50)[3];
    let conn = batch_handshake(&mut h, &mut device);
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    let saved = h.sync_state_saves;
    edit(&mut device, target, "later", 5);
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    device.disconnect();
    h.disconnect(conn);
    assert_eq!(
        h.sync_state_saves,
        saved + 1,
        "the edited document's state only"
    );
    let state = &h.sync_states[&(target, "dev-storage".to_owned())];
    let state = automerge::sync::State::decode(state).unwrap();
    assert_eq!(state.shared_heads, device.doc(&target).unwrap().get_heads());
}

#[test]
fn a_peer_that_does_not_ask_never_sees_the_extension() {
    let mut h = Harness::new(server(64 << 20));
    let mut plain = ClientEngine::new("plain", None);
    plain.insert_doc(ids(1)[0], doc_with_changes(2, 2));
    let conn = h.connect("dev-2");
    plain.connect();
    exchange(&mut h, &mut plain, conn);
    assert!(
        plain
            .poll_events()
            .contains(&ClientEvent::Connected { batch_sync: false })
    );
    assert!(plain.all_in_sync());
}

#[test]
fn an_edit_made_while_the_batch_is_out_is_still_synced() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = device_with_50_synced_docs(&mut h);
    let conn = batch_handshake(&mut h, &mut device);
    let batch = device.poll_frames();
    let target = ids(50)[11];
    edit(&mut device, target, "racing", 3);
    for f in &batch {
        h.receive(conn, f);
    }
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    assert_eq!(
        h.docs[&target].heads,
        device.doc(&target).unwrap().get_heads()
    );
}
