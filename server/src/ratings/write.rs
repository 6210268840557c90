//! Row reads and writes of the projections of a group of documents, implemented once per
//! concrete connection (the macro below), so they run inside a backend's own write transaction
//! (`BEGIN IMMEDIATE` on SQLite). Each statement covers the whole group (a projector round): on
//! PostgreSQL every statement is a round trip, so a round costs a dozen of them, not a dozen per
//! document.

mod backend;

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use super::cell_years::{self, CellYearKey};
use super::rows::{CellMonthRow, FactRow, LockRow, Projection, ScoreRow};
use super::totals::{self, CellMonthKey, MonthKey, MonthTotals};
use crate::db::Backend;
use crate::db::schema::{
    meeting_attendance, meeting_cell_months, meeting_criteria, meeting_facts, meeting_followups,
    meeting_locks, meeting_month_totals, meeting_problems, meeting_records, meeting_scores,
    meeting_tasks,
};

/// Documents one group of statements covers: their ids and rows stay within the bound
/// parameters SQLite allows (32766; facts have 30 columns).
pub(crate) const GROUP_DOCUMENTS: usize = 500;

/// Rows of a child table (at most 10 columns) per insert statement, within SQLite's 32766
/// bound parameters.
const CHILD_ROWS_PER_INSERT: usize = 2000;

/// A document's current fact and score rows, if any, and its lock row, if any.
pub(crate) type Previous = (Option<(FactRow, ScoreRow)>, Option<LockRow>);

/// The statements the projections of a group of (distinct) documents need.
pub(crate) trait RowWriter {
    /// The current fact, score and lock rows of each of `doc_ids` that has any: one query, and
    /// one more when some document has a lock but no rows.
    fn previous(&mut self, doc_ids: &[&str]) -> QueryResult<BTreeMap<String, Previous>>;
    /// Deletes every projected row of the documents (their lock rows stay).
    fn delete_rows(&mut self, doc_ids: &[&str]) -> QueryResult<()>;
    /// Inserts the rows of projections (after `delete_rows`).
    fn insert_rows(&mut self, projections: &[&Projection]) -> QueryResult<()>;
    /// Inserts or replaces lock rows.
    fn put_locks(&mut self, locks: &[&LockRow]) -> QueryResult<()>;
    /// Removes the lock rows of documents (the meetings were reopened).
    fn delete_locks(&mut self, doc_ids: &[&str]) -> QueryResult<()>;
    /// Adds each difference to its committee-month's maintained totals (dropping a row once it
    /// counts no meeting).
    fn add_totals(&mut self, deltas: &BTreeMap<MonthKey, MonthTotals>) -> QueryResult<()>;
    /// The document the maintained grid row of one cell-month shows, if any.
    fn shown_in_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<Option<String>>;
    /// Makes each row its cell-month's maintained grid row unless that row shows a meeting
    /// with a smaller document id (the grid shows the first regular meeting). At most one row
    /// per cell-month.
    fn offer_cell_months(&mut self, rows: &[&CellMonthRow]) -> QueryResult<()>;
    /// Recomputes the maintained grid row of one cell-month from the meetings.
    fn refresh_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<()>;
    /// Recomputes the grid's cell-year rows of `keys` from their cell-months.
    fn refresh_cell_years(&mut self, keys: &[&CellYearKey]) -> QueryResult<()>;
    /// Recomputes every maintained total and grid row.
    fn refresh_all_totals(&mut self) -> QueryResult<()>;
}

macro_rules! impl_row_writer {
    ($conn:ty, $backend:expr, $delete_rows:path, $offer:path) => {
        impl RowWriter for $conn {
            fn previous(&mut self, doc_ids: &[&str]) -> QueryResult<BTreeMap<String, Previous>> {
                let rows: Vec<(FactRow, ScoreRow, Option<LockRow>)> = meeting_facts::table
                    .inner_join(
                        meeting_scores::table.on(meeting_scores::doc_id.eq(meeting_facts::doc_id)),
                    )
                    .left_join(
                        meeting_locks::table.on(meeting_locks::doc_id.eq(meeting_facts::doc_id)),
                    )
                    .filter(meeting_facts::doc_id.eq_any(doc_ids.iter().copied()))
                    .select((
                        FactRow::as_select(),
                        ScoreRow::as_select(),
                        Option::<LockRow>::as_select(),
                    ))
                    .load(self)?;
                let mut previous: BTreeMap<String, Previous> = rows
                    .into_iter()
                    .map(|(fact, score, lock)| (fact.doc_id.clone(), (Some((fact, score)), lock)))
                    .collect();
                // A lock outlives the rows of a document that stopped being a meeting.
                let without: Vec<&str> = doc_ids
                    .iter()
                    .copied()
                    .filter(|id| !previous.contains_key(*id))
                    .collect();
                if !without.is_empty() {
                    let locks: Vec<LockRow> = meeting_locks::table
                        .filter(meeting_locks::doc_id.eq_any(&without))
                        .select(LockRow::as_select())
                        .load(self)?;
                    for lock in locks {
                        previous.insert(lock.doc_id.clone(), (None, Some(lock)));
                    }
                }
                Ok(previous)
            }

            fn delete_rows(&mut self, doc_ids: &[&str]) -> QueryResult<()> {
                $delete_rows(self, doc_ids)
            }

            fn insert_rows(&mut self, projections: &[&Projection]) -> QueryResult<()> {
                if projections.is_empty() {
                    return Ok(());
                }
                let facts: Vec<&FactRow> = projections.iter().map(|p| &p.fact).collect();
                diesel::insert_into(meeting_facts::table)
                    .values(facts)
                    .execute(self)?;
                let scores: Vec<&ScoreRow> = projections.iter().map(|p| &p.score).collect();
                diesel::insert_into(meeting_scores::table)
                    .values(scores)
                    .execute(self)?;
                let records: Vec<_> = projections
                    .iter()
                    .filter_map(|p| p.record.as_ref())
                    .collect();
                if !records.is_empty() {
                    diesel::insert_into(meeting_records::table)
                        .values(records)
                        .execute(self)?;
                }
                let rows: Vec<_> = projections.iter().flat_map(|p| &p.attendance).collect();
                for rows in rows.chunks(CHILD_ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_attendance::table)
                        .values(rows.to_vec())
                        .execute(self)?;
                }
                let rows: Vec<_> = projections.iter().flat_map(|p| &p.criteria).collect();
                for rows in rows.chunks(CHILD_ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_criteria::table)
                        .values(rows.to_vec())
                        .execute(self)?;
                }
                let rows: Vec<_> = projections.iter().flat_map(|p| &p.problems).collect();
                for rows in rows.chunks(CHILD_ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_problems::table)
                        .values(rows.to_vec())
                        .execute(self)?;
                }
                let rows: Vec<_> = projections.iter().flat_map(|p| &p.tasks).collect();
                for rows in rows.chunks(CHILD_ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_tasks::table)
                        .values(rows.to_vec())
                        .execute(self)?;
                }
                let rows: Vec<_> = projections.iter().flat_map(|p| &p.follow_ups).collect();
                for rows in rows.chunks(CHILD_ROWS_PER_INSERT) {
                    diesel::insert_into(meeting_followups::table)
                        .values(rows.to_vec())
                        .execute(self)?;
                }
                Ok(())
            }

            fn put_locks(&mut self, locks: &[&LockRow]) -> QueryResult<()> {
                if locks.is_empty() {
                    return Ok(());
                }
                let ids: Vec<&str> = locks.iter().map(|l| l.doc_id.as_str()).collect();
                self.delete_locks(&ids)?;
                diesel::insert_into(meeting_locks::table)
                    .values(locks.to_vec())
                    .execute(self)?;
                Ok(())
            }

            fn delete_locks(&mut self, doc_ids: &[&str]) -> QueryResult<()> {
                if !doc_ids.is_empty() {
                    diesel::delete(
                        meeting_locks::table
                            .filter(meeting_locks::doc_id.eq_any(doc_ids.iter().copied())),
                    )
                    .execute(self)?;
                }
                Ok(())
            }

            fn add_totals(&mut self, deltas: &BTreeMap<MonthKey, MonthTotals>) -> QueryResult<()> {
                use diesel::upsert::excluded;
                use meeting_month_totals as t;
                let values: Vec<_> = deltas
                    .iter()
                    .filter(|(_, d)| !d.is_zero())
                    .map(|(key, d)| {
                        (
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
                        )
                    })
                    .collect();
                // Well within the bound parameters: a group touches at most a few thousand.
                for values in values.chunks(CHILD_ROWS_PER_INSERT) {
                    diesel::insert_into(t::table)
                        .values(values.to_vec())
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
                            t::superior_ppm_sum
                                .eq(t::superior_ppm_sum + excluded(t::superior_ppm_sum)),
                            t::superior_n.eq(t::superior_n + excluded(t::superior_n)),
                        ))
                        .execute(self)?;
                }
                // A recomputation has no row for a committee-month without meetings; only a
                // difference that removes meetings can leave one.
                for (key, _) in deltas.iter().filter(|(_, d)| d.meetings < 0) {
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

            fn offer_cell_months(&mut self, rows: &[&CellMonthRow]) -> QueryResult<()> {
                $offer(self, rows)
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

            fn refresh_cell_years(&mut self, keys: &[&CellYearKey]) -> QueryResult<()> {
                use diesel::sql_types::{BigInt, Text};
                for keys in keys.chunks(cell_years::KEYS_PER_STATEMENT) {
                    for sql in cell_years::refresh_sql($backend, keys.len()) {
                        let mut query = diesel::sql_query(sql).into_boxed();
                        for (committee, year, cell) in keys {
                            query = query
                                .bind::<Text, _>(committee)
                                .bind::<BigInt, _>(*year)
                                .bind::<Text, _>(cell);
                        }
                        query.execute(self)?;
                    }
                }
                Ok(())
            }

            fn refresh_all_totals(&mut self) -> QueryResult<()> {
                for sql in totals::refresh_all_sql($backend)
                    .into_iter()
                    .chain(totals::refresh_all_cell_months_sql())
                    .chain(cell_years::refresh_all_sql($backend))
                {
                    diesel::sql_query(sql).execute(self)?;
                }
                Ok(())
            }
        }
    };
}

impl_row_writer!(
    SqliteConnection,
    Backend::Sqlite,
    backend::delete_rows_each,
    backend::offer_each
);
impl_row_writer!(
    PgConnection,
    Backend::Postgres,
    backend::delete_rows_at_once,
    backend::offer_at_once
);
