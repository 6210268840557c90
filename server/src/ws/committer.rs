//! The sequential committer: carries out the engine's `Persist` batches in ticket order, folding
//! the batches queued behind each other into one transaction (one fsync for many devices).

use sync_core::sync::{PersistItem, Ticket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::storage::StorageResult;
use crate::store::{DocWrite, Store, StoreError};

/// Told the document ids of every durable commit (e.g. the ratings projector), after the commit
/// returned and before the engine hears of it.
pub type CommitListener = std::sync::Arc<dyn Fn(Vec<String>) + Send + Sync>;

/// One `Persist` output.
#[derive(Debug)]
pub(super) struct Batch {
    pub(super) ticket: Ticket,
    pub(super) items: Vec<PersistItem>,
}

/// Starts the committer; it ends after committing everything queued once `batches` closes.
pub(super) fn spawn(
    store: Store,
    max_items: usize,
    mut batches: mpsc::UnboundedReceiver<Batch>,
    results: mpsc::UnboundedSender<StorageResult>,
    on_commit: Option<CommitListener>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(first) = batches.recv().await {
            let mut group = vec![first];
            let mut items = group[0].items.len();
            while items < max_items {
                match batches.try_recv() {
                    Ok(next) => {
                        items += next.items.len();
                        group.push(next);
                    }
                    Err(_) => break,
                }
            }
            commit_group(&store, group, &results, on_commit.as_ref()).await;
        }
    })
}

/// Commits `group` in one transaction; if that fails, each batch alone, so one bad batch does
/// not fail the others. Results are reported in ticket order, and a successful commit is
/// reported (and `on_commit` told) from the thread that committed it, at once: the committer's
/// task runs on the hub's thread, which under a burst only lets it run every slice.
async fn commit_group(
    store: &Store,
    group: Vec<Batch>,
    results: &mpsc::UnboundedSender<StorageResult>,
    on_commit: Option<&CommitListener>,
) {
    let writes: Vec<DocWrite> = group.iter().flat_map(|b| writes_of(&b.items)).collect();
    let committed = {
        let ids: Vec<String> = group.iter().flat_map(|b| doc_ids(&b.items)).collect();
        let tickets: Vec<Ticket> = group.iter().map(|b| b.ticket).collect();
        let (started, documents) = (std::time::Instant::now(), writes.len());
        let report = report(results, on_commit, ids, tickets);
        move || {
            tracing::debug!(documents, elapsed = ?started.elapsed(), "committed");
            report();
        }
    };
    let Err(e) = store.commit_batch_and(writes, committed).await else {
        return;
    };
    if let [batch] = group.as_slice() {
        report_failure(results, batch.ticket, &e);
        return;
    }
    tracing::warn!(error = ?e, batches = group.len(), "group commit failed; retrying batch by batch");
    for batch in group {
        let committed = report(
            results,
            on_commit,
            doc_ids(&batch.items),
            vec![batch.ticket],
        );
        let result = store
            .commit_batch_and(writes_of(&batch.items), committed)
            .await;
        if let Err(e) = result {
            report_failure(results, batch.ticket, &e);
        }
    }
}

/// A failed commit: logged, and the engine told the batch under `ticket` is not durable.
fn report_failure(
    results: &mpsc::UnboundedSender<StorageResult>,
    ticket: Ticket,
    error: &StoreError,
) {
    tracing::error!(error = ?error, ticket = ticket.0, "commit failed");
    let _ = results.send(StorageResult::Persisted { ticket, ok: false });
}

/// What a successful commit of `doc_ids` under `tickets` does: tells the listener, then the
/// engine.
fn report(
    results: &mpsc::UnboundedSender<StorageResult>,
    on_commit: Option<&CommitListener>,
    doc_ids: Vec<String>,
    tickets: Vec<Ticket>,
) -> impl FnOnce() + Send + 'static {
    let (results, listener) = (results.clone(), on_commit.cloned());
    move || {
        if let Some(listener) = listener {
            listener(doc_ids);
        }
        for ticket in tickets {
            let _ = results.send(StorageResult::Persisted { ticket, ok: true });
        }
    }
}

fn doc_ids(items: &[PersistItem]) -> Vec<String> {
    items.iter().map(|i| i.doc_id.to_string()).collect()
}

/// The store's form of a batch: one chunk of concatenated changes per item, every change
/// recorded with its delivering device and actor.
pub(super) fn writes_of(items: &[PersistItem]) -> Vec<DocWrite> {
    items
        .iter()
        .map(|item| DocWrite {
            doc_id: item.doc_id.to_string(),
            change_bytes: item.changes.concat(),
            new_heads: item.new_heads.clone(),
            changes: item.change_meta.clone(),
            device_id: item.delivered_by.0.clone(),
            owner_if_new: item.creates_doc.then(|| item.delivered_by.0.clone()),
            cell_if_new: item.cell.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ChangeMeta;
    use automerge::transaction::Transactable;
    use sync_core::doc_id::DocumentId;
    use sync_core::sync::PeerIdentity;

    #[test]
    fn a_persist_item_becomes_a_write_recording_device_and_actors() {
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "k", "v").unwrap();
        doc.commit();
        let change = doc.get_changes(&[]).remove(0).clone();
        let item = PersistItem {
            doc_id: DocumentId::from_bytes([7; 16]),
            delivered_by: PeerIdentity("device-1".into()),
            creates_doc: true,
            cell: Some("chi-bo-1".into()),
            changes: vec![change.raw_bytes().to_vec()],
            change_meta: vec![ChangeMeta::of(&change)],
            new_heads: vec![change.hash()],
        };
        let writes = writes_of(&[item]);
        assert_eq!(writes.len(), 1);
        let w = &writes[0];
        assert_eq!(w.device_id, "device-1");
        assert_eq!(w.owner_if_new.as_deref(), Some("device-1"));
        assert_eq!(w.cell_if_new.as_deref(), Some("chi-bo-1"));
        assert_eq!(w.changes[0].hash, change.hash());
        assert_eq!(w.changes[0].actor, change.actor_id().to_hex_string());
        assert!(automerge::Automerge::load(&w.change_bytes).is_ok());
    }
}
