//! [`Projector`]: the asynchronous projection queue the sync layer notifies after each durable
//! commit. Notifying never blocks and never fails; one worker task drains the queue, coalescing
//! every id notified while it was busy, so a burst of commits to one document projects it once,
//! and paces each document: one projected less than [`MIN_INTERVAL`] ago waits until that long
//! after its last projection (see `waiting`).
//! Each round takes the [`WRITE_BATCH`] documents whose commits have waited longest, checks out
//! one pooled connection on the blocking pool and writes their rows in one transaction (one
//! commit for them); then it takes in what was notified meanwhile, so under a burst every
//! document waits for the chunks ahead of it, not for a backlog taken in as one round.
//! Confirmed meetings whose auto-lock date passed are frozen at least hourly, before any later
//! edit is projected.
//! With [`Metrics`], each projected document's lag from its (earliest waiting) commit and the
//! number of commits still waiting are exported: the dashboard's freshness.
//! Started beside the sync hub ([`Projector::spawn_beside_hub`]), each chunk first asks the hub
//! for copies of the documents it holds in memory and rates those instead of loading the stored
//! bytes again (see `copies`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use super::violations::ViolationCheck;
use super::{
    NoAuthorshipCheck, Pending, ProjectContext, RatingsConfig, RatingsError, pending_read,
    write_pending,
};
use crate::db::{DbPool, run_blocking, unsynced};
use crate::metrics::Metrics;

mod copies;
mod waiting;

pub use copies::{COPY_BUDGET, CopyRequest, ResidentDocs};
pub use waiting::MIN_INTERVAL;
use waiting::Waiting;

/// How often the worker freezes auto-locked meetings when nothing else happens.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// Documents whose rows one transaction writes: enough to share a commit among a burst, few
/// enough that the first of them is not kept waiting for the last.
pub const WRITE_BATCH: usize = 32;

/// Handle to the projection worker; cheap to clone. Dropping every handle stops the worker.
#[derive(Clone)]
pub struct Projector {
    queue: mpsc::UnboundedSender<Notice>,
    requested: Arc<AtomicU64>,
    done: watch::Receiver<u64>,
    metrics: Option<Metrics>,
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
        Self::spawn_observed(pool, config, check, None)
    }

    /// [`spawn_with`](Self::spawn_with), exporting freshness to `metrics` when given.
    pub fn spawn_observed(
        pool: DbPool,
        config: RatingsConfig,
        check: Arc<dyn ViolationCheck>,
        metrics: Option<Metrics>,
    ) -> Projector {
        Self::start(pool, config, check, metrics, None)
    }

    /// [`spawn_observed`](Self::spawn_observed), rating the sync hub's copies of the documents
    /// it holds (asked through `copies`) instead of loading their stored bytes.
    pub fn spawn_beside_hub(
        pool: DbPool,
        config: RatingsConfig,
        check: Arc<dyn ViolationCheck>,
        metrics: Option<Metrics>,
        copies: ResidentDocs,
    ) -> Projector {
        Self::start(pool, config, check, metrics, Some(copies))
    }

    fn start(
        pool: DbPool,
        config: RatingsConfig,
        check: Arc<dyn ViolationCheck>,
        metrics: Option<Metrics>,
        copies: Option<ResidentDocs>,
    ) -> Projector {
        let (queue, receiver) = mpsc::unbounded_channel();
        let (done_tx, done) = watch::channel(0);
        let requested = Arc::new(AtomicU64::new(0));
        let worker = Worker {
            pool,
            config: Arc::new(config),
            check,
            metrics: metrics.clone(),
            copies,
        };
        tokio::spawn(worker.run(receiver, done_tx));
        Projector {
            queue,
            requested,
            done,
            metrics,
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
        let notice = Notice {
            seq,
            ids,
            at: Instant::now(),
        };
        if let Some(m) = &self.metrics {
            m.projection_requested();
        }
        if self.queue.send(notice).is_err() {
            if let Some(m) = &self.metrics {
                m.projections_done(1);
            }
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

/// One notification: the documents of one commit and when it was made.
struct Notice {
    seq: u64,
    ids: Vec<String>,
    at: Instant,
}

struct Worker {
    pool: DbPool,
    config: Arc<RatingsConfig>,
    check: Arc<dyn ViolationCheck>,
    metrics: Option<Metrics>,
    copies: Option<ResidentDocs>,
}

impl Worker {
    async fn run(self, mut queue: mpsc::UnboundedReceiver<Notice>, done: watch::Sender<u64>) {
        let mut last_sweep: Option<Instant> = None;
        let mut waiting = Waiting::default();
        let mut open = true;
        loop {
            // Wait for a commit, or for a paced document to become due.
            match waiting.next_due(Instant::now()) {
                None if !open => break,
                None => match queue.recv().await {
                    Some(notice) => waiting.add(notice),
                    None => break,
                },
                Some(due) if due > Instant::now() => {
                    tokio::select! {
                        notice = queue.recv(), if open => match notice {
                            Some(notice) => waiting.add(notice),
                            None => open = false,
                        },
                        () = tokio::time::sleep_until(due.into()) => {}
                    }
                }
                Some(_) => {}
            }
            // Coalesce everything that queued up while the previous round ran.
            while let Ok(more) = queue.try_recv() {
                waiting.add(more);
            }
            // One chunk per round, oldest commits first: what is committed while a chunk is
            // rated waits for that chunk only, not for a whole backlog taken in at once.
            let ids = waiting.take_due(Instant::now(), WRITE_BATCH);
            if !ids.is_empty() {
                let sweep = last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY);
                match self.round(ids, sweep).await {
                    Ok(()) if sweep => last_sweep = Some(Instant::now()),
                    Ok(()) => {}
                    Err(e) => tracing::error!(error = ?e, "projection round failed"),
                }
            }
            if let Some((seq, notices)) = waiting.settled() {
                done.send_replace(seq);
                if let Some(m) = &self.metrics {
                    m.projections_done(notices);
                }
            }
        }
    }

    /// Projects `ids` (each with its earliest waiting commit) on the blocking pool, a chunk
    /// of [`WRITE_BATCH`] at a time (the worker takes one), after freezing due auto-locks when
    /// `sweep`.
    async fn round(&self, ids: Vec<(String, Instant)>, sweep: bool) -> Result<(), RatingsError> {
        let started = Instant::now();
        if sweep {
            run_blocking(&self.pool, |conn| {
                super::project::sweep_auto_locks(conn, Utc::now().date_naive())
            })
            .await?;
        }
        for chunk in ids.chunks(WRITE_BATCH) {
            let names: Vec<String> = chunk.iter().map(|(id, _)| id.clone()).collect();
            let asked = Instant::now();
            let copies = match &self.copies {
                Some(resident) => resident.copies(&names).await,
                None => names.iter().map(|_| None).collect(),
            };
            let copy_wait = asked.elapsed();
            let (config, check, metrics) = (
                self.config.clone(),
                self.check.clone(),
                self.metrics.clone(),
            );
            let chunk = chunk.to_vec();
            let queued = Instant::now();
            run_blocking(&self.pool, move |conn| {
                let pool_wait = queued.elapsed();
                let ctx = ProjectContext {
                    config: &config,
                    check: check.as_ref(),
                    today: Utc::now().date_naive(),
                };
                let rating = Instant::now();
                project_chunk(conn, &chunk, copies, ctx, metrics.as_ref());
                let oldest = chunk.iter().map(|(_, since)| since.elapsed()).max();
                if let Some(m) = &metrics {
                    for (_, since) in &chunk {
                        m.observe_projection_lag(since.elapsed());
                    }
                }
                tracing::debug!(documents = chunk.len(), ?copy_wait, ?pool_wait, rating = ?rating.elapsed(), ?oldest, "chunk projected");
                Ok::<_, RatingsError>(())
            })
            .await?;
        }
        tracing::debug!(documents = ids.len(), elapsed = ?started.elapsed(), "projected");
        Ok(())
    }
}

/// Computes the rows of `chunk` and writes them in one transaction; if that fails, each alone,
/// so one document's failure does not keep the others from being rated.
fn project_chunk(
    conn: &mut crate::db::DbConnection,
    chunk: &[(String, Instant)],
    copies: Vec<Option<automerge::Automerge>>,
    ctx: ProjectContext<'_>,
    metrics: Option<&Metrics>,
) {
    let mut pending: Vec<(&str, Pending)> = Vec::with_capacity(chunk.len());
    // A copy for each document, none for any the answer left out.
    let copies = copies.into_iter().chain(std::iter::repeat_with(|| None));
    for ((id, _), copy) in chunk.iter().zip(copies) {
        match pending_read(conn, id, copy, ctx) {
            Ok((p, source)) => {
                if let Some(m) = metrics {
                    m.projected_from(source);
                }
                pending.push((id, p));
            }
            Err(e) => tracing::error!(doc_id = %id, error = ?e, "projection failed"),
        }
    }
    let all = pending.iter().map(|(_, p)| p.clone()).collect();
    // Not synced: a power cut can only take the newest projections, which the next start
    // redoes (`catch_up`); the documents they come from were committed durably.
    if let Err(e) = unsynced(conn, |c| write_pending(c, all, ctx.today)) {
        tracing::warn!(error = ?e, documents = pending.len(), "batched projection write failed; writing one by one");
        for (id, p) in pending {
            if let Err(e) = unsynced(conn, |c| write_pending(c, vec![p], ctx.today)) {
                tracing::error!(doc_id = %id, error = ?e, "projection failed");
            }
        }
    }
}
