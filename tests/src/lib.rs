//! End-to-end harness: simulated device fleets and interop peers driving the real server.

pub mod bench;
pub mod samod_peer;
