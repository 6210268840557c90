//! Writing a document's projection: read the version, compute the rows, apply the review
//! workflow and replace the document's rows in one write transaction, alone or with the other
//! documents of a projector round ([`write_pending`]; [`group`] writes them). Idempotent.

mod group;

use automerge::Automerge;
use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use sync_core::doc::{MeetingDoc, MeetingRead, MeetingSnapshot, RosterDoc};

use super::extract::{self, VersionInfo};
use super::lock::{self, LockChange};
use super::rows::{FactRow, LockRow, Projection, ScoreRow};
use super::violations::ViolationCheck;
use super::write::{GROUP_DOCUMENTS, RowWriter};
use super::{RatingsConfig, RatingsError};
use crate::db::schema::documents;
use crate::db::{DbConnection, with_conn, write_tx};
use crate::metrics::ProjectionSource;
use crate::store;

/// What to project: stored bytes (the concatenated chunks) or a document already in memory.
#[derive(Clone, Copy)]
pub enum DocSource<'a> {
    /// Automerge bytes; garbage is projected as a load problem, never an error.
    Bytes(&'a [u8]),
    /// A meeting document in memory: an edited one, or a snapshot of the sync engine's copy.
    Doc(&'a dyn MeetingRead),
}

impl std::fmt::Debug for DocSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Doc(_) => f.write_str("Doc"),
        }
    }
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
/// `copy` is the sync engine's copy of the document, if it had one: when it is a meeting at
/// exactly the stored heads it is read instead of the stored bytes (no load), otherwise the
/// stored bytes are.
pub fn pending_stored(
    conn: &mut DbConnection,
    doc_id: &str,
    copy: Option<Automerge>,
    ctx: ProjectContext<'_>,
) -> Result<Pending, RatingsError> {
    pending_read(conn, doc_id, copy, ctx).map(|(pending, _)| pending)
}

/// [`pending_stored`], also saying whether the copy or the stored bytes were read.
pub fn pending_read(
    conn: &mut DbConnection,
    doc_id: &str,
    copy: Option<Automerge>,
    ctx: ProjectContext<'_>,
) -> Result<(Pending, ProjectionSource), RatingsError> {
    let stored = stored_version(conn, doc_id)?;
    if let (Some(copy), Some(version)) = (copy, &stored)
        && store::encode_heads(&copy.get_heads()) == version.heads
        && let Ok((snapshot, record)) = MeetingSnapshot::new(copy)
    {
        let projection = compute_meeting(conn, doc_id, &snapshot, Ok(record), version, ctx);
        return Ok((Pending::Rows(Box::new(projection)), ProjectionSource::Copy));
    }
    let Some(doc) = store::load_document(conn, doc_id)? else {
        return Ok((Pending::Remove(doc_id.to_owned()), ProjectionSource::Stored));
    };
    let bytes = doc.concat();
    let pending = match compute(conn, doc_id, DocSource::Bytes(&bytes), stored, ctx) {
        Some(projection) => Pending::Rows(Box::new(projection)),
        None => Pending::Remove(doc_id.to_owned()),
    };
    Ok((pending, ProjectionSource::Stored))
}

/// Writes the pending rows of several documents in one transaction, one durable commit for
/// all of them (the projector's round), each maintained total and grid row they change
/// updated once. The review workflow applies to each as in [`write_projection`]; a document
/// listed twice is written twice, in order.
pub fn write_pending(
    conn: &mut DbConnection,
    mut pending: Vec<Pending>,
    today: NaiveDate,
) -> Result<(), RatingsError> {
    write_tx!(conn, |c| group::write_all(c, &mut pending, today))?;
    Ok(())
}

impl Pending {
    /// The document written or removed.
    pub fn doc_id(&self) -> &str {
        match self {
            Pending::Rows(p) => &p.fact.doc_id,
            Pending::Remove(id) => id,
        }
    }
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
    let doc: Result<(&dyn MeetingRead, _), _> = match source {
        DocSource::Doc(doc) => Ok((doc, doc.record())),
        // One load: a document that is not a meeting comes back for the checks below.
        DocSource::Bytes(bytes) => match MeetingDoc::load_with_record_or_doc(bytes) {
            Ok((doc, record)) => {
                loaded = doc;
                Ok((&loaded, Ok(record)))
            }
            Err((e, doc)) => Err((e.to_string(), doc)),
        },
    };
    match doc {
        Ok((doc, record)) => {
            let version = stored.unwrap_or_else(|| unstored_version(doc));
            Some(compute_meeting(conn, doc_id, doc, record, &version, ctx))
        }
        // Rosters live in the same store; they are not meetings that failed.
        Err((_, Some(doc))) if RosterDoc::from_automerge((*doc).clone()).is_ok() => None,
        Err((error, doc)) => {
            let version = stored.unwrap_or_else(|| VersionInfo {
                heads: String::new(),
                stored_at: now(),
            });
            let cell = doc.as_deref().and_then(sync_core::doc::raw_cell_id);
            Some(extract::failed_projection(doc_id, &error, cell, &version))
        }
    }
}

/// The rows of a meeting document at `version`, its authorship checked.
fn compute_meeting(
    conn: &mut DbConnection,
    doc_id: &str,
    doc: &dyn MeetingRead,
    record: Result<sync_core::record::MeetingRecord, sync_core::doc::DocError>,
    version: &VersionInfo,
    ctx: ProjectContext<'_>,
) -> Projection {
    let violations = ctx.check.violations(conn, doc_id, doc);
    extract::project_doc(doc_id, doc, record, version, &violations, ctx.config)
}

/// Writes a computed projection, applying the review workflow against the previous rows, in
/// one transaction with the maintained totals and grid rows it changes (the projector's write).
pub fn write_projection(
    conn: &mut DbConnection,
    projection: Projection,
    today: NaiveDate,
) -> Result<ProjectionOutcome, RatingsError> {
    let mut pending = [Pending::Rows(Box::new(projection))];
    let mut changes = write_tx!(conn, |c| group::write_all(c, &mut pending, today))?;
    let [Pending::Rows(projection)] = pending else {
        unreachable!("written as rows");
    };
    let score = projection.score;
    Ok(ProjectionOutcome {
        doc_id: projection.fact.doc_id,
        valid: projection.fact.valid,
        official_level: score.official_level,
        amended_after_lock: score.amended_after_lock,
        lock: changes.pop().unwrap_or(LockChange::None),
        problem_count: score.problem_count,
        not_a_meeting: false,
    })
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

fn unstored_version(doc: &dyn MeetingRead) -> VersionInfo {
    let heads = doc.current_heads();
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
        let locks: Vec<LockRow> = due
            .iter()
            .map(|(fact, score)| {
                let v = lock::Version {
                    status: &fact.status,
                    heads: &fact.heads,
                    stored_at: fact.projected_at,
                    score,
                };
                lock::freeze(v, "auto")
            })
            .collect();
        for locks in locks.chunks(GROUP_DOCUMENTS) {
            c.put_locks(&locks.iter().collect::<Vec<_>>())?;
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
