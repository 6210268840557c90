//! Writing one document's projection: read the version, compute the rows, apply the review
//! workflow and replace the document's rows in one write transaction. Idempotent.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use sync_core::doc::{MeetingDoc, RosterDoc};

use super::extract::{self, VersionInfo};
use super::lock::{self, LockChange};
use super::rows::Projection;
use super::violations::ViolationCheck;
use super::write::RowWriter;
use super::{RatingsConfig, RatingsError};
use crate::db::schema::documents;
use crate::db::{DbConnection, with_conn, write_tx};
use crate::store;

/// What to project: stored bytes (the concatenated chunks) or a document already in memory.
#[derive(Debug, Clone, Copy)]
pub enum DocSource<'a> {
    /// Automerge bytes; garbage is projected as a load problem, never an error.
    Bytes(&'a [u8]),
    /// A loaded meeting document.
    Doc(&'a MeetingDoc),
}

/// Settings and hooks of a projection run.
#[derive(Clone, Copy)]
pub struct ProjectContext<'a> {
    /// Auto-lock days and the roll-up rubric.
    pub config: &'a RatingsConfig,
    /// Authorship rules (the organisation layer's hook).
    pub check: &'a dyn ViolationCheck,
    /// The date auto-locks are decided against (normally today, UTC).
    pub today: NaiveDate,
}

/// The result of projecting one document.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionOutcome {
    /// The document.
    pub doc_id: String,
    /// Loaded, validated without errors and without authorship errors.
    pub valid: bool,
    /// The official level now shown (frozen one when locked), if any.
    pub official_level: Option<String>,
    /// Content changed since the lock.
    pub amended_after_lock: bool,
    /// The lock decision.
    pub lock: LockChange,
    /// Problems (load, validation, score) recorded.
    pub problem_count: i64,
    /// The document is not a meeting (a roster): nothing projected, old rows removed.
    pub not_a_meeting: bool,
}

/// Projects document `doc_id` from `source`, replacing its previous rows in one transaction.
/// The heads and time of the version come from the store's `documents` row when there is one.
pub fn project(
    conn: &mut DbConnection,
    doc_id: &str,
    source: DocSource<'_>,
    ctx: ProjectContext<'_>,
) -> Result<ProjectionOutcome, RatingsError> {
    let stored = stored_version(conn, doc_id)?;
    match compute(conn, doc_id, source, stored, ctx) {
        Some(projection) => write(conn, projection, ctx.today),
        None => {
            write_tx!(conn, |c| {
                let old = c.fact(doc_id)?;
                c.delete_rows(doc_id)?;
                refresh_for(c, old.as_ref().map(|(f, _)| f))
            })?;
            Ok(ProjectionOutcome {
                doc_id: doc_id.to_owned(),
                valid: false,
                official_level: None,
                amended_after_lock: false,
                lock: LockChange::None,
                problem_count: 0,
                not_a_meeting: true,
            })
        }
    }
}

/// Loads `doc_id` from the store and projects it; `None` when the store does not have it (its
/// rows, if any, are removed).
pub fn project_stored(
    conn: &mut DbConnection,
    doc_id: &str,
    ctx: ProjectContext<'_>,
) -> Result<Option<ProjectionOutcome>, RatingsError> {
    let Some(doc) = store::load_document(conn, doc_id)? else {
        write_tx!(conn, |c| {
            let old = c.fact(doc_id)?;
            c.delete_rows(doc_id)?;
            refresh_for(c, old.as_ref().map(|(f, _)| f))
        })?;
        return Ok(None);
    };
    let bytes = doc.concat();
    project(conn, doc_id, DocSource::Bytes(&bytes), ctx).map(Some)
}

/// Computes the rows of a document without writing them; `None` for a roster document.
pub(crate) fn compute(
    conn: &mut DbConnection,
    doc_id: &str,
    source: DocSource<'_>,
    stored: Option<VersionInfo>,
    ctx: ProjectContext<'_>,
) -> Option<Projection> {
    let loaded;
    let doc = match source {
        DocSource::Doc(doc) => Ok(doc),
        DocSource::Bytes(bytes) => {
            loaded = MeetingDoc::load(bytes);
            loaded.as_ref().map_err(|e| (e.to_string(), bytes))
        }
    };
    match doc {
        Ok(doc) => {
            let version = stored.unwrap_or_else(|| unstored_version(doc));
            let violations = ctx.check.violations(conn, doc_id, doc);
            Some(extract::project_doc(
                doc_id,
                doc,
                &version,
                &violations,
                ctx.config,
            ))
        }
        // Rosters live in the same store; they are not meetings that failed.
        Err((_, bytes)) if RosterDoc::load(bytes).is_ok() => None,
        Err((error, bytes)) => {
            let version = stored.unwrap_or_else(|| VersionInfo {
                heads: String::new(),
                stored_at: now(),
            });
            let cell = extract::raw_cell_id(bytes);
            Some(extract::failed_projection(doc_id, &error, cell, &version))
        }
    }
}

/// Writes a computed projection, applying the review workflow against the previous rows.
pub(crate) fn write(
    conn: &mut DbConnection,
    mut projection: Projection,
    today: NaiveDate,
) -> Result<ProjectionOutcome, RatingsError> {
    let doc_id = projection.fact.doc_id.clone();
    let change = write_tx!(conn, |c| {
        let old = c.fact(&doc_id)?;
        let lock = c.lock(&doc_id)?;
        let old = old.as_ref().map(|(f, s)| OldVersion {
            fact: f,
            version: lock::Version {
                status: &f.status,
                heads: &f.heads,
                stored_at: f.projected_at,
                score: s,
            },
        });
        let change = lock::apply(old.map(|o| o.version), lock, &mut projection, today);
        let keys = [
            old.map(|o| month_key_of(o.fact)),
            Some(month_key_of(&projection.fact)),
        ];
        c.delete_rows(&doc_id)?;
        c.insert_rows(&projection)?;
        let mut keys: Vec<_> = keys.into_iter().flatten().flatten().collect();
        keys.dedup();
        for key in &keys {
            c.refresh_totals(key)?;
        }
        let mut cells: Vec<_> = [old.map(|o| o.fact), Some(&projection.fact)]
            .into_iter()
            .flatten()
            .filter_map(cell_month_key_of)
            .collect();
        cells.dedup();
        for key in &cells {
            c.refresh_cell_month(key)?;
        }
        match &change {
            LockChange::Created(l) => c.put_lock(l)?,
            LockChange::Reopened => c.delete_lock(&doc_id)?,
            LockChange::None | LockChange::Kept(_) => {}
        }
        diesel::QueryResult::Ok(change)
    })?;
    let score = projection.score;
    Ok(ProjectionOutcome {
        doc_id,
        valid: projection.fact.valid,
        official_level: score.official_level,
        amended_after_lock: score.amended_after_lock,
        lock: change,
        problem_count: score.problem_count,
        not_a_meeting: false,
    })
}

/// The previous rows of a document, as the write transaction reads them.
#[derive(Clone, Copy)]
struct OldVersion<'a> {
    fact: &'a super::rows::FactRow,
    version: lock::Version<'a>,
}

/// Refreshes the maintained rows a removed fact row counted in.
fn refresh_for(
    c: &mut impl RowWriter,
    old: Option<&super::rows::FactRow>,
) -> diesel::QueryResult<()> {
    let Some(fact) = old else {
        return Ok(());
    };
    if let Some(key) = month_key_of(fact) {
        c.refresh_totals(&key)?;
    }
    if let Some(key) = cell_month_key_of(fact) {
        c.refresh_cell_month(&key)?;
    }
    Ok(())
}

/// The cell-month a fact row may be shown in by the grid, if it has a period.
fn cell_month_key_of(fact: &super::rows::FactRow) -> Option<super::totals::CellMonthKey> {
    Some((
        fact.committee_id.clone(),
        fact.year?,
        fact.month?,
        fact.cell_id.clone(),
    ))
}

/// The committee-month a fact row counts in, if it has a period.
fn month_key_of(fact: &super::rows::FactRow) -> Option<super::totals::MonthKey> {
    Some((fact.committee_id.clone(), fact.year?, fact.month?))
}

/// Heads and write time of the stored version, if the store has the document.
pub(crate) fn stored_version(
    conn: &mut DbConnection,
    doc_id: &str,
) -> Result<Option<VersionInfo>, RatingsError> {
    let row: Option<(String, NaiveDateTime)> = with_conn!(conn, |c| {
        documents::table
            .find(doc_id)
            .select((documents::heads, documents::updated_at))
            .first(c)
            .optional()?
    });
    Ok(row.map(|(heads, stored_at)| VersionInfo { heads, stored_at }))
}

fn unstored_version(doc: &MeetingDoc) -> VersionInfo {
    let heads = doc.inner().clone().get_heads();
    VersionInfo {
        heads: store::encode_heads(&heads),
        stored_at: now(),
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Freezes the official rating of every confirmed meeting whose auto-lock date is on or before
/// `today` and that has no lock yet, from its current rows. Returns how many were frozen.
pub fn sweep_auto_locks(conn: &mut DbConnection, today: NaiveDate) -> Result<usize, RatingsError> {
    use super::rows::{FactRow, ScoreRow};
    use crate::db::schema::{meeting_facts as f, meeting_locks as l, meeting_scores as s};
    let today = lock::iso(today);
    let n = write_tx!(conn, |c| {
        let due: Vec<(FactRow, ScoreRow)> = f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::status.eq("da_xac_nhan"))
            .filter(s::auto_lock_on.le(&today))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                l::table.filter(l::doc_id.eq(f::doc_id)),
            )))
            .select((FactRow::as_select(), ScoreRow::as_select()))
            .load(c)?;
        for (fact, score) in &due {
            let v = lock::Version {
                status: &fact.status,
                heads: &fact.heads,
                stored_at: fact.projected_at,
                score,
            };
            c.put_lock(&lock::freeze(v, "auto"))?;
        }
        diesel::QueryResult::Ok(due.len())
    })?;
    Ok(n)
}

/// Recomputes every maintained committee-month total in one transaction (after a rebuild or a
/// bulk load).
pub fn refresh_all_totals(conn: &mut DbConnection) -> Result<(), RatingsError> {
    write_tx!(conn, |c| c.refresh_all_totals())?;
    Ok(())
}
