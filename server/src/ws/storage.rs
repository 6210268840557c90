//! Storage work requested by the engine, run through [`Store`] (diesel on the blocking pool),
//! with results sent back to the hub.

use sync_core::doc_id::DocumentId;
use sync_core::sync::{ConnId, DocMeta, LoadedDoc, PeerIdentity, StoredHeads, Ticket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::store::Store;

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

fn meta(owner: String) -> DocMeta {
    DocMeta {
        created_by: Some(PeerIdentity(owner)),
    }
}

/// Loads a document in the background.
pub(super) fn load_doc(
    store: &Store,
    doc_id: DocumentId,
    results: &mpsc::UnboundedSender<StorageResult>,
) {
    let (store, results) = (store.clone(), results.clone());
    tokio::spawn(async move {
        let result = match store.load_document(&doc_id.to_string()).await {
            Ok(found) => Ok(found.map(|doc| LoadedDoc {
                bytes: doc.concat(),
                meta: meta(doc.owner),
            })),
            Err(e) => {
                tracing::error!(error = ?e, doc.id = %doc_id, "could not load document");
                Err(())
            }
        };
        let _ = results.send(StorageResult::DocLoaded { doc_id, result });
    });
}

/// Reads one document's heads index row in the background (no document bytes).
pub(super) fn load_doc_heads(
    store: &Store,
    doc_id: DocumentId,
    results: &mpsc::UnboundedSender<StorageResult>,
) {
    let (store, results) = (store.clone(), results.clone());
    tokio::spawn(async move {
        let id = doc_id.to_string();
        let row = match store.doc_index(vec![id.clone()]).await {
            Ok(mut index) => index.remove(&id).map(|entry| StoredHeads {
                doc_id,
                heads: entry.heads,
                meta: meta(entry.owner),
            }),
            Err(e) => {
                // The engine then loads the document, which reports its own failure.
                tracing::warn!(error = ?e, doc.id = %doc_id, "could not read the heads index");
                None
            }
        };
        let _ = results.send(StorageResult::DocHeadsLoaded { doc_id, row });
    });
}

/// Reads the heads index for `doc_ids` plus every document `identity` owns.
pub(super) fn load_heads(
    store: &Store,
    conn: ConnId,
    identity: PeerIdentity,
    doc_ids: Vec<DocumentId>,
    results: &mpsc::UnboundedSender<StorageResult>,
) {
    let (store, results) = (store.clone(), results.clone());
    tokio::spawn(async move {
        let rows = heads_rows(&store, &identity, doc_ids).await;
        let _ = results.send(StorageResult::HeadsLoaded { conn, rows });
    });
}

async fn heads_rows(
    store: &Store,
    identity: &PeerIdentity,
    doc_ids: Vec<DocumentId>,
) -> Option<Vec<StoredHeads>> {
    let listed = doc_ids.iter().map(ToString::to_string).collect();
    let index = store.doc_index(listed).await;
    let owned = store.documents_owned_by(&identity.0).await;
    let (index, owned) = match (index, owned) {
        (Ok(index), Ok(owned)) => (index, owned),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = ?e, "could not read the heads index");
            return None;
        }
    };
    let mut rows: Vec<StoredHeads> = index
        .into_iter()
        .filter_map(|(id, entry)| {
            Some(StoredHeads {
                doc_id: DocumentId::parse(&id).ok()?,
                heads: entry.heads,
                meta: meta(entry.owner),
            })
        })
        .collect();
    for summary in owned {
        let Ok(doc_id) = DocumentId::parse(&summary.doc_id) else {
            continue;
        };
        if !rows.iter().any(|r| r.doc_id == doc_id) {
            rows.push(StoredHeads {
                doc_id,
                heads: summary.heads,
                meta: meta(identity.0.clone()),
            });
        }
    }
    Some(rows)
}

/// Starts the sync-state worker; it ends after the queued operations once `ops` closes.
pub(super) fn spawn_sync_state_worker(
    store: Store,
    mut ops: mpsc::UnboundedReceiver<SyncStateOp>,
    results: mpsc::UnboundedSender<StorageResult>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(op) = ops.recv().await {
            match op {
                SyncStateOp::Load {
                    conn,
                    doc_id,
                    storage_id,
                } => {
                    let bytes = store
                        .load_sync_state(&doc_id.to_string(), &storage_id)
                        .await
                        .unwrap_or_else(|e| {
                            tracing::warn!(error = ?e, "could not load a sync state");
                            None
                        });
                    let _ = results.send(StorageResult::SyncStateLoaded {
                        conn,
                        doc_id,
                        bytes,
                    });
                }
                SyncStateOp::Save {
                    doc_id,
                    storage_id,
                    bytes,
                } => {
                    if let Err(e) = store
                        .save_sync_state(&doc_id.to_string(), &storage_id, bytes)
                        .await
                    {
                        // Losing a sync state only makes the next sync cost more.
                        tracing::warn!(error = ?e, "could not save a sync state");
                    }
                }
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
