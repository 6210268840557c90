//! The W3 benchmark's shape at engine level: three live devices of one account take turns
//! pushing edits to one document. Idle devices do not read what the server sends them until
//! their turn; storage operations complete in random order (persists in ticket order, but late
//! and interleaved with everything else); frames travel with random delay but in order per
//! direction. Every push must end with the pushing device `InSync`. One seeded RNG decides
//! everything, over many seeds.
#![cfg(feature = "automerge")]

#[path = "support/sync_harness.rs"]
mod harness;

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge};
use harness::{Harness, exchange, open_to_all};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use sync_core::doc_id::DocumentId;
use sync_core::sync::{ClientEngine, ConnId};

const DEVICES: usize = 3;
const PUSHES: usize = 12;
const EDITS_PER_PUSH: usize = 5;
const SEEDS: u64 = 300;

struct Device {
    client: ClientEngine,
    conn: ConnId,
    /// Frames sent and not yet received by the server.
    up: VecDeque<Vec<u8>>,
}

fn meeting() -> DocumentId {
    DocumentId::derive("stall", "meeting")
}

fn edit(device: &mut Device, actor: u8, block: usize) {
    let doc = device.client.doc_mut(&meeting()).unwrap();
    // Each device writes as its own actor (as the benchmark's `local_edits`).
    doc.set_actor(ActorId::from([actor; 16]));
    for i in 0..EDITS_PER_PUSH {
        let mut tx = doc.transaction();
        tx.put(
            automerge::ROOT,
            format!("k{actor}-{}", i % 3),
            (block * 100 + i) as i64,
        )
        .unwrap();
        tx.commit();
    }
    device.client.local_change(meeting());
}

/// Moves a device's queued frames into its `up` queue.
fn collect(d: &mut Device) {
    d.up.extend(d.client.poll_frames());
}

/// Runs one seed; returns a description of the first stalled push, if any.
fn run(seed: u64, batch_sync: bool) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut h: Harness = open_to_all();
    let mut skeleton = Automerge::new().with_actor(ActorId::from([9u8; 16]));
    {
        let mut tx = skeleton.transaction();
        tx.put(automerge::ROOT, "title", "họp chi bộ").unwrap();
        tx.commit();
    }
    // Seeding: every device syncs the skeleton once and disconnects (as `sync_all`).
    let mut clients = Vec::new();
    for i in 0..DEVICES {
        let mut c = ClientEngine::new(format!("dev-{i}"), Some(format!("dev-{i}-storage")))
            .with_batch_sync(batch_sync);
        c.insert_doc(meeting(), skeleton.clone());
        let conn = h.connect("cell");
        c.connect();
        exchange(&mut h, &mut c, conn);
        assert!(c.all_in_sync(), "seed {seed}: seeding device {i}");
        c.disconnect();
        h.disconnect(conn);
        clients.push(c);
    }
    // Live links: each device reconnects and settles.
    let mut devices = Vec::new();
    for mut client in clients {
        let conn = h.connect("cell");
        client.connect();
        exchange(&mut h, &mut client, conn);
        assert!(client.all_in_sync(), "seed {seed}: live link");
        client.poll_events();
        devices.push(Device {
            client,
            conn,
            up: VecDeque::new(),
        });
    }
    h.auto_storage = false;

    for block in 0..PUSHES {
        let k = block % DEVICES;
        // Absorb: the device reads some (maybe not all) of what the server sent meanwhile.
        let waiting = h.outbox.get(&devices[k].conn).map_or(0, VecDeque::len);
        let read = rng.random_range(0..=waiting);
        for _ in 0..read {
            let f = h
                .outbox
                .get_mut(&devices[k].conn)
                .unwrap()
                .pop_front()
                .unwrap();
            devices[k].client.receive(&f).unwrap();
            collect(&mut devices[k]);
        }
        edit(&mut devices[k], k as u8 + 1, block);
        collect(&mut devices[k]);
        devices[k].client.poll_events();
        let mut steps = 0;
        while !devices[k].client.is_in_sync(&meeting()) {
            steps += 1;
            if steps > 100_000 {
                return Err(format!(
                    "seed {seed}: push {block} by device {k} runs forever"
                ));
            }
            // What can happen next: a frame up from any device (in order per device), a frame
            // down to the pushing device, a pending storage operation.
            let mut choices: Vec<u8> = Vec::new();
            for (i, d) in devices.iter().enumerate() {
                if !d.up.is_empty() {
                    choices.push(i as u8);
                }
            }
            if h.outbox
                .get(&devices[k].conn)
                .is_some_and(|q| !q.is_empty())
            {
                choices.push(10);
            }
            if !h.pending.is_empty() {
                choices.push(20);
            }
            let Some(&choice) = choices.get(rng.random_range(0..choices.len().max(1))) else {
                let d = &devices[k];
                return Err(format!(
                    "seed {seed}: push {block} by device {k} stalled: nothing in flight, \
                     not in sync (device heads {:?})",
                    d.client.doc(&meeting()).unwrap().get_heads()
                ));
            };
            match choice {
                10 => {
                    let f = h
                        .outbox
                        .get_mut(&devices[k].conn)
                        .unwrap()
                        .pop_front()
                        .unwrap();
                    devices[k].client.receive(&f).unwrap();
                    collect(&mut devices[k]);
                }
                20 => {
                    let i = rng.random_range(0..h.pending.len());
                    h.complete_pending(i);
                }
                i => {
                    let d = &mut devices[i as usize];
                    let f = d.up.pop_front().unwrap();
                    h.receive(d.conn, &f);
                }
            }
        }
    }
    // Once everything in flight has arrived and storage has answered, no device has a message
    // waiting in the engine (the count a server reads a connection by).
    for d in &mut devices {
        while let Some(f) = d.up.pop_front() {
            h.receive(d.conn, &f);
        }
    }
    h.complete_all();
    for (i, d) in devices.iter().enumerate() {
        let waiting = h.server.awaiting(d.conn);
        if waiting != 0 {
            return Err(format!(
                "seed {seed}: device {i} still counts {waiting} messages waiting"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_push_of_three_devices_taking_turns_reaches_in_sync_with_batch_sync() {
    let failures: Vec<String> = (0..SEEDS).filter_map(|s| run(s, true).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {SEEDS} seeds stalled: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

#[test]
fn every_push_of_three_devices_taking_turns_reaches_in_sync_without_batch_sync() {
    let failures: Vec<String> = (0..SEEDS).filter_map(|s| run(s, false).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {SEEDS} seeds stalled: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}
