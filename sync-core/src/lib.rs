//! # sync-core
//!
//! The shared library of the party-cell minutes system, embedded by devices, the server and (in
//! part, through WebAssembly) the browser field app:
//!
//! - [`record`]: the minutes of one meeting as plain data;
//! - [`text`]: Vietnamese text hygiene (NFC, Đ homoglyphs, names, collation, dates);
//! - [`rubric`]: the rubric engine that turns a record into a score and a level;
//! - [`validate`]: typed problems of a record;
//! - `doc` (feature `automerge`): the meeting and roster Automerge documents, typed operations,
//!   deterministic genesis and conflicts;
//! - `doc_id` (feature `doc-id`, implied by `automerge`): automerge-repo document ids;
//! - `sync` (feature `automerge`): a sans-IO engine speaking the automerge-repo v1 wire protocol.
//!
//! Nothing here opens a socket, spawns a task or reads a clock.

pub mod record;
pub mod rubric;
pub mod text;
pub mod validate;

#[cfg(feature = "automerge")]
pub mod doc;
#[cfg(feature = "doc-id")]
pub mod doc_id;
#[cfg(feature = "automerge")]
pub mod sync;
