//! Integration tests of the server: one binary (faster to link), one module per area.
//!
//! Store tests run on SQLite (a temp file) AND PostgreSQL (a fresh database per test, created
//! from `TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`). PostgreSQL
//! being unreachable fails those tests. Set `TEST_LOG=1` to see the server's logs.

mod access_authorship;
mod access_policy;
mod accounts_session;
mod auth;
mod demo_province;
mod health;
mod helpers;
mod org_import;
mod org_tree;
mod ratings_api;
mod ratings_catch_up;
mod ratings_expected;
mod ratings_maintained;
mod ratings_projection;
mod ratings_queries;
mod ratings_support;
mod review_api;
mod roster_documents;
mod startup;
mod store;
mod tls;
mod units_api;
