//! W7 three devices diverged on one document: each makes k offline changes to a shared
//! 500-edit meeting, then all reconnect within 100 ms; the run ends when all three hold the
//! merged heads. One table per k.

use super::{Config, Phase, Totals, device, docs_loaded, sync_all};
use crate::bench::fleet::{actor, local_edits, raw_change_bytes};
use crate::bench::link::Link;
use crate::bench::report::{Measured, percentile_ms};
use crate::bench::server_metrics::settle_projections;
use crate::bench::servers::Running;
use crate::bench::verify::{mismatches, sorted};
use anyhow::Context;
use std::time::{Duration, Instant};

const SEED: u64 = 7;

/// Runs W7 against `server`.
pub async fn run(cfg: &Config, server: &mut Running) -> anyhow::Result<Vec<(String, Measured)>> {
    let ks: Vec<usize> = cfg.pick(vec![10], vec![10, 100, 1_000]);
    let templates = cfg.templates(cfg.meeting_edits())?;
    let timeout = cfg.session_timeout();
    let mut out = Vec::new();
    for (n, k) in ks.into_iter().enumerate() {
        let (id, doc) = templates.doc(SEED, n as u64)?;
        // One account per meeting: its three devices share it.
        let url = server.url_as(&format!("w7-{k}"))?;
        let engines = (0..3)
            .map(|i| {
                let mut e = device(&format!("w7-{k}-{i}"), server.kind);
                e.insert_doc(id, doc.clone());
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
        let base = doc.get_heads();
        let mut merged = doc.clone();
        let mut raw = 0;
        for (i, e) in engines.iter_mut().enumerate() {
            let d = e.doc_mut(&id).context("doc")?;
            local_edits(d, actor(SEED, 100 + i as u64), (k * 10 + i) as u64, k)?;
            raw += raw_change_bytes(d, &base);
            merged.merge(&mut d.clone())?;
        }
        let want = sorted(merged.get_heads());
        // The phase measures its own work on a warm, idle server, not our projector rating
        // what the seeding committed.
        settle_projections(server, timeout).await?;
        let loaded_before = docs_loaded(server);
        let mut phase = Phase::begin(server);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for (i, mut e) in engines.into_iter().enumerate() {
            let (url, want) = (url.clone(), want.clone());
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep_until((start + Duration::from_millis(50 * i as u64)).into())
                    .await;
                let r = async {
                    let mut link = Link::open(&url, &mut e).await?;
                    link.drive_until(&mut e, start + timeout, |e| {
                        e.doc(&id).is_some_and(|d| sorted(d.get_heads()) == want)
                    })
                    .await?;
                    let took = start.elapsed();
                    Ok::<_, anyhow::Error>((took, link.close(&mut e).await))
                }
                .await;
                (e, r)
            }));
        }
        let (mut times, mut totals, mut errors) = (Vec::new(), Totals::default(), Vec::new());
        for t in tasks {
            let (_, r) = t.await?;
            match r {
                Ok((took, stats)) => {
                    times.push(took);
                    totals.add(&stats);
                }
                Err(e) => errors.push(format!("{e:#}")),
            }
        }
        let (_, cpu, rss) = phase.end(server);
        let fsyncs = phase.fsyncs();
        // Loads of the timed phase only (not seeding, not the check below).
        let loaded = docs_loaded(server).zip(loaded_before).map(|(a, b)| a - b);
        let wall = times.iter().max().map(Duration::as_secs_f64);
        let lost = mismatches(&url, &[(id, want)], timeout).await?.len();
        out.push((
            format!(
                "W7 three devices diverged by {k} changes each on one {}-edit document",
                cfg.meeting_edits()
            ),
            Measured {
                wall_s: wall,
                p50_ms: percentile_ms(&mut times, 50.0),
                p99_ms: percentile_ms(&mut times, 99.0),
                cpu_s: Some(cpu),
                peak_rss_mb: Some(rss),
                bytes_up: Some(totals.up),
                bytes_down: Some(totals.down),
                round_trips: Some(totals.round_trips),
                docs_loaded: loaded,
                fsyncs,
                extra: vec![
                    (
                        "raw changes KB".into(),
                        format!("{:.1}", raw as f64 / 1024.0),
                    ),
                    (
                        "up ÷ raw".into(),
                        format!("{:.2}", totals.up as f64 / raw.max(1) as f64),
                    ),
                ],
                errors,
                lost,
            },
        ));
    }
    Ok(out)
}
