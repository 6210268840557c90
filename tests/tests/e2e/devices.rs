//! Rust devices on the sync engine's client side, over real WebSockets.

use automerge::ROOT;
use automerge::transaction::Transactable;
use e2e::server::{TestDb, TestServer};
use e2e::ws_client::Device;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::on_both_backends;
use sync_core::sync::ClientEvent;

use crate::support::{SYNC_TIMEOUT, meeting, new_doc_id, wait_for_heads};

async fn three_devices_that_edit_offline_and_reconnect_in_random_order_converge(
    backend: e2e::server::Backend,
) {
    let db = TestDb::new(backend);
    let server = TestServer::start(&db, |_| {}).await;
    let (_, token) = server.device("Chi bộ 3 máy").await;
    let url = server.ws_url(&token);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let doc_id = new_doc_id();
    let mut devices: Vec<Device> = (0..3)
        .map(|i| {
            let storage = uuid::Uuid::new_v4().to_string();
            Device::new(&format!("device-{i}"), Some(storage), &url)
        })
        .collect();
    devices[0]
        .engine
        .insert_doc(doc_id, meeting("Biên bản chung"));
    for device in devices.iter_mut() {
        device.engine.want(doc_id);
        device.sync(SYNC_TIMEOUT).await;
    }

    let mut expected = Vec::new();
    for round in 0..3 {
        for device in devices.iter_mut() {
            device.go_offline().await;
        }
        for (i, device) in devices.iter_mut().enumerate() {
            let key = format!("d{i}-r{round}");
            let doc = device.engine.doc_mut(&doc_id).expect("held");
            doc.transact::<_, _, automerge::AutomergeError>(|tx| {
                tx.put(ROOT, key.as_str(), format!("ghi chú {i}/{round}"))?;
                Ok(())
            })
            .expect("edit");
            device.engine.local_change(doc_id);
            expected.push(key);
        }
        let mut order: Vec<usize> = (0..devices.len()).collect();
        order.shuffle(&mut rng);
        // A duplicated reconnect: one device connects twice in a row.
        order.push(order[0]);
        for i in order {
            devices[i].go_offline().await;
            devices[i].sync(SYNC_TIMEOUT).await;
        }
    }
    // Every edit is on the server now; one more pass brings each device up to date.
    for device in devices.iter_mut() {
        device.go_offline().await;
        device.sync(SYNC_TIMEOUT).await;
    }
    let heads = devices[0].engine.doc(&doc_id).expect("held").get_heads();
    for device in &devices {
        let doc = device.engine.doc(&doc_id).expect("held");
        assert_eq!(doc.get_heads(), heads, "every device has the same heads");
        for key in &expected {
            assert!(
                automerge::ReadDoc::get(doc, ROOT, key.as_str())
                    .expect("read")
                    .is_some(),
                "{key} is lost"
            );
        }
    }
    wait_for_heads(&server, doc_id, &heads).await;
    server.stop().await;
}

on_both_backends!(three_devices_that_edit_offline_and_reconnect_in_random_order_converge);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_whose_documents_are_in_sync_reconnects_in_one_round_trip() {
    let db = TestDb::new(e2e::server::Backend::Sqlite);
    let server = TestServer::start(&db, |_| {}).await;
    let (device_id, token) = server.device("Chi bộ đồng bộ").await;
    let url = server.ws_url(&token);
    let mut device = Device::new("batched", Some(uuid::Uuid::new_v4().to_string()), &url);
    device.engine = sync_core::sync::ClientEngine::new("batched", None).with_batch_sync(true);
    let docs: Vec<_> = (0..5).map(|_| new_doc_id()).collect();
    for (i, doc_id) in docs.iter().enumerate() {
        device
            .engine
            .insert_doc(*doc_id, meeting(&format!("Biên bản {i}")));
    }
    device.sync(SYNC_TIMEOUT).await;
    for doc_id in &docs {
        let heads = device.engine.doc(doc_id).expect("held").get_heads();
        wait_for_heads(&server, *doc_id, &heads).await;
    }
    device.go_offline().await;

    let reconnected = std::time::Instant::now();
    let received_before = server.metric("sync_messages_total{direction=\"In\"}");
    let sent_before = server.metric("sync_messages_total{direction=\"Out\"}");
    let events = device.sync(SYNC_TIMEOUT).await;
    assert!(
        events.contains(&ClientEvent::Connected { batch_sync: true }),
        "{events:?}"
    );
    for doc_id in &docs {
        assert!(events.contains(&ClientEvent::InSync(*doc_id)), "{events:?}");
    }
    let received = server
        .metric("sync_messages_total{direction=\"In\"}")
        .unwrap_or(0.0)
        - received_before.unwrap_or(0.0);
    let sent = server
        .metric("sync_messages_total{direction=\"Out\"}")
        .unwrap_or(0.0)
        - sent_before.unwrap_or(0.0);
    assert_eq!(
        (received, sent),
        (2.0, 2.0),
        "join + heads-batch, peer + result"
    );
    let since = server
        .metric(&format!(
            "sync_device_seconds_since_converged{{device=\"{device_id}\"}}"
        ))
        .expect("the device's gauge");
    assert!(
        since <= reconnected.elapsed().as_secs_f64(),
        "the one-round-trip reconnect is recorded as converged"
    );
    device.go_offline().await;
    server.stop().await;
}
