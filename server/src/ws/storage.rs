//! Storage work requested by the engine, run through [`Store`] (diesel on the blocking pool),
//! with results sent back to the hub.

use sync_core::doc_id::DocumentId;
use sync_core::sync::{ConnId, DocMeta, LoadedDoc, PeerIdentity, StoredHeads, Ticket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::db::{DbConnection, run_blocking};
use crate::org::access::LiveAccess;
use crate::org::access::documents::{CellDocument, cells_of, documents_of_cells};
use crate::store::{Store, StoreError};

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

/// The index rows, with their cells, of those of `doc_ids` that are stored.
pub(super) fn indexed_heads(
    conn: &mut DbConnection,
    doc_ids: &[String],
) -> Result<Vec<StoredHeads>, StoreError> {
    let index = crate::store::doc_index(conn, doc_ids)?;
    let mut cells = cells_of(conn, doc_ids)?;
    Ok(index
        .into_iter()
        .filter_map(|(id, entry)| {
            Some(StoredHeads {
                doc_id: DocumentId::parse(&id).ok()?,
                heads: entry.heads,
                meta: doc_meta(entry.owner, cells.remove(&id).flatten()),
            })
        })
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

async fn heads_rows(
    store: &Store,
    identity: &PeerIdentity,
    readable: Option<Vec<String>>,
    doc_ids: Vec<DocumentId>,
) -> Option<Vec<StoredHeads>> {
    let listed: Vec<String> = doc_ids.iter().map(ToString::to_string).collect();
    let device = identity.0.clone();
    let found = run_blocking(store.pool(), move |conn| {
        let rows = indexed_heads(conn, &listed)?;
        let others = match readable {
            Some(codes) => documents_of_cells(conn, &codes)?,
            None => crate::store::documents_owned_by(conn, &device)?
                .into_iter()
                .map(|s| CellDocument {
                    doc_id: s.doc_id,
                    heads: s.heads,
                    owner: device.clone(),
                    cell: None,
                })
                .collect(),
        };
        Ok::<_, crate::store::StoreError>((rows, others))
    })
    .await;
    let (mut rows, others) = match found {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = ?e, "could not read the heads index");
            return None;
        }
    };
    for doc in others {
        let Ok(doc_id) = DocumentId::parse(&doc.doc_id) else {
            continue;
        };
        if !rows.iter().any(|r| r.doc_id == doc_id) {
            rows.push(StoredHeads {
                doc_id,
                heads: doc.heads,
                meta: doc_meta(doc.owner, doc.cell),
            });
        }
    }
    Some(rows)
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
