//! The engine counts, per connection, the messages waiting in it for storage, so a server can
//! stop reading a connection that has many (a slow reader asking for thousands of documents
//! at once) until they are answered. `sync_stall.rs` checks that the count comes back to 0
//! over hundreds of random interleavings.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::{exchange, handshake, harness, id, uploaded_device};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::{ClientEngine, ServerEngine};

fn ids(n: usize) -> Vec<DocumentId> {
    (0..n).map(|i| id(&format!("awaiting-{i}"))).collect()
}

#[test]
fn messages_waiting_for_their_documents_count_until_the_loads_answer_them() {
    let mut h = harness();
    let docs = ids(12);
    uploaded_device(&mut h, &docs, false);
    // A cold server: every document must be loaded again.
    h.restart(ServerEngine::new(harness::config(), Box::new(CreatorOnly)));
    h.auto_storage = false;
    let mut fresh = ClientEngine::new("dev-phone", None);
    let conn = handshake(&mut h, &mut fresh, "dev-1");
    let _ = h.server.take_awaiting_changes();
    assert_eq!(h.server.awaiting(conn), 0);

    for id in &docs {
        fresh.want(*id);
    }
    for frame in fresh.poll_frames() {
        h.receive(conn, &frame);
    }
    assert_eq!(h.server.awaiting(conn), docs.len());
    assert_eq!(h.server.take_awaiting_changes(), vec![(conn, docs.len())]);
    assert!(h.take(conn).is_empty(), "nothing answered before the loads");

    // Each load answers its document's message.
    h.complete_pending(0);
    assert_eq!(h.server.awaiting(conn), docs.len() - 1);
    let first = h.take(conn);
    assert_eq!(first.len(), 1);
    fresh.receive(&first[0]).unwrap();
    h.complete_all();
    assert_eq!(h.server.awaiting(conn), 0);
    assert_eq!(h.server.take_awaiting_changes(), vec![(conn, 0)]);
    for frame in h.take(conn) {
        fresh.receive(&frame).unwrap();
    }
    h.auto_storage = true;
    exchange(&mut h, &mut fresh, conn);
    assert_eq!(h.server.awaiting(conn), 0);
    for id in &docs {
        assert!(fresh.doc(id).is_some_and(|d| !d.get_heads().is_empty()));
    }
}
