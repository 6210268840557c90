//! End-to-end harness: the real server started in-process on a fresh database, and the peers
//! that drive it over real WebSockets.
//!
//! - [`server`]: per-test databases (SQLite in a temp dir, or a fresh PostgreSQL database) and
//!   [`TestServer`](server::TestServer).
//! - [`ws_client`]: a raw WebSocket peer for bad-input tests and a Rust device built on
//!   `sync_core::sync::ClientEngine`.
//! - [`node`]: the stock `@automerge/automerge-repo` client in `interop/client.mjs`.
//! - [`samod_peer`]: a samod 0.16 peer.
//! - [`browser`]: the browser tests' server on the demo province and their node scripts.
//! - [`bench`]: the benchmark harness (`cargo run --release -p e2e --bin bench`).

pub mod bench;
pub mod browser;
pub mod node;
pub mod samod_peer;
pub mod server;
pub mod ws_client;
