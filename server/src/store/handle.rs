//! [`Store`]: async wrappers that run the blocking store functions off the async workers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use automerge::ChangeHash;

use super::compaction::{self, CompactOutcome};
use super::heads_cache::HeadsCache;
use super::types::{DocIndexEntry, DocSummary, DocWrite, QuarantineRecord, StoredDoc};
use super::{StoreError, commit, documents, quarantine, sync_state};
use crate::db::{DbConnection, DbPool, run_blocking};
use crate::metrics::Metrics;

/// The storage API for async code; cheap to clone.
///
/// Each method checks out a pooled connection on the blocking thread pool, runs one store
/// function and records its latency as `sync_storage_latency_seconds{op="<method>"}`.
#[derive(Debug, Clone)]
pub struct Store {
    pool: DbPool,
    metrics: Metrics,
    heads: Arc<HeadsCache>,
}

impl Store {
    /// A store over `pool`, reporting into `metrics`. One per process: its [`HeadsCache`]
    /// learns of the commits made through it.
    pub fn new(pool: DbPool, metrics: Metrics) -> Self {
        Self {
            pool,
            metrics,
            heads: Arc::default(),
        }
    }

    /// The heads index of whole groups of documents (a cell's, a device's) in memory, kept up
    /// to date by every commit made through this store.
    pub fn heads_cache(&self) -> &HeadsCache {
        &self.heads
    }

    /// The underlying pool (for callers that need several operations in one checkout).
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Records one storage operation's latency, for work run on a connection of its own.
    pub fn observe(&self, op: &'static str, took: std::time::Duration) {
        self.metrics.observe_storage_latency(op, took);
    }

    async fn run<T, F>(&self, op: &'static str, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let started = Instant::now();
        let result = run_blocking(&self.pool, f).await;
        self.metrics.observe_storage_latency(op, started.elapsed());
        result
    }

    /// See [`load_document`](super::load_document).
    pub async fn load_document(&self, doc_id: &str) -> Result<Option<StoredDoc>, StoreError> {
        let doc_id = doc_id.to_owned();
        self.run("load_document", move |c| {
            documents::load_document(c, &doc_id)
        })
        .await
    }

    /// See [`commit_batch`](super::commit_batch): one transaction for all `writes`.
    pub async fn commit_batch(&self, writes: Vec<DocWrite>) -> Result<(), StoreError> {
        self.commit_batch_and(writes, || {}).await
    }

    /// [`commit_batch`](Self::commit_batch), calling `then` on the blocking thread the moment
    /// the transaction has committed (not when the awaiting task next runs), and not at all if
    /// it failed.
    pub async fn commit_batch_and<F>(
        &self,
        writes: Vec<DocWrite>,
        then: F,
    ) -> Result<(), StoreError>
    where
        F: FnOnce() + Send + 'static,
    {
        let heads = self.heads.clone();
        self.run("commit_batch", move |c| {
            commit::commit_batch(c, &writes)?;
            heads.committed(&writes);
            then();
            Ok(())
        })
        .await
    }

    /// See [`heads_of`](super::heads_of).
    pub async fn heads_of(
        &self,
        doc_ids: Vec<String>,
    ) -> Result<HashMap<String, Vec<ChangeHash>>, StoreError> {
        self.run("heads_of", move |c| documents::heads_of(c, &doc_ids))
            .await
    }

    /// See [`doc_index`](super::doc_index).
    pub async fn doc_index(
        &self,
        doc_ids: Vec<String>,
    ) -> Result<HashMap<String, DocIndexEntry>, StoreError> {
        self.run("doc_index", move |c| documents::doc_index(c, &doc_ids))
            .await
    }

    /// See [`documents_owned_by`](super::documents_owned_by).
    pub async fn documents_owned_by(&self, device_id: &str) -> Result<Vec<DocSummary>, StoreError> {
        let device_id = device_id.to_owned();
        self.run("documents_owned_by", move |c| {
            documents::documents_owned_by(c, &device_id)
        })
        .await
    }

    /// See [`save_sync_state`](super::save_sync_state).
    pub async fn save_sync_state(
        &self,
        doc_id: &str,
        storage_id: &str,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        let (doc_id, storage_id) = (doc_id.to_owned(), storage_id.to_owned());
        self.run("save_sync_state", move |c| {
            sync_state::save_sync_state(c, &doc_id, &storage_id, &bytes)
        })
        .await
    }

    /// See [`save_sync_states`](super::save_sync_states): one transaction for all `rows`.
    pub async fn save_sync_states(
        &self,
        rows: Vec<sync_state::SyncStateRow>,
    ) -> Result<(), StoreError> {
        self.run("save_sync_states", move |c| {
            sync_state::save_sync_states(c, &rows)
        })
        .await
    }

    /// See [`load_sync_states`](super::load_sync_states).
    pub async fn load_sync_states(
        &self,
        keys: Vec<(String, String)>,
    ) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        self.run("load_sync_states", move |c| {
            sync_state::load_sync_states(c, &keys)
        })
        .await
    }

    /// See [`load_sync_state`](super::load_sync_state).
    pub async fn load_sync_state(
        &self,
        doc_id: &str,
        storage_id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let (doc_id, storage_id) = (doc_id.to_owned(), storage_id.to_owned());
        self.run("load_sync_state", move |c| {
            sync_state::load_sync_state(c, &doc_id, &storage_id)
        })
        .await
    }

    /// See [`quarantine`](super::quarantine); also counts `sync_quarantines_total{reason}`.
    pub async fn quarantine(
        &self,
        reason: &'static str,
        device_id: &str,
        doc_id: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<i64, StoreError> {
        self.metrics.quarantined(reason);
        let record = QuarantineRecord {
            device_id: device_id.to_owned(),
            doc_id: doc_id.map(str::to_owned),
            reason: reason.to_owned(),
            bytes,
        };
        self.run("quarantine", move |c| quarantine::quarantine(c, &record))
            .await
    }

    /// See [`compaction::compact`].
    pub async fn compact(
        &self,
        doc_id: &str,
        snapshot: Vec<u8>,
        heads: Vec<ChangeHash>,
        replaces: Vec<i64>,
    ) -> Result<CompactOutcome, StoreError> {
        let doc_id = doc_id.to_owned();
        self.run("compact", move |c| {
            compaction::compact(c, &doc_id, &snapshot, &heads, &replaces)
        })
        .await
    }
}
