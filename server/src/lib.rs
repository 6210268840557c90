#![warn(missing_docs)]
//! # server
//!
//! The sync server: actix-web 4 over rustls, diesel 2.3 on SQLite or PostgreSQL.
//!
//! - [`settings`]: layered configuration; [`telemetry`]: logging; [`startup`]: the
//!   [`Application`](startup::Application); [`cli`]: the command line.
//! - [`db`]: connections, pool, migrations, `run_blocking`; [`store`]: documents, sync states,
//!   audit log, quarantine, compaction.
//! - [`auth`]: device tokens and the `AuthenticatedDevice` extractor; [`metrics`]: Prometheus;
//!   [`routes`]: HTTP routes; [`error`]: `ApiError`.
//! - [`org`]: the effective-dated organisation tree, members, import/export and the access
//!   rule; [`accounts`]: users, roles, login sessions, rate limits and revocation events.
//! - [`app`]: the field app's embedded assets at `/app/`.
//! - [`audit`]: who wrote what in a meeting (history, the record at earlier heads) and the
//!   authorship check ([`audit::violations`]) the ratings projection calls.
//! - [`ws`]: the automerge-repo sync endpoint `/sync` and the hub that drives the sync engine.

pub mod accounts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod metrics;
pub mod org;
pub mod ratings;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod testing;
pub mod ws;
