//! [`Hub`]: the task that owns the [`ServerEngine`] and carries out its outputs.
//!
//! The hub runs on its own thread with a current-thread tokio runtime, so automerge work never
//! delays the HTTP workers. Every input (a connection's command or a storage result) is given
//! to the engine alone and followed by a full drain of `poll_outputs`, so an
//! [`Output::Rejected`] always refers to the frame just given. Commits are still grouped: the
//! committer folds every `Persist` queued behind the running transaction into the next one.
//! Under a stream of frames the hub yields its thread every [`SLICE`], so the committer and the
//! sync-state writer run about that often: commits, acks and the ratings that follow them come
//! steadily through a burst, not in groups seconds apart.

mod copies;
mod handle;
mod outputs;
mod reasons;

pub(super) use handle::Command;
pub use handle::HubHandle;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::Context;
use sync_core::sync::{ConnId, PeerIdentity, ServerConfig, ServerEngine};
use tokio::sync::{Semaphore, broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

use super::committer::{self, Batch, CommitListener};
use super::config::HubConfig;
use super::guard::CellGuard;
use super::loader::{self, LoadOp};
use super::outbox::Outbox;
use super::revocation::{self, Revocations};
use super::storage::{self, StorageResult, SyncStateOp};
use crate::accounts::revocation::RevocationEvent;
use crate::metrics::Metrics;
use crate::org::access::LiveAccess;
use crate::ratings::projector::CopyRequest;
use crate::store::Store;

/// The longest the hub applies inputs before it lets the tasks beside it on its thread run.
/// Longer slices fold more documents into each commit (fewer fsyncs); shorter ones bring each
/// ack and rating sooner. 250 ms kept a 640-document burst at ~0.1 fsync per document.
const SLICE: Duration = Duration::from_millis(250);

/// The running hub: its thread and a handle to it.
#[derive(Debug)]
pub struct Hub {
    handle: HubHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hub {
    /// Starts the hub thread with an engine configured by `config`, deciding access with the
    /// organisation rule `access` and checking changes with [`CellGuard`]. Every event on
    /// `revocations` closes the affected devices' connections at once (see [`revocation`]).
    /// `on_commit` hears the document ids of every durable commit; `copies`, when given, asks
    /// for copies of documents in memory (the ratings projector's).
    pub fn start(
        store: Store,
        metrics: Metrics,
        config: HubConfig,
        access: LiveAccess,
        revocations: broadcast::Receiver<RevocationEvent>,
        on_commit: Option<CommitListener>,
        copies: Option<mpsc::UnboundedReceiver<CopyRequest>>,
    ) -> anyhow::Result<Self> {
        let (commands, rx) = mpsc::unbounded_channel();
        let handle = HubHandle {
            commands,
            inbound: Arc::new(Semaphore::new(config.inbound_budget_bytes)),
            next_conn: Arc::new(AtomicU64::new(1)),
            config: Arc::new(config.clone()),
            access: access.clone(),
        };
        let revocations = Revocations {
            events: revocations,
            access,
            pool: store.pool().clone(),
            reload_every: config.access_reload_interval,
        };
        let (results, results_rx) = mpsc::unbounded_channel();
        let loads = loader::spawn(store.clone(), results.clone())
            .context("could not start the document loader threads")?;
        let wiring = Wiring {
            store,
            metrics,
            config,
            commands: rx,
            revocations,
            on_commit,
            copies,
            results,
            results_rx,
            loads,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("could not build the sync hub runtime")?;
        let thread = std::thread::Builder::new()
            .name("sync-hub".to_owned())
            .spawn(move || runtime.block_on(run(wiring)))
            .context("could not start the sync hub thread")?;
        Ok(Self {
            handle,
            thread: Some(thread),
        })
    }

    /// A handle for the WebSocket handlers.
    pub fn handle(&self) -> HubHandle {
        self.handle.clone()
    }

    /// Disconnects every connection, waits until every queued commit and sync-state write is
    /// done, and stops the hub thread.
    pub async fn shutdown(mut self) {
        let (done, finished) = oneshot::channel();
        if self.handle.send(Command::Shutdown { done }) {
            let _ = finished.await;
        }
        if let Some(thread) = self.thread.take() {
            let joined = tokio::task::spawn_blocking(move || thread.join()).await;
            if !matches!(joined, Ok(Ok(()))) {
                tracing::warn!("the sync hub thread ended abnormally");
            }
        }
    }
}

/// One connection as the hub sees it.
struct ConnEntry {
    device_id: String,
    outbox: Outbox,
    /// When the oldest frame not yet answered arrived (for the sync latency histogram).
    waiting_since: Option<Instant>,
}

/// The hub's state, owned by its task.
struct HubState {
    engine: ServerEngine,
    /// The access rule the engine decides with (for the heads-batch readable documents).
    engine_access: LiveAccess,
    store: Store,
    metrics: Metrics,
    conns: HashMap<ConnId, ConnEntry>,
    results: mpsc::UnboundedSender<StorageResult>,
    /// Document loads, for the [`loader`] threads.
    loads: mpsc::UnboundedSender<LoadOp>,
    commits: mpsc::UnboundedSender<Batch>,
    sync_states: mpsc::UnboundedSender<SyncStateOp>,
    /// The frame being processed, for quarantining it if the engine refuses it.
    current: Option<(ConnId, Vec<u8>)>,
    /// The connection whose `heads-batch` result is being sent (to spot "all in sync").
    batch_answer: Option<ConnId>,
}

/// What the hub's task is started with.
struct Wiring {
    store: Store,
    metrics: Metrics,
    config: HubConfig,
    commands: mpsc::UnboundedReceiver<Command>,
    revocations: Revocations,
    on_commit: Option<CommitListener>,
    copies: Option<mpsc::UnboundedReceiver<CopyRequest>>,
    /// Storage answers: both ends, the [`loader`] threads already holding a sender.
    results: mpsc::UnboundedSender<StorageResult>,
    results_rx: mpsc::UnboundedReceiver<StorageResult>,
    loads: mpsc::UnboundedSender<LoadOp>,
}

async fn run(wiring: Wiring) {
    let Wiring {
        store,
        metrics,
        config,
        mut commands,
        revocations,
        on_commit,
        copies,
        results,
        mut results_rx,
        loads,
    } = wiring;
    let access = revocations.access.clone();
    // Without a reader, a channel whose sender is gone: its branch below never fires.
    let mut copies = copies.unwrap_or_else(|| mpsc::unbounded_channel().1);
    let engine = ServerEngine::new(
        ServerConfig {
            peer_id: config.peer_id.clone(),
            storage_id: Some(config.storage_id.clone()),
            max_message_bytes: config.max_message_bytes,
            doc_memory_budget: config.doc_memory_budget,
            batch_sync: true,
        },
        Box::new(access.clone()),
    )
    .with_guard(Box::new(CellGuard::new(access.clone())));
    let (to_close, mut to_close_rx) = mpsc::unbounded_channel();
    let watcher = revocation::spawn(revocations, to_close);
    let (commits, commits_rx) = mpsc::unbounded_channel();
    let (sync_states, sync_states_rx) = mpsc::unbounded_channel();
    let committer = committer::spawn(
        store.clone(),
        config.max_commit_items,
        commits_rx,
        results.clone(),
        on_commit,
    );
    let sync_state_worker =
        storage::spawn_sync_state_worker(store.clone(), sync_states_rx, results.clone());
    let mut hub = HubState {
        engine,
        engine_access: access,
        store,
        metrics,
        conns: HashMap::new(),
        results,
        loads,
        commits,
        sync_states,
        current: None,
        batch_answer: None,
    };
    tracing::info!("sync hub started");
    let mut slice = Instant::now();
    let done = loop {
        // Biased: revocations first, then the projector's copy requests (cheap, and a rating
        // waits on each), then storage answers (each may apply a queued upload), then frames.
        tokio::select! {
            biased;
            Some(device_ids) = to_close_rx.recv() => hub.close_devices(&device_ids),
            Some(request) = copies.recv() => hub.copy_resident(request),
            Some(result) = results_rx.recv() => hub.on_storage_result(result),
            command = commands.recv() => match command {
                Some(Command::Shutdown { done }) => break Some(done),
                Some(command) => hub.on_command(command),
                None => break None,
            },
        }
        // A queue of frames never leaves the select waiting, so the tasks beside the hub on its
        // thread (the committer, the sync-state writer) would only run when tokio's budget
        // forces a yield: after 128 inputs, seconds of applying uploads.
        if slice.elapsed() >= SLICE {
            tokio::task::yield_now().await;
            slice = Instant::now();
        }
    };
    watcher.abort();
    hub.shutdown(committer, sync_state_worker).await;
    if let Some(done) = done {
        let _ = done.send(());
    }
}

impl HubState {
    fn on_command(&mut self, command: Command) {
        match command {
            Command::Connect {
                conn,
                device_id,
                outbox,
            } => {
                self.engine.connect(conn, PeerIdentity(device_id.clone()));
                self.conns.insert(
                    conn,
                    ConnEntry {
                        device_id,
                        outbox,
                        waiting_since: None,
                    },
                );
            }
            Command::Frame {
                conn,
                bytes,
                received,
                permit,
                in_hub,
            } => {
                let Some(entry) = self.conns.get_mut(&conn) else {
                    return;
                };
                entry.waiting_since.get_or_insert(received);
                self.engine.receive(conn, &bytes);
                drop(permit);
                self.current = Some((conn, bytes));
                let round = self.run_outputs();
                drop(in_hub);
                if let Some((conn, bytes)) = self.current.take()
                    && round.is_quiet_for(conn)
                    && let Some(entry) = self.conns.get_mut(&conn)
                {
                    // Nothing to answer and nothing pending: no reply to time.
                    entry.waiting_since = None;
                    // A sync message that needs no answer means both sides hold the same
                    // heads (a heuristic: the engine does not report convergence itself).
                    if reasons::is_sync_message(&bytes) {
                        self.metrics.device_converged(&entry.device_id);
                    }
                }
            }
            Command::Disconnect { conn } => {
                self.conns.remove(&conn);
                self.engine.disconnect(conn);
                self.run_outputs();
            }
            Command::Shutdown { .. } => {}
        }
    }

    /// Closes every connection of `device_ids` (their access was revoked): queued frames are
    /// dropped, so they receive nothing more, and a close frame tells them why at once.
    fn close_devices(&mut self, device_ids: &[String]) {
        for device_id in device_ids {
            let closed = self
                .engine
                .close_identity(&PeerIdentity(device_id.clone()), "access revoked");
            for conn in &closed {
                if let Some(entry) = self.conns.remove(conn) {
                    entry.outbox.cut("access revoked");
                }
            }
            if !closed.is_empty() {
                tracing::info!(device.id = %device_id, connections = closed.len(), "access revoked; connections closed");
            }
        }
        self.run_outputs();
    }

    fn on_storage_result(&mut self, result: StorageResult) {
        match result {
            StorageResult::DocLoaded { doc_id, result } => match result {
                Ok(loaded) => self.engine.doc_loaded(doc_id, loaded),
                Err(()) => self.engine.doc_load_failed(doc_id),
            },
            StorageResult::DocHeadsLoaded { doc_id, row } => {
                self.engine.doc_heads_loaded(doc_id, row)
            }
            StorageResult::SyncStateLoaded {
                conn,
                doc_id,
                bytes,
            } => self.engine.sync_state_loaded(conn, doc_id, bytes),
            StorageResult::HeadsLoaded { conn, rows } => match rows {
                Some(rows) => {
                    self.engine.heads_loaded(conn, rows);
                    self.batch_answer = Some(conn);
                    self.run_outputs();
                    self.batch_answer = None;
                }
                None => self.close(conn, "storage unavailable"),
            },
            StorageResult::Persisted { ticket, ok } => {
                if ok {
                    self.engine.persisted(ticket);
                } else {
                    self.engine.persist_failed(ticket);
                }
            }
        }
        self.run_outputs();
    }

    /// Closes `conn` from the hub's side (flushing what is queued).
    fn close(&mut self, conn: ConnId, reason: &'static str) {
        if let Some(entry) = self.conns.remove(&conn) {
            entry.outbox.close(reason);
        }
        self.engine.disconnect(conn);
    }

    /// Every connection leaves (their sync states are saved), then the committer and the
    /// sync-state worker finish what is queued.
    async fn shutdown(mut self, committer: JoinHandle<()>, sync_state_worker: JoinHandle<()>) {
        let conns: Vec<ConnId> = self.conns.keys().copied().collect();
        for conn in conns {
            self.close(conn, "server shutting down");
        }
        self.run_outputs();
        let HubState {
            commits,
            sync_states,
            ..
        } = self;
        drop(commits);
        drop(sync_states);
        if committer.await.is_err() {
            tracing::error!("the committer ended abnormally");
        }
        if sync_state_worker.await.is_err() {
            tracing::error!("the sync-state worker ended abnormally");
        }
        tracing::info!("sync hub stopped; every queued commit is done");
    }
}
