//! Server engine rules per document: unavailable vs created, answers, relay, refused sync
//! messages and changes, access denial, ephemeral relay.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::*;
use sync_core::sync::access::PeerIdentity;
use sync_core::sync::server::RejectReason;
use sync_core::sync::{ClientEvent, Message, encode};

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
