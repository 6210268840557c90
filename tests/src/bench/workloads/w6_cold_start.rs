//! W6 cold start and memory: a store of N documents, restarted; time until a fresh client
//! syncs one document, idle RSS, then RSS after every document was touched once by an
//! in-sync (read-only) reconnect.

use super::{Config, Phase, device, docs_loaded, seed_all, sync_all};
use crate::bench::link::sync_session;
use crate::bench::report::Measured;
use crate::bench::server_metrics::settle_projections;
use crate::bench::servers::Running;
use crate::bench::verify::{lost_per_owner, sorted};
use anyhow::Context;
use std::time::{Duration, Instant};
use sync_core::sync::ClientEngine;

const SEED: u64 = 6;

/// Runs W6 against `server`.
pub async fn run(cfg: &Config, server: &mut Running) -> anyhow::Result<Vec<(String, Measured)>> {
    let docs: u64 = cfg.pick_spec(60, 1_000, 10_000);
    // Documents per device (a district's worth at full size).
    let per_device: u64 = cfg.pick(30, 100);
    let templates = cfg.templates(cfg.meeting_edits())?;
    let timeout = cfg.session_timeout();
    let (mut engines, mut urls) = (Vec::new(), Vec::new());
    for d in 0..docs.div_ceil(per_device) {
        let name = format!("w6-{d}");
        urls.push(server.url_as(&name)?);
        let mut e = device(&name, server.kind);
        for i in d * per_device..((d + 1) * per_device).min(docs) {
            let (id, doc) = templates.doc(SEED, i)?;
            e.insert_doc(id, doc);
        }
        engines.push(e);
    }
    let engines = seed_all(&urls, engines, 2, timeout)
        .await
        .context("seeding")?;
    let first = engines[0].doc_ids()[0];

    // Cold start over a settled store (see W1): spawn → a fresh client has one document.
    settle_projections(server, timeout).await?;
    server.stop();
    let start = Instant::now();
    server.restart()?;
    let mut probe = ClientEngine::new("w6-probe", None);
    probe.want(first);
    sync_session(&urls[0], &mut probe, timeout).await?;
    let ready = start.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.sample().rss as f64 / 1e6;

    let loaded_before = docs_loaded(server);
    let mut phase = Phase::begin(server);
    let (engines, mut times, totals) = sync_all(&urls, engines, 2, timeout).await?;
    let (wall, cpu, peak) = phase.end(server);
    let fsyncs = phase.fsyncs();
    // Loads of the timed phase only (not seeding, not the check below).
    let loaded = docs_loaded(server).zip(loaded_before).map(|(a, b)| a - b);
    let after = server.sample().rss as f64 / 1e6;
    let expected: Vec<_> = engines
        .iter()
        .zip(&urls)
        .map(|(e, url)| {
            let heads = e
                .doc_ids()
                .into_iter()
                .filter_map(|id| Some((id, sorted(e.doc(&id)?.get_heads()))))
                .collect();
            (url.clone(), heads)
        })
        .collect();
    let lost = lost_per_owner(&expected, timeout).await?;
    Ok(vec![(
        format!(
            "W6 cold start, then touch all {docs} docs ({} edits) once by in-sync reconnects",
            cfg.meeting_edits()
        ),
        Measured {
            wall_s: Some(wall),
            p50_ms: crate::bench::report::percentile_ms(&mut times, 50.0),
            p99_ms: crate::bench::report::percentile_ms(&mut times, 99.0),
            cpu_s: Some(cpu),
            peak_rss_mb: Some(peak),
            bytes_up: Some(totals.up),
            bytes_down: Some(totals.down),
            round_trips: Some(totals.round_trips),
            docs_loaded: loaded,
            fsyncs,
            extra: vec![
                (
                    "ready ms".into(),
                    format!("{:.0}", ready.as_secs_f64() * 1e3),
                ),
                ("idle RSS MB".into(), format!("{idle:.1}")),
                ("RSS after touch MB".into(), format!("{after:.1}")),
            ],
            errors: Vec::new(),
            lost,
        },
    )])
}
