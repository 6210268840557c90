//! The document memory budget charges what a resident document takes in memory, not its
//! saved size, so a budget in bytes bounds the process's memory.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::{Harness, config, doc_with_changes, exchange};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::{ClientEngine, ServerConfig, ServerEngine};

fn server(budget: usize) -> ServerEngine {
    let config = ServerConfig {
        doc_memory_budget: budget,
        ..config()
    };
    ServerEngine::new(config, Box::new(CreatorOnly))
}

fn ids(n: usize) -> Vec<DocumentId> {
    (0..n)
        .map(|i| DocumentId::derive("budget", &i.to_string()))
        .collect()
}

#[test]
fn a_resident_document_is_charged_many_times_its_saved_size() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = ClientEngine::new("dev", Some("dev-storage".into()));
    let doc = doc_with_changes(1, 300);
    let saved = doc.save().len();
    device.insert_doc(ids(1)[0], doc);
    let conn = h.connect("dev-1");
    device.connect();
    exchange(&mut h, &mut device, conn);
    assert_eq!(h.server.resident_docs(), 1);
    // 300 changes: at least 240 B each, against a few bytes each saved.
    assert!(
        h.server.resident_bytes() >= 300 * 240,
        "{} bytes charged for a document saved in {saved}",
        h.server.resident_bytes()
    );
    assert!(h.server.resident_bytes() > 8 * saved);
}

#[test]
fn uploads_beyond_the_budget_leave_only_what_fits_resident() {
    const BUDGET: usize = 1 << 20;
    let mut h = Harness::new(server(BUDGET));
    let mut device = ClientEngine::new("dev", Some("dev-storage".into()));
    let mut saved = 0;
    for (i, id) in ids(30).into_iter().enumerate() {
        let doc = doc_with_changes(1 + (i % 200) as u8, 300);
        saved += doc.save().len();
        device.insert_doc(id, doc);
    }
    assert!(
        saved < BUDGET / 4,
        "the saved documents alone fit: {saved} bytes"
    );
    let conn = h.connect("dev-1");
    device.connect();
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    device.disconnect();
    h.disconnect(conn);
    assert!(h.evicted > 0, "some documents were evicted");
    assert!(h.server.resident_docs() < 30);
    assert!(
        h.server.resident_bytes() <= BUDGET,
        "{} bytes resident over a budget of {BUDGET}",
        h.server.resident_bytes()
    );
    // Everything is still there: a fresh install of the same identity gets all 30 back.
    let mut fresh = ClientEngine::new("dev", Some("dev-storage-2".into()));
    let conn = h.connect("dev-1");
    fresh.connect();
    for id in ids(30) {
        fresh.insert_doc(id, automerge::Automerge::new());
    }
    exchange(&mut h, &mut fresh, conn);
    for id in ids(30) {
        assert_eq!(
            fresh.doc(&id).unwrap().get_heads(),
            device.doc(&id).unwrap().get_heads()
        );
    }
}

#[test]
fn resident_copies_are_the_documents_in_memory_within_their_budget() {
    let mut h = Harness::new(server(64 << 20));
    let mut device = ClientEngine::new("dev", Some("dev-storage".into()));
    let docs = ids(3);
    for (i, id) in docs.iter().enumerate() {
        device.insert_doc(*id, doc_with_changes(1 + i as u8, 100));
    }
    let conn = h.connect("dev-1");
    device.connect();
    exchange(&mut h, &mut device, conn);
    assert!(device.all_in_sync());
    let unknown = DocumentId::derive("budget", "never uploaded");
    let asked = [docs[0], unknown, docs[1], docs[2]];

    let copies = h.server.resident_copies(&asked, usize::MAX);
    assert!(copies[1].is_none(), "a document the engine never held");
    for (i, at) in [(0, 0), (1, 2), (2, 3)] {
        let copy = copies[at].as_ref().expect("resident");
        let heads = device.doc(&docs[i]).expect("device doc").get_heads();
        assert_eq!(copy.get_heads(), heads, "document {i}");
    }

    // Each is charged the same here: a budget for two copies gives the first two asked for.
    let one = h.server.resident_bytes() / 3;
    let copies = h.server.resident_copies(&docs, 2 * one + one / 2);
    let given: Vec<bool> = copies.iter().map(Option::is_some).collect();
    assert_eq!(given, [true, true, false]);
}
