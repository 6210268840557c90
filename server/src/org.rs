//! The organisation: an effective-dated tree of party units, the members of each cell over time,
//! import and export of both, and the pure access rule.
//!
//! - [`tree`]: [`OrgTree`], the tree as of one date (pure: ancestor paths, subtrees).
//! - [`units`]: creating, renaming, moving, merging, splitting and closing units in the database;
//!   every change adds a version from a date and closes the previous one, never rewriting the
//!   past. [`units::tree_as_of`] loads an [`OrgTree`].
//! - [`cell_types`]: each cell's type (residential, agency, …), for its agenda template.
//! - [`people`]: members (`ho`/`ten_dem`/`ten`, party status) and their cell over time.
//! - [`table`]: reading CSV/XLSX (UTF-8 only, legacy encodings refused naming the row) and
//!   writing CSV (UTF-8 with BOM) or XLSX.
//! - [`import`] / [`roster`]: idempotent tree and roster import with a dry-run plan, and export.
//! - [`access`]: `decide(roles, doc cell, tree) -> Decision`, the pure access rule the sync
//!   engine's `AccessPolicy` is built on.
//!
//! Names go through `sync_core::text::normalize` (NFC, Đ homoglyphs) and whitespace collapsing
//! before they are stored or compared, so "Ðảng ủy Khối" (U+00D0) and "Đảng ủy Khối" are one
//! name.

pub mod access;
pub mod cell_types;
pub mod import;
pub mod people;
pub mod roster;
pub mod table;
pub mod tree;
pub mod units;

pub use tree::{OrgTree, PathEntry, TreeUnit, UnitKind};

use chrono::NaiveDate;

/// Errors of the organisation layer.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// A query failed.
    #[error("organisation query failed")]
    Query(#[from] diesel::result::Error),
    /// No unit has this code.
    #[error("no unit with code `{0}`")]
    UnknownCode(String),
    /// A unit with this code exists already.
    #[error("a unit with code `{0}` exists already")]
    DuplicateCode(String),
    /// The unit does not exist on the date asked about.
    #[error("unit `{code}` does not exist on {date}")]
    NotInForce {
        /// Unit code.
        code: String,
        /// The date.
        date: NaiveDate,
    },
    /// A sibling already carries this name (after normalisation).
    #[error("`{parent}` already has a unit named `{name}`")]
    NameTaken {
        /// The parent's code (or `(root)`).
        parent: String,
        /// The normalised name.
        name: String,
    },
    /// The change would make a unit its own ancestor.
    #[error("moving `{code}` under `{parent}` would make a cycle")]
    Cycle {
        /// The unit moved.
        code: String,
        /// The new parent.
        parent: String,
    },
    /// A change dated before the unit's latest version would rewrite recorded history.
    #[error("unit `{code}` has a version from {latest}; a change from {date} would rewrite it")]
    HistoryConflict {
        /// Unit code.
        code: String,
        /// Start of the latest version.
        latest: NaiveDate,
        /// The requested date.
        date: NaiveDate,
    },
    /// An empty name or code.
    #[error("the {0} must not be empty")]
    Empty(&'static str),
    /// A stored value does not parse (e.g. an unknown kind).
    #[error("stored value `{0}` is not valid")]
    Corrupt(String),
}

/// A unit name as stored and compared: normalised (NFC, Đ homoglyphs) with whitespace collapsed.
pub fn clean_name(raw: &str) -> String {
    sync_core::text::normalize(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
