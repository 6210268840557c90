//! Recomputing every projection from the stored documents (`server admin rebuild-projections`).
//! Each document is replaced in its own transaction, so the dashboard keeps answering during a
//! rebuild; rows of documents no longer stored are removed at the end. Lock rows are workflow
//! state and are kept, which is what makes two rebuilds give identical rows.

use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::{ProjectContext, RatingsError, project_stored};
use crate::db::schema::documents;
use crate::db::{DbConnection, with_conn};

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// Stored documents read.
    pub documents: usize,
    /// Meetings projected as valid.
    pub valid: usize,
    /// Meetings projected with load or validation errors (kept as problems).
    pub invalid: usize,
    /// Stored documents that are not meetings (rosters), skipped.
    pub skipped: usize,
    /// Projection rows of documents no longer stored, removed.
    pub removed: usize,
    /// Wall time.
    pub elapsed: Duration,
}

/// Re-projects every stored document; `progress(done, total)` is called after each one.
pub fn rebuild(
    conn: &mut DbConnection,
    ctx: ProjectContext<'_>,
    mut progress: impl FnMut(usize, usize),
) -> Result<RebuildReport, RatingsError> {
    let started = Instant::now();
    let ids: Vec<String> = with_conn!(&mut *conn, |c| {
        documents::table
            .select(documents::doc_id)
            .order(documents::doc_id.asc())
            .load(c)?
    });
    let mut report = RebuildReport {
        documents: ids.len(),
        valid: 0,
        invalid: 0,
        skipped: 0,
        removed: 0,
        elapsed: Duration::ZERO,
    };
    super::project::sweep_auto_locks(conn, ctx.today)?;
    for (i, id) in ids.iter().enumerate() {
        match project_stored(conn, id, ctx)? {
            Some(o) if o.not_a_meeting => report.skipped += 1,
            Some(o) if o.valid => report.valid += 1,
            Some(_) => report.invalid += 1,
            None => {}
        }
        progress(i + 1, ids.len());
    }
    // Child rows go with their fact row (ON DELETE CASCADE).
    report.removed = with_conn!(&mut *conn, |c| {
        diesel::sql_query(
            "DELETE FROM meeting_facts WHERE doc_id NOT IN (SELECT doc_id FROM documents)",
        )
        .execute(c)?
    });
    super::project::refresh_all_totals(conn)?;
    report.elapsed = started.elapsed();
    Ok(report)
}
