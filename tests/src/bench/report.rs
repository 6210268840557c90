//! One row of measurements per server and the Markdown table they print as.

use super::servers::ServerKind;
use std::fmt::Write;
use std::time::Duration;

/// What one server did in one workload; `None` prints as `n/a`.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Wall time of the timed phase, seconds.
    pub wall_s: Option<f64>,
    /// Per-device (or per-push) latency, median, milliseconds.
    pub p50_ms: Option<f64>,
    /// Same, 99th percentile.
    pub p99_ms: Option<f64>,
    /// Server CPU seconds during the timed phase.
    pub cpu_s: Option<f64>,
    /// Server peak RSS (`VmHWM`), MB.
    pub peak_rss_mb: Option<f64>,
    /// Bytes client → server in the timed phase.
    pub bytes_up: Option<u64>,
    /// Bytes server → client in the timed phase.
    pub bytes_down: Option<u64>,
    /// Round trips: the most sync messages one document needed.
    pub round_trips: Option<u32>,
    /// Documents the server loaded from storage (our `/metrics`; peers expose none).
    pub docs_loaded: Option<u64>,
    /// `fsync` + `fdatasync` calls machine-wide during the phase (see [`crate::bench::fsyncs`]).
    pub fsyncs: Option<u64>,
    /// Workload-specific columns, in order.
    pub extra: Vec<(String, String)>,
    /// Errors and timeouts; a run with any fails.
    pub errors: Vec<String>,
    /// Documents whose heads differ between client and server after the run.
    pub lost: usize,
}

/// A row: a server and what it measured, or why it did not run.
#[derive(Debug, Clone)]
pub struct Row {
    /// Which server.
    pub kind: ServerKind,
    /// Its measurements.
    pub measured: Measured,
}

/// A titled table of rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// Heading, e.g. `W2 nothing-changed reconnect, 600 docs`.
    pub title: String,
    /// One per server.
    pub rows: Vec<Row>,
}

/// Latency percentile (nearest rank) in milliseconds.
pub fn percentile_ms(samples: &mut [Duration], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1].as_secs_f64() * 1e3)
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.digits$}"))
}

fn kb(v: Option<u64>) -> String {
    v.map_or("n/a".into(), |b| format!("{:.1}", b as f64 / 1024.0))
}

/// `peer / ours` as `N.N×` (bigger is better for the row), or `—`.
fn ratio(peer: Option<f64>, row: Option<f64>) -> String {
    match (peer, row) {
        (Some(p), Some(r)) if r > 0.0 && p > 0.0 => format!("{:.2}×", p / r),
        _ => "—".into(),
    }
}

impl Table {
    /// Whether every row ran clean: no errors, no lost edits.
    pub fn clean(&self) -> bool {
        self.rows
            .iter()
            .all(|r| r.measured.errors.is_empty() && r.measured.lost == 0)
    }

    /// The Markdown table, with ratio columns (peer value ÷ row value: above 1 means the row
    /// used less) against samod and the JS server for server CPU and wall time.
    pub fn markdown(&self) -> String {
        let find = |k: ServerKind| {
            self.rows
                .iter()
                .find(|r| r.kind == k && r.measured.errors.is_empty())
        };
        let (samod, js) = (find(ServerKind::Samod), find(ServerKind::Js));
        let extra_names: Vec<String> = self
            .rows
            .iter()
            .flat_map(|r| r.measured.extra.iter().map(|(k, _)| k.clone()))
            .fold(Vec::new(), |mut acc, k| {
                if !acc.contains(&k) {
                    acc.push(k);
                }
                acc
            });
        let mut out = format!("### {}\n\n", self.title);
        let mut head = vec![
            "server",
            "wall s",
            "p50 ms",
            "p99 ms",
            "server CPU s",
            "peak RSS MB",
            "up KB",
            "down KB",
            "RT",
            "docs loaded",
            "fsyncs",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        head.extend(extra_names.iter().cloned());
        head.extend(
            [
                "lost",
                "errors",
                "CPU vs samod",
                "CPU vs JS",
                "wall vs samod",
                "wall vs JS",
            ]
            .map(String::from),
        );
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
        for row in &self.rows {
            let m = &row.measured;
            let mut cells = vec![
                row.kind.label().to_owned(),
                num(m.wall_s, 3),
                num(m.p50_ms, 1),
                num(m.p99_ms, 1),
                num(m.cpu_s, 3),
                num(m.peak_rss_mb, 1),
                kb(m.bytes_up),
                kb(m.bytes_down),
                m.round_trips.map_or("n/a".into(), |r| r.to_string()),
                m.docs_loaded.map_or("n/a".into(), |r| r.to_string()),
                m.fsyncs.map_or("n/a".into(), |r| r.to_string()),
            ];
            for name in &extra_names {
                let v = m
                    .extra
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone());
                cells.push(v.unwrap_or_else(|| "n/a".into()));
            }
            cells.push(m.lost.to_string());
            cells.push(if m.errors.is_empty() {
                "0".into()
            } else {
                format!("{}: {}", m.errors.len(), m.errors[0].replace('|', "/"))
            });
            let peer =
                |p: Option<&Row>, f: fn(&Measured) -> Option<f64>| p.and_then(|r| f(&r.measured));
            cells.push(ratio(peer(samod, |m| m.cpu_s), m.cpu_s));
            cells.push(ratio(peer(js, |m| m.cpu_s), m.cpu_s));
            cells.push(ratio(peer(samod, |m| m.wall_s), m.wall_s));
            cells.push(ratio(peer(js, |m| m.wall_s), m.wall_s));
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out
    }
}
