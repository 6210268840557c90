//! `fsync` and `fdatasync` calls during a phase, counted machine-wide by `perf stat` on the
//! syscall tracepoints (Debian's `linux-perf`). Machine-wide on purpose: a database server's own
//! syncs (PostgreSQL's WAL writer and backends) belong to the row that uses it, and the load
//! generator makes none. Counting per process would miss the threads a server starts later
//! (tokio's blocking pool). Where perf is missing or may not read tracepoints, the count is
//! `None` and the table shows `n/a`.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const EVENTS: [&str; 2] = ["syscalls:sys_enter_fsync", "syscalls:sys_enter_fdatasync"];

/// A running `perf stat`, counting from [`FsyncCounter::start`] until [`FsyncCounter::stop`].
pub struct FsyncCounter {
    perf: Child,
    out: PathBuf,
    // Holds the FIFOs and the output file until perf is done with them.
    _dir: tempfile::TempDir,
}

impl FsyncCounter {
    /// Starts perf with its events disabled and enables them once it is ready, so counting
    /// begins when this returns; `None` when perf cannot count here.
    pub fn start() -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let (ctl, ack, out) = (
            dir.path().join("ctl"),
            dir.path().join("ack"),
            dir.path().join("out"),
        );
        let fifos = Command::new("mkfifo").arg(&ctl).arg(&ack).status();
        if !fifos.is_ok_and(|s| s.success()) {
            return None;
        }
        let mut perf = Command::new("perf")
            .args(["stat", "--all-cpus", "--field-separator=,", "--delay=-1"])
            .arg(format!(
                "--control=fifo:{},{}",
                ctl.display(),
                ack.display()
            ))
            .args(EVENTS.iter().flat_map(|e| ["--event", e]))
            .arg("--output")
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        // Opening a FIFO blocks until perf opens the other end, which a perf that failed to
        // start never does: the handshake runs on its own thread, given up after a timeout.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(perf_command(&ctl, &ack, "enable"));
        });
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Some(Self {
                perf,
                out,
                _dir: dir,
            }),
            _ => {
                let _ = perf.kill();
                let _ = perf.wait();
                None
            }
        }
    }

    /// Stops perf and returns the calls it counted; `None` if it could not count them.
    pub fn stop(mut self) -> Option<u64> {
        // perf stat writes its counts when interrupted.
        let interrupted = Command::new("kill")
            .args(["-INT", &self.perf.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !interrupted {
            return None;
        }
        self.perf.wait().ok()?;
        parse(&std::fs::read_to_string(&self.out).ok()?)
    }
}

impl Drop for FsyncCounter {
    fn drop(&mut self) {
        if let Ok(None) = self.perf.try_wait() {
            let _ = self.perf.kill();
            let _ = self.perf.wait();
        }
    }
}

/// Sends a running perf `command` (`enable`, `disable`) through its control FIFO `ctl` and
/// waits for its `ack` on the FIFO `ack`.
pub(super) fn perf_command(ctl: &Path, ack: &Path, command: &str) -> std::io::Result<()> {
    let mut ctl = OpenOptions::new().write(true).open(ctl)?;
    writeln!(ctl, "{command}")?;
    let mut reply = String::new();
    BufReader::new(File::open(ack)?).read_line(&mut reply)?;
    if reply.trim() == "ack" {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("perf answered {reply:?}")))
    }
}

/// Sums the counts of perf's CSV output (`count,unit,event,…`); `None` unless every event was
/// counted.
fn parse(csv: &str) -> Option<u64> {
    let mut total = 0;
    for event in EVENTS {
        let line = csv.lines().find(|l| l.split(',').nth(2) == Some(event))?;
        total += line.split(',').next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_summed_over_both_events() {
        let csv = "# started on Sat Nov 28 05:32:47 2026\n\n\
                   7,,syscalls:sys_enter_fsync,610576007,100.00,,\n\
                   5,,syscalls:sys_enter_fdatasync,610575346,100.00,,\n";
        assert_eq!(parse(csv), Some(12));
    }

    #[test]
    fn an_event_perf_could_not_count_gives_no_figure() {
        let csv = "7,,syscalls:sys_enter_fsync,1,100.00,,\n\
                   <not supported>,,syscalls:sys_enter_fdatasync,0,100.00,,\n";
        assert_eq!(parse(csv), None);
        assert_eq!(parse("7,,syscalls:sys_enter_fsync,1,100.00,,\n"), None);
    }

    #[test]
    fn a_counter_sees_the_syncs_made_while_it_runs() {
        // The README's test command installs linux-perf and runs as root, as the bench does.
        let counter = FsyncCounter::start()
            .expect("perf stat counts syscall tracepoints (linux-perf, run as root)");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = File::create(dir.path().join("f")).expect("create");
        for _ in 0..5 {
            file.sync_all().expect("fsync");
            file.sync_data().expect("fdatasync");
        }
        let counted = counter.stop().expect("perf counted");
        assert!(counted >= 10, "counted {counted} of at least 10 syncs");
    }
}
