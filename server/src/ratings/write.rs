//! Row reads and writes of one projection, implemented once per concrete connection (the
//! macro below), so a projection is written inside a backend's own write transaction
//! (`BEGIN IMMEDIATE` on SQLite).

use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use super::rows::{CellMonthRow, FactRow, LockRow, Projection, ScoreRow};
use super::totals::{self, CellMonthKey, MonthKey, MonthTotals};
use crate::db::Backend;
use crate::db::schema::{
    meeting_attendance, meeting_cell_months, meeting_criteria, meeting_facts, meeting_followups,
    meeting_locks, meeting_month_totals, meeting_problems, meeting_records, meeting_scores,
    meeting_tasks,
};

/// SQLite allows 32766 bound parameters; facts have ~45 columns.
const ROWS_PER_INSERT: usize = 200;

/// A document's current fact and score rows, if any, and its lock row, if any.
pub(crate) type Previous = (Option<(FactRow, ScoreRow)>, Option<LockRow>);

/// The statements a projection needs.
pub(crate) trait RowWriter {
    /// The lock row of a document.
    fn lock(&mut self, doc_id: &str) -> QueryResult<Option<LockRow>>;
    /// The current fact and score rows and the lock row of a document (one query when the
    /// document has rows).
    fn fact_and_lock(&mut self, doc_id: &str) -> QueryResult<Previous>;
    /// Deletes every projected row of a document (the lock row stays).
    fn delete_rows(&mut self, doc_id: &str) -> QueryResult<()>;
    /// Inserts the rows of a projection (after `delete_rows`).
    fn insert_rows(&mut self, p: &Projection) -> QueryResult<()>;
    /// Inserts or replaces a lock row.
    fn put_lock(&mut self, lock: &LockRow) -> QueryResult<()>;
    /// Removes a lock row (the meeting was reopened).
    fn delete_lock(&mut self, doc_id: &str) -> QueryResult<()>;
    /// Adds `delta` to the maintained totals of one committee-month (dropping the row once it
    /// counts no meeting).
    fn add_totals(&mut self, key: &MonthKey, delta: &MonthTotals) -> QueryResult<()>;
    /// The document the maintained grid row of one cell-month shows, if any.
    fn shown_in_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<Option<String>>;
    /// Makes `row` its cell-month's maintained grid row unless that row shows a meeting with a
    /// smaller document id (the grid shows the first regular meeting).
    fn offer_cell_month(&mut self, row: &CellMonthRow) -> QueryResult<()>;
    /// Recomputes the maintained grid row of one cell-month from the meetings.
    fn refresh_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<()>;
    /// Recomputes every maintained total and grid row.
    fn refresh_all_totals(&mut self) -> QueryResult<()>;
}

macro_rules! impl_row_writer {
    ($conn:ty, $backend:expr, $delete_rows:path) => {
        impl RowWriter for $conn {
            fn lock(&mut self, doc_id: &str) -> QueryResult<Option<LockRow>> {
                meeting_locks::table
                    .find(doc_id)
                    .select(LockRow::as_select())
                    .first(self)
                    .optional()
            }

            fn fact_and_lock(&mut self, doc_id: &str) -> QueryResult<Previous> {
                let row = meeting_facts::table
                    .inner_join(
                        meeting_scores::table.on(meeting_scores::doc_id.eq(meeting_facts::doc_id)),
                    )
                    .left_join(
                        meeting_locks::table.on(meeting_locks::doc_id.eq(meeting_facts::doc_id)),
                    )
                    .filter(meeting_facts::doc_id.eq(doc_id))
                    .select((
                        FactRow::as_select(),
                        ScoreRow::as_select(),
                        Option::<LockRow>::as_select(),
                    ))
                    .first(self)
                    .optional()?;
                match row {
                    Some((fact, score, lock)) => Ok((Some((fact, score)), lock)),
                    // A lock outlives the rows of a document that stopped being a meeting.
                    None => Ok((None, self.lock(doc_id)?)),
                }
            }

            fn delete_rows(&mut self, doc_id: &str) -> QueryResult<()> {
                $delete_rows(self, doc_id)
            }

            fn insert_rows(&mut self, p: &Projection) -> QueryResult<()> {
                diesel::insert_into(meeting_facts::table)
                    .values(&p.fact)
                    .execute(self)?;
                diesel::insert_into(meeting_scores::table)
                    .values(&p.score)
                    .execute(self)?;
                if let Some(record) = &p.record {
                    diesel::insert_into(meeting_records::table)
                        .values(record)
                        .execute(self)?;
                }
                for rows in p.attendance.chunks(ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_attendance::table)
                        .values(rows)
                        .execute(self)?;
                }
                for rows in p.criteria.chunks(ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_criteria::table)
                        .values(rows)
                        .execute(self)?;
                }
                for rows in p.problems.chunks(ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_problems::table)
                        .values(rows)
                        .execute(self)?;
                }
                for rows in p.tasks.chunks(ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_tasks::table)
                        .values(rows)
                        .execute(self)?;
                }
                for rows in p.follow_ups.chunks(ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_followups::table)
                        .values(rows)
                        .execute(self)?;
                }
                Ok(())
            }

            fn put_lock(&mut self, lock: &LockRow) -> QueryResult<()> {
                diesel::delete(meeting_locks::table.find(&lock.doc_id)).execute(self)?;
                diesel::insert_into(meeting_locks::table)
                    .values(lock)
                    .execute(self)?;
                Ok(())
            }

            fn delete_lock(&mut self, doc_id: &str) -> QueryResult<()> {
                diesel::delete(meeting_locks::table.find(doc_id)).execute(self)?;
                Ok(())
            }

            fn add_totals(&mut self, key: &MonthKey, d: &MonthTotals) -> QueryResult<()> {
                use diesel::upsert::excluded;
                use meeting_month_totals as t;
                if d.is_zero() {
                    return Ok(());
                }
                diesel::insert_into(t::table)
                    .values((
                        t::committee_id.eq(&key.0),
                        t::year.eq(key.1),
                        t::month.eq(key.2),
                        t::meetings.eq(d.meetings),
                        t::tot.eq(d.tot),
                        t::kha.eq(d.kha),
                        t::trung_binh.eq(d.trung_binh),
                        t::kem.eq(d.kem),
                        t::self_ppm_sum.eq(d.self_ppm_sum),
                        t::self_n.eq(d.self_n),
                        t::superior_ppm_sum.eq(d.superior_ppm_sum),
                        t::superior_n.eq(d.superior_n),
                    ))
                    .on_conflict((t::committee_id, t::year, t::month))
                    .do_update()
                    .set((
                        t::meetings.eq(t::meetings + excluded(t::meetings)),
                        t::tot.eq(t::tot + excluded(t::tot)),
                        t::kha.eq(t::kha + excluded(t::kha)),
                        t::trung_binh.eq(t::trung_binh + excluded(t::trung_binh)),
                        t::kem.eq(t::kem + excluded(t::kem)),
                        t::self_ppm_sum.eq(t::self_ppm_sum + excluded(t::self_ppm_sum)),
                        t::self_n.eq(t::self_n + excluded(t::self_n)),
                        t::superior_ppm_sum.eq(t::superior_ppm_sum + excluded(t::superior_ppm_sum)),
                        t::superior_n.eq(t::superior_n + excluded(t::superior_n)),
                    ))
                    .execute(self)?;
                if d.meetings < 0 {
                    // A recomputation has no row for a committee-month without meetings.
                    diesel::delete(
                        t::table
                            .find((&key.0, key.1, key.2))
                            .filter(t::meetings.eq(0)),
                    )
                    .execute(self)?;
                }
                Ok(())
            }

            fn shown_in_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<Option<String>> {
                use meeting_cell_months as cm;
                cm::table
                    .find((&key.0, key.1, &key.3, key.2))
                    .select(cm::doc_id)
                    .first(self)
                    .optional()
            }

            fn offer_cell_month(&mut self, row: &CellMonthRow) -> QueryResult<()> {
                // `filter` on an upsert is the `WHERE` of its `DO UPDATE`.
                use diesel::query_dsl::methods::FilterDsl;
                use meeting_cell_months as cm;
                diesel::insert_into(cm::table)
                    .values(row)
                    .on_conflict((cm::committee_id, cm::year, cm::cell_id, cm::month))
                    .do_update()
                    .set(row)
                    .filter(cm::doc_id.ge(&row.doc_id))
                    .execute(self)?;
                Ok(())
            }

            fn refresh_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<()> {
                use diesel::sql_types::{BigInt, Text};
                for sql in totals::refresh_cell_month_sql($backend) {
                    diesel::sql_query(sql)
                        .bind::<Text, _>(&key.0)
                        .bind::<BigInt, _>(key.1)
                        .bind::<BigInt, _>(key.2)
                        .bind::<Text, _>(&key.3)
                        .execute(self)?;
                }
                Ok(())
            }

            fn refresh_all_totals(&mut self) -> QueryResult<()> {
                for sql in totals::refresh_all_sql($backend)
                    .into_iter()
                    .chain(totals::refresh_all_cell_months_sql())
                {
                    diesel::sql_query(sql).execute(self)?;
                }
                Ok(())
            }
        }
    };
}

impl_row_writer!(SqliteConnection, Backend::Sqlite, delete_rows_each);
impl_row_writer!(PgConnection, Backend::Postgres, delete_rows_at_once);

/// Deletes a document's projected rows table by table (SQLite: each statement is a call into
/// the library, not a round trip).
fn delete_rows_each(c: &mut SqliteConnection, doc_id: &str) -> QueryResult<()> {
    diesel::delete(meeting_attendance::table.filter(meeting_attendance::doc_id.eq(doc_id)))
        .execute(c)?;
    diesel::delete(meeting_criteria::table.filter(meeting_criteria::doc_id.eq(doc_id)))
        .execute(c)?;
    diesel::delete(meeting_problems::table.filter(meeting_problems::doc_id.eq(doc_id)))
        .execute(c)?;
    diesel::delete(meeting_tasks::table.filter(meeting_tasks::doc_id.eq(doc_id))).execute(c)?;
    diesel::delete(meeting_followups::table.filter(meeting_followups::doc_id.eq(doc_id)))
        .execute(c)?;
    diesel::delete(meeting_records::table.find(doc_id)).execute(c)?;
    diesel::delete(meeting_scores::table.find(doc_id)).execute(c)?;
    diesel::delete(meeting_facts::table.find(doc_id)).execute(c)?;
    Ok(())
}

/// Deletes a document's projected rows in one statement (PostgreSQL: one round trip instead of
/// eight; each data-modifying `WITH` runs exactly once).
fn delete_rows_at_once(c: &mut PgConnection, doc_id: &str) -> QueryResult<()> {
    diesel::sql_query(
        "WITH a AS (DELETE FROM meeting_attendance WHERE doc_id = $1),
              c AS (DELETE FROM meeting_criteria WHERE doc_id = $1),
              p AS (DELETE FROM meeting_problems WHERE doc_id = $1),
              t AS (DELETE FROM meeting_tasks WHERE doc_id = $1),
              f AS (DELETE FROM meeting_followups WHERE doc_id = $1),
              r AS (DELETE FROM meeting_records WHERE doc_id = $1),
              s AS (DELETE FROM meeting_scores WHERE doc_id = $1)
         DELETE FROM meeting_facts WHERE doc_id = $1",
    )
    .bind::<diesel::sql_types::Text, _>(doc_id)
    .execute(c)?;
    Ok(())
}
