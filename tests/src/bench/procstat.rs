//! Server CPU time and memory from `/proc/<pid>/stat` and `/proc/<pid>/status`, and a
//! phase's CPU time to the nanosecond from each thread's `/proc/<pid>/task/<tid>/schedstat`.

use std::collections::HashMap;

/// A sample of one process's resource use.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcSample {
    /// User + system CPU seconds since the process started.
    pub cpu_s: f64,
    /// Peak resident set (`VmHWM`), bytes.
    pub peak_rss: u64,
    /// Current resident set (`VmRSS`), bytes.
    pub rss: u64,
}

/// Clock ticks per second for `/proc/<pid>/stat` (`getconf CLK_TCK`; 100 on Linux when unknown).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Reads the process's CPU time and memory; `None` once it has exited.
pub fn sample(pid: u32) -> Option<ProcSample> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = |key: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |k| k * 1024)
    };
    Some(ProcSample {
        cpu_s: (utime + stime) / clock_ticks(),
        peak_rss: kib("VmHWM:"),
        rss: kib("VmRSS:"),
    })
}

/// A process's resource use at one instant: its [`ProcSample`] (whose clock-tick CPU total
/// keeps the time of exited threads) and each live thread's nanoseconds on a CPU (`schedstat`).
#[derive(Debug, Clone, Default)]
pub struct CpuMark {
    /// CPU ticks and memory, as [`sample`] reads them.
    pub sample: ProcSample,
    threads_ns: HashMap<u32, u64>,
}

impl CpuMark {
    /// Reads the mark; `None` once the process has exited.
    pub fn read(pid: u32) -> Option<Self> {
        let sample = sample(pid)?;
        let mut threads_ns = HashMap::new();
        for entry in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
            let Some(tid) = entry
                .ok()
                .and_then(|e| e.file_name().to_str()?.parse::<u32>().ok())
            else {
                continue;
            };
            // A thread that exits between the listing and the read is simply absent.
            let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/schedstat"))
            else {
                continue;
            };
            if let Some(ns) = text.split_whitespace().next().and_then(|v| v.parse().ok()) {
                threads_ns.insert(tid, ns);
            }
        }
        Some(Self { sample, threads_ns })
    }

    /// CPU seconds from `self` to the later `end`. Per thread to the nanosecond when every
    /// thread of `self` still runs at `end` (a thread started between counts from zero);
    /// otherwise an exited thread's time is only in the tick total, which is used then
    /// (resolution 1/`CLK_TCK`, 10 ms).
    pub fn seconds_until(&self, end: &CpuMark) -> f64 {
        let all_alive = self
            .threads_ns
            .keys()
            .all(|tid| end.threads_ns.contains_key(tid));
        if self.threads_ns.is_empty() || !all_alive {
            return end.sample.cpu_s - self.sample.cpu_s;
        }
        let ns: u64 = end
            .threads_ns
            .iter()
            .map(|(tid, ns)| ns.saturating_sub(self.threads_ns.get(tid).copied().unwrap_or(0)))
            .sum();
        ns as f64 / 1e9
    }

    /// CPU seconds from `self` to the later `end` per thread name of process `pid` (threads of
    /// one name summed; threads that exited before `end` are not counted), most first.
    pub fn by_thread_name(&self, end: &CpuMark, pid: u32) -> Vec<(String, f64)> {
        let mut by_name: HashMap<String, u64> = HashMap::new();
        for (tid, ns) in &end.threads_ns {
            let name = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm"))
                .map_or_else(|_| format!("tid {tid}"), |n| n.trim().to_owned());
            let spent = ns.saturating_sub(self.threads_ns.get(tid).copied().unwrap_or(0));
            *by_name.entry(name).or_default() += spent;
        }
        let mut out: Vec<(String, f64)> = by_name
            .into_iter()
            .filter(|(_, ns)| *ns > 0)
            .map(|(name, ns)| (name, ns as f64 / 1e9))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(cpu_s: f64, threads: &[(u32, u64)]) -> CpuMark {
        CpuMark {
            sample: ProcSample {
                cpu_s,
                ..ProcSample::default()
            },
            threads_ns: threads.iter().copied().collect(),
        }
    }

    #[test]
    fn a_phase_counts_each_thread_to_the_nanosecond_a_new_thread_from_zero() {
        let start = mark(1.0, &[(1, 5_000_000), (2, 7_000_000)]);
        let end = mark(1.01, &[(1, 6_500_000), (2, 7_000_000), (3, 250_000)]);
        let cpu = start.seconds_until(&end);
        assert!((cpu - 0.00175).abs() < 1e-12, "{cpu}");
    }

    #[test]
    fn a_phase_in_which_a_thread_exited_falls_back_to_the_tick_total() {
        let start = mark(1.0, &[(1, 5_000_000), (2, 7_000_000)]);
        let end = mark(1.02, &[(1, 6_500_000)]);
        assert!((start.seconds_until(&end) - 0.02).abs() < 1e-9);
    }

    #[test]
    fn threads_are_listed_by_name_busiest_first_and_idle_ones_left_out() {
        let pid = std::process::id();
        // This process's main thread (its tid is the pid) and two tids it does not have.
        let (main, gone, idle) = (pid, u32::MAX - 1, u32::MAX - 2);
        let start = mark(1.0, &[(main, 1_000), (gone, 0), (idle, 9_000)]);
        let end = mark(1.0, &[(main, 2_000), (gone, 3_000), (idle, 9_000)]);
        let names: Vec<(String, f64)> = start.by_thread_name(&end, pid);
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(names[0].0, format!("tid {gone}"));
        assert!((names[0].1 - 3e-6).abs() < 1e-12);
        assert_ne!(
            names[1].0,
            format!("tid {main}"),
            "the main thread has a name"
        );
        assert!((names[1].1 - 1e-6).abs() < 1e-12);
    }

    #[test]
    fn this_process_reads_with_its_threads() {
        let mark = CpuMark::read(std::process::id()).expect("this process");
        assert!(!mark.threads_ns.is_empty());
        assert!(mark.threads_ns.values().any(|ns| *ns > 0));
    }
}
