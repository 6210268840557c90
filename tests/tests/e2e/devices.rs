//! Rust devices on the sync engine's client side, over real WebSockets.

use automerge::ROOT;
use automerge::transaction::Transactable;
use e2e::server::{TestDb, TestServer};
use e2e::ws_client::Device;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::on_both_backends;
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
