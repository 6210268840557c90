//! The authorship hook. The organisation layer decides who may make which change (a cell may not
//! confirm its own score, only the committee may lock); until it plugs in, no check runs and no
//! violation is reported. A violation with `is_error` makes the meeting invalid (never rated).

use sync_core::doc::MeetingRead;

use crate::db::DbConnection;

/// One authorship rule broken by a change of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Stable snake_case code, e.g. `superior_score_by_cell`.
    pub code: String,
    /// Document field path concerned.
    pub path: String,
    /// A sentence for the committee.
    pub message: String,
    /// True when the meeting must not count as rated because of it.
    pub is_error: bool,
}

/// Source of authorship violations for a document, called inside the projection.
pub trait ViolationCheck: Send + Sync + 'static {
    /// Violations of `doc_id` at its current version (may read `changes` and the org tree).
    fn violations(
        &self,
        conn: &mut DbConnection,
        doc_id: &str,
        doc: &dyn MeetingRead,
    ) -> Vec<Violation>;
}

/// The check used until the organisation layer provides one: reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuthorshipCheck;

impl ViolationCheck for NoAuthorshipCheck {
    fn violations(&self, _: &mut DbConnection, _: &str, _: &dyn MeetingRead) -> Vec<Violation> {
        Vec::new()
    }
}
