//! Our server's own timings from `/metrics` (Prometheus text), compared across a timed phase:
//! how long the server took from a sync message to its answer, and how long its commits took.
//! Peers expose none (`None`).

use super::servers::Running;
use std::time::Duration;

/// One histogram series: its `_sum`, `_count` and cumulative `_bucket` counts by upper bound.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub sum: f64,
    pub count: f64,
    /// (upper bound in seconds, cumulative count), ascending; `+Inf` last.
    pub buckets: Vec<(f64, f64)>,
}

impl Series {
    /// Observations since `before` (the same series read earlier).
    pub fn since(&self, before: &Series) -> Series {
        let buckets = self
            .buckets
            .iter()
            .map(|(le, n)| {
                let was = before
                    .buckets
                    .iter()
                    .find(|(b, _)| b == le)
                    .map_or(0.0, |(_, n)| *n);
                (*le, n - was)
            })
            .collect();
        Series {
            sum: self.sum - before.sum,
            count: self.count - before.count,
            buckets,
        }
    }

    /// Mean in milliseconds, `None` without observations.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.count > 0.0).then(|| self.sum / self.count * 1e3)
    }

    /// The upper bound (ms) of the bucket holding the `p`th percentile: the percentile is at
    /// most this (the buckets double, so it is at least half of it, unless it is the first).
    pub fn percentile_bound_ms(&self, p: f64) -> Option<f64> {
        if self.count <= 0.0 {
            return None;
        }
        let rank = self.count * p / 100.0;
        self.buckets
            .iter()
            .find(|(_, n)| *n >= rank)
            .map(|(le, _)| le * 1e3)
    }
}

/// Reads one histogram series (`name` without suffix; lines containing `label`) out of a
/// Prometheus text body.
pub fn series(body: &str, name: &str, label: &str) -> Series {
    let value = |l: &str| l.split_whitespace().last()?.parse::<f64>().ok();
    let mut s = Series::default();
    for line in body.lines().filter(|l| l.contains(label)) {
        if let Some(rest) = line.strip_prefix(&format!("{name}_bucket")) {
            let Some(le) = rest.split("le=\"").nth(1).and_then(|r| r.split('"').next()) else {
                continue;
            };
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap_or(f64::INFINITY)
            };
            if let Some(n) = value(line) {
                s.buckets.push((le, n));
            }
        } else if line.starts_with(&format!("{name}_sum")) {
            s.sum = value(line).unwrap_or_default();
        } else if line.starts_with(&format!("{name}_count")) {
            s.count = value(line).unwrap_or_default();
        }
    }
    s.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    s
}

/// The `/metrics` body of our server; `None` for peers.
pub fn metrics_body(server: &Running) -> Option<String> {
    use std::io::{Read, Write};
    let (port, token) = server.metrics_addr()?;
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    tcp.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        tcp,
        "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    tcp.read_to_string(&mut body).ok()?;
    Some(body)
}

/// The server's answer latency (a sync message received → its answer queued) and its commit
/// time, read at the start and end of a phase.
#[derive(Debug, Clone, Default)]
pub struct ServerTimings {
    /// `sync_sync_latency_seconds`: receipt of a frame to the answer (includes the commit).
    pub answer: Series,
    /// `sync_storage_latency_seconds{op="commit_batch"}`: one group commit (includes fsync).
    pub commit: Series,
}

impl ServerTimings {
    /// The server's timings now; `None` for peers.
    pub fn read(server: &Running) -> Option<ServerTimings> {
        let body = metrics_body(server)?;
        Some(ServerTimings {
            answer: series(&body, "sync_sync_latency_seconds", ""),
            commit: series(&body, "sync_storage_latency_seconds", "op=\"commit_batch\""),
        })
    }

    /// What happened since `before`.
    pub fn since(&self, before: &ServerTimings) -> ServerTimings {
        ServerTimings {
            answer: self.answer.since(&before.answer),
            commit: self.commit.since(&before.commit),
        }
    }

    /// Extra report columns: answer p99 bound, answer mean, commit mean (ms).
    pub fn columns(timings: Option<&ServerTimings>) -> Vec<(String, String)> {
        let ms = |v: Option<f64>| v.map_or("n/a".to_owned(), |v| format!("{v:.1}"));
        vec![
            (
                "server answer p99 ≤ ms".into(),
                ms(timings.and_then(|t| t.answer.percentile_bound_ms(99.0))),
            ),
            (
                "server answer mean ms".into(),
                ms(timings.and_then(|t| t.answer.mean_ms())),
            ),
            (
                "commit mean ms".into(),
                ms(timings.and_then(|t| t.commit.mean_ms())),
            ),
        ]
    }
}

/// The dashboard's freshness on our server: per projected document, the time from its commit
/// to its ratings rows (`sync_projection_lag_seconds`).
#[derive(Debug, Clone, Default)]
pub struct Freshness {
    /// The lag histogram.
    pub lag: Series,
    /// Documents rated from the hub's copy, and from their stored bytes.
    pub rated: (f64, f64),
}

impl Freshness {
    /// The lag histogram now; `None` for peers.
    pub fn read(server: &Running) -> Option<Freshness> {
        let body = metrics_body(server)?;
        let count = |source: &str| {
            let line = format!("sync_projections_total{{source=\"{source}\"}} ");
            body.lines()
                .find_map(|l| l.strip_prefix(line.as_str()))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0.0)
        };
        Some(Freshness {
            lag: series(&body, "sync_projection_lag_seconds", ""),
            rated: (count("Copy"), count("Stored")),
        })
    }

    /// What happened since `before`.
    pub fn since(&self, before: &Freshness) -> Freshness {
        Freshness {
            lag: self.lag.since(&before.lag),
            rated: (self.rated.0 - before.rated.0, self.rated.1 - before.rated.1),
        }
    }

    /// Extra report columns: when the ratings of the phase were all written (wall and server
    /// CPU seconds from the phase's start), the lag's p50 and p99 bucket bounds (ms), and how
    /// many documents were rated from the hub's copy of all rated.
    pub fn columns(fresh: Option<&Freshness>, done: Option<(f64, f64)>) -> Vec<(String, String)> {
        let num =
            |v: Option<f64>, digits: usize| v.map_or("n/a".to_owned(), |v| format!("{v:.digits$}"));
        let bound = |p: f64| fresh.and_then(|f| f.lag.percentile_bound_ms(p));
        vec![
            ("ratings done s".into(), num(done.map(|d| d.0), 3)),
            ("CPU to ratings done s".into(), num(done.map(|d| d.1), 3)),
            ("fresh p50 ≤ ms".into(), num(bound(50.0), 0)),
            ("fresh p99 ≤ ms".into(), num(bound(99.0), 0)),
            (
                "rated from copy".into(),
                fresh.map_or("n/a".into(), |f| {
                    format!("{:.0} of {:.0}", f.rated.0, f.rated.0 + f.rated.1)
                }),
            ),
        ]
    }
}

/// Commits our server's ratings projector has not projected yet (`sync_projection_pending`);
/// `None` for peers.
pub fn projection_pending(server: &Running) -> Option<f64> {
    pending_in(&metrics_body(server)?)
}

fn pending_in(body: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix("sync_projection_pending "))
        .and_then(|v| v.trim().parse().ok())
}

/// Waits until our server has projected every commit so far: `Some(true)` when it has,
/// `Some(false)` when `timeout` passed first, `None` for peers.
pub async fn projection_settled(server: &Running, timeout: Duration) -> Option<bool> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if projection_pending(server)? <= 0.0 {
            return Some(true);
        }
        if std::time::Instant::now() >= deadline {
            return Some(false);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until our server has projected every commit so far (nothing for peers); an error
/// when `timeout` passes first. Called before a cold restart, so that the restarted server
/// does not re-project a backlog the seeding left while the phase is measured.
pub async fn settle_projections(server: &Running, timeout: Duration) -> anyhow::Result<()> {
    match projection_settled(server, timeout).await {
        Some(false) => anyhow::bail!("ratings still pending {timeout:?} after seeding"),
        Some(true) | None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "\
sync_sync_latency_seconds_sum 0.5
sync_sync_latency_seconds_count 10
sync_sync_latency_seconds_bucket{le=\"0.0005\"} 2
sync_sync_latency_seconds_bucket{le=\"0.001\"} 9
sync_sync_latency_seconds_bucket{le=\"+Inf\"} 10
sync_storage_latency_seconds_sum{op=\"commit_batch\"} 0.02
sync_storage_latency_seconds_count{op=\"commit_batch\"} 4
sync_storage_latency_seconds_sum{op=\"load_document\"} 9
sync_projection_pending 3
sync_projection_pending_created 1.7e9
";

    #[test]
    fn the_pending_projections_are_read_from_their_gauge() {
        assert_eq!(pending_in(BODY), Some(3.0));
        assert_eq!(pending_in("sync_connections_total 1\n"), None);
    }

    #[test]
    fn a_histogram_is_read_by_name_and_label() {
        let answer = series(BODY, "sync_sync_latency_seconds", "");
        assert_eq!((answer.sum, answer.count), (0.5, 10.0));
        assert_eq!(answer.buckets.len(), 3);
        assert_eq!(answer.percentile_bound_ms(50.0), Some(1.0));
        assert_eq!(answer.percentile_bound_ms(99.0), Some(f64::INFINITY));
        let commit = series(BODY, "sync_storage_latency_seconds", "op=\"commit_batch\"");
        assert_eq!(commit.mean_ms(), Some(5.0));
    }

    #[test]
    fn a_phase_counts_only_what_happened_in_it() {
        let after = series(BODY, "sync_sync_latency_seconds", "");
        let before = Series {
            sum: 0.1,
            count: 2.0,
            buckets: vec![(0.0005, 2.0), (0.001, 2.0), (f64::INFINITY, 2.0)],
        };
        let phase = after.since(&before);
        assert_eq!(phase.count, 8.0);
        assert_eq!(phase.percentile_bound_ms(50.0), Some(1.0));
        assert!((phase.mean_ms().unwrap() - 50.0).abs() < 1e-9);
    }
}
