//! Sessions of many devices at once: syncing every engine, for a timed phase or for seeding.

use super::super::link::{LinkStats, SEED_WINDOW, windowed_session};
use anyhow::bail;
use std::sync::Arc;
use std::time::Duration;
use sync_core::sync::ClientEngine;

/// Totals of many connections.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    /// Bytes up.
    pub up: u64,
    /// Bytes down.
    pub down: u64,
    /// Most round trips any document needed.
    pub round_trips: u32,
}

impl Totals {
    /// Adds one connection's counters.
    pub fn add(&mut self, s: &LinkStats) {
        self.up += s.bytes_up;
        self.down += s.bytes_down;
        self.round_trips = self.round_trips.max(s.max_round_trips());
    }
}

/// Syncs every engine once, `parallel` at a time, engine `i` through `urls[i]` (its owner's
/// URL); returns the engines (in order), each session's time and the totals. Fails on the
/// first session error.
pub async fn sync_all(
    urls: &[String],
    engines: Vec<ClientEngine>,
    parallel: usize,
    timeout: Duration,
) -> anyhow::Result<(Vec<ClientEngine>, Vec<Duration>, Totals)> {
    sync_all_windowed(urls, engines, parallel, timeout, None).await
}

/// [`sync_all`] for seeding, before a timed phase: each session keeps at most
/// [`SEED_WINDOW`] documents in flight, so every server, the single-threaded one too, takes a
/// device's hundreds of new documents without dropping it.
pub async fn seed_all(
    urls: &[String],
    engines: Vec<ClientEngine>,
    parallel: usize,
    timeout: Duration,
) -> anyhow::Result<Vec<ClientEngine>> {
    let (engines, _, _) =
        sync_all_windowed(urls, engines, parallel, timeout, Some(SEED_WINDOW)).await?;
    Ok(engines)
}

async fn sync_all_windowed(
    urls: &[String],
    engines: Vec<ClientEngine>,
    parallel: usize,
    timeout: Duration,
    window: Option<usize>,
) -> anyhow::Result<(Vec<ClientEngine>, Vec<Duration>, Totals)> {
    if urls.len() != engines.len() {
        bail!("{} URLs for {} devices", urls.len(), engines.len());
    }
    let sem = Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    let mut tasks = Vec::new();
    for (mut engine, url) in engines.into_iter().zip(urls.iter().cloned()) {
        let sem = sem.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = windowed_session(&url, &mut engine, timeout, window).await;
            (engine, r)
        }));
    }
    let (mut out, mut times, mut totals) = (Vec::new(), Vec::new(), Totals::default());
    let mut first_error = None;
    for t in tasks {
        let (engine, r) = t.await?;
        match r {
            Ok((took, stats)) => {
                times.push(took);
                totals.add(&stats);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
        out.push(engine);
    }
    if let Some(e) = first_error {
        bail!(e);
    }
    Ok((out, times, totals))
}
