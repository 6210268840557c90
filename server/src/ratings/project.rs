//! Writing a document's projection: read the version, compute the rows, apply the review
//! workflow and replace the document's rows in one write transaction, alone or with the other
//! documents of a projector round ([`write_pending`]). Idempotent.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use sync_core::doc::{MeetingDoc, RosterDoc};

use super::extract::{self, VersionInfo};
use super::lock::{self, LockChange};
use super::rows::{CellMonthRow, FactRow, Projection, ScoreRow};
use super::totals::{CellMonthKey, MonthKey, MonthTotals};
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
        Some(projection) => write_projection(conn, projection, ctx.today),
        None => {
            write_pending(conn, vec![Pending::Remove(doc_id.to_owned())], ctx.today)?;
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
        write_pending(conn, vec![Pending::Remove(doc_id.to_owned())], ctx.today)?;
        return Ok(None);
    };
    let bytes = doc.concat();
    project(conn, doc_id, DocSource::Bytes(&bytes), ctx).map(Some)
}

/// What projecting one stored document writes: its rows, or the removal of its rows (the store
/// does not have it, or it is not a meeting).
#[derive(Debug, Clone)]
pub enum Pending {
    /// Replace the document's rows.
    Rows(Box<Projection>),
    /// Remove the document's rows.
    Remove(String),
}

/// Reads stored document `doc_id` and computes what projecting it writes, writing nothing.
pub fn pending_stored(
    conn: &mut DbConnection,
    doc_id: &str,
    ctx: ProjectContext<'_>,
) -> Result<Pending, RatingsError> {
    let Some(doc) = store::load_document(conn, doc_id)? else {
        return Ok(Pending::Remove(doc_id.to_owned()));
    };
    let bytes = doc.concat();
    let stored = stored_version(conn, doc_id)?;
    Ok(
        match compute(conn, doc_id, DocSource::Bytes(&bytes), stored, ctx) {
            Some(projection) => Pending::Rows(Box::new(projection)),
            None => Pending::Remove(doc_id.to_owned()),
        },
    )
}

/// Writes the pending rows of several documents in one transaction, one durable commit for
/// all of them (the projector's round), each maintained total and grid row they change
/// refreshed once. The review workflow applies to each as in [`write_projection`].
pub fn write_pending(
    conn: &mut DbConnection,
    pending: Vec<Pending>,
    today: NaiveDate,
) -> Result<(), RatingsError> {
    write_tx!(conn, |c| {
        let mut touched = Touched::default();
        for item in pending {
            match item {
                Pending::Rows(mut projection) => {
                    write_rows(c, &mut projection, today, &mut touched)?;
                }
                Pending::Remove(doc_id) => remove_rows(c, &doc_id, &mut touched)?,
            }
        }
        touched.refresh(c)
    })?;
    Ok(())
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
        DocSource::Doc(doc) => Ok((doc, doc.record())),
        DocSource::Bytes(bytes) => match MeetingDoc::load_with_record(bytes) {
            Ok((doc, record)) => {
                loaded = doc;
                Ok((&loaded, Ok(record)))
            }
            Err(e) => Err((e.to_string(), bytes)),
        },
    };
    match doc {
        Ok((doc, record)) => {
            let version = stored.unwrap_or_else(|| unstored_version(doc));
            let violations = ctx.check.violations(conn, doc_id, doc);
            Some(extract::project_doc(
                doc_id,
                doc,
                record,
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

/// Writes a computed projection, applying the review workflow against the previous rows, in
/// one transaction with the maintained totals and grid rows it changes (the projector's write).
pub fn write_projection(
    conn: &mut DbConnection,
    mut projection: Projection,
    today: NaiveDate,
) -> Result<ProjectionOutcome, RatingsError> {
    let change = write_tx!(conn, |c| {
        let mut touched = Touched::default();
        let change = write_rows(c, &mut projection, today, &mut touched)?;
        touched.refresh(c)?;
        diesel::QueryResult::Ok(change)
    })?;
    let score = projection.score;
    Ok(ProjectionOutcome {
        doc_id: projection.fact.doc_id,
        valid: projection.fact.valid,
        official_level: score.official_level,
        amended_after_lock: score.amended_after_lock,
        lock: change,
        problem_count: score.problem_count,
        not_a_meeting: false,
    })
}

/// Replaces a document's rows inside a write transaction, applying the review workflow against
/// the previous rows; notes the maintained rows to refresh.
fn write_rows(
    c: &mut impl RowWriter,
    projection: &mut Projection,
    today: NaiveDate,
    touched: &mut Touched,
) -> diesel::QueryResult<LockChange> {
    let doc_id = projection.fact.doc_id.clone();
    let (old, lock) = c.fact_and_lock(&doc_id)?;
    let version = old.as_ref().map(|(f, s)| lock::Version {
        status: &f.status,
        heads: &f.heads,
        stored_at: f.projected_at,
        score: s,
    });
    let change = lock::apply(version, lock, projection, today);
    if let Some((fact, score)) = &old {
        touched.count(fact, score, -1);
    }
    touched.count(&projection.fact, &projection.score, 1);
    c.delete_rows(&doc_id)?;
    c.insert_rows(projection)?;
    let old_key = old.as_ref().and_then(|(f, _)| cell_month_key(f));
    let shown = CellMonthRow::of(&projection.fact, &projection.score);
    update_cell_months(c, &doc_id, old_key, cell_month_key(&projection.fact), shown)?;
    match &change {
        LockChange::Created(l) => c.put_lock(l)?,
        LockChange::Reopened => c.delete_lock(&doc_id)?,
        LockChange::None | LockChange::Kept(_) => {}
    }
    Ok(change)
}

/// Removes a document's rows inside a write transaction; notes the maintained rows to refresh.
fn remove_rows(
    c: &mut impl RowWriter,
    doc_id: &str,
    touched: &mut Touched,
) -> diesel::QueryResult<()> {
    let Some((fact, score)) = c.fact_and_lock(doc_id)?.0 else {
        return c.delete_rows(doc_id);
    };
    touched.count(&fact, &score, -1);
    c.delete_rows(doc_id)?;
    update_cell_months(c, doc_id, cell_month_key(&fact), None, None)
}

/// Keeps the grid's cell-month rows equal to a recomputation after document `doc_id`'s rows
/// moved from cell-month `old` to `new` (either may be none) and, when it is a regular meeting
/// of `new`, would be shown as `row`. The shown meeting is the first regular one by document
/// id, so: a regular meeting not after the one shown takes its place; when the one shown is
/// `doc_id` and it no longer is a regular meeting there, the cell-month is recomputed; any other
/// write leaves the row as it is.
fn update_cell_months(
    c: &mut impl RowWriter,
    doc_id: &str,
    old: Option<CellMonthKey>,
    new: Option<CellMonthKey>,
    row: Option<CellMonthRow>,
) -> diesel::QueryResult<()> {
    if let Some(old) = old.filter(|old| Some(old) != new.as_ref())
        && c.shown_in_cell_month(&old)?.as_deref() == Some(doc_id)
    {
        c.refresh_cell_month(&old)?;
    }
    match (row, new) {
        (Some(row), _) => c.offer_cell_month(&row),
        (None, Some(new)) if c.shown_in_cell_month(&new)?.as_deref() == Some(doc_id) => {
            c.refresh_cell_month(&new)
        }
        _ => Ok(()),
    }
}

/// The cell-month a meeting's rows belong to, if it has a period.
fn cell_month_key(fact: &FactRow) -> Option<CellMonthKey> {
    let (year, month) = (fact.year?, fact.month?);
    Some((fact.committee_id.clone(), year, month, fact.cell_id.clone()))
}

/// The difference a write makes to each committee-month's maintained totals, added once per
/// transaction.
#[derive(Default)]
struct Touched {
    months: BTreeMap<MonthKey, MonthTotals>,
}

impl Touched {
    /// Adds (`sign` 1) or subtracts (`sign` -1) a meeting's rows, if it has a period.
    fn count(&mut self, fact: &FactRow, score: &ScoreRow, sign: i64) {
        let (Some(year), Some(month)) = (fact.year, fact.month) else {
            return;
        };
        self.months
            .entry((fact.committee_id.clone(), year, month))
            .or_default()
            .count(fact, score, sign);
    }

    fn refresh(&self, c: &mut impl RowWriter) -> diesel::QueryResult<()> {
        for (key, delta) in &self.months {
            c.add_totals(key, delta)?;
        }
        Ok(())
    }
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
