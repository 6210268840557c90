//! W1 sync storm: devices × 12 documents, 90% in sync, 9% with 10 new local changes on one
//! document, 1% diverged (10 changes each side), all reconnecting within the spread, against
//! a restarted (cold) server.

use super::{Config, Phase, Totals, device, docs_loaded, seed_all};
use crate::bench::fleet::{actor, local_edits};
use crate::bench::link::sync_session;
use crate::bench::report::{Measured, percentile_ms};
use crate::bench::server_metrics::settle_projections;
use crate::bench::servers::Running;
use crate::bench::verify::{lost_per_owner, sorted};
use anyhow::Context;
use std::time::{Duration, Instant};

const SEED: u64 = 1;
const DOCS_PER_DEVICE: u64 = 12;

/// What a device does before the storm.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mix {
    InSync,
    Ahead,
    Diverged,
}

fn mix(d: u64) -> Mix {
    if d % 100 == 1 {
        Mix::Diverged
    } else if d % 11 == 3 {
        Mix::Ahead
    } else {
        Mix::InSync
    }
}

/// Runs W1 against `server`.
pub async fn run(cfg: &Config, server: &mut Running) -> anyhow::Result<Vec<(String, Measured)>> {
    let devices: u64 = cfg.pick_spec(6, 50, 2_000);
    let spread = cfg.pick(Duration::from_secs(1), Duration::from_secs(5));
    // Each device's documents fork a history of its own three actors, as on a phone.
    let templates = cfg.templates_of_devices(cfg.meeting_edits(), devices)?;
    let timeout = cfg.session_timeout();

    // Device `d` is the one device of cell `d`, with its own credential; `owned[d]` are the
    // cell's documents, the only ones the device holds, edits and is checked on.
    let (mut engines, mut urls, mut owned) = (Vec::new(), Vec::new(), Vec::new());
    for d in 0..devices {
        let name = format!("w1-{d}");
        let mut e = device(&name, server.kind);
        let mut ids = Vec::new();
        for i in 0..DOCS_PER_DEVICE {
            let (id, doc) = templates[d as usize].doc(SEED, d * DOCS_PER_DEVICE + i)?;
            e.insert_doc(id, doc);
            ids.push(id);
        }
        engines.push(e);
        urls.push(server.url_as(&name)?);
        owned.push(ids);
    }
    let mut engines = seed_all(&urls, engines, 4, timeout)
        .await
        .context("seeding")?;

    // Edits made while offline; a diverged device's other side comes from a twin device that
    // pushes 10 changes to the server first.
    // Per device: its URL and the merged heads each of its documents must end with.
    let mut expected = Vec::new();
    for (d, e) in engines.iter_mut().enumerate() {
        let url = &urls[d];
        let ids = &owned[d];
        let d = d as u64;
        let first = ids[0];
        let m = mix(d);
        let mut twin_doc = None;
        if m == Mix::Diverged {
            // The cell's second device (same account) pushes its side first.
            let mut twin = device(&format!("w1-twin-{d}"), server.kind);
            let mut doc = e.doc(&first).context("doc")?.clone();
            local_edits(&mut doc, actor(SEED, 1_000 + d), d, 10)?;
            twin.insert_doc(first, doc);
            sync_session(url, &mut twin, timeout)
                .await
                .context("twin push")?;
            twin_doc = twin.doc(&first).cloned();
        }
        if m != Mix::InSync {
            let doc = e.doc_mut(&first).context("doc")?;
            local_edits(doc, actor(SEED, 2_000 + d), d + 7, 10)?;
        }
        let mut heads = Vec::new();
        for &id in ids {
            let mut doc = e.doc(&id).context("doc")?.clone();
            if let (true, Some(twin)) = (id == first, twin_doc.as_mut()) {
                doc.merge(twin)?;
            }
            heads.push((id, sorted(doc.get_heads())));
        }
        expected.push((url.clone(), heads));
    }
    let ahead = (0..devices).filter(|d| mix(*d) == Mix::Ahead).count();
    let diverged = (0..devices).filter(|d| mix(*d) == Mix::Diverged).count();

    // A cold server over a settled store: our projector has rated every seeded document, so
    // the phase does not count re-projecting a backlog left by the seeding at the restart.
    settle_projections(server, timeout).await?;
    server.restart()?;
    let mut phase = Phase::begin(server);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (d, mut e) in engines.into_iter().enumerate() {
        let offset = spread.mul_f64(d as f64 / devices as f64);
        let url = urls[d].clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until((start + offset).into()).await;
            let r = sync_session(&url, &mut e, timeout).await;
            (d as u64, e, r)
        }));
    }
    let (mut latencies, mut totals, mut errors) = (Vec::new(), Totals::default(), Vec::new());
    let mut in_sync_bytes = Vec::new();
    let mut finished = Vec::new();
    for t in tasks {
        let (d, e, r) = t.await?;
        match r {
            Ok((took, stats)) => {
                latencies.push(took);
                totals.add(&stats);
                if mix(d) == Mix::InSync {
                    in_sync_bytes.push(stats.bytes_up + stats.bytes_down);
                }
            }
            Err(e) => errors.push(format!("device {d}: {e:#}")),
        }
        finished.push(e);
    }
    let wall = start.elapsed().as_secs_f64();
    let (_, cpu, rss) = phase.end(server);
    let fsyncs = phase.fsyncs();
    let loaded = docs_loaded(server);

    // Every document on the server, and on its device, must hold the merged heads.
    let mut lost = lost_per_owner(&expected, timeout).await?;
    for (e, (_, heads)) in finished.iter().zip(&expected) {
        lost += heads
            .iter()
            .filter(|(id, want)| e.doc(id).map(|d| sorted(d.get_heads())).as_ref() != Some(want))
            .count();
    }
    let per_in_sync = if in_sync_bytes.is_empty() {
        "n/a".into()
    } else {
        format!(
            "{:.0}",
            in_sync_bytes.iter().sum::<u64>() as f64 / in_sync_bytes.len() as f64
        )
    };
    let measured = Measured {
        wall_s: Some(wall),
        p50_ms: percentile_ms(&mut latencies, 50.0),
        p99_ms: percentile_ms(&mut latencies, 99.0),
        cpu_s: Some(cpu),
        peak_rss_mb: Some(rss),
        bytes_up: Some(totals.up),
        bytes_down: Some(totals.down),
        round_trips: Some(totals.round_trips),
        docs_loaded: loaded,
        fsyncs,
        extra: vec![
            (
                "devices (ahead/diverged)".into(),
                format!("{devices} ({ahead}/{diverged})"),
            ),
            ("B per in-sync device".into(), per_in_sync),
        ],
        errors,
        lost,
    };
    let title = format!(
        "W1 sync storm: {devices} devices × 12 docs ({} edits), reconnect within {} s, cold server",
        cfg.meeting_edits(),
        spread.as_secs()
    );
    Ok(vec![(title, measured)])
}
