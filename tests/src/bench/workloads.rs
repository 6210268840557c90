//! The workloads of performance.md §5 and what they share: configuration, fleet seeding,
//! phases measured against the server process, and the run over every server.

mod w1_storm;
mod w2_reconnect;
mod w3_long_history;
mod w4_upload_burst;
mod w6_cold_start;
mod w7_diverged;

mod sessions;
pub use sessions::{Totals, seed_all, sync_all};

use super::fleet::Templates;
use super::fsyncs::FsyncCounter;
use super::procstat::CpuMark;
use super::profile_phases::PerfControl;
use super::report::{Measured, Row, Table};
use super::servers::{Programs, Running, ServerKind};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sync_core::sync::ClientEngine;

/// Small (CI smoke test, seconds), full (this machine's scale of §5, minutes, every server) or
/// spec (performance.md's own document and device counts where they differ from full).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// CI scale.
    Small,
    /// Nightly scale, shrunk to what a 2-core machine runs in minutes.
    Full,
    /// performance.md §5's counts: W1 2,000 devices, W2 D = 6,000, W6 10,000 documents
    /// touched; the other workloads as at full size. Meant for our servers (`--servers
    /// ours,pg`): the peers did not finish W1 at 200 devices (performance.md §5b).
    Spec,
}

/// A workload of performance.md §5 (W5 belongs to the ratings issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Sync storm.
    W1,
    /// Nothing-changed reconnect.
    W2,
    /// Long history pushed from three devices.
    W3,
    /// Month-end upload burst.
    W4,
    /// Cold start and memory.
    W6,
    /// Three devices diverged on one document.
    W7,
}

impl Workload {
    /// Every workload, in order.
    pub const ALL: [Workload; 6] = [Self::W1, Self::W2, Self::W3, Self::W4, Self::W6, Self::W7];

    /// Parses `w1`…`w7`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "w1" => Self::W1,
            "w2" => Self::W2,
            "w3" => Self::W3,
            "w4" => Self::W4,
            "w6" => Self::W6,
            "w7" => Self::W7,
            _ => return None,
        })
    }

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Self::W1 => "W1 sync storm",
            Self::W2 => "W2 nothing-changed reconnect",
            Self::W3 => "W3 long history from three devices",
            Self::W4 => "W4 month-end upload burst",
            Self::W6 => "W6 cold start and memory",
            Self::W7 => "W7 three devices diverged on one document",
        }
    }
}

/// Everything a run needs.
pub struct Config {
    /// Scale.
    pub size: Size,
    /// Server programs.
    pub programs: Programs,
    /// Repetitions; the server order rotates between them.
    pub reps: u32,
    /// Servers to run, in order.
    pub servers: Vec<ServerKind>,
    /// Scratch directory for server data (removed by the caller).
    pub work_dir: PathBuf,
    templates: Mutex<HashMap<TemplateKey, Arc<Templates>>>,
}

/// Edits per history, and the device whose own history it is (`None`: the shared templates).
type TemplateKey = (usize, Option<u64>);

/// The seed of device `owner`'s own history of `edits` edits.
fn own_seed(edits: usize, owner: u64) -> u64 {
    1_000_000 + owner * 1_000 + edits as u64
}

impl Config {
    /// A configuration.
    pub fn new(
        size: Size,
        programs: Programs,
        reps: u32,
        servers: Vec<ServerKind>,
        work_dir: PathBuf,
    ) -> Self {
        Self {
            size,
            programs,
            reps,
            servers,
            work_dir,
            templates: Mutex::new(HashMap::new()),
        }
    }

    /// Fleet templates of `edits` edits (built once per run).
    pub fn templates(&self, edits: usize) -> anyhow::Result<Arc<Templates>> {
        let mut cache = self.template_cache()?;
        if let Some(t) = cache.get(&(edits, None)) {
            return Ok(t.clone());
        }
        let t = Arc::new(Templates::new(7_000 + edits as u64, edits, 4)?);
        cache.insert((edits, None), t.clone());
        Ok(t)
    }

    /// One history of `edits` edits written by each of devices `0..devices`' own three actors
    /// (built once per run, on every core): their documents carry no other device's changes, as
    /// on a phone. Shared templates would not do for a workload the server rates: each
    /// template actor is registered to the device that delivered it first, so every other
    /// cell's copy of its changes counts as written without the right to write them.
    pub fn templates_of_devices(
        &self,
        edits: usize,
        devices: u64,
    ) -> anyhow::Result<Vec<Arc<Templates>>> {
        let missing: Vec<u64> = {
            let cache = self.template_cache()?;
            (0..devices)
                .filter(|d| !cache.contains_key(&(edits, Some(*d))))
                .collect()
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let built: Vec<(u64, Templates)> = std::thread::scope(|s| {
            let workers: Vec<_> = missing
                .chunks(missing.len().div_ceil(threads).max(1))
                .map(|owners| {
                    s.spawn(move || {
                        owners
                            .iter()
                            .map(|&d| Ok((d, Templates::new(own_seed(edits, d), edits, 1)?)))
                            .collect::<anyhow::Result<Vec<_>>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .map_err(|_| anyhow::anyhow!("building a device's history panicked"))?
                })
                .collect::<anyhow::Result<Vec<_>>>()
                .map(|parts| parts.into_iter().flatten().collect())
        })?;
        let mut cache = self.template_cache()?;
        for (d, t) in built {
            cache.insert((edits, Some(d)), Arc::new(t));
        }
        (0..devices)
            .map(|d| {
                cache
                    .get(&(edits, Some(d)))
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("device {d}'s history was not built"))
            })
            .collect()
    }

    fn template_cache(
        &self,
    ) -> anyhow::Result<std::sync::MutexGuard<'_, HashMap<TemplateKey, Arc<Templates>>>> {
        self.templates
            .lock()
            .map_err(|_| anyhow::anyhow!("template cache poisoned"))
    }

    /// Edits per meeting of the fleet documents: performance.md §2's "typical" 500 at full
    /// size; 100 for the smoke test, which runs every server in a debug build.
    pub fn meeting_edits(&self) -> usize {
        self.pick(100, 500)
    }

    /// How long one client session may take before it counts as a timeout.
    pub fn session_timeout(&self) -> Duration {
        self.pick_spec(
            Duration::from_secs(60),
            Duration::from_secs(300),
            Duration::from_secs(1_200),
        )
    }

    /// Picks by size; spec as full.
    pub fn pick<T>(&self, small: T, full: T) -> T {
        match self.size {
            Size::Small => small,
            Size::Full | Size::Spec => full,
        }
    }

    /// Picks by size, where performance.md's count differs from this machine's full size.
    pub fn pick_spec<T>(&self, small: T, full: T, spec: T) -> T {
        match self.size {
            Size::Small => small,
            Size::Full => full,
            Size::Spec => spec,
        }
    }
}

/// A device: its engine (documents and persisted sync state) and its name.
pub fn device(name: &str, kind: ServerKind) -> ClientEngine {
    // A stable storage id per device name, so servers that persist sync state per storage
    // id (the JS server, ours) find it again on reconnect.
    let id = super::fleet::doc_id(
        0xde71ce,
        name.bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31) + b as u64),
    );
    ClientEngine::new(format!("device-{name}"), Some(uuid_like(id.as_bytes())))
        .with_batch_sync(kind.batched())
}

fn uuid_like(b: &[u8; 16]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Server CPU, memory and syncs to disk over a phase.
pub struct Phase {
    start_cpu: CpuMark,
    started: Instant,
    fsyncs: Option<FsyncCounter>,
    perf: Option<PerfControl>,
}

impl Phase {
    /// Starts measuring.
    pub fn begin(server: &Running) -> Self {
        let fsyncs = FsyncCounter::start();
        let perf = PerfControl::from_env();
        if let Some(perf) = &perf {
            perf.enable();
        }
        Self {
            start_cpu: server.cpu_mark(),
            started: Instant::now(),
            fsyncs,
            perf,
        }
    }

    /// The `fsync`/`fdatasync` calls since [`Phase::begin`], machine-wide; stops counting.
    pub fn fsyncs(&mut self) -> Option<u64> {
        self.fsyncs.take()?.stop()
    }

    /// Wall seconds, server CPU seconds and peak RSS in MB so far; a profile of the phases
    /// (`BENCH_PERF_CTL`) pauses here. With `BENCH_THREAD_CPU` set, the server's CPU per
    /// thread name is printed to stderr.
    pub fn end(&self, server: &Running) -> (f64, f64, f64) {
        let now = server.cpu_mark();
        if let Some(perf) = &self.perf {
            perf.disable();
        }
        if std::env::var_os("BENCH_THREAD_CPU").is_some()
            && let Some(pid) = server.pid()
        {
            let threads: Vec<String> = self
                .start_cpu
                .by_thread_name(&now, pid)
                .iter()
                .map(|(name, s)| format!("{name} {:.1} ms", s * 1e3))
                .collect();
            eprintln!("server CPU by thread: {}", threads.join(", "));
        }
        (
            self.started.elapsed().as_secs_f64(),
            self.start_cpu.seconds_until(&now),
            now.sample.peak_rss as f64 / 1e6,
        )
    }
}

/// Waits until the server has used under 1 ms of CPU in 100 ms, for at most `limit`: what a
/// server does after a phase's last message (on a closed connection, say) then counts in the
/// phase.
pub async fn until_quiet(server: &Running, limit: Duration) {
    let deadline = Instant::now() + limit;
    let mut last = server.cpu_mark();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = server.cpu_mark();
        if last.seconds_until(&now) < 0.001 {
            return;
        }
        last = now;
    }
}

/// Documents our server loaded from storage, from the `sync_storage_latency_seconds` count of
/// `load_document` operations on `/metrics`; `None` for peers or when the series is absent.
pub fn docs_loaded(server: &Running) -> Option<u64> {
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
    let counts: Vec<u64> = body
        .lines()
        // Only whole-document loads: `load_sync_state` and the heads index are not documents.
        .filter(|l| {
            l.starts_with("sync_storage_latency_seconds_count")
                && l.contains("op=\"load_document\"")
        })
        .filter_map(|l| {
            l.split_whitespace()
                .last()?
                .parse::<f64>()
                .ok()
                .map(|v| v as u64)
        })
        .collect();
    (!counts.is_empty()).then(|| counts.iter().sum())
}

/// Checks that `/sync` of our server completes a handshake (it may not exist yet on a branch).
pub async fn probe(server: &Running) -> anyhow::Result<()> {
    let mut engine = ClientEngine::new("probe", None);
    let mut link = super::link::Link::open(&server.url(), &mut engine).await?;
    link.drive_until(
        &mut engine,
        Instant::now() + Duration::from_secs(5),
        ClientEngine::all_in_sync,
    )
    .await?;
    link.close(&mut engine).await;
    Ok(())
}

/// The servers this machine can run whose `/sync` works: ours is dropped (with the reason
/// returned) when its endpoint does not complete a handshake.
pub async fn usable_servers(
    programs: &Programs,
    work: &std::path::Path,
) -> (Vec<ServerKind>, Option<String>) {
    let mut servers = programs.available();
    if !servers.contains(&ServerKind::OursSqlite) {
        return (
            servers,
            programs
                .ours
                .is_none()
                .then(|| "no `server` binary built".to_owned()),
        );
    }
    let probed = match Running::start(ServerKind::OursSqlite, programs, &work.join("probe")) {
        Ok(server) => probe(&server).await,
        Err(e) => Err(e),
    };
    match probed {
        Ok(()) => (servers, None),
        Err(e) => {
            servers.retain(|k| {
                !matches!(
                    k,
                    ServerKind::OursSqlite
                        | ServerKind::OursSqliteBatched
                        | ServerKind::OursPostgres
                )
            });
            (
                servers,
                Some(format!(
                    "its `/sync` endpoint did not complete a handshake ({e:#})"
                )),
            )
        }
    }
}

/// One workload against one fresh server: the measurements per table title.
async fn run_one(
    workload: Workload,
    cfg: &Config,
    server: &mut Running,
) -> anyhow::Result<Vec<(String, Measured)>> {
    match workload {
        Workload::W1 => w1_storm::run(cfg, server).await,
        Workload::W2 => w2_reconnect::run(cfg, server).await,
        Workload::W3 => w3_long_history::run(cfg, server).await,
        Workload::W4 => w4_upload_burst::run(cfg, server).await,
        Workload::W6 => w6_cold_start::run(cfg, server).await,
        Workload::W7 => w7_diverged::run(cfg, server).await,
    }
}

/// Runs `workload` on every configured server, `reps` times with the server order rotated,
/// and returns one table per title and repetition.
pub async fn run(workload: Workload, cfg: &Config) -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::new();
    for rep in 0..cfg.reps {
        let mut order = cfg.servers.clone();
        if !order.is_empty() {
            let n = order.len();
            order.rotate_left(rep as usize % n);
        }
        let mut by_title: Vec<(String, Vec<Row>)> = Vec::new();
        for kind in order {
            let dir = cfg.work_dir.join(format!("{workload:?}-{rep}-{kind:?}"));
            let results = match Running::start(kind, &cfg.programs, &dir) {
                Ok(mut server) => run_one(workload, cfg, &mut server)
                    .await
                    .unwrap_or_else(|e| vec![(String::new(), failed(e))]),
                Err(e) => vec![(String::new(), failed(e))],
            };
            for (title, measured) in results {
                let title = if title.is_empty() {
                    workload.name().to_owned()
                } else {
                    title
                };
                let title = if cfg.reps > 1 {
                    format!("{title} (repetition {})", rep + 1)
                } else {
                    title
                };
                let row = Row { kind, measured };
                match by_title.iter_mut().find(|(t, _)| *t == title) {
                    Some((_, rows)) => rows.push(row),
                    None => by_title.push((title, vec![row])),
                }
            }
        }
        for (title, mut rows) in by_title {
            rows.sort_by_key(|r| cfg.servers.iter().position(|k| *k == r.kind));
            tables.push(Table { title, rows });
        }
    }
    tables
}

fn failed(e: anyhow::Error) -> Measured {
    Measured {
        errors: vec![format!("{e:#}")],
        ..Measured::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn actors_of(t: &Templates, index: u64) -> HashSet<automerge::ActorId> {
        let (_, doc) = t.doc(3, index).unwrap();
        doc.get_changes(&[])
            .iter()
            .map(|c| c.actor_id().clone())
            .collect()
    }

    #[test]
    fn no_two_devices_own_histories_share_an_actor() {
        let programs = Programs {
            ours: None,
            samod: None,
            js_dir: None,
            pg_url: None,
        };
        let cfg = Config::new(Size::Small, programs, 1, Vec::new(), PathBuf::new());
        let own = cfg.templates_of_devices(160, 3).unwrap();
        assert_eq!(own.len(), 3);
        let (a, b) = (actors_of(&own[0], 0), actors_of(&own[1], 12));
        assert!(
            a.len() >= 4,
            "the base, three editing actors and the document's own: {a:?}"
        );
        assert!(
            a.is_disjoint(&b),
            "devices 0 and 1 share {:?}",
            a.intersection(&b)
        );
        // Asked again, the same histories come back, not new ones.
        let again = cfg.templates_of_devices(160, 3).unwrap();
        assert!(Arc::ptr_eq(&own[2], &again[2]));
    }
}
