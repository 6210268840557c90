//! Connection-level limits: peers that stop reading, silent peers, and connection churn.

use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ScalarValue};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use e2e::server::{Backend, TestDb, TestServer, eventually};
use e2e::ws_client::{Device, RawPeer, Received};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{ClientEngine, Message};

use crate::support::{SYNC_TIMEOUT, assert_still_serves, meeting, new_doc_id};

async fn wait_for_open_connections(server: &TestServer, want: f64) {
    eventually(
        "the open-connections gauge",
        Duration::from_secs(30),
        || async { (server.metric("sync_connections_open ") == Some(want)).then_some(()) },
    )
    .await;
}

/// ~10 KB of random bytes, which Automerge's compression leaves at their size.
fn random_scan(rng: &mut StdRng) -> ScalarValue {
    ScalarValue::Bytes((0..10 * 1024).map(|_| rng.random()).collect())
}

/// `count` small documents (a title, then whatever `fill` adds) written by `writer` and synced.
async fn write_minutes(
    writer: &mut Device,
    count: usize,
    mut fill: impl FnMut(&mut AutoCommit),
) -> Vec<DocumentId> {
    let mut ids = Vec::new();
    for i in 0..count {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "title", format!("Biên bản {i}"))
            .expect("put");
        fill(&mut doc);
        doc.commit();
        let id = new_doc_id();
        writer.engine.insert_doc(id, doc.document().clone());
        ids.push(id);
    }
    writer.sync(SYNC_TIMEOUT).await;
    ids
}

/// Restarts `server` (every document asked for then waits for its load) and opens a socket of
/// `token` with a 4 KiB receive buffer: a phone on a slow link.
async fn restart_and_connect_slowly(
    server: TestServer,
    db: &TestDb,
    token: &str,
) -> (TestServer, RawPeer) {
    server.stop().await;
    let server = TestServer::start(db, |s| s.sync.max_message_bytes = 1 << 20).await;
    let socket = RawPeer::connect_with_receive_buffer(&server.ws_url(token), 4096)
        .await
        .expect("connects");
    (server, socket)
}

/// Sends what the reader asked for without reading anything for a second, then reads it all:
/// every document arrives as the writer has it, the reader was paused, never dropped.
async fn read_late_and_check(
    server: &TestServer,
    reader: &mut Device,
    writer: &Device,
    ids: &[DocumentId],
) {
    reader.send_queued().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    reader.sync(Duration::from_secs(60)).await;
    for id in ids {
        assert_eq!(
            reader.engine.doc(id).map(|d| d.get_heads()),
            writer.engine.doc(id).map(|d| d.get_heads()),
            "document {id}"
        );
    }
    assert_eq!(
        server.metric("sync_rejections_total{reason=\"slow_consumer\"}"),
        None,
        "the reader was never dropped"
    );
    assert!(
        server
            .metric("sync_reads_paused_total ")
            .is_some_and(|n| n >= 1.0),
        "the reader's messages waited for it to read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_stops_reading_is_disconnected_so_server_memory_stays_bounded() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db, |s| s.sync.max_message_bytes = 64 * 1024).await;
    let (_, token) = server.device("two tabs").await;
    let url = server.ws_url(&token);
    let doc_id = new_doc_id();

    let mut stalled = Device::new("stalled", None, &url);
    stalled.engine.insert_doc(doc_id, meeting("Biên bản"));
    stalled.sync(SYNC_TIMEOUT).await;
    let mut talker = Device::new("talker", None, &url);
    talker.engine.want(doc_id);
    talker.sync(SYNC_TIMEOUT).await;
    wait_for_open_connections(&server, 2.0).await;

    // From now on nobody reads the stalled socket; the talker floods it with presence data
    // that the server relays (24 MiB, far more than socket buffers and the 128 KiB queue).
    let mut stalled_socket = stalled.take_socket().expect("online");
    for count in 0..400u64 {
        let message = Message::Ephemeral {
            sender_id: "talker".to_owned(),
            target_id: "sync-server".to_owned(),
            document_id: doc_id,
            count,
            session_id: "flood".to_owned(),
            data: vec![0x5a; 60 * 1024],
        };
        talker.send_frame(sync_core::sync::encode(&message)).await;
        if server
            .metric("sync_rejections_total{reason=\"slow_consumer\"}")
            .is_some()
        {
            break;
        }
    }
    eventually(
        "the stalled peer to be dropped",
        Duration::from_secs(30),
        || async {
            server
                .metric("sync_rejections_total{reason=\"slow_consumer\"}")
                .filter(|n| *n >= 1.0)
        },
    )
    .await;
    wait_for_open_connections(&server, 1.0).await;

    // The stalled peer, reading at last, finds its connection closed after the backlog.
    let drained = tokio::time::timeout(Duration::from_secs(30), async {
        let mut frames = 0usize;
        while !matches!(
            stalled_socket.recv(Duration::from_secs(30)).await,
            Received::Closed
        ) {
            frames += 1;
        }
        frames
    })
    .await
    .expect("the stalled connection ends");
    eprintln!("stalled peer read {drained} frames before the close");
    assert_still_serves(&server).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_asking_for_far_more_than_its_queue_holds_is_answered_as_fast_as_it_reads() {
    const DOCS: usize = 1_000;
    let db = TestDb::new(Backend::Sqlite);
    // A 2 MiB outbound queue; the documents asked for below come to ~10 MB, more than it and
    // the kernel's socket buffers hold.
    let server = TestServer::start(&db, |s| s.sync.max_message_bytes = 1 << 20).await;
    let (_, token) = server.device("archive").await;
    let url = server.ws_url(&token);
    let mut writer = Device::new("writer", None, &url);
    let mut rng = StdRng::seed_from_u64(5);
    let ids = write_minutes(&mut writer, DOCS, |doc| {
        doc.put(ROOT, "scan", random_scan(&mut rng)).expect("put");
    })
    .await;
    writer.go_offline().await;
    let (server, socket) = restart_and_connect_slowly(server, &db, &token).await;

    // A new phone on a slow link: a small receive buffer, every document asked for at once,
    // and nothing read for a second, while the server could queue all of them.
    let mut reader = Device::new("reader", None, &server.ws_url(&token));
    reader.go_online_over(socket);
    reader.sync(SYNC_TIMEOUT).await;
    for id in &ids {
        reader.engine.want(*id);
    }
    read_late_and_check(&server, &mut reader, &writer, &ids).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batched_reconnect_behind_on_every_document_is_answered_as_fast_as_it_reads() {
    const DOCS: usize = 1_000;
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db, |s| s.sync.max_message_bytes = 1 << 20).await;
    let (_, token) = server.device("archive").await;
    let url = server.ws_url(&token);
    let mut writer = Device::new("writer", None, &url);
    let ids = write_minutes(&mut writer, DOCS, |_| {}).await;
    // A phone that holds every document, with the batch extension and saved sync states.
    let mut reader = Device::new("reader", None, &url);
    reader.engine = ClientEngine::new("reader", Some("reader-phone".into())).with_batch_sync(true);
    for id in &ids {
        reader.engine.want(*id);
    }
    reader.sync(SYNC_TIMEOUT).await;
    reader.go_offline().await;
    // While it is away, every document grows by ~10 KB (~10 MB in all).
    let mut rng = StdRng::seed_from_u64(6);
    for id in &ids {
        let doc = writer.engine.doc_mut(id).expect("held");
        let mut tx = doc.transaction();
        tx.put(ROOT, "scan", random_scan(&mut rng)).expect("put");
        tx.commit();
        writer.engine.local_change(*id);
    }
    writer.sync(SYNC_TIMEOUT).await;
    writer.go_offline().await;
    let (server, socket) = restart_and_connect_slowly(server, &db, &token).await;

    // Back on a slow link: the batch names every document as differing, the phone asks for
    // all of them at once and reads nothing for a second.
    reader.go_online_over(socket);
    reader
        .answer_until(SYNC_TIMEOUT, |m| {
            matches!(m, Message::HeadsBatchResult { out_of_sync, .. } if out_of_sync.len() == DOCS)
        })
        .await;
    read_late_and_check(&server, &mut reader, &writer, &ids).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_never_answers_pings_is_closed_after_the_idle_timeout() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db, |s| {
        s.sync.heartbeat_interval_secs = 1;
        s.sync.idle_timeout_secs = 2;
    })
    .await;
    let (_, token) = server.device("silent").await;
    let mut peer = RawPeer::connect(&server.ws_url(&token))
        .await
        .expect("connects");
    peer.join("silent").await;
    // Not reading means tungstenite never answers the server's pings.
    wait_for_open_connections(&server, 0.0).await;
    while !matches!(peer.recv(Duration::from_secs(10)).await, Received::Closed) {}
    assert_still_serves(&server).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_connections_opened_and_dropped_leave_the_server_serving() {
    const TOTAL: usize = 10_000;
    const BATCH: usize = 250;
    let _alone = crate::support::NOT_BESIDE_HEAVY_LOAD.lock().await;
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db, |_| {}).await;
    let (_, token) = server.device("churn").await;
    let url = server.ws_url(&token);
    let started = std::time::Instant::now();
    for _ in 0..TOTAL / BATCH {
        let batch: Vec<_> = (0..BATCH)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { RawPeer::connect(&url).await.map(drop) })
            })
            .collect();
        for task in batch {
            task.await.expect("task").expect("connection accepted");
        }
    }
    eprintln!(
        "{TOTAL} connections opened and dropped in {:?}",
        started.elapsed()
    );
    wait_for_open_connections(&server, 0.0).await;
    assert_eq!(server.metric("sync_connections_total"), Some(TOTAL as f64));
    assert_still_serves(&server).await;
    server.stop().await;
}
