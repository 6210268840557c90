//! Profiling only the timed phases. Seeding a workload can take minutes and its timed phase a
//! fraction of a second, so a profile of the whole run says little about the phase. Start
//! `perf record` paused with a control FIFO pair and name them in `BENCH_PERF_CTL`:
//!
//! ```text
//! mkfifo /tmp/ctl /tmp/ack
//! perf record -e cpu-clock -F 999 --call-graph dwarf -a --delay=-1 \
//!     --control=fifo:/tmp/ctl,/tmp/ack -o /tmp/phase.perf &
//! BENCH_PERF_CTL=/tmp/ctl,/tmp/ack bench w2 --size spec --servers batched
//! ```
//!
//! Every [`Phase`](super::workloads::Phase) then enables perf when it begins and disables it
//! when it ends, so the profile holds the timed phases and nothing else.

use std::path::PathBuf;

use super::fsyncs::perf_command;

/// The control FIFOs of a paused `perf record`, from `BENCH_PERF_CTL=<ctl>,<ack>`.
#[derive(Debug, Clone)]
pub struct PerfControl {
    ctl: PathBuf,
    ack: PathBuf,
}

impl PerfControl {
    /// The FIFOs named by `BENCH_PERF_CTL`, if it is set.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var("BENCH_PERF_CTL").ok()?;
        let (ctl, ack) = value.split_once(',')?;
        Some(Self {
            ctl: ctl.into(),
            ack: ack.into(),
        })
    }

    /// Starts sampling.
    pub fn enable(&self) {
        self.send("enable");
    }

    /// Stops sampling.
    pub fn disable(&self) {
        self.send("disable");
    }

    fn send(&self, command: &str) {
        if let Err(e) = perf_command(&self.ctl, &self.ack, command) {
            eprintln!("BENCH_PERF_CTL: perf did not take {command:?}: {e}");
        }
    }
}
