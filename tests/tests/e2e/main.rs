//! End-to-end tests: the real server in-process (port 0, a fresh database per test) driven
//! over real WebSockets by stock JS clients, samod and Rust devices.
//!
//! PostgreSQL tests use a fresh database on `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and fail if it is unreachable. Interop tests need
//! `npm install` in `tests/interop`. `TEST_LOG=1` shows the server's logs.

mod access;
mod access_cells;
mod access_org;
mod access_revoke;
mod bad_input;
mod batch_heads;
mod connections;
mod devices;
mod interop;
mod ratings_copy;
mod review_push;
mod shutdown;
mod support;
