//! Batched reconnects answered from the heads index the server keeps in memory per cell: what
//! other devices committed since a device's last reconnect is never missed.

use automerge::{ActorId, Automerge};
use e2e::server::{TestDb, TestServer};
use e2e::ws_client::Device;
use sync_core::doc::{MeetingDoc, MeetingOp};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{ClientEngine, ClientEvent};

use crate::access_org::{edit, login, regular_meeting, seed_two_cells};
use crate::on_both_backends;
use crate::support::{SYNC_TIMEOUT, wait_for_heads};

fn heads(device: &Device, id: DocumentId) -> Option<Vec<automerge::ChangeHash>> {
    device.engine.doc(&id).map(Automerge::get_heads)
}

/// The deputy's device rewrites the resolution of `id` and waits until the server holds it.
async fn rewrite_resolution(server: &TestServer, deputy: &mut Device, id: DocumentId, text: &str) {
    let op = MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: text.into(),
    };
    edit(deputy, id, &ActorId::random(), &[op]);
    deputy.sync(SYNC_TIMEOUT).await;
    wait_for_heads(server, id, &heads(deputy, id).expect("held")).await;
}

async fn a_batched_reconnect_gets_what_other_devices_committed_since_the_last_one(
    backend: e2e::server::Backend,
) {
    let db = TestDb::new(backend);
    let server = TestServer::start(&db, |_| {}).await;
    seed_two_cells(&server).await;
    let (phone, other) = tokio::join!(
        login(&server, "bithu.a", "Điện thoại bí thư"),
        login(&server, "bithu.a", "Máy tính phó bí thư"),
    );
    let url = server.ws_url(&phone.token);
    let mut secretary = Device::new("secretary", None, &url);
    secretary.engine = ClientEngine::new("secretary", Some("store-s".into())).with_batch_sync(true);
    let (id, doc) = regular_meeting("a");
    secretary.engine.insert_doc(id, doc);
    secretary.sync(SYNC_TIMEOUT).await;
    wait_for_heads(&server, id, &heads(&secretary, id).expect("held")).await;
    secretary.go_offline().await;
    // Nothing changed: the server reads cell a's index rows and keeps them.
    let events = secretary.sync(SYNC_TIMEOUT).await;
    assert!(events.contains(&ClientEvent::InSync(id)), "{events:?}");
    secretary.go_offline().await;

    // Meanwhile the deputy edits the minutes and records last month's meeting.
    let mut deputy = Device::new(
        "deputy",
        Some("store-d".into()),
        &server.ws_url(&other.token),
    );
    deputy.engine.want(id);
    deputy.sync(SYNC_TIMEOUT).await;
    rewrite_resolution(&server, &mut deputy, id, "Nghị quyết tháng 11").await;
    let (earlier, genesis) = MeetingDoc::regular_genesis("a", "2026-10").expect("genesis");
    deputy
        .engine
        .insert_doc(earlier, Automerge::load(&genesis).expect("loads"));
    deputy.engine.local_change(earlier);
    deputy.sync(SYNC_TIMEOUT).await;
    wait_for_heads(&server, earlier, &heads(&deputy, earlier).expect("held")).await;

    secretary.sync(SYNC_TIMEOUT).await;
    assert_eq!(heads(&secretary, id), heads(&deputy, id), "the edit");
    assert_eq!(
        heads(&secretary, earlier),
        heads(&deputy, earlier),
        "the new meeting"
    );
    secretary.go_offline().await;

    // An edit to a document of a cell the server has read again since.
    rewrite_resolution(&server, &mut deputy, id, "Nghị quyết tháng 11, đã sửa").await;
    let events = secretary.sync(SYNC_TIMEOUT).await;
    assert_eq!(heads(&secretary, id), heads(&deputy, id), "the second edit");
    assert!(events.contains(&ClientEvent::InSync(earlier)), "{events:?}");
    secretary.go_offline().await;
    deputy.go_offline().await;
    server.stop().await;
}

on_both_backends!(a_batched_reconnect_gets_what_other_devices_committed_since_the_last_one);
