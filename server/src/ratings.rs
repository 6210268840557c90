//! Ratings: meeting documents projected into plain rows at ingest, the review workflow, and the
//! aggregates, analytics and exports the committee dashboard reads (issue 5).
//!
//! No query here loads an Automerge document (performance.md §0 item 5): documents are read only
//! by the projection, after each durable commit ([`Projector`]) and by
//! `server admin rebuild-projections` ([`rebuild`]).
//!
//! - [`extract`]: document → rows (hydrate, normalise, validate, score with sync-core).
//! - [`project()`]: replaces one document's rows in one transaction; [`lock`]: the workflow.
//! - [`Projector`]: the async, coalescing queue the sync layer notifies after commits.
//! - [`rebuild`]: recomputes every projection from the stored documents; [`catch_up`]: what
//!   the projector re-projects at start (documents stored without a current projection).
//! - [`queries`]: grid, cell year, score explanation, queue, roll-up, absences, follow-ups.
//! - [`export`]: CSV (UTF-8 with BOM) and XLSX of ratings and attendance.
//! - [`violations`]: the authorship hook of the organisation layer.

pub mod authorship;
pub mod catch_up;
pub mod cell_years;
pub mod codes;
pub mod expected;
pub mod export;
pub mod extract;
pub mod lock;
mod project;
pub mod projector;
pub mod queries;
pub mod rebuild;
pub mod rows;
mod totals;
pub mod violations;
mod write;

pub use authorship::OrgAuthorship;
pub use project::{
    DocSource, Pending, ProjectContext, ProjectionOutcome, pending_read, pending_stored, project,
    project_stored, refresh_all_totals, write_pending, write_projection,
};
pub use projector::Projector;
pub use violations::{NoAuthorshipCheck, Violation, ViolationCheck};

use crate::db::DbError;
use crate::store::StoreError;

/// Settings of the ratings projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingsConfig {
    /// Days after the end of its period a confirmed meeting locks by itself (DHIS2's
    /// `expiryDays`). Env `SYNC__RATINGS__AUTO_LOCK_DAYS`, default 30.
    pub auto_lock_days: u32,
    /// Preset whose roll-up rule decides the year (domain.md §5.3: Phú Thọ's rule). Env
    /// `SYNC__RATINGS__ROLLUP_RUBRIC`, default `phu-tho-2019`.
    pub rollup_rubric: String,
}

impl Default for RatingsConfig {
    fn default() -> Self {
        Self {
            auto_lock_days: 30,
            rollup_rubric: "phu-tho-2019".to_owned(),
        }
    }
}

impl RatingsConfig {
    /// Defaults overridden by `SYNC__RATINGS__AUTO_LOCK_DAYS` / `SYNC__RATINGS__ROLLUP_RUBRIC`;
    /// a malformed number keeps the default and is logged.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(days) = std::env::var("SYNC__RATINGS__AUTO_LOCK_DAYS") {
            match days.trim().parse() {
                Ok(d) => config.auto_lock_days = d,
                Err(_) => tracing::warn!(value = %days, "ignoring malformed auto-lock days"),
            }
        }
        if let Ok(id) = std::env::var("SYNC__RATINGS__ROLLUP_RUBRIC") {
            config.rollup_rubric = id;
        }
        config
    }
}

/// Errors of the ratings layer. A bad document is never an error (it becomes problem rows).
#[derive(Debug, thiserror::Error)]
pub enum RatingsError {
    /// Pool checkout or blocking task failure.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A query failed.
    #[error("ratings query failed")]
    Query(#[from] diesel::result::Error),
    /// Reading a stored document failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A request parameter is out of range.
    #[error("invalid parameter: {0}")]
    Invalid(String),
    /// Writing an export failed.
    #[error("could not write the export")]
    Export(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<RatingsError> for crate::error::ApiError {
    fn from(e: RatingsError) -> Self {
        match e {
            RatingsError::Invalid(m) => Self::BadRequest(m),
            RatingsError::Db(DbError::Pool(p)) => Self::Unavailable(p.into()),
            other => Self::Unexpected(other.into()),
        }
    }
}
