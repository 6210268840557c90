//! [`Projector`]: the asynchronous projection queue the sync layer notifies after each durable
//! commit. Notifying never blocks and never fails; one worker task drains the queue, coalescing
//! every id notified while it was busy, so a burst of commits to one document projects it once.
//! Each round checks out one pooled connection on the blocking pool. Confirmed meetings whose
//! auto-lock date passed are frozen at least hourly, before any later edit is projected.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use super::violations::ViolationCheck;
use super::{NoAuthorshipCheck, ProjectContext, RatingsConfig, RatingsError, project_stored};
use crate::db::{DbPool, run_blocking};

/// How often the worker freezes auto-locked meetings when nothing else happens.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// Handle to the projection worker; cheap to clone. Dropping every handle stops the worker.
#[derive(Clone)]
pub struct Projector {
    queue: mpsc::UnboundedSender<(u64, Vec<String>)>,
    requested: Arc<AtomicU64>,
    done: watch::Receiver<u64>,
}

impl std::fmt::Debug for Projector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projector")
            .field("requested", &self.requested.load(Ordering::Relaxed))
            .field("done", &*self.done.borrow())
            .finish()
    }
}

impl Projector {
    /// Starts the worker on the current tokio runtime with no authorship check.
    pub fn spawn(pool: DbPool, config: RatingsConfig) -> Projector {
        Self::spawn_with(pool, config, Arc::new(NoAuthorshipCheck))
    }

    /// Starts the worker with an authorship check (the organisation layer's hook).
    pub fn spawn_with(
        pool: DbPool,
        config: RatingsConfig,
        check: Arc<dyn ViolationCheck>,
    ) -> Projector {
        let (queue, receiver) = mpsc::unbounded_channel();
        let (done_tx, done) = watch::channel(0);
        tokio::spawn(worker(pool, Arc::new(config), check, receiver, done_tx));
        Projector {
            queue,
            requested: Arc::new(AtomicU64::new(0)),
            done,
        }
    }

    /// Queues the documents of a durable commit for projection. Call it after the commit
    /// returned; never blocks, and a stopped worker only loses freshness (a rebuild restores).
    pub fn notify<I, S>(&self, doc_ids: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = doc_ids.into_iter().map(Into::into).collect();
        if ids.is_empty() {
            return;
        }
        let seq = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        if self.queue.send((seq, ids)).is_err() {
            tracing::warn!("ratings projector is stopped; projection skipped");
        }
    }

    /// Waits until everything notified before this call is projected (tests, shutdown).
    pub async fn flush(&self) {
        let target = self.requested.load(Ordering::SeqCst);
        let mut done = self.done.clone();
        let _ = done.wait_for(|d| *d >= target).await;
    }
}

async fn worker(
    pool: DbPool,
    config: Arc<RatingsConfig>,
    check: Arc<dyn ViolationCheck>,
    mut queue: mpsc::UnboundedReceiver<(u64, Vec<String>)>,
    done: watch::Sender<u64>,
) {
    let mut last_sweep: Option<Instant> = None;
    while let Some((mut seq, first)) = queue.recv().await {
        let mut ids: BTreeSet<String> = first.into_iter().collect();
        // Coalesce everything that queued up while the previous round ran.
        while let Ok((s, more)) = queue.try_recv() {
            seq = seq.max(s);
            ids.extend(more);
        }
        let sweep = last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY);
        let (config, check) = (config.clone(), check.clone());
        let count = ids.len();
        let started = Instant::now();
        let result = run_blocking(&pool, move |conn| {
            let today = Utc::now().date_naive();
            if sweep {
                super::project::sweep_auto_locks(conn, today)?;
            }
            let ctx = ProjectContext {
                config: &config,
                check: check.as_ref(),
                today,
            };
            for id in &ids {
                if let Err(e) = project_stored(conn, id, ctx) {
                    tracing::error!(doc_id = %id, error = ?e, "projection failed");
                }
            }
            Ok::<_, RatingsError>(())
        })
        .await;
        match result {
            Ok(()) => {
                if sweep {
                    last_sweep = Some(Instant::now());
                }
                tracing::debug!(documents = count, elapsed = ?started.elapsed(), "projected");
            }
            Err(e) => tracing::error!(error = ?e, "projection round failed"),
        }
        done.send_replace(seq);
    }
}
