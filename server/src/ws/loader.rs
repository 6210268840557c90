//! The document loader: the engine's `LoadDoc` and `LoadDocHeads` requests, carried out by
//! [`LOADERS`] threads of its own, each taking the requests queued (up to [`OPS_PER_ROUND`])
//! and running them on one pooled connection.
//!
//! Not tasks on the hub's thread: those only ran when the hub yielded (every `SLICE` under a
//! burst), so each load of a new document waited one slice to start and another for its answer
//! to be sent. And not one blocking task per request: a 64-device burst of new documents asked
//! for ~500 loads at once, which started as many threads, each waiting for one of the pool's
//! connections ahead of the committer's commit and the projector's writes. Here every result is
//! sent the moment it is read, and at most [`LOADERS`] connections serve loads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sync_core::doc_id::DocumentId;
use sync_core::sync::{LoadedDoc, StoredHeads};
use tokio::sync::mpsc;

use super::storage::{StorageResult, doc_meta, indexed_heads};
use crate::db::DbConnection;
use crate::org::access::documents::cell_of;
use crate::store::{Store, StoreError};

/// Threads serving loads: a slow load does not hold up the others, and the rest of the pool
/// stays free for commits, projections and requests.
pub const LOADERS: usize = 2;

/// Most requests one thread takes at a time, so a burst is shared between the threads.
pub const OPS_PER_ROUND: usize = 16;

/// One request from the engine.
#[derive(Debug)]
pub(super) enum LoadOp {
    /// The document's stored bytes and meta (`LoadDoc`).
    Doc(DocumentId),
    /// The document's heads index row and meta, no bytes (`LoadDocHeads`).
    Heads(DocumentId),
}

/// Starts the loader threads; they end once every sender of the returned channel is dropped.
pub(super) fn spawn(
    store: Store,
    results: mpsc::UnboundedSender<StorageResult>,
) -> std::io::Result<mpsc::UnboundedSender<LoadOp>> {
    let (ops, rx) = mpsc::unbounded_channel();
    let rx = Arc::new(Mutex::new(rx));
    for n in 0..LOADERS {
        let (store, results, rx) = (store.clone(), results.clone(), rx.clone());
        std::thread::Builder::new()
            .name(format!("sync-loader-{n}"))
            .spawn(move || {
                while let Some(round) = next_round(&rx) {
                    serve(&store, round, &results);
                }
            })?;
    }
    Ok(ops)
}

/// The next requests to serve: waits for one, then takes what else is queued; `None` once the
/// channel is closed and empty.
fn next_round(rx: &Mutex<mpsc::UnboundedReceiver<LoadOp>>) -> Option<Vec<LoadOp>> {
    // A poisoned lock only means another loader panicked; the receiver is still sound.
    let mut rx = rx.lock().unwrap_or_else(|e| e.into_inner());
    let mut round = vec![rx.blocking_recv()?];
    while round.len() < OPS_PER_ROUND {
        match rx.try_recv() {
            Ok(op) => round.push(op),
            Err(_) => break,
        }
    }
    Some(round)
}

/// Serves `round` on one connection: the heads in one query, then each document, every result
/// sent as soon as it is read.
fn serve(store: &Store, round: Vec<LoadOp>, results: &mpsc::UnboundedSender<StorageResult>) {
    let (mut heads, mut docs) = (Vec::new(), Vec::new());
    for op in round {
        match op {
            LoadOp::Heads(doc_id) => heads.push(doc_id),
            LoadOp::Doc(doc_id) => docs.push(doc_id),
        }
    }
    let mut conn = match store.pool().get() {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!(error = %e, "no database connection for loading documents");
            for doc_id in heads {
                let _ = results.send(StorageResult::DocHeadsLoaded { doc_id, row: None });
            }
            for doc_id in docs {
                let _ = results.send(StorageResult::DocLoaded {
                    doc_id,
                    result: Err(()),
                });
            }
            return;
        }
    };
    if !heads.is_empty() {
        let started = Instant::now();
        let ids: Vec<String> = heads.iter().map(ToString::to_string).collect();
        let found = indexed_heads(&mut conn, &ids);
        store.observe("load_doc_heads", started.elapsed());
        let mut found: HashMap<DocumentId, StoredHeads> = match found {
            Ok(rows) => rows.into_iter().map(|r| (r.doc_id, r)).collect(),
            Err(e) => {
                // The engine then loads the documents, which report their own failures.
                tracing::warn!(error = ?e, documents = heads.len(), "could not read the heads index");
                HashMap::new()
            }
        };
        for doc_id in heads {
            let row = found.remove(&doc_id);
            let _ = results.send(StorageResult::DocHeadsLoaded { doc_id, row });
        }
    }
    for doc_id in docs {
        let started = Instant::now();
        let result = load_with_cell(&mut conn, doc_id).map_err(|e| {
            tracing::error!(error = ?e, doc.id = %doc_id, "could not load document");
        });
        store.observe("load_document", started.elapsed());
        let _ = results.send(StorageResult::DocLoaded { doc_id, result });
    }
}

/// The stored document with its cell; `None` if it does not exist.
fn load_with_cell(
    conn: &mut DbConnection,
    doc_id: DocumentId,
) -> Result<Option<LoadedDoc>, StoreError> {
    let id = doc_id.to_string();
    let Some(doc) = crate::store::load_document(conn, &id)? else {
        return Ok(None);
    };
    let cell = cell_of(conn, &id)?;
    Ok(Some(LoadedDoc {
        bytes: doc.concat(),
        meta: doc_meta(doc.owner, cell),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ChangeMeta, DocWrite};
    use crate::testing::{Backend, TestDb};
    use automerge::transaction::Transactable;

    /// A stored one-change document and its id.
    async fn stored_doc(store: &Store, owner: &str) -> (DocumentId, automerge::ChangeHash) {
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "title", "Sinh hoạt chi bộ")
            .expect("put");
        doc.commit();
        let change = doc.get_changes(&[]).remove(0).clone();
        let doc_id = DocumentId::from_bytes([3; 16]);
        let write = DocWrite {
            doc_id: doc_id.to_string(),
            change_bytes: doc.save(),
            new_heads: doc.get_heads(),
            changes: vec![ChangeMeta::of(&change)],
            device_id: owner.to_owned(),
            owner_if_new: None,
            cell_if_new: None,
        };
        store.commit_batch(vec![write]).await.expect("commit");
        (doc_id, change.hash())
    }

    #[tokio::test]
    async fn every_load_is_answered_for_stored_and_unknown_documents_alike() {
        let db = TestDb::new(Backend::Sqlite);
        let store = db.store();
        let owner = {
            let mut conn = store.pool().get().expect("connection");
            crate::auth::register_device(&mut conn, "cell")
                .expect("device")
                .0
                .id
        };
        let (known, head) = stored_doc(&store, &owner).await;
        let unknown = DocumentId::from_bytes([9; 16]);
        let (results, mut answers) = mpsc::unbounded_channel();
        let loads = spawn(store.clone(), results).expect("loader threads");
        for op in [
            LoadOp::Doc(known),
            LoadOp::Doc(unknown),
            LoadOp::Heads(known),
            LoadOp::Heads(unknown),
        ] {
            loads.send(op).expect("loaders running");
        }
        let (mut docs, mut heads) = (HashMap::new(), HashMap::new());
        while docs.len() + heads.len() < 4 {
            let answer = tokio::time::timeout(std::time::Duration::from_secs(10), answers.recv())
                .await
                .expect("every load answered within 10 s")
                .expect("an answer");
            match answer {
                StorageResult::DocLoaded { doc_id, result } => {
                    docs.insert(doc_id, result.expect("no storage error"));
                }
                StorageResult::DocHeadsLoaded { doc_id, row } => {
                    heads.insert(doc_id, row);
                }
                other => panic!("not a load answer: {other:?}"),
            }
        }
        let loaded = docs[&known].as_ref().expect("the stored document");
        let doc = automerge::Automerge::load(&loaded.bytes).expect("its bytes load");
        assert_eq!(doc.get_heads(), vec![head]);
        assert_eq!(
            loaded.meta.created_by.as_ref().map(|p| p.0.as_str()),
            Some(owner.as_str())
        );
        assert!(docs[&unknown].is_none());
        let row = heads[&known].as_ref().expect("the index row");
        assert_eq!(row.heads, vec![head]);
        assert!(heads[&unknown].is_none());
        // The threads end with the channel.
        drop(loads);
    }
}
