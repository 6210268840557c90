//! Benchmarks of the project's server side by side with samod 0.16 and automerge-repo 2.5.6
//! (issue 7, performance.md §5): a deterministic device fleet built on sync-core's
//! [`ClientEngine`](sync_core::sync::ClientEngine), one WebSocket client for every server,
//! servers as separate processes pinned to core 0, and a no-lost-edit check after each run.
//!
//! Entry points: [`workloads::run`] for one workload over every server, the `bench` binary for
//! the command line, `docs/BENCHMARKS.md` for results.

pub mod fleet;
pub mod fsyncs;
pub mod link;
pub mod procstat;
pub mod profile_phases;
pub mod report;
pub mod server_metrics;
pub mod servers;
pub mod verify;
pub mod workloads;
