//! The protocol rules of the server engine, one test each, driven through raw frames or a
//! [`ClientEngine`].
#![cfg(feature = "automerge")]

#[path = "sync_harness.rs"]
mod harness;

use automerge::sync::SyncDoc;
use harness::{Harness, doc_with_changes, edit, exchange};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::{Access, CreatorOnly, DocMeta, PeerIdentity};
use sync_core::sync::server::RejectReason;
use sync_core::sync::{
    ClientEngine, ClientEvent, ConnId, DocMessage, Message, PeerMetadata, ServerConfig,
    ServerEngine, encode,
};

fn config() -> ServerConfig {
    ServerConfig {
        peer_id: "server".into(),
        storage_id: Some("server-storage".into()),
        max_message_bytes: 1 << 20,
        doc_memory_budget: 64 << 20,
        batch_sync: true,
    }
}

fn harness() -> Harness {
    Harness::new(ServerEngine::new(config(), Box::new(CreatorOnly)))
}

fn open_to_all() -> Harness {
    let policy = |_: &PeerIdentity, _: &DocumentId, _: Option<&DocMeta>| Access::ReadWrite;
    Harness::new(ServerEngine::new(config(), Box::new(policy)))
}

fn join(sender: &str, versions: &[&str]) -> Vec<u8> {
    encode(&Message::Join {
        sender_id: sender.into(),
        supported_protocol_versions: versions.iter().map(|v| v.to_string()).collect(),
        peer_metadata: Some(PeerMetadata {
            storage_id: None,
            is_ephemeral: true,
            batch_sync: false,
        }),
    })
}

fn doc_frame(request: bool, sender: &str, doc_id: DocumentId, data: Vec<u8>) -> Vec<u8> {
    let m = DocMessage {
        sender_id: sender.into(),
        target_id: "server".into(),
        document_id: doc_id,
        data,
    };
    encode(&if request {
        Message::Request(m)
    } else {
        Message::Sync(m)
    })
}

/// The first sync message a fresh peer holding `doc` would send.
fn first_sync_data(doc: &automerge::Automerge) -> Vec<u8> {
    let mut state = automerge::sync::State::new();
    doc.generate_sync_message(&mut state).unwrap().encode()
}

fn id(name: &str) -> DocumentId {
    DocumentId::derive("rules", name)
}

fn assert_error_and_close(h: &mut Harness, conn: ConnId, text: &str) {
    let messages = h.take_messages(conn);
    assert!(
        matches!(messages.last(), Some(Message::Error { message, .. }) if message == text),
        "{messages:?}"
    );
    assert!(h.is_closed(conn));
}

fn connected_client(h: &mut Harness, identity: &str, peer: &str) -> (ClientEngine, ConnId) {
    let mut client = ClientEngine::new(peer, Some(format!("{peer}-storage")));
    let conn = h.connect(identity);
    client.connect();
    exchange(h, &mut client, conn);
    (client, conn)
}

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
fn a_request_with_empty_heads_for_an_unknown_document_gets_doc_unavailable() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["1"]));
    h.take(conn);
    h.receive(
        conn,
        &doc_frame(
            true,
            "p",
            id("nothing"),
            first_sync_data(&automerge::Automerge::new()),
        ),
    );
    let messages = h.take_messages(conn);
    assert_eq!(
        messages,
        vec![Message::DocUnavailable {
            sender_id: "server".into(),
            target_id: "p".into(),
            document_id: id("nothing")
        }]
    );
    assert!(!h.is_closed(conn));
}

#[test]
fn a_sync_with_changes_for_an_unknown_document_creates_it_for_its_sender() {
    let mut h = harness();
    let (mut client, conn) = connected_client(&mut h, "dev-1", "p");
    client.insert_doc(id("new"), doc_with_changes(1, 3));
    client.local_change(id("new"));
    exchange(&mut h, &mut client, conn);
    let stored = &h.docs[&id("new")];
    assert_eq!(stored.meta.created_by, Some(PeerIdentity("dev-1".into())));
    assert_eq!(stored.heads, client.doc(&id("new")).unwrap().get_heads());
    assert!(client.is_in_sync(&id("new")));
}

#[test]
fn a_request_that_carries_heads_is_synced_not_refused() {
    let mut h = harness();
    let conn = h.connect("dev-1");
    h.receive(conn, &join("p", &["1"]));
    h.take(conn);
    let doc = doc_with_changes(1, 2);
    h.receive(
        conn,
        &doc_frame(true, "p", id("has"), first_sync_data(&doc)),
    );
    let messages = h.take_messages(conn);
    assert!(
        matches!(messages.as_slice(), [Message::Sync(_)]),
        "{messages:?}"
    );
}

#[test]
fn every_first_message_is_answered_even_when_already_in_sync() {
    let mut h = harness();
    let (mut client, conn) = connected_client(&mut h, "dev-1", "p");
    client.insert_doc(id("d"), doc_with_changes(1, 3));
    client.local_change(id("d"));
    exchange(&mut h, &mut client, conn);
    client.disconnect();
    h.disconnect(conn);
    // Reconnect, fully in sync: the server must still answer.
    let conn = h.connect("dev-1");
    client.connect();
    let t = exchange(&mut h, &mut client, conn);
    assert!(t.down_msgs >= 2, "peer + an answer to the sync: {t:?}");
    assert!(client.all_in_sync());
}

#[test]
fn changes_are_relayed_to_every_other_connection_that_synced_the_document() {
    let mut h = open_to_all();
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    let (mut b, cb) = connected_client(&mut h, "dev-b", "b");
    a.insert_doc(id("shared"), doc_with_changes(1, 2));
    a.local_change(id("shared"));
    exchange(&mut h, &mut a, ca);
    b.want(id("shared"));
    exchange(&mut h, &mut b, cb);
    assert_eq!(
        b.doc(&id("shared")).unwrap().get_heads(),
        a.doc(&id("shared")).unwrap().get_heads()
    );
    edit(&mut a, id("shared"), "late", 9);
    exchange(&mut h, &mut a, ca);
    let relayed = h.take(cb);
    assert!(
        !relayed.is_empty(),
        "b must receive a's edit without asking"
    );
    for f in relayed {
        b.receive(&f).unwrap();
    }
    exchange(&mut h, &mut b, cb);
    assert_eq!(
        b.doc(&id("shared")).unwrap().get_heads(),
        a.doc(&id("shared")).unwrap().get_heads()
    );
}

#[test]
fn an_invalid_sync_message_is_refused_and_other_connections_are_unaffected() {
    let mut h = open_to_all();
    let (mut good, cg) = connected_client(&mut h, "dev-a", "a");
    let bad = h.connect("dev-b");
    h.receive(bad, &join("b", &["1"]));
    h.take(bad);
    h.receive(
        bad,
        &doc_frame(false, "b", id("d"), vec![0x42, 0xff, 0xff, 0xff]),
    );
    assert_error_and_close(&mut h, bad, "invalid sync message");
    assert!(h.docs.is_empty());
    good.insert_doc(id("d"), doc_with_changes(2, 2));
    good.local_change(id("d"));
    exchange(&mut h, &mut good, cg);
    assert!(good.is_in_sync(&id("d")));
}

#[test]
fn a_change_that_fails_to_apply_stores_nothing_and_keeps_serving_others() {
    let mut h = open_to_all();
    let (mut good, cg) = connected_client(&mut h, "dev-a", "a");
    good.insert_doc(id("d"), doc_with_changes(2, 2));
    good.local_change(id("d"));
    exchange(&mut h, &mut good, cg);
    let persists = h.persists;
    let bad = h.connect("dev-b");
    h.receive(bad, &join("b", &["1"]));
    h.take(bad);
    // A well-formed sync message carrying a real change with one corrupted byte.
    let mut change = doc_with_changes(3, 1).get_changes(&[]).pop().unwrap();
    let mut corrupt = change.bytes().into_owned();
    corrupt[12] ^= 0x55;
    let message = automerge::sync::Message {
        heads: vec![],
        need: vec![],
        have: vec![],
        changes: vec![corrupt].into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    };
    h.receive(bad, &doc_frame(false, "b", id("d"), message.encode()));
    assert_error_and_close(&mut h, bad, "changes failed to apply");
    assert_eq!(h.persists, persists, "nothing stored");
    edit(&mut good, id("d"), "after", 1);
    exchange(&mut h, &mut good, cg);
    assert!(good.is_in_sync(&id("d")));
    assert_eq!(
        h.docs[&id("d")].heads,
        good.doc(&id("d")).unwrap().get_heads()
    );
}

#[test]
fn a_denied_document_is_unavailable_byte_for_byte_like_a_missing_one() {
    let mut h = harness();
    let probe = |h: &mut Harness| {
        let conn = h.connect("dev-b");
        h.receive(conn, &join("b", &["1"]));
        h.take(conn);
        h.receive(
            conn,
            &doc_frame(
                true,
                "b",
                id("private"),
                first_sync_data(&automerge::Automerge::new()),
            ),
        );
        let out = h.take(conn);
        h.disconnect(conn);
        out
    };
    let missing = probe(&mut h);
    let (mut owner, co) = connected_client(&mut h, "dev-a", "a");
    owner.insert_doc(id("private"), doc_with_changes(1, 2));
    owner.local_change(id("private"));
    exchange(&mut h, &mut owner, co);
    assert!(h.docs.contains_key(&id("private")));
    let denied = probe(&mut h);
    assert_eq!(missing, denied);
    assert!(matches!(
        h.rejected.last(),
        Some((_, _, RejectReason::AccessDenied))
    ));
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
}

#[test]
fn no_sync_message_names_a_change_before_it_is_committed() {
    let mut h = open_to_all();
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    let (mut b, cb) = connected_client(&mut h, "dev-b", "b");
    a.insert_doc(id("d"), doc_with_changes(1, 1));
    a.local_change(id("d"));
    exchange(&mut h, &mut a, ca);
    b.want(id("d"));
    exchange(&mut h, &mut b, cb);
    h.auto_storage = false;
    edit(&mut a, id("d"), "x", 1);
    for f in a.poll_frames() {
        h.receive(ca, &f);
    }
    assert!(
        h.take(ca).is_empty() && h.take(cb).is_empty(),
        "nothing leaves before the commit"
    );
    assert_eq!(h.pending.len(), 1);
    h.complete_all();
    assert!(
        !h.take(ca).is_empty(),
        "the sender is answered after the commit"
    );
    assert!(
        !h.take(cb).is_empty(),
        "the other peer is told after the commit"
    );
    // (the harness itself asserts every outgoing head is committed)
}

#[test]
fn changes_of_several_documents_and_connections_share_one_persist_batch() {
    let mut h = open_to_all();
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    let (mut b, cb) = connected_client(&mut h, "dev-b", "b");
    h.auto_storage = false;
    a.insert_doc(id("a1"), doc_with_changes(1, 1));
    a.local_change(id("a1"));
    b.insert_doc(id("b1"), doc_with_changes(2, 1));
    b.local_change(id("b1"));
    // Both first messages (heads only) and then both pushes, before the server polls.
    for (client, conn) in [(&mut a, ca), (&mut b, cb)] {
        for f in client.poll_frames() {
            h.server.receive(conn, &f);
        }
    }
    h.pump();
    h.complete_all();
    for (client, conn) in [(&mut a, ca), (&mut b, cb)] {
        for f in h.take(conn) {
            client.receive(&f).unwrap();
        }
        for f in client.poll_frames() {
            h.server.receive(conn, &f);
        }
    }
    let outputs = h.server.poll_outputs();
    let persists: Vec<_> = outputs
        .iter()
        .filter_map(|o| match o {
            sync_core::sync::Output::Persist { items, .. } => Some(items.len()),
            _ => None,
        })
        .collect();
    assert_eq!(persists, vec![2], "one batch with both documents");
}

#[test]
fn a_reconnect_with_persisted_sync_state_sends_far_fewer_bytes() {
    let mut h = harness();
    let doc_id = id("long");
    let history = doc_with_changes(1, 3000);
    // The device has the whole history but never synced with this server's storage id.
    let (mut device, c0) = connected_client(&mut h, "dev-1", "p");
    device.insert_doc(doc_id, history);
    device.local_change(doc_id);
    exchange(&mut h, &mut device, c0);
    device.disconnect();
    h.disconnect(c0);
    let mut fresh = ClientEngine::new("p", Some("p-storage-2".into()));
    fresh.insert_doc(doc_id, device.doc(&doc_id).unwrap().clone());
    let c1 = h.connect("dev-1");
    fresh.connect();
    let first = exchange(&mut h, &mut fresh, c1);
    fresh.disconnect();
    h.disconnect(c1);
    let c2 = h.connect("dev-1");
    fresh.connect();
    let second = exchange(&mut h, &mut fresh, c2);
    assert!(fresh.all_in_sync());
    assert!(h.sync_states.contains_key(&(doc_id, "p-storage-2".to_string())));
    assert!(
        second.up_bytes * 5 < first.up_bytes,
        "first {first:?} second {second:?}"
    );
}

#[test]
fn idle_documents_are_evicted_and_reloaded_but_never_with_uncommitted_changes() {
    let mut h = Harness::new(ServerEngine::new(
        ServerConfig {
            doc_memory_budget: 0,
            ..config()
        },
        Box::new(CreatorOnly),
    ));
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    a.insert_doc(id("d"), doc_with_changes(1, 3));
    a.local_change(id("d"));
    h.auto_storage = false;
    for _ in 0..4 {
        for f in a.poll_frames() {
            h.receive(ca, &f);
        }
        h.complete_all();
        for f in h.take(ca) {
            a.receive(&f).unwrap();
        }
    }
    assert!(a.is_in_sync(&id("d")));
    assert_eq!(
        h.server.resident_docs(),
        0,
        "in sync and committed: evicted"
    );
    assert!(h.evicted >= 1);
    edit(&mut a, id("d"), "more", 1);
    let loads = h.load_docs;
    for f in a.poll_frames() {
        h.receive(ca, &f);
    }
    assert_eq!(h.load_docs, loads + 1, "reloaded for the new message");
    h.complete_pending(0); // the load; the persist stays pending
    assert_eq!(
        h.server.resident_docs(),
        1,
        "uncommitted changes pin the document"
    );
    h.complete_all();
    for f in h.take(ca) {
        a.receive(&f).unwrap();
    }
    h.auto_storage = true;
    exchange(&mut h, &mut a, ca);
    assert!(a.is_in_sync(&id("d")));
    assert_eq!(h.docs[&id("d")].heads, a.doc(&id("d")).unwrap().get_heads());
}

#[test]
fn a_failed_commit_closes_the_syncing_connections_and_the_edit_arrives_on_reconnect() {
    let mut h = harness();
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    a.insert_doc(id("d"), doc_with_changes(1, 2));
    a.local_change(id("d"));
    exchange(&mut h, &mut a, ca);
    h.auto_storage = false;
    edit(&mut a, id("d"), "lost?", 1);
    for f in a.poll_frames() {
        h.receive(ca, &f);
    }
    let Some(harness::StorageOp::Persist(ticket, _)) = h.pending.pop_front() else {
        panic!()
    };
    h.server.persist_failed(ticket);
    h.pump();
    assert!(h.is_closed(ca));
    h.auto_storage = true;
    h.complete_all(); // the reload of the dropped document
    a.disconnect();
    let ca = h.connect("dev-a");
    a.connect();
    exchange(&mut h, &mut a, ca);
    assert!(a.all_in_sync());
    assert_eq!(h.docs[&id("d")].heads, a.doc(&id("d")).unwrap().get_heads());
}

#[test]
fn a_large_compressed_change_is_accepted() {
    use automerge::transaction::Transactable;
    let mut h = harness();
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    a.insert_doc(id("big"), doc_with_changes(1, 1));
    a.local_change(id("big"));
    exchange(&mut h, &mut a, ca);
    let doc = a.doc_mut(&id("big")).unwrap();
    let mut tx = doc.transaction();
    for i in 0..200 {
        tx.put(
            automerge::ROOT,
            format!("key-{i}"),
            format!("value number {i} of a large change"),
        )
        .unwrap();
    }
    tx.commit();
    a.local_change(id("big"));
    exchange(&mut h, &mut a, ca);
    assert!(!h.is_closed(ca));
    assert!(a.is_in_sync(&id("big")));
    assert_eq!(
        h.docs[&id("big")].heads,
        a.doc(&id("big")).unwrap().get_heads()
    );
}

#[test]
fn the_client_reports_unavailable_documents() {
    let mut h = harness();
    let (mut c, conn) = connected_client(&mut h, "dev-1", "p");
    c.want(id("ghost"));
    exchange(&mut h, &mut c, conn);
    assert!(
        c.poll_events()
            .contains(&ClientEvent::Unavailable(id("ghost")))
    );
    assert!(c.all_in_sync());
}

#[test]
fn ephemeral_messages_are_relayed_to_the_other_peers_of_the_document() {
    let mut h = open_to_all();
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    let (mut b, cb) = connected_client(&mut h, "dev-b", "b");
    a.insert_doc(id("live"), doc_with_changes(1, 1));
    a.local_change(id("live"));
    exchange(&mut h, &mut a, ca);
    b.want(id("live"));
    exchange(&mut h, &mut b, cb);
    let presence = Message::Ephemeral {
        sender_id: "a".into(),
        target_id: "server".into(),
        document_id: id("live"),
        count: 1,
        session_id: "sess".into(),
        data: vec![0xa1, 0x61, 0x78, 0x01],
    };
    h.receive(ca, &encode(&presence));
    let relayed = h.take_messages(cb);
    assert_eq!(
        relayed,
        vec![Message::Ephemeral {
            sender_id: "a".into(),
            target_id: "b".into(),
            document_id: id("live"),
            count: 1,
            session_id: "sess".into(),
            data: vec![0xa1, 0x61, 0x78, 0x01],
        }]
    );
    assert!(h.take(ca).is_empty(), "not echoed to the sender");
}
