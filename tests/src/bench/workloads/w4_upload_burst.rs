//! W4 month-end upload burst: devices connect at once and upload their month: 80% new
//! 500-edit meetings, 20% existing meetings with 10–100 new changes. Per-document ack latency
//! is the time from connect until the document is in sync. Each device's meetings are written
//! by its own actors (a history of its own, not the fleet's shared templates): a server that
//! checks who wrote what (ours) sees the uploads of a real month-end, where no phone's document
//! carries another phone's changes.

use super::{Config, Phase, Totals, device, docs_loaded, seed_all};
use crate::bench::fleet::{actor, local_edits};
use crate::bench::link::sync_session;
use crate::bench::report::{Measured, percentile_ms};
use crate::bench::server_metrics::{
    Freshness, ServerTimings, projection_settled, settle_projections,
};
use crate::bench::servers::Running;
use crate::bench::verify::{lost_per_owner, sorted};
use anyhow::Context;

const SEED: u64 = 4;

/// Runs W4 against `server`.
pub async fn run(cfg: &Config, server: &mut Running) -> anyhow::Result<Vec<(String, Measured)>> {
    let devices: u64 = cfg.pick(6, 64);
    let per_device: u64 = cfg.pick(5, 10);
    let templates = cfg.templates_of_devices(cfg.meeting_edits(), devices)?;
    let timeout = cfg.session_timeout();
    let existing_of =
        |d: u64| (0..per_device).filter(move |i| (d * per_device + i).is_multiple_of(5));

    let (mut engines, mut urls) = (Vec::new(), Vec::new());
    for d in 0..devices {
        let name = format!("w4-{d}");
        urls.push(server.url_as(&name)?);
        let mut e = device(&name, server.kind);
        for i in existing_of(d) {
            let (id, doc) = templates[d as usize].doc(SEED, d * per_device + i)?;
            e.insert_doc(id, doc);
        }
        engines.push(e);
    }
    let mut engines = seed_all(&urls, engines, 4, timeout)
        .await
        .context("seeding")?;
    let mut docs = 0;
    for (d, e) in engines.iter_mut().enumerate() {
        let d = d as u64;
        for i in 0..per_device {
            let n = d * per_device + i;
            if n.is_multiple_of(5) {
                let (id, _) = templates[d as usize].doc(SEED, n)?;
                let doc = e.doc_mut(&id).context("doc")?;
                local_edits(doc, actor(SEED, 500 + n), n, 10 + (n as usize * 7) % 91)?;
            } else {
                let (id, doc) = templates[d as usize].doc(SEED, n)?;
                e.insert_doc(id, doc);
            }
            docs += 1;
        }
    }
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

    // The phase measures its own work on a warm, idle server, not our projector rating
    // what the seeding committed.
    settle_projections(server, timeout).await?;
    let loaded_before = docs_loaded(server);
    let timings_before = ServerTimings::read(server);
    let fresh_before = Freshness::read(server);
    let mut phase = Phase::begin(server);
    let tasks: Vec<_> = engines
        .into_iter()
        .zip(urls.iter().cloned())
        .map(|(mut e, url)| tokio::spawn(async move { sync_session(&url, &mut e, timeout).await }))
        .collect();
    let (mut acks, mut totals, mut errors) = (Vec::new(), Totals::default(), Vec::new());
    for t in tasks {
        match t.await? {
            Ok((_, stats)) => {
                acks.extend(stats.in_sync_at.values().copied());
                totals.add(&stats);
            }
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    let (wall, cpu, rss) = phase.end(server);
    let timings = ServerTimings::read(server)
        .zip(timings_before)
        .map(|(after, before)| after.since(&before));
    // The uploads are acknowledged once durable; the committee sees them once projected.
    let done = match projection_settled(server, timeout).await {
        Some(true) => {
            let (wall, cpu, _) = phase.end(server);
            Some((wall, cpu))
        }
        Some(false) => {
            errors.push(format!(
                "ratings still pending {timeout:?} after the last ack"
            ));
            None
        }
        None => None,
    };
    // Counted to the last rating: the projections' commits are part of an upload's cost.
    let fsyncs = phase.fsyncs();
    let fresh = Freshness::read(server)
        .zip(fresh_before)
        .map(|(after, before)| after.since(&before));
    // Loads of the timed phase only (not seeding, not the check below).
    let loaded = docs_loaded(server).zip(loaded_before).map(|(a, b)| a - b);
    let lost = lost_per_owner(&expected, timeout).await?;
    Ok(vec![(
        format!(
            "W4 upload burst: {devices} devices × {per_device} docs at once (80% new {}-edit, 20% +10–100 changes)",
            cfg.meeting_edits()
        ),
        Measured {
            wall_s: Some(wall),
            p50_ms: percentile_ms(&mut acks, 50.0),
            p99_ms: percentile_ms(&mut acks, 99.0),
            cpu_s: Some(cpu),
            peak_rss_mb: Some(rss),
            bytes_up: Some(totals.up),
            bytes_down: Some(totals.down),
            round_trips: Some(totals.round_trips),
            docs_loaded: loaded,
            fsyncs,
            extra: [
                vec![
                    (
                        "docs/s".into(),
                        format!("{:.1}", docs as f64 / wall.max(1e-9)),
                    ),
                    (
                        "fsyncs/doc".into(),
                        fsyncs.map_or("n/a".into(), |f| format!("{:.3}", f as f64 / docs as f64)),
                    ),
                    (
                        "MB/s up".into(),
                        format!("{:.2}", totals.up as f64 / 1e6 / wall.max(1e-9)),
                    ),
                ],
                ServerTimings::columns(timings.as_ref()),
                Freshness::columns(fresh.as_ref(), done),
            ]
            .concat(),
            errors,
            lost,
        },
    )])
}
