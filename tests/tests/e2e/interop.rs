//! Stock peers both ways: `@automerge/automerge-repo` 2.5.6 (Node) and samod 0.16 share a
//! meeting document through the server, on SQLite and PostgreSQL, across a restart.

use std::str::FromStr;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoSerde, ChangeHash, ObjType, ROOT, ReadDoc};
use e2e::node::{NodeClient, require_node_modules};
use e2e::samod_peer;
use e2e::server::{Backend, TestDb, TestServer};
use serde_json::Value;
use sync_core::doc_id::DocumentId;

use crate::on_both_backends;
use crate::support::wait_for_heads;

const NODE_TIMEOUT: Duration = Duration::from_secs(60);

fn hex_heads(event: &Value) -> Vec<ChangeHash> {
    event["heads"]
        .as_array()
        .expect("heads array")
        .iter()
        .map(|h| ChangeHash::from_str(h.as_str().expect("hex head")).expect("a change hash"))
        .collect()
}

/// JS numbers arrive as automerge ints or floats depending on the value; compare them as f64.
fn numbers_as_f64(value: Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The edits `client.mjs create` makes, offline, before it ever connects.
fn assert_has_offline_edits(doc: &Value) {
    assert_eq!(doc["cellId"], "cell-interop", "{doc}");
    assert_eq!(doc["location"], "Hội trường nhà văn hóa");
    assert_eq!(doc["attendance"]["m1"]["status"], "co_mat");
    assert_eq!(doc["attendance"]["m2"]["reason"], "Đi công tác");
    assert_eq!(doc["contributions"][0]["summary"], "Đồng ý với dự thảo");
}

async fn js_and_samod_clients_share_a_meeting_document_that_survives_a_restart(backend: Backend) {
    require_node_modules();
    let db = TestDb::new(backend);
    let stores = tempfile::tempdir().expect("temp dir");
    let dir = |name: &str| stores.path().join(name).display().to_string();
    let server = TestServer::start(&db, |_| {}).await;
    let (device_id, token) = server.device("Chi bộ Interop").await;
    let url = server.ws_url(&token);

    // A JS client creates and edits the meeting offline, then connects and syncs.
    let mut creator = NodeClient::spawn(&["create", &url, &dir("creator")]);
    let created = creator.event(NODE_TIMEOUT).await;
    assert_eq!(created["event"], "created");
    let doc_url = created["url"].as_str().expect("url").to_owned();
    let doc_id = DocumentId::parse(doc_url.trim_start_matches("automerge:")).expect("doc id");
    wait_for_heads(&server, doc_id, &hex_heads(&created)).await;
    creator.finish().await;

    // A second JS client finds it with every edit.
    let mut finder = NodeClient::spawn(&["find", &url, &dir("finder"), &doc_url]);
    let found = finder.event(NODE_TIMEOUT).await;
    assert_eq!(found["event"], "found");
    assert_has_offline_edits(&found["doc"]);
    finder.finish().await;

    // samod finds it with every edit, then edits it.
    let repo = samod_peer::connect(&url).await.expect("samod connects");
    let samod_id = samod::DocumentId::from_str(&doc_id.to_string()).expect("samod doc id");
    let handle = tokio::time::timeout(NODE_TIMEOUT, repo.find(samod_id))
        .await
        .expect("samod find finishes")
        .expect("samod running")
        .expect("samod finds the document");
    let seen = handle
        .with_document(|doc| serde_json::to_value(AutoSerde::from(&*doc)))
        .expect("document as json");
    assert_has_offline_edits(&seen);
    assert_eq!(
        numbers_as_f64(seen),
        numbers_as_f64(found["doc"].clone()),
        "samod and JS see the same document"
    );
    let samod_heads = handle.with_document(|doc| {
        let notes = match doc.get(ROOT, "notes").expect("read notes") {
            Some((automerge::Value::Object(ObjType::Map), id)) => id,
            other => panic!("notes is not a map: {other:?}"),
        };
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            tx.put(&notes, "samod", "Ghi chú từ samod")?;
            Ok(())
        })
        .expect("samod edit");
        doc.get_heads()
    });
    wait_for_heads(&server, doc_id, &samod_heads).await;
    repo.stop().await;

    // Every accepted change is recorded with the device that delivered it and its actor.
    let pool = server.store.pool().clone();
    let audit = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        server::store::changes_of(&mut conn, &doc_id.to_string()).expect("audit log")
    })
    .await
    .expect("task");
    assert!(
        audit.len() >= 3,
        "creation, offline edit and samod edit: {audit:?}"
    );
    assert!(
        audit
            .iter()
            .all(|c| c.device_id == device_id && c.actor.len() >= 32)
    );
    assert_eq!(
        server.metrics.device_sync().tracked(),
        1,
        "the device's converged sync is tracked"
    );

    // The JS side sees samod's edit.
    let mut reader = NodeClient::spawn(&["find", &url, &dir("reader"), &doc_url, "samod"]);
    let read = reader.event(NODE_TIMEOUT).await;
    assert_eq!(read["doc"]["notes"]["samod"], "Ghi chú từ samod");
    assert_has_offline_edits(&read["doc"]);
    reader.finish().await;

    // The server's copy survives a restart on the same database.
    server.stop().await;
    let server = TestServer::start(&db, |_| {}).await;
    let url = server.ws_url(&token);
    let mut late = NodeClient::spawn(&["find", &url, &dir("late"), &doc_url, "samod"]);
    let after = late.event(NODE_TIMEOUT).await;
    assert_has_offline_edits(&after["doc"]);
    assert_eq!(after["doc"]["notes"]["samod"], "Ghi chú từ samod");
    let mut heads = hex_heads(&after);
    heads.sort();
    let mut want = samod_heads.clone();
    want.sort();
    assert_eq!(heads, want);
    late.finish().await;
    server.stop().await;
}

on_both_backends!(js_and_samod_clients_share_a_meeting_document_that_survives_a_restart);
