//! W2 nothing-changed reconnect: one device holding D in-sync documents (persisted sync
//! state) reconnects to a warm server; one table per D.

use super::{Config, Phase, device, docs_loaded, until_quiet};
use crate::bench::link::{SEED_WINDOW, sync_session, windowed_session};
use crate::bench::report::Measured;
use crate::bench::server_metrics::settle_projections;
use crate::bench::servers::Running;
use crate::bench::verify::{mismatches, sorted};
use anyhow::Context;
use std::time::Duration;

const SEED: u64 = 2;

/// Runs W2 against `server`, for every D of this size.
pub async fn run(cfg: &Config, server: &mut Running) -> anyhow::Result<Vec<(String, Measured)>> {
    let sizes: Vec<u64> = cfg.pick_spec(vec![12, 40], vec![12, 600, 1_200], vec![12, 600, 6_000]);
    let templates = cfg.templates(cfg.meeting_edits())?;
    let timeout = cfg.session_timeout();
    let mut out = Vec::new();
    let mut base = 0;
    for d in sizes {
        let name = format!("w2-{d}");
        let url = server.url_as(&name)?;
        let mut e = device(&name, server.kind);
        for i in 0..d {
            let (id, doc) = templates.doc(SEED, base + i)?;
            e.insert_doc(id, doc);
        }
        base += d;
        windowed_session(&url, &mut e, timeout, Some(SEED_WINDOW))
            .await
            .context("seeding")?;
        // The phase measures its own work on a warm, idle server, not our projector rating
        // what the seeding committed.
        settle_projections(server, timeout).await?;
        let loaded_before = docs_loaded(server);
        let mut phase = Phase::begin(server);
        let (took, stats) = sync_session(&url, &mut e, timeout).await?;
        // The server's CPU counts until it is done with the closed connection (saving sync
        // states, say): that is part of what a reconnect costs it.
        until_quiet(server, Duration::from_secs(5)).await;
        let (_, cpu, rss) = phase.end(server);
        let fsyncs = phase.fsyncs();
        let loaded = docs_loaded(server).zip(loaded_before).map(|(a, b)| a - b);
        let expected: Vec<_> = e
            .doc_ids()
            .into_iter()
            .filter_map(|id| Some((id, sorted(e.doc(&id)?.get_heads()))))
            .collect();
        let lost = mismatches(&url, &expected, timeout).await?.len();
        let per_doc = (stats.bytes_up + stats.bytes_down) as f64 / d as f64;
        out.push((
            format!("W2 nothing-changed reconnect, {d} docs ({} edits), warm server, persisted client state", cfg.meeting_edits()),
            Measured {
                wall_s: Some(took.as_secs_f64()),
                cpu_s: Some(cpu),
                peak_rss_mb: Some(rss),
                bytes_up: Some(stats.bytes_up),
                bytes_down: Some(stats.bytes_down),
                round_trips: Some(stats.max_round_trips()),
                docs_loaded: loaded,
                fsyncs,
                extra: vec![
                    ("B/doc both ways".into(), format!("{per_doc:.0}")),
                    ("CPU µs/doc".into(), format!("{:.0}", cpu * 1e6 / d as f64)),
                ],
                errors: Vec::new(),
                lost,
                ..Measured::default()
            },
        ));
    }
    Ok(out)
}
