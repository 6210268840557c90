//! The [`ChangeGuard`] hook: received changes are checked against the document before they
//! are persisted or shown to anyone; the first changes name the document's cell, which never
//! changes; revoked identities are cut at once.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT, ReadDoc};
use harness::{Harness, config, exchange};
use sync_core::doc_id::DocumentId;
use sync_core::sync::server::RejectReason;
use sync_core::sync::{
    Access, Candidate, ChangeGuard, ClientEngine, ClientEvent, DocMeta, GuardRefusal, PeerIdentity,
    ServerEngine,
};

/// The cell a document names in its root `cell` key.
fn cell_at(doc: &Automerge, heads: Option<&[automerge::ChangeHash]>) -> Option<String> {
    let value = match heads {
        Some(h) => doc.get_at(ROOT, "cell", h),
        None => doc.get(ROOT, "cell"),
    };
    match value {
        Ok(Some((v, _))) => v.into_string().ok(),
        _ => None,
    }
}

/// A document must name its cell from its first change, and keep it.
struct FixedCell;

impl ChangeGuard for FixedCell {
    fn check(&self, c: &Candidate<'_>) -> Result<Option<String>, GuardRefusal> {
        let now = cell_at(c.doc, None).ok_or(GuardRefusal("no cell"))?;
        if c.meta.is_some() && cell_at(c.doc, Some(c.before)) != Some(now.clone()) {
            return Err(GuardRefusal("cell changed"));
        }
        Ok(Some(now))
    }
}

/// Device `a` writes cell `A`, device `b` cell `B`.
fn policy(peer: &PeerIdentity, _: &DocumentId, meta: Option<&DocMeta>) -> Access {
    match meta {
        None => Access::ReadWrite,
        Some(m) if m.cell.as_deref() == Some(&peer.0.to_uppercase()) => Access::ReadWrite,
        Some(_) => Access::Denied,
    }
}

fn guarded() -> Harness {
    Harness::new(ServerEngine::new(config(), Box::new(policy)).with_guard(Box::new(FixedCell)))
}

fn doc_of_cell(cell: Option<&str>) -> Automerge {
    let mut doc = Automerge::new();
    let mut tx = doc.transaction();
    if let Some(cell) = cell {
        tx.put(ROOT, "cell", cell).unwrap();
    }
    tx.put(ROOT, "title", "họp").unwrap();
    tx.commit();
    doc
}

fn put(client: &mut ClientEngine, doc_id: DocumentId, key: &str, value: &str) {
    let doc = client.doc_mut(&doc_id).unwrap();
    let mut tx = doc.transaction();
    tx.put(ROOT, key, value).unwrap();
    tx.commit();
    client.local_change(doc_id);
}

fn upload(h: &mut Harness, identity: &str, doc_id: DocumentId, doc: Automerge) -> ClientEngine {
    let mut client = ClientEngine::new(format!("{identity}-peer"), None);
    client.insert_doc(doc_id, doc);
    let conn = h.connect(identity);
    client.connect();
    exchange(h, &mut client, conn);
    client
}

fn refused_by_guard(h: &Harness) -> bool {
    h.rejected
        .iter()
        .any(|(_, _, r)| matches!(r, RejectReason::GuardRefused(_)))
}

#[test]
fn the_first_change_names_the_cell_which_is_stored_with_the_document() {
    let mut h = guarded();
    let id = DocumentId::derive("guard", "1");
    let client = upload(&mut h, "a", id, doc_of_cell(Some("A")));
    assert!(client.is_in_sync(&id));
    assert_eq!(h.docs[&id].meta.cell.as_deref(), Some("A"));
}

#[test]
fn a_change_that_moves_a_document_to_another_cell_is_refused_and_never_stored() {
    let mut h = guarded();
    let id = DocumentId::derive("guard", "2");
    let mut client = ClientEngine::new("a-peer", None);
    client.insert_doc(id, doc_of_cell(Some("A")));
    let conn = h.connect("a");
    client.connect();
    exchange(&mut h, &mut client, conn);
    let stored_chunks = h.docs[&id].chunks.len();
    put(&mut client, id, "cell", "B");
    exchange(&mut h, &mut client, conn);
    assert!(refused_by_guard(&h), "{:?}", h.rejected);
    assert!(client.poll_events().contains(&ClientEvent::Unavailable(id)));
    assert_eq!(h.docs[&id].chunks.len(), stored_chunks, "nothing stored");
    assert!(
        !h.is_closed(conn),
        "the connection stays up for other documents"
    );
    // Another device of cell A still reads the document in cell A, without the refused change.
    let mut other = ClientEngine::new("a2-peer", None);
    other.want(id);
    let conn2 = h.connect("a");
    other.connect();
    exchange(&mut h, &mut other, conn2);
    assert_eq!(cell_at(other.doc(&id).unwrap(), None).as_deref(), Some("A"));
}

#[test]
fn a_document_without_a_cell_is_refused() {
    let mut h = guarded();
    let id = DocumentId::derive("guard", "3");
    let mut client = upload(&mut h, "a", id, doc_of_cell(None));
    assert!(refused_by_guard(&h));
    assert!(client.poll_events().contains(&ClientEvent::Unavailable(id)));
    assert!(!h.docs.contains_key(&id));
}

#[test]
fn a_device_cannot_create_a_document_in_a_cell_it_may_not_write() {
    let mut h = guarded();
    let id = DocumentId::derive("guard", "4");
    let mut client = upload(&mut h, "a", id, doc_of_cell(Some("B")));
    assert!(refused_by_guard(&h));
    assert!(client.poll_events().contains(&ClientEvent::Unavailable(id)));
    assert!(!h.docs.contains_key(&id));
    // The rightful cell can still create it afterwards.
    let b = upload(&mut h, "b", id, doc_of_cell(Some("B")));
    assert!(b.is_in_sync(&id));
    assert_eq!(h.docs[&id].meta.cell.as_deref(), Some("B"));
}

#[test]
fn closing_an_identity_cuts_all_its_connections_and_nothing_more_is_sent() {
    let mut h = guarded();
    let id = DocumentId::derive("guard", "5");
    let _a = upload(&mut h, "a", id, doc_of_cell(Some("A")));
    let mut second = ClientEngine::new("a3-peer", None);
    second.want(id);
    let conn = h.connect("a");
    second.connect();
    exchange(&mut h, &mut second, conn);
    let b_conn = h.connect("b");
    let closed = h
        .server
        .close_identity(&PeerIdentity("a".into()), "revoked");
    h.pump();
    assert_eq!(closed.len(), 2);
    assert!(closed.iter().all(|c| h.is_closed(*c)));
    assert!(!h.is_closed(b_conn));
    assert_eq!(h.server.connections(), 1);
    // Frames on a closed connection are ignored.
    h.receive(conn, b"garbage");
    assert!(h.take(conn).is_empty());
}
