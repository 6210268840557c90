//! W3 long history: three devices replay N edits on one meeting, pushing every 50 edits over
//! live connections (each first absorbs what the server relayed); then a fresh device pulls
//! the whole document.

use super::{Config, Phase, Totals, device, docs_loaded, sync_all};
use crate::bench::fleet::{Templates, actor, local_edits};
use crate::bench::link::Link;
use crate::bench::report::{Measured, percentile_ms};
use crate::bench::server_metrics::{ServerTimings, settle_projections};
use crate::bench::servers::Running;
use crate::bench::verify::{mismatches, sorted};
use anyhow::Context;
use std::time::{Duration, Instant};
use sync_core::sync::ClientEngine;

const SEED: u64 = 3;

/// Runs W3 against `server`.
pub async fn run(cfg: &Config, server: &mut Running) -> anyhow::Result<Vec<(String, Measured)>> {
    let edits: usize = cfg.pick(500, 5_000);
    // One cell's account; its three devices and the fresh one share it.
    let url = server.url_as("w3")?;
    let timeout = cfg.session_timeout();
    // The empty meeting plus the change naming its cell and month, as every other workload's
    // documents: without them it is not a meeting to our schema, and our server would rate it
    // as minutes that failed to load.
    let (id, skeleton) = Templates::new(SEED, 0, 1)?.doc(SEED, 0)?;
    let engines = (0..3)
        .map(|i| {
            let mut e = device(&format!("w3-{i}"), server.kind);
            e.insert_doc(id, skeleton.clone());
            e
        })
        .collect();
    let (mut engines, _, _) = sync_all(
        &[url.clone(), url.clone(), url.clone()],
        engines,
        3,
        timeout,
    )
    .await
    .context("seeding")?;
    let mut links = Vec::new();
    for e in engines.iter_mut() {
        let mut link = Link::open(&url, e).await?;
        link.drive_until(e, Instant::now() + timeout, ClientEngine::all_in_sync)
            .await?;
        links.push(link);
    }

    // The phase measures its own work on a warm, idle server, not our projector rating
    // what the seeding committed.
    settle_projections(server, timeout).await?;
    let loaded_before = docs_loaded(server);
    let timings_before = ServerTimings::read(server);
    let mut phase = Phase::begin(server);
    let mut pushes = Vec::new();
    for block in 0..edits.div_ceil(50) {
        let k = block % 3;
        let (e, link) = (&mut engines[k], &mut links[k]);
        link.absorb(e, Duration::from_millis(2)).await?;
        let doc = e.doc_mut(&id).context("doc")?;
        local_edits(
            doc,
            actor(SEED, 10 + k as u64),
            block as u64,
            50.min(edits - block * 50),
        )?;
        let t = Instant::now();
        e.local_change(id);
        link.drive_until(e, t + timeout, |e| e.is_in_sync(&id))
            .await?;
        pushes.push(t.elapsed());
    }
    // Everyone converges on the merged history through the server's relay.
    let mut merged = engines[0].doc(&id).context("doc")?.clone();
    for e in &engines[1..] {
        merged.merge(&mut e.doc(&id).context("doc")?.clone())?;
    }
    let want = sorted(merged.get_heads());
    let mut totals = Totals::default();
    for (e, mut link) in engines.iter_mut().zip(links) {
        let deadline = Instant::now() + timeout;
        link.drive_until(e, deadline, |e| {
            e.doc(&id).is_some_and(|d| sorted(d.get_heads()) == want)
        })
        .await?;
        totals.add(&link.close(e).await);
    }
    let (wall, cpu, rss) = phase.end(server);
    let fsyncs = phase.fsyncs();
    let timings = ServerTimings::read(server)
        .zip(timings_before)
        .map(|(after, before)| after.since(&before));
    // Loads of the timed phase only (not seeding, not the check below).
    let loaded = docs_loaded(server).zip(loaded_before).map(|(a, b)| a - b);

    // A new device pulls the whole document.
    let mut fresh = device("w3-fresh", server.kind);
    fresh.want(id);
    let t = Instant::now();
    let mut link = Link::open(&url, &mut fresh).await?;
    link.drive_until(&mut fresh, t + timeout, ClientEngine::all_in_sync)
        .await?;
    let pull = t.elapsed();
    let pulled = link.close(&mut fresh).await;
    let lost = mismatches(&url, &[(id, want)], timeout).await?.len();
    let saved = merged.save().len();
    Ok(vec![(
        format!("W3 one meeting, {edits} edits pushed every 50 from three live devices"),
        Measured {
            wall_s: Some(wall),
            p50_ms: percentile_ms(&mut pushes, 50.0),
            p99_ms: percentile_ms(&mut pushes, 99.0),
            cpu_s: Some(cpu),
            peak_rss_mb: Some(rss),
            bytes_up: Some(totals.up),
            bytes_down: Some(totals.down),
            // Messages per document add up over 100 pushes here: not a round-trip count.
            round_trips: None,
            docs_loaded: loaded,
            fsyncs,
            extra: [
                vec![
                    ("pushes".into(), pushes.len().to_string()),
                    ("save() KB".into(), format!("{:.1}", saved as f64 / 1024.0)),
                    (
                        "fresh pull ms".into(),
                        format!("{:.1}", pull.as_secs_f64() * 1e3),
                    ),
                    (
                        "fresh pull KB".into(),
                        format!("{:.1}", pulled.bytes_down as f64 / 1024.0),
                    ),
                ],
                ServerTimings::columns(timings.as_ref()),
            ]
            .concat(),
            errors: Vec::new(),
            lost,
        },
    )])
}
