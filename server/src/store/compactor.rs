//! The background compactor: folds documents with many chunks into one snapshot, off the
//! request path.
//!
//! Each round lists documents with more than `min_chunks` chunks, and for each one loads the
//! chunks, rebuilds the document with `Automerge::load` on the blocking pool, saves a snapshot
//! and calls [`compact`](super::compaction::compact), which keeps any chunk committed meanwhile.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::compaction::documents_needing_compaction;
use super::{Store, StoreError};
use crate::db::run_blocking;

/// When and how much to compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactorConfig {
    /// Pause between rounds.
    pub interval: Duration,
    /// A document is compacted once it has more than this many chunks.
    pub min_chunks: i64,
    /// Most documents compacted per round.
    pub docs_per_round: i64,
}

/// Starts the compactor on the current tokio runtime. It stops when `shutdown` turns `true`
/// (or its sender is dropped), after finishing the document it is working on.
pub fn spawn_compactor(
    store: Store,
    config: CompactorConfig,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(config.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = shutdown.wait_for(|stop| *stop) => break,
            }
            match compact_round(&store, config).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(documents = n, "compacted documents"),
                Err(e) => tracing::warn!(error = ?e, "compaction round failed"),
            }
        }
        tracing::debug!("compactor stopped");
    })
}

/// Runs one round; returns how many documents were compacted.
pub async fn compact_round(store: &Store, config: CompactorConfig) -> Result<usize, StoreError> {
    let (min, limit) = (config.min_chunks, config.docs_per_round);
    let candidates = run_blocking(store.pool(), move |c| {
        documents_needing_compaction(c, min, limit)
    })
    .await?;
    let mut done = 0;
    for doc_id in candidates {
        match compact_document(store, &doc_id).await {
            Ok(true) => done += 1,
            Ok(false) => {}
            // One unreadable document must not stop the others; it stays as it was.
            Err(e) => tracing::warn!(doc.id = %doc_id, error = ?e, "could not compact document"),
        }
    }
    Ok(done)
}

/// Compacts one document now; `false` if it is absent or already a single chunk.
pub async fn compact_document(store: &Store, doc_id: &str) -> Result<bool, StoreError> {
    let Some(doc) = store.load_document(doc_id).await? else {
        return Ok(false);
    };
    if doc.chunks.len() < 2 {
        return Ok(false);
    }
    let id = doc_id.to_owned();
    let (snapshot, heads, replaces) = tokio::task::spawn_blocking(move || {
        let loaded =
            automerge::Automerge::load(&doc.concat()).map_err(|e| StoreError::Automerge {
                doc_id: id,
                source: Box::new(e),
            })?;
        Ok::<_, StoreError>((loaded.save(), loaded.get_heads(), doc.chunk_ids))
    })
    .await
    .map_err(crate::db::DbError::from)??;
    let outcome = store.compact(doc_id, snapshot, heads, replaces).await?;
    tracing::debug!(doc.id = %doc_id, deleted = outcome.deleted, size_bytes = outcome.size_bytes, "compacted");
    Ok(true)
}
