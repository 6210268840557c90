//! A plain v1 peer reconnecting in sync is answered from the heads index: no document is
//! loaded, the answer is the message automerge itself would send, and everything that is not
//! in sync still runs the full automerge sync.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::{Harness, edit, exchange, handshake, uploaded_device};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::{ClientEngine, ClientEvent, Message, ServerConfig, ServerEngine};

fn server() -> ServerEngine {
    let config = ServerConfig {
        peer_id: "server".into(),
        storage_id: Some("server-storage".into()),
        max_message_bytes: 1 << 20,
        doc_memory_budget: 64 << 20,
        batch_sync: true,
    };
    ServerEngine::new(config, Box::new(CreatorOnly))
}

fn ids(n: usize) -> Vec<DocumentId> {
    (0..n)
        .map(|i| DocumentId::derive("index-answer", &i.to_string()))
        .collect()
}

/// A plain device (no batch extension) holding `n` documents, all uploaded once; the server
/// is then restarted, so nothing is resident.
fn synced_device(h: &mut Harness, n: usize) -> ClientEngine {
    let device = uploaded_device(h, &ids(n), false);
    h.restart(server());
    device
}

/// The `data` of every `sync` the server sent on `conn`.
fn sync_data(h: &mut Harness, conn: sync_core::sync::ConnId) -> Vec<Vec<u8>> {
    h.take_messages(conn)
        .into_iter()
        .filter_map(|m| match m {
            Message::Sync(m) => Some(m.data),
            _ => None,
        })
        .collect()
}

#[test]
fn an_in_sync_plain_reconnect_of_20_documents_loads_no_document() {
    let mut h = Harness::new(server());
    let mut device = synced_device(&mut h, 20);
    let (loads, index_reads) = (h.load_docs, h.load_doc_heads);
    let conn = h.connect("dev-1");
    device.connect();
    let traffic = exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    assert_eq!(h.load_docs, loads, "no LoadDoc");
    assert_eq!(
        h.load_doc_heads - index_reads,
        20,
        "one index read per document"
    );
    assert_eq!(h.server.resident_docs(), 0);
    // join + 20 syncs up; peer + 20 answers down; then quiet.
    assert_eq!((traffic.up_msgs, traffic.down_msgs), (21, 21));
    assert!(device.poll_frames().is_empty());
}

#[test]
fn the_index_answer_is_byte_for_byte_the_message_automerge_sends() {
    // From the index.
    let mut h = Harness::new(server());
    let mut device = synced_device(&mut h, 1);
    let doc_id = ids(1)[0];
    let conn = handshake(&mut h, &mut device, "dev-1");
    let up = device.poll_frames();
    assert_eq!(up.len(), 1);
    let loads = h.load_docs;
    h.receive(conn, &up[0]);
    let from_index = sync_data(&mut h, conn);
    assert_eq!(h.load_docs, loads);

    // Same frame, document resident (loaded for another peer first): automerge answers.
    let mut h2 = Harness::new(server());
    let mut twin = synced_device(&mut h2, 1);
    let mut fetcher = ClientEngine::new("fetcher", None);
    fetcher.want(doc_id);
    let other = h2.connect("dev-1");
    fetcher.connect();
    exchange(&mut h2, &mut fetcher, other);
    assert_eq!(h2.server.resident_docs(), 1);
    let conn2 = h2.connect("dev-1");
    twin.connect();
    for f in twin.poll_frames() {
        h2.receive(conn2, &f);
    }
    let _peer = h2.take(conn2);
    h2.receive(conn2, &up[0]);
    let from_automerge = sync_data(&mut h2, conn2);

    assert_eq!(from_index.len(), 1);
    assert_eq!(from_index, from_automerge);
}

#[test]
fn a_change_pushed_after_an_index_answer_reaches_the_answered_peer() {
    let mut h = Harness::new(server());
    let mut device = synced_device(&mut h, 3);
    let doc_id = ids(3)[1];
    let conn = h.connect("dev-1");
    device.connect();
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    assert_eq!(h.server.resident_docs(), 0);

    // A second device of the same account pushes a change to one document.
    let mut laptop = ClientEngine::new("laptop", Some("laptop-storage".into()));
    laptop.insert_doc(doc_id, device.doc(&doc_id).unwrap().clone());
    let laptop_conn = h.connect("dev-1");
    laptop.connect();
    exchange(&mut h, &mut laptop, laptop_conn);
    edit(&mut laptop, doc_id, "pushed", 7);
    exchange(&mut h, &mut laptop, laptop_conn);
    exchange(&mut h, &mut device, conn);

    let want = laptop.doc(&doc_id).unwrap().get_heads();
    assert_eq!(device.doc(&doc_id).unwrap().get_heads(), want);
    assert!(device.is_in_sync(&doc_id));
}

#[test]
fn devices_ahead_or_behind_still_run_the_automerge_sync_and_lose_nothing() {
    let mut h = Harness::new(server());
    let mut device = synced_device(&mut h, 4);
    let ahead = ids(4)[0];
    let behind = ids(4)[2];
    // The server gets a change to `behind` from another device of the account.
    let mut laptop = ClientEngine::new("laptop", Some("laptop-storage".into()));
    laptop.insert_doc(behind, device.doc(&behind).unwrap().clone());
    let laptop_conn = h.connect("dev-1");
    laptop.connect();
    exchange(&mut h, &mut laptop, laptop_conn);
    edit(&mut laptop, behind, "server-side", 1);
    exchange(&mut h, &mut laptop, laptop_conn);
    h.disconnect(laptop_conn);
    h.restart(server());
    // The device edits `ahead` offline.
    {
        use automerge::transaction::Transactable;
        let mut tx = device.doc_mut(&ahead).unwrap().transaction();
        tx.put(automerge::ROOT, "offline", 2).unwrap();
        tx.commit();
    }
    let loads = h.load_docs;
    let conn = h.connect("dev-1");
    device.connect();
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    assert_eq!(
        h.load_docs - loads,
        2,
        "only the two documents that differ are loaded"
    );
    assert_eq!(
        device.doc(&behind).unwrap().get_heads(),
        laptop.doc(&behind).unwrap().get_heads()
    );
    let stored = &h.docs[&ahead];
    assert_eq!(stored.heads, device.doc(&ahead).unwrap().get_heads());
}

#[test]
fn another_account_with_the_same_heads_is_not_answered_from_the_index() {
    let mut h = Harness::new(server());
    let device = synced_device(&mut h, 1);
    let doc_id = ids(1)[0];
    let mut stranger = ClientEngine::new("stranger", Some("stranger-storage".into()));
    stranger.insert_doc(doc_id, device.doc(&doc_id).unwrap().clone());
    let conn = h.connect("someone-else");
    stranger.connect();
    exchange(&mut h, &mut stranger, conn);
    assert!(
        stranger
            .poll_events()
            .contains(&ClientEvent::Unavailable(doc_id))
    );
    assert!(!stranger.is_in_sync(&doc_id));
}
