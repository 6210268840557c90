//! A deterministic simulation: a fleet of devices on [`ClientEngine`] and one [`ServerEngine`]
//! over an in-memory storage whose operations complete in random order. Devices edit shared
//! and own documents, go offline, reconnect in random order (including a second connection
//! while the first is still open, server-side disconnects delivered late, and connections
//! dropped mid-sync). At the end every copy has identical heads and every edit.
//! No sleeps, no clocks: one seeded RNG decides everything.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ReadDoc};
use harness::{Harness, exchange};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use sync_core::doc_id::DocumentId;
use sync_core::sync::access::{Access, CreatorOnly, DocMeta, PeerIdentity};
use sync_core::sync::{
    AccessPolicy, ClientEngine, ClientEvent, ConnId, ServerConfig, ServerEngine,
};

const DEVICES: usize = 8;
const SHARED: usize = 3;
const OWN: usize = 2;

struct Device {
    client: ClientEngine,
    identity: String,
    link: Option<ConnId>,
    up: VecDeque<Vec<u8>>,
    edits: u64,
}

fn shared_ids() -> Vec<DocumentId> {
    (0..SHARED)
        .map(|i| DocumentId::derive("sim/shared", &i.to_string()))
        .collect()
}

fn own_id(device: usize, i: usize) -> DocumentId {
    DocumentId::derive("sim/own", &format!("{device}/{i}"))
}

fn actor(device: usize, doc: DocumentId) -> ActorId {
    let mut bytes = [0u8; 16];
    bytes[..15].copy_from_slice(&doc.as_bytes()[..15]);
    bytes[15] = device as u8;
    ActorId::from(bytes)
}

fn server(budget: usize) -> ServerEngine {
    let shared = shared_ids();
    // Shared documents are open to the fleet; everything else follows the creator rule.
    let policy = move |peer: &PeerIdentity, doc: &DocumentId, meta: Option<&DocMeta>| {
        if shared.contains(doc) {
            Access::ReadWrite
        } else {
            CreatorOnly.access(peer, doc, meta)
        }
    };
    let config = ServerConfig {
        peer_id: "server".into(),
        storage_id: Some("server-storage".into()),
        max_message_bytes: 8 << 20,
        doc_memory_budget: budget,
        batch_sync: true,
    };
    ServerEngine::new(config, Box::new(policy))
}

fn fleet() -> (Vec<Device>, BTreeMap<DocumentId, BTreeSet<String>>) {
    let mut genesis = Automerge::new().with_actor(ActorId::from([0xee; 16]));
    let mut tx = genesis.transaction();
    tx.put(automerge::ROOT, "genesis", 1).unwrap();
    tx.commit();
    let mut expected: BTreeMap<DocumentId, BTreeSet<String>> = BTreeMap::new();
    let mut devices = Vec::new();
    for d in 0..DEVICES {
        let mut client = ClientEngine::new(format!("peer-{d}"), Some(format!("storage-{d}")))
            .with_batch_sync(d % 2 == 0);
        for id in shared_ids() {
            let mut doc = genesis.clone();
            doc.set_actor(actor(d, id));
            client.insert_doc(id, doc);
            expected.entry(id).or_default().insert("genesis".into());
        }
        for i in 0..OWN {
            let id = own_id(d, i);
            client.insert_doc(id, Automerge::new().with_actor(actor(d, id)));
            expected.entry(id).or_default();
        }
        devices.push(Device {
            client,
            identity: format!("device-{d}"),
            link: None,
            up: VecDeque::new(),
            edits: 0,
        });
    }
    (devices, expected)
}

fn edit(
    device: &mut Device,
    doc_id: DocumentId,
    expected: &mut BTreeMap<DocumentId, BTreeSet<String>>,
) {
    device.edits += 1;
    let key = format!("{}-{}", device.identity, device.edits);
    let doc = device.client.doc_mut(&doc_id).unwrap();
    let mut tx = doc.transaction();
    tx.put(automerge::ROOT, key.as_str(), device.edits as i64)
        .unwrap();
    tx.commit();
    device.client.local_change(doc_id);
    expected.entry(doc_id).or_default().insert(key);
}

fn collect_up(device: &mut Device) {
    let frames = device.client.poll_frames();
    if device.link.is_some() {
        device.up.extend(frames);
    }
}

fn check_events(device: &mut Device) {
    for event in device.client.poll_events() {
        assert!(
            !matches!(event, ClientEvent::ServerError(_)),
            "{}: {event:?}",
            device.identity
        );
    }
}

fn run(seed: u64, steps: usize, budget: usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut h = Harness::new(server(budget));
    h.auto_storage = false;
    let (mut devices, mut expected) = fleet();
    // Server-side disconnects that arrive late (reordered after a reconnect).
    let mut late_disconnects: Vec<ConnId> = Vec::new();

    for _ in 0..steps {
        let d = rng.random_range(0..DEVICES);
        let device = &mut devices[d];
        if let Some(conn) = device.link
            && h.is_closed(conn)
        {
            device.client.disconnect();
            device.link = None;
            device.up.clear();
        }
        match rng.random_range(0..100) {
            0..15 => {
                let ids = device.client.doc_ids();
                let id = ids[rng.random_range(0..ids.len())];
                edit(device, id, &mut expected);
            }
            15..25 => {
                // (Re)connect. A live link is left open on the server for now: the new `join`
                // replaces it, or its disconnect arrives later.
                if let Some(old) = device.link.take() {
                    late_disconnects.push(old);
                    h.take(old);
                }
                device.up.clear();
                let conn = h.connect(&device.identity);
                device.client.connect();
                device.link = Some(conn);
            }
            25..31 => {
                // Offline, possibly mid-sync: frames in flight are lost.
                if let Some(conn) = device.link.take() {
                    device.client.disconnect();
                    device.up.clear();
                    if rng.random_bool(0.5) {
                        h.disconnect(conn);
                    } else {
                        late_disconnects.push(conn);
                    }
                }
            }
            31..55 => {
                if let (Some(conn), Some(frame)) = (device.link, device.up.pop_front()) {
                    h.receive(conn, &frame);
                }
            }
            55..80 => {
                if let Some(conn) = device.link {
                    for frame in h.take(conn) {
                        device.client.receive(&frame).unwrap();
                    }
                }
            }
            80..95 => {
                if !h.pending.is_empty() {
                    let i = rng.random_range(0..h.pending.len());
                    h.complete_pending(i);
                }
            }
            _ => {
                if !late_disconnects.is_empty() {
                    let i = rng.random_range(0..late_disconnects.len());
                    let conn = late_disconnects.swap_remove(i);
                    h.disconnect(conn);
                }
            }
        }
        collect_up(&mut devices[d]);
        check_events(&mut devices[d]);
    }

    // Settle: storage completes, late disconnects land, every device syncs twice in turn.
    h.auto_storage = true;
    h.complete_all();
    for conn in late_disconnects.drain(..) {
        h.disconnect(conn);
    }
    for device in devices.iter_mut() {
        if let Some(conn) = device.link.take() {
            device.client.disconnect();
            h.disconnect(conn);
        }
    }
    for _pass in 0..2 {
        for device in devices.iter_mut() {
            let conn = h.connect(&device.identity);
            device.client.connect();
            exchange(&mut h, &mut device.client, conn);
            assert!(
                device.client.all_in_sync(),
                "seed {seed}: {} not in sync",
                device.identity
            );
            check_events(device);
            device.client.disconnect();
            h.disconnect(conn);
        }
    }

    // Convergence: identical heads everywhere, nothing lost.
    for (doc_id, keys) in &expected {
        let Some(stored) = h.docs.get(doc_id) else {
            // Never edited anywhere: nothing to store, the server rightly calls it unavailable.
            assert!(
                keys.is_empty(),
                "seed {seed}: {doc_id} with edits was never stored"
            );
            continue;
        };
        let server_doc = Automerge::load(&stored.chunks.concat()).unwrap();
        let mut server_heads = server_doc.get_heads();
        server_heads.sort();
        let mut stored_heads = stored.heads.clone();
        stored_heads.sort();
        assert_eq!(
            server_heads, stored_heads,
            "seed {seed}: heads index of {doc_id}"
        );
        let server_keys: BTreeSet<String> = server_doc.keys(automerge::ROOT).collect();
        assert_eq!(
            &server_keys, keys,
            "seed {seed}: server copy of {doc_id} lost edits"
        );
        for device in &devices {
            if let Some(doc) = device.client.doc(doc_id) {
                let mut heads = doc.get_heads();
                heads.sort();
                assert_eq!(
                    heads, server_heads,
                    "seed {seed}: {} diverged on {doc_id}",
                    device.identity
                );
            }
        }
    }
    assert!(h.rejected.is_empty(), "seed {seed}: {:?}", h.rejected);
    let edits: u64 = devices.iter().map(|d| d.edits).sum();
    assert!(
        edits > 50 && h.persists > 20,
        "seed {seed}: the run did too little ({edits} edits, {} commits)",
        h.persists
    );
    eprintln!(
        "seed {seed}: {edits} edits, {} commits, {} loads, {} evictions",
        h.persists, h.load_docs, h.evicted
    );
}

#[test]
fn a_fleet_that_edits_offline_and_reconnects_in_random_order_converges_without_losing_edits() {
    for seed in 0..12 {
        run(seed, 600, 64 << 20);
    }
}

#[test]
fn the_fleet_also_converges_when_the_server_evicts_every_idle_document() {
    for seed in 100..106 {
        run(seed, 600, 0);
    }
}
