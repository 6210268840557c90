//! One-round-trip push (performance.md §4.5, W7): a device that knows the server's heads from
//! its last sync sends its offline changes in its first message, and needs no further message
//! once the server has answered.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use harness::{Harness, config, doc_with_changes, exchange, handshake};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::CreatorOnly;
use sync_core::sync::{ClientEngine, ConnId, Message, ServerConfig, ServerEngine};

fn server(batch_sync: bool) -> ServerEngine {
    ServerEngine::new(
        ServerConfig {
            batch_sync,
            ..config()
        },
        Box::new(CreatorOnly),
    )
}

fn doc_id() -> DocumentId {
    DocumentId::derive("one-rt", "meeting")
}

/// Edits the device's copy offline (no session), as actor `actor`.
fn offline_edits(device: &mut ClientEngine, actor: u8, key: &str, n: i64) {
    use automerge::transaction::Transactable;
    let doc = device.doc_mut(&doc_id()).unwrap();
    doc.set_actor(automerge::ActorId::from([actor; 16]));
    for i in 0..n {
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, format!("{key}{i}"), i).unwrap();
        tx.commit();
    }
}

/// Three devices of one identity holding the same document, synced once and disconnected.
fn three_synced_devices(h: &mut Harness, batch: bool) -> Vec<ClientEngine> {
    let base = doc_with_changes(1, 20);
    (0..3)
        .map(|i| {
            let mut d = ClientEngine::new(format!("dev-{i}"), Some(format!("dev-{i}-storage")))
                .with_batch_sync(batch);
            d.insert_doc(doc_id(), base.clone());
            let conn = h.connect("owner");
            d.connect();
            exchange(h, &mut d, conn);
            assert!(d.all_in_sync());
            d.disconnect();
            h.disconnect(conn);
            d
        })
        .collect()
}

/// Connects (handshake only) and returns the connection.
fn reconnect(h: &mut Harness, device: &mut ClientEngine) -> ConnId {
    handshake(h, device, "owner")
}

/// Sync messages (`request`/`sync`) among `frames`.
fn sync_messages(frames: &[Vec<u8>]) -> usize {
    frames
        .iter()
        .filter(|f| {
            matches!(
                sync_core::sync::decode(f, 1 << 20).unwrap(),
                Message::Sync(_) | Message::Request(_)
            )
        })
        .count()
}

fn diverged_devices_each_send_one_sync_message(batch: bool) {
    let mut h = Harness::new(server(batch));
    let mut devices = three_synced_devices(&mut h, batch);
    for (i, d) in devices.iter_mut().enumerate() {
        offline_edits(d, 10 + i as u8, &format!("d{i}-"), 10);
    }
    let conns: Vec<ConnId> = devices.iter_mut().map(|d| reconnect(&mut h, d)).collect();
    let mut sent = [0; 3];
    // Deliver until quiet, counting every device's sync messages.
    loop {
        let mut moved = false;
        for (i, d) in devices.iter_mut().enumerate() {
            let up = d.poll_frames();
            sent[i] += sync_messages(&up);
            for f in &up {
                h.receive(conns[i], f);
            }
            let down = h.take(conns[i]);
            for f in &down {
                d.receive(f).unwrap();
            }
            moved |= !up.is_empty() || !down.is_empty();
        }
        if !moved {
            break;
        }
    }
    let server_heads = h.docs[&doc_id()].heads.clone();
    for (i, d) in devices.iter().enumerate() {
        assert!(d.all_in_sync(), "device {i} in sync");
        assert_eq!(d.doc(&doc_id()).unwrap().get_heads(), server_heads);
        assert_eq!(sent[i], 1, "device {i} sent {} sync messages", sent[i]);
    }
    assert!(h.rejected.is_empty(), "{:?}", h.rejected);
    // 20 base changes + 3 × 10 offline ones, all durable.
    assert_eq!(h.durable.len(), 50);
}

#[test]
fn three_diverged_devices_each_push_their_changes_in_one_sync_message() {
    diverged_devices_each_send_one_sync_message(false);
}

#[test]
fn with_batch_sync_a_changed_document_skips_the_batch_and_is_pushed_in_one_message() {
    diverged_devices_each_send_one_sync_message(true);
}

#[test]
fn the_first_message_carries_the_offline_changes() {
    let mut h = Harness::new(server(false));
    let mut devices = three_synced_devices(&mut h, false);
    let device = &mut devices[0];
    offline_edits(device, 9, "x", 3);
    let conn = reconnect(&mut h, device);
    let up = device.poll_frames();
    let [frame] = up.as_slice() else {
        panic!("one frame: {}", up.len())
    };
    let Message::Sync(m) = sync_core::sync::decode(frame, 1 << 20).unwrap() else {
        panic!("a sync message")
    };
    let message = automerge::sync::Message::decode(&m.data).unwrap();
    assert_eq!(message.changes.len(), 3, "the three offline changes");
    h.receive(conn, frame);
    for f in h.take(conn) {
        device.receive(&f).unwrap();
    }
    assert!(device.all_in_sync());
    assert!(device.poll_frames().is_empty(), "nothing more to send");
}

#[test]
fn a_device_whose_server_lost_the_shared_heads_still_converges() {
    let mut h = Harness::new(server(false));
    let mut devices = three_synced_devices(&mut h, false);
    let device = &mut devices[0];
    offline_edits(device, 9, "x", 3);
    // The server's storage is replaced by an empty one: the device's saved heads are unknown.
    h.docs.clear();
    h.durable.clear();
    h.sync_states.clear();
    h.restart(server(false));
    let conn = reconnect(&mut h, device);
    exchange(&mut h, device, conn);
    assert!(device.all_in_sync());
    assert_eq!(
        h.docs[&doc_id()].heads,
        device.doc(&doc_id()).unwrap().get_heads()
    );
}
