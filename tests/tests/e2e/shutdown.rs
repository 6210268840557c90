//! Graceful shutdown: changes the server has accepted are committed before it stops.

use std::time::Duration;

use automerge::Automerge;
use automerge::sync::{ChunkList, Message as SyncMessage, MessageVersion};
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, RunQueryDsl};
use e2e::server::{Backend, TestDb, TestServer, eventually};
use e2e::ws_client::RawPeer;
use sync_core::doc_id::DocumentId;
use sync_core::sync::{DocMessage, Message};

use crate::support::{meeting, new_doc_id, stored, wait_for_heads};

/// Sessions of the test database waiting on a lock.
fn lock_waiters(url: &str) -> i64 {
    let mut conn = PgConnection::establish(url).expect("connect");
    diesel::select(diesel::dsl::sql::<BigInt>(
        "(SELECT count(*) FROM pg_stat_activity \
          WHERE datname = current_database() AND wait_event_type = 'Lock')",
    ))
    .get_result(&mut conn)
    .expect("pg_stat_activity")
}

/// Sends all of `doc`'s changes in one sync message.
async fn deliver(peer: &mut RawPeer, doc_id: DocumentId, doc: &Automerge) {
    let message = SyncMessage {
        heads: doc.get_heads(),
        need: vec![],
        have: vec![],
        changes: ChunkList::from(
            doc.get_changes(&[])
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect::<Vec<_>>(),
        ),
        flags: None,
        version: MessageVersion::V1,
    };
    peer.send_message(&Message::Sync(DocMessage {
        sender_id: "last-words".to_owned(),
        target_id: "sync-server".to_owned(),
        document_id: doc_id,
        data: message.encode(),
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_server_waits_for_the_commit_of_changes_it_has_accepted() {
    let db = TestDb::new(Backend::Postgres);
    let server = TestServer::start(&db, |_| {}).await;
    let (_, token) = server.device("shutdown").await;

    // Another session holds a write lock on the documents table: reads go on, commits wait.
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let url = db.url.clone();
    let locker = std::thread::spawn(move || {
        let mut conn = PgConnection::establish(&url).expect("connect");
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::sql_query("LOCK TABLE documents IN EXCLUSIVE MODE").execute(c)?;
            let _ = locked_tx.send(());
            let _ = release_rx.recv();
            Ok(())
        })
        .expect("lock transaction");
    });
    locked_rx.recv().expect("locked");

    // A peer delivers a document's changes; its commit waits on the lock.
    let mut peer = RawPeer::connect(&server.ws_url(&token))
        .await
        .expect("connects");
    peer.join("last-words").await;
    let (first_id, first) = (new_doc_id(), meeting("Biên bản trước khi dừng"));
    deliver(&mut peer, first_id, &first).await;
    let url = db.url.clone();
    eventually(
        "the commit to wait on the lock",
        Duration::from_secs(20),
        || {
            let url = url.clone();
            async move {
                let waiting = tokio::task::spawn_blocking(move || lock_waiters(&url))
                    .await
                    .expect("task");
                (waiting > 0).then_some(())
            }
        },
    )
    .await;

    // A second document's batch queues behind the blocked commit.
    let (second_id, second) = (new_doc_id(), meeting("Biên bản thứ hai"));
    deliver(&mut peer, second_id, &second).await;

    // Stop: the HTTP side ends within its 1 s grace period, the hub keeps waiting for the commit.
    let store = server.store.clone();
    let stopping = tokio::spawn(server.stop());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !stopping.is_finished(),
        "the server stopped with a commit in flight"
    );
    release_tx.send(()).expect("release");
    locker.join().expect("locker");
    tokio::time::timeout(Duration::from_secs(20), stopping)
        .await
        .expect("the server stops once the commit is done")
        .expect("stop task");

    // Durable the moment `stop` returned: no waiting here.
    let index = store
        .heads_of(vec![first_id.to_string(), second_id.to_string()])
        .await
        .expect("heads index");
    assert_eq!(index.get(&first_id.to_string()), Some(&first.get_heads()));
    assert_eq!(index.get(&second_id.to_string()), Some(&second.get_heads()));
    drop(peer);

    let server = TestServer::start(&db, |_| {}).await;
    for (id, doc) in [(first_id, &first), (second_id, &second)] {
        assert!(stored(&server, id).await);
        wait_for_heads(&server, id, &doc.get_heads()).await;
    }
    server.stop().await;
}
