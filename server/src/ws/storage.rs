//! Storage work requested by the engine, run through [`Store`] (diesel on the blocking pool),
//! with results sent back to the hub.

use std::collections::HashSet;

use sync_core::doc_id::DocumentId;
use sync_core::sync::{ConnId, DocMeta, LoadedDoc, PeerIdentity, StoredHeads, Ticket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::db::{DbConnection, run_blocking};
use crate::org::access::LiveAccess;
use crate::org::access::documents::{
    CellDocument, documents_by_id, documents_created_by, documents_of_cells,
};
use crate::store::{Group, Store, StoreError};

/// A storage answer for the engine.
#[derive(Debug)]
pub(super) enum StorageResult {
    /// `LoadDoc` finished: `Ok(None)` means the document does not exist.
    DocLoaded {
        doc_id: DocumentId,
        result: Result<Option<LoadedDoc>, ()>,
    },
    /// `LoadDocHeads` finished: the index row, `None` if absent or unreadable.
    DocHeadsLoaded {
        doc_id: DocumentId,
        row: Option<StoredHeads>,
    },
    /// `LoadSyncState` finished (a failure counts as no saved state).
    SyncStateLoaded {
        conn: ConnId,
        doc_id: DocumentId,
        bytes: Option<Vec<u8>>,
    },
    /// `LoadHeads` finished; `None` if storage failed.
    HeadsLoaded {
        conn: ConnId,
        rows: Option<Vec<StoredHeads>>,
    },
    /// A `Persist` batch committed (`ok`) or failed.
    Persisted { ticket: Ticket, ok: bool },
}

/// A sync-state operation; these run one at a time, in the order the engine asked for them.
#[derive(Debug)]
pub(super) enum SyncStateOp {
    Load {
        conn: ConnId,
        doc_id: DocumentId,
        storage_id: String,
    },
    Save {
        doc_id: DocumentId,
        storage_id: String,
        bytes: Vec<u8>,
    },
}

/// A document's meta as the engine takes it.
pub(super) fn doc_meta(owner: String, cell: Option<String>) -> DocMeta {
    DocMeta {
        created_by: Some(PeerIdentity(owner)),
        cell,
    }
}

/// A stored document as the engine takes it; `None` for an id that is not a document id.
fn stored_heads(doc: CellDocument) -> Option<StoredHeads> {
    Some(StoredHeads {
        doc_id: DocumentId::parse(&doc.doc_id).ok()?,
        heads: doc.heads,
        meta: doc_meta(doc.owner, doc.cell),
    })
}

/// The index rows, with their cells, of those of `doc_ids` that are stored.
pub(super) fn indexed_heads(
    conn: &mut DbConnection,
    doc_ids: &[String],
) -> Result<Vec<StoredHeads>, StoreError> {
    Ok(documents_by_id(conn, doc_ids)?
        .into_iter()
        .filter_map(stored_heads)
        .collect())
}

/// Reads the heads index for `doc_ids` plus every document `identity` may read: those of the
/// cells its user reads, or for a device without a user those it created.
pub(super) fn load_heads(
    store: &Store,
    access: &LiveAccess,
    conn: ConnId,
    identity: PeerIdentity,
    doc_ids: Vec<DocumentId>,
    results: &mpsc::UnboundedSender<StorageResult>,
) {
    let (store, results) = (store.clone(), results.clone());
    let readable = access.snapshot().readable_cells(&identity.0);
    tokio::spawn(async move {
        let rows = heads_rows(&store, &identity, readable, doc_ids).await;
        let _ = results.send(StorageResult::HeadsLoaded { conn, rows });
    });
}

/// The readable documents first (a device lists what it holds, so these are usually every
/// row the answer needs): those of the cells its user reads, or for a device without a user
/// those it created, from the store's [`HeadsCache`](crate::store::HeadsCache) where it holds
/// them, else in one query (then kept there); then the listed documents outside them, by id:
/// the engine decides on those too, and on a document the peer lists but may not read.
/// Storage is not touched when the cache holds every row.
async fn heads_rows(
    store: &Store,
    identity: &PeerIdentity,
    readable: Option<Vec<String>>,
    doc_ids: Vec<DocumentId>,
) -> Option<Vec<StoredHeads>> {
    let groups: Vec<Group> = match readable {
        Some(codes) => codes.into_iter().map(Group::Cell).collect(),
        None => vec![Group::CreatedBy(identity.0.clone())],
    };
    let (mut rows, missing) = store.heads_cache().rows_of(&groups);
    let known: HashSet<DocumentId> = rows.iter().map(|r| r.doc_id).collect();
    let mut rest: Vec<DocumentId> = doc_ids
        .into_iter()
        .filter(|id| !known.contains(id))
        .collect();
    if missing.is_empty() && rest.is_empty() {
        return Some(rows);
    }
    let cache = store.clone();
    let found = run_blocking(store.pool(), move |conn| {
        let generation = cache.heads_cache().generation();
        let (mut cells, mut devices) = (Vec::new(), Vec::new());
        for group in &missing {
            match group {
                Group::Cell(code) => cells.push(code.clone()),
                Group::CreatedBy(device) => devices.push(device.clone()),
            }
        }
        let mut read = if cells.is_empty() {
            Vec::new()
        } else {
            documents_of_cells(conn, &cells)?
        };
        for device in &devices {
            read.extend(documents_created_by(conn, device)?);
        }
        let read: Vec<StoredHeads> = read.into_iter().filter_map(stored_heads).collect();
        cache.heads_cache().fill(generation, &missing, &read);
        let read_ids: HashSet<DocumentId> = read.iter().map(|r| r.doc_id).collect();
        rest.retain(|id| !read_ids.contains(id));
        let rest: Vec<String> = rest.iter().map(ToString::to_string).collect();
        let mut found = read;
        found.extend(indexed_heads(conn, &rest)?);
        Ok::<_, StoreError>(found)
    })
    .await;
    match found {
        Ok(found) => {
            rows.extend(found);
            Some(rows)
        }
        Err(e) => {
            tracing::error!(error = ?e, "could not read the heads index");
            None
        }
    }
}

/// Most sync-state operations folded into one storage call.
const SYNC_STATE_OPS_PER_ROUND: usize = 1_000;

/// Starts the sync-state worker; it ends after the queued operations once `ops` closes.
///
/// Each round takes every operation queued (up to [`SYNC_STATE_OPS_PER_ROUND`]): the saves
/// in one transaction (one fsync for a burst of devices, not one each), then the loads on one
/// connection checkout. Saving first is safe: a load asked for before a save of the same key
/// then reads the newer state, which is as valid (only more recent shared heads).
pub(super) fn spawn_sync_state_worker(
    store: Store,
    mut ops: mpsc::UnboundedReceiver<SyncStateOp>,
    results: mpsc::UnboundedSender<StorageResult>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(first) = ops.recv().await {
            let mut round = vec![first];
            while round.len() < SYNC_STATE_OPS_PER_ROUND {
                match ops.try_recv() {
                    Ok(op) => round.push(op),
                    Err(_) => break,
                }
            }
            let mut saves = Vec::new();
            let mut loads = Vec::new();
            for op in round {
                match op {
                    SyncStateOp::Save {
                        doc_id,
                        storage_id,
                        bytes,
                    } => saves.push((doc_id.to_string(), storage_id, bytes)),
                    SyncStateOp::Load {
                        conn,
                        doc_id,
                        storage_id,
                    } => loads.push((conn, doc_id, storage_id)),
                }
            }
            if !saves.is_empty()
                && let Err(e) = store.save_sync_states(saves).await
            {
                // Losing a sync state only makes the next sync cost more.
                tracing::warn!(error = ?e, "could not save sync states");
            }
            if loads.is_empty() {
                continue;
            }
            let keys = loads
                .iter()
                .map(|(_, doc_id, storage_id)| (doc_id.to_string(), storage_id.clone()))
                .collect();
            let found = store.load_sync_states(keys).await.unwrap_or_else(|e| {
                tracing::warn!(error = ?e, "could not load sync states");
                Vec::new()
            });
            let mut found = found.into_iter();
            for (conn, doc_id, _) in loads {
                let bytes = found.next().flatten();
                let _ = results.send(StorageResult::SyncStateLoaded {
                    conn,
                    doc_id,
                    bytes,
                });
            }
        }
    })
}

/// Keeps a refused frame with its reason (in the background).
pub(super) fn quarantine(
    store: &Store,
    reason: &'static str,
    device_id: String,
    doc_id: Option<DocumentId>,
    bytes: Vec<u8>,
) {
    let store = store.clone();
    tokio::spawn(async move {
        let doc_id = doc_id.map(|d| d.to_string());
        if let Err(e) = store
            .quarantine(reason, &device_id, doc_id.as_deref(), bytes)
            .await
        {
            tracing::error!(error = ?e, reason, "could not quarantine a refused frame");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ChangeMeta, DocWrite};
    use crate::testing::{Backend, TestDb};
    use automerge::ChangeHash;
    use automerge::transaction::Transactable;

    /// Stores a one-change document `n` created by `device` in `cell`; returns its id and head.
    async fn stored(store: &Store, n: u8, device: &str, cell: &str) -> (DocumentId, ChangeHash) {
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "n", i64::from(n)).expect("put");
        doc.commit();
        let change = doc.get_changes(&[]).remove(0).clone();
        let doc_id = DocumentId::from_bytes([n; 16]);
        let write = DocWrite {
            doc_id: doc_id.to_string(),
            change_bytes: doc.save(),
            new_heads: doc.get_heads(),
            changes: vec![ChangeMeta::of(&change)],
            device_id: device.to_owned(),
            owner_if_new: None,
            cell_if_new: Some(cell.to_owned()),
        };
        store.commit_batch(vec![write]).await.expect("commit");
        (doc_id, change.hash())
    }

    fn device(store: &Store) -> String {
        let mut conn = store.pool().get().expect("connection");
        crate::auth::register_device(&mut conn, "cell")
            .expect("device")
            .0
            .id
    }

    /// (document, heads, creator, cell) of each row, by document.
    fn summary(rows: Vec<StoredHeads>) -> Vec<(DocumentId, Vec<ChangeHash>, String, String)> {
        let mut out: Vec<_> = rows
            .into_iter()
            .map(|r| {
                let creator = r.meta.created_by.map(|p| p.0).unwrap_or_default();
                (r.doc_id, r.heads, creator, r.meta.cell.unwrap_or_default())
            })
            .collect();
        out.sort_by_key(|r| r.0);
        out
    }

    async fn the_heads_answer_holds_each_readable_and_each_listed_stored_document_once(
        backend: Backend,
    ) {
        let db = TestDb::new(backend);
        let store = db.store();
        let (mine, theirs) = (device(&store), device(&store));
        let (a, head_a) = stored(&store, 1, &mine, "CB-1").await;
        let (b, head_b) = stored(&store, 2, &mine, "CB-2").await;
        let (c, head_c) = stored(&store, 3, &theirs, "CB-2").await;
        let (d, head_d) = stored(&store, 4, &theirs, "CB-3").await;
        let missing = DocumentId::from_bytes([9; 16]);
        let me = PeerIdentity(mine.clone());
        let row = |id, head, creator: &str, cell: &str| {
            (id, vec![head], creator.to_owned(), cell.to_owned())
        };

        // A device without a user reads what it created: `a` and `b` whether listed or not,
        // and a listed document of another device (the engine then denies it).
        let rows = heads_rows(&store, &me, None, vec![a, c, missing]).await;
        assert_eq!(
            summary(rows.expect("the index answers")),
            vec![
                row(a, head_a, &mine, "CB-1"),
                row(b, head_b, &mine, "CB-2"),
                row(c, head_c, &theirs, "CB-2"),
            ]
        );

        // A user's device reads its cells' documents, whoever created them.
        let cells = Some(vec!["CB-2".to_owned()]);
        let rows = heads_rows(&store, &me, cells, vec![a, b, d]).await;
        assert_eq!(
            summary(rows.expect("the index answers")),
            vec![
                row(a, head_a, &mine, "CB-1"),
                row(b, head_b, &mine, "CB-2"),
                row(c, head_c, &theirs, "CB-2"),
                row(d, head_d, &theirs, "CB-3"),
            ]
        );
    }

    #[tokio::test]
    async fn the_heads_answer_holds_each_readable_and_each_listed_stored_document_once_on_sqlite() {
        the_heads_answer_holds_each_readable_and_each_listed_stored_document_once(Backend::Sqlite)
            .await;
    }

    #[tokio::test]
    async fn the_heads_answer_holds_each_readable_and_each_listed_stored_document_once_on_postgres()
    {
        the_heads_answer_holds_each_readable_and_each_listed_stored_document_once(
            Backend::Postgres,
        )
        .await;
    }
}
