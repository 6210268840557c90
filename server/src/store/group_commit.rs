//! Group commit: one writer task folds the writes queued by many document tasks into shared
//! transactions, so durability costs one commit (one fsync) per batch instead of per document.
//!
//! A caller awaits [`GroupCommitter::commit`] and only then acknowledges the changes to the
//! peer: "durable before acknowledged". If a batch fails, its writes are retried one by one,
//! so a single bad write fails alone.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{DocWrite, Store, StoreError};

/// Why a write queued for group commit did not commit.
#[derive(Debug, thiserror::Error)]
pub enum GroupCommitError {
    /// The write itself failed.
    #[error("the write failed")]
    Store(#[from] StoreError),
    /// The writer task has stopped (server shutting down).
    #[error("the group committer has stopped")]
    Stopped,
}

struct Pending {
    write: DocWrite,
    done: oneshot::Sender<Result<(), GroupCommitError>>,
}

/// Handle to the writer task; clone it into every document task.
#[derive(Debug, Clone)]
pub struct GroupCommitter {
    queue: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("doc_id", &self.write.doc_id)
            .finish()
    }
}

impl GroupCommitter {
    /// Starts the writer task. It commits up to `max_batch` queued writes per transaction and
    /// ends, after committing everything queued, once every handle is dropped.
    pub fn spawn(store: Store, max_batch: usize) -> (Self, JoinHandle<()>) {
        let max_batch = max_batch.max(1);
        let (queue, mut rx) = mpsc::channel::<Pending>(max_batch * 4);
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < max_batch {
                    match rx.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                commit(&store, batch).await;
            }
        });
        (Self { queue }, task)
    }

    /// Queues `write` and waits until it is committed (or failed).
    pub async fn commit(&self, write: DocWrite) -> Result<(), GroupCommitError> {
        let (done, result) = oneshot::channel();
        self.queue
            .send(Pending { write, done })
            .await
            .map_err(|_| GroupCommitError::Stopped)?;
        result.await.map_err(|_| GroupCommitError::Stopped)?
    }
}

async fn commit(store: &Store, batch: Vec<Pending>) {
    let writes: Vec<DocWrite> = batch.iter().map(|p| p.write.clone()).collect();
    match store.commit_batch(writes).await {
        Ok(()) => {
            for pending in batch {
                // The receiver may have given up (connection closed); the write is durable.
                let _ = pending.done.send(Ok(()));
            }
        }
        Err(e) if batch.len() == 1 => {
            if let Some(pending) = batch.into_iter().next() {
                let _ = pending.done.send(Err(e.into()));
            }
        }
        Err(e) => {
            tracing::warn!(error = ?e, writes = batch.len(), "group commit failed; retrying one by one");
            for pending in batch {
                let result = store.commit_batch(vec![pending.write]).await;
                let _ = pending.done.send(result.map_err(GroupCommitError::from));
            }
        }
    }
}
