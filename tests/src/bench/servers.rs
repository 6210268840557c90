//! The servers under test, started as separate processes on loopback, pinned to core 0.
//!
//! - ours: the project's `server serve` binary, durability on, SQLite or PostgreSQL, with one
//!   device token from `server admin device create --json`;
//! - samod 0.16: `samod-server` from this crate (its filesystem storage);
//! - automerge-repo 2.5.6: `tests/peers/js-server/server.mjs` under Node (NodeFS storage).

use super::procstat::{self, CpuMark, ProcSample};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Which server a row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    /// The project's server on SQLite, plain v1 client.
    OursSqlite,
    /// The project's server on SQLite, client with the `heads-batch` extension.
    OursSqliteBatched,
    /// The project's server on PostgreSQL, plain v1 client.
    OursPostgres,
    /// samod 0.16 with filesystem storage.
    Samod,
    /// automerge-repo 2.5.6 under Node with NodeFS storage.
    Js,
}

impl ServerKind {
    /// The row label.
    pub fn label(self) -> &'static str {
        match self {
            ServerKind::OursSqlite => "ours (SQLite)",
            ServerKind::OursSqliteBatched => "ours (SQLite, batched)",
            ServerKind::OursPostgres => "ours (PostgreSQL)",
            ServerKind::Samod => "samod 0.16",
            ServerKind::Js => "automerge-repo 2.5.6 JS",
        }
    }

    /// Whether the client asks for the batched extension.
    pub fn batched(self) -> bool {
        self == ServerKind::OursSqliteBatched
    }
}

/// Where the server programs are.
#[derive(Debug, Clone)]
pub struct Programs {
    /// The project's `server` binary (absent: its rows are skipped).
    pub ours: Option<PathBuf>,
    /// This crate's `samod-server` binary.
    pub samod: Option<PathBuf>,
    /// `tests/peers/js-server` (with `node_modules` installed, else its rows are skipped).
    pub js_dir: Option<PathBuf>,
    /// PostgreSQL base URL; a fresh database is created per server start.
    pub pg_url: Option<String>,
}

impl Programs {
    /// Finds the binaries next to the running executable (`target/<profile>/`), with the
    /// overrides `BENCH_SERVER_BIN` and `BENCH_SAMOD_BIN`, and installs the JS peer's packages
    /// from its lock if Node is present and they are missing.
    pub fn discover(pg_url: Option<String>) -> Self {
        let near = |name: &str, var: &str| -> Option<PathBuf> {
            if let Ok(p) = std::env::var(var) {
                return Some(PathBuf::from(p));
            }
            let exe = std::env::current_exe().ok()?;
            exe.ancestors()
                .skip(1)
                .take(2)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        };
        let js_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/js-server");
        let js_ready = js_dir
            .join("node_modules/@automerge/automerge-repo")
            .is_dir()
            || Command::new("npm")
                .args(["install", "--no-audit", "--no-fund"])
                .current_dir(&js_dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        Self {
            ours: near("server", "BENCH_SERVER_BIN"),
            samod: near("samod-server", "BENCH_SAMOD_BIN"),
            js_dir: js_ready.then_some(js_dir),
            pg_url,
        }
    }

    /// The servers this machine can run, in the default row order.
    pub fn available(&self) -> Vec<ServerKind> {
        let mut kinds = Vec::new();
        if self.ours.is_some() {
            kinds.extend([ServerKind::OursSqlite, ServerKind::OursSqliteBatched]);
            if self.pg_url.is_some() {
                kinds.push(ServerKind::OursPostgres);
            }
        }
        if self.samod.is_some() {
            kinds.push(ServerKind::Samod);
        }
        if self.js_dir.is_some() {
            kinds.push(ServerKind::Js);
        }
        kinds
    }
}

/// A running server process and how to reach it.
pub struct Running {
    /// Which server.
    pub kind: ServerKind,
    child: Option<Child>,
    port: u16,
    token: Option<String>,
    dir: PathBuf,
    command: Command,
    /// How to register more devices with our server (`None` for peers).
    admin: Option<Admin>,
    /// Device tokens created so far, by fleet owner (our server only).
    owners: std::collections::HashMap<String, String>,
}

/// `server admin device create` against one server's database.
struct Admin {
    bin: PathBuf,
    database_url: String,
}

impl Admin {
    /// Registers a device called `name` and returns its token.
    fn create_device(&self, name: &str) -> anyhow::Result<String> {
        let out = Command::new(&self.bin)
            .env("DATABASE_URL", &self.database_url)
            .env("SYNC__TELEMETRY__FILTER", "warn")
            .args(["admin", "device", "create", "--name", name, "--json"])
            .output()?;
        if !out.status.success() {
            bail!(
                "`server admin device create` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        Ok(json["token"]
            .as_str()
            .context("no token in device json")?
            .to_owned())
    }
}

/// Whether the load generator can sit on core 1 while servers use core 0.
pub fn can_pin() -> bool {
    // Decided once, before this process pins itself (which shrinks its own parallelism to 1).
    static CAN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CAN.get_or_init(|| {
        std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
            && Command::new("taskset").arg("-V").output().is_ok()
    })
}

/// Pins this process (all its threads) to core 1; call before starting any runtime.
pub fn pin_self_to_core_1() {
    if can_pin() {
        let pid = std::process::id().to_string();
        let _ = Command::new("taskset")
            .args(["-a", "-p", "-c", "1", &pid])
            .stdout(Stdio::null())
            .status();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn pinned(program: &Path) -> Command {
    if can_pin() {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Running {
    /// Starts `kind` with its data under `dir` (created) and waits until it accepts sockets.
    pub fn start(kind: ServerKind, programs: &Programs, dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let port = free_port()?;
        let data = dir.join("data");
        std::fs::create_dir_all(&data)?;
        let (command, token, admin) = match kind {
            ServerKind::OursSqlite | ServerKind::OursSqliteBatched | ServerKind::OursPostgres => {
                let bin = programs.ours.as_ref().context("no `server` binary")?;
                let db = if kind == ServerKind::OursPostgres {
                    fresh_pg_database(programs.pg_url.as_deref().context("no PostgreSQL URL")?)?
                } else {
                    format!("sqlite://{}", data.join("server.db").display())
                };
                let admin = Admin {
                    bin: bin.clone(),
                    database_url: db.clone(),
                };
                let token = admin.create_device("bench")?;
                let mut c = pinned(bin);
                c.env("DATABASE_URL", &db)
                    .env("SYNC__TELEMETRY__FILTER", "warn")
                    .env("SYNC__SERVER__BIND", format!("127.0.0.1:{port}"))
                    .args(["serve", "--bind", &format!("127.0.0.1:{port}")]);
                (c, Some(token), Some(admin))
            }
            ServerKind::Samod => {
                let bin = programs
                    .samod
                    .as_ref()
                    .context("no `samod-server` binary")?;
                let mut c = pinned(bin);
                c.arg(port.to_string()).arg(&data);
                (c, None, None)
            }
            ServerKind::Js => {
                let js = programs.js_dir.as_ref().context("JS peer not installed")?;
                let mut c = pinned(Path::new("node"));
                c.arg(js.join("server.mjs"))
                    .arg(port.to_string())
                    .arg(&data);
                (c, None, None)
            }
        };
        let mut running = Self {
            kind,
            child: None,
            port,
            token,
            dir: dir.to_owned(),
            command,
            admin,
            owners: std::collections::HashMap::new(),
        };
        running.spawn()?;
        Ok(running)
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))?;
        self.command
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let mut child = self.command.spawn()?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = child.try_wait()? {
                bail!(
                    "{} exited at start ({status}); see {}",
                    self.kind.label(),
                    self.log_path().display()
                );
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                bail!("{} did not listen within 30 s", self.kind.label());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Accepting TCP is not being ready: automerge-repo 2.5.6 resets the first WebSocket
        // connections after a start (seen in W1, W6 and W7 seeding). Ready means a `join` is
        // answered with `peer`; the workload starts then.
        while !self.answers_join() {
            if let Some(status) = child.try_wait()? {
                bail!(
                    "{} exited at start ({status}); see {}",
                    self.kind.label(),
                    self.log_path().display()
                );
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                bail!("{} did not answer a join within 30 s", self.kind.label());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child = Some(child);
        Ok(())
    }

    /// One blocking WebSocket handshake and `join` → `peer` exchange, bounded by 2 s.
    fn answers_join(&self) -> bool {
        use sync_core::sync::{Message, PROTOCOL_V1};
        use tokio_tungstenite::tungstenite::{self, Message as Frame};
        static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let attempt = || -> anyhow::Result<bool> {
            let tcp = std::net::TcpStream::connect(("127.0.0.1", self.port))?;
            tcp.set_read_timeout(Some(Duration::from_secs(2)))?;
            tcp.set_write_timeout(Some(Duration::from_secs(2)))?;
            let (mut ws, _) = tungstenite::client(self.url(), tcp)?;
            let join = Message::Join {
                sender_id: format!("ready-probe-{}-{n}", std::process::id()),
                supported_protocol_versions: vec![PROTOCOL_V1.to_owned()],
                peer_metadata: None,
            };
            ws.send(Frame::binary(sync_core::sync::encode(&join)))?;
            loop {
                if let Frame::Binary(bytes) = ws.read()? {
                    let peer = matches!(
                        sync_core::sync::decode(&bytes, usize::MAX),
                        Ok(Message::Peer { .. })
                    );
                    let _ = ws.close(None);
                    return Ok(peer);
                }
            }
        };
        attempt().unwrap_or(false)
    }

    /// The server's log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The WebSocket URL a device of fleet owner `owner` (a cell's account) dials. Our server
    /// gets one device credential per owner, as in production: the access rule then gives a
    /// device its owner's documents only. (With one credential shared by the whole fleet, every
    /// device may read every document, and the batched extension rightly hands each device
    /// every readable document it lacks.) The peers have no credentials: their URL is shared.
    pub fn url_as(&mut self, owner: &str) -> anyhow::Result<String> {
        let (Some(admin), Some(_)) = (self.admin.as_ref(), self.token.as_ref()) else {
            return Ok(self.url());
        };
        let token = match self.owners.get(owner) {
            Some(token) => token.clone(),
            None => {
                let token = admin.create_device(owner)?;
                self.owners.insert(owner.to_owned(), token.clone());
                token
            }
        };
        Ok(format!("ws://127.0.0.1:{}/sync?token={token}", self.port))
    }

    /// The WebSocket URL of the harness's own device (`bench`): probes and `/metrics`. Fleet
    /// devices use [`Running::url_as`].
    pub fn url(&self) -> String {
        match &self.token {
            Some(token) => format!("ws://127.0.0.1:{}/sync?token={token}", self.port),
            None => format!("ws://127.0.0.1:{}/", self.port),
        }
    }

    /// The project's `/metrics` endpoint, if this is our server.
    pub fn metrics_addr(&self) -> Option<(u16, String)> {
        self.token.as_ref().map(|t| (self.port, t.clone()))
    }

    /// The process id, while running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// CPU and memory of the server process.
    pub fn sample(&self) -> ProcSample {
        self.pid().and_then(procstat::sample).unwrap_or_default()
    }

    /// The server process's CPU time now, per thread (see [`CpuMark`]).
    pub fn cpu_mark(&self) -> CpuMark {
        self.pid().and_then(CpuMark::read).unwrap_or_default()
    }

    /// Stops the process: SIGTERM (servers flush on it), SIGKILL after 15 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Stops and starts the server on the same data: a cold server with a warm store. Returns
    /// the time from spawn until it accepted a TCP connection.
    pub fn restart(&mut self) -> anyhow::Result<Duration> {
        self.stop();
        let start = Instant::now();
        self.spawn()?;
        Ok(start.elapsed())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Creates `bench_<pid>_<n>` on the PostgreSQL server of `base` and returns its URL.
fn fresh_pg_database(base: &str) -> anyhow::Result<String> {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "bench_{}_{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let out = Command::new("psql")
        .arg(base)
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            &format!("CREATE DATABASE {name}"),
        ])
        .output()
        .context("psql not runnable")?;
    if !out.status.success() {
        bail!(
            "CREATE DATABASE failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let cut = base
        .rfind('/')
        .context("PostgreSQL URL without a database")?;
    Ok(format!("{}/{name}", &base[..cut]))
}
