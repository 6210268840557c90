//! Durable before acknowledged, grouped commits, persisted sync state, eviction and failed
//! commits.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::*;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::{ClientEngine, ServerConfig, ServerEngine};

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
    assert!(
        h.sync_states
            .contains_key(&(doc_id, "p-storage-2".to_string()))
    );
    eprintln!("fresh sync state: {first:?}; persisted: {second:?}");
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
fn a_document_with_a_peer_mid_sync_stays_resident_even_over_budget() {
    let mut h = Harness::new(ServerEngine::new(
        ServerConfig {
            doc_memory_budget: 0,
            ..config()
        },
        Box::new(CreatorOnly),
    ));
    let (mut a, ca) = connected_client(&mut h, "dev-a", "a");
    a.insert_doc(id("d"), doc_with_changes(1, 5));
    a.local_change(id("d"));
    // First message (heads + bloom) in, the server's answer (asking for changes) out.
    for f in a.poll_frames() {
        h.receive(ca, &f);
    }
    assert_eq!(h.server.resident_docs(), 1, "the peer is mid-sync");
    for f in h.take(ca) {
        a.receive(&f).unwrap();
    }
    exchange(&mut h, &mut a, ca);
    assert!(a.is_in_sync(&id("d")));
    assert_eq!(h.server.resident_docs(), 0, "idle once in sync");
}

#[test]
fn the_engines_can_move_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<ServerEngine>();
    assert_send::<sync_core::sync::ClientEngine>();
}
