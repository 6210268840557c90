//! Row reads and writes of one projection, implemented once per concrete connection (the
//! macro below), so a projection is written inside a backend's own write transaction
//! (`BEGIN IMMEDIATE` on SQLite).

use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use super::rows::{FactRow, LockRow, Projection, ScoreRow};
use super::totals::{self, CellMonthKey, MonthKey};
use crate::db::Backend;
use crate::db::schema::{
    meeting_attendance, meeting_criteria, meeting_facts, meeting_followups, meeting_locks,
    meeting_problems, meeting_records, meeting_scores, meeting_tasks,
};

/// SQLite allows 32766 bound parameters; facts have ~45 columns.
const ROWS_PER_INSERT: usize = 200;

/// The statements a projection needs.
pub(crate) trait RowWriter {
    /// The current fact and score rows of a document.
    fn fact(&mut self, doc_id: &str) -> QueryResult<Option<(FactRow, ScoreRow)>>;
    /// The lock row of a document.
    fn lock(&mut self, doc_id: &str) -> QueryResult<Option<LockRow>>;
    /// Deletes every projected row of a document (the lock row stays).
    fn delete_rows(&mut self, doc_id: &str) -> QueryResult<()>;
    /// Inserts the rows of a projection (after `delete_rows`).
    fn insert_rows(&mut self, p: &Projection) -> QueryResult<()>;
    /// Inserts or replaces a lock row.
    fn put_lock(&mut self, lock: &LockRow) -> QueryResult<()>;
    /// Removes a lock row (the meeting was reopened).
    fn delete_lock(&mut self, doc_id: &str) -> QueryResult<()>;
    /// Recomputes the maintained totals of one committee-month.
    fn refresh_totals(&mut self, key: &MonthKey) -> QueryResult<()>;
    /// Recomputes the maintained grid row of one cell-month.
    fn refresh_cell_month(&mut self, key: &CellMonthKey) -> QueryResult<()>;
    /// Recomputes every maintained total and grid row.
    fn refresh_all_totals(&mut self) -> QueryResult<()>;
}

macro_rules! impl_row_writer {
    ($conn:ty, $backend:expr) => {
        impl RowWriter for $conn {
            fn fact(&mut self, doc_id: &str) -> QueryResult<Option<(FactRow, ScoreRow)>> {
                meeting_facts::table
                    .inner_join(
                        meeting_scores::table.on(meeting_scores::doc_id.eq(meeting_facts::doc_id)),
                    )
                    .filter(meeting_facts::doc_id.eq(doc_id))
                    .select((FactRow::as_select(), ScoreRow::as_select()))
                    .first(self)
                    .optional()
            }

            fn lock(&mut self, doc_id: &str) -> QueryResult<Option<LockRow>> {
                meeting_locks::table
                    .find(doc_id)
                    .select(LockRow::as_select())
                    .first(self)
                    .optional()
            }

            fn delete_rows(&mut self, doc_id: &str) -> QueryResult<()> {
                diesel::delete(
                    meeting_attendance::table.filter(meeting_attendance::doc_id.eq(doc_id)),
                )
                .execute(self)?;
                diesel::delete(meeting_criteria::table.filter(meeting_criteria::doc_id.eq(doc_id)))
                    .execute(self)?;
                diesel::delete(meeting_problems::table.filter(meeting_problems::doc_id.eq(doc_id)))
                    .execute(self)?;
                diesel::delete(meeting_tasks::table.filter(meeting_tasks::doc_id.eq(doc_id)))
                    .execute(self)?;
                diesel::delete(
                    meeting_followups::table.filter(meeting_followups::doc_id.eq(doc_id)),
                )
                .execute(self)?;
                diesel::delete(meeting_records::table.find(doc_id)).execute(self)?;
                diesel::delete(meeting_scores::table.find(doc_id)).execute(self)?;
                diesel::delete(meeting_facts::table.find(doc_id)).execute(self)?;
                Ok(())
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

            fn refresh_totals(&mut self, key: &MonthKey) -> QueryResult<()> {
                use diesel::sql_types::{BigInt, Text};
                for sql in totals::refresh_one_sql($backend) {
                    diesel::sql_query(sql)
                        .bind::<Text, _>(&key.0)
                        .bind::<BigInt, _>(key.1)
                        .bind::<BigInt, _>(key.2)
                        .execute(self)?;
                }
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
                for sql in totals::refresh_all_sql()
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

impl_row_writer!(SqliteConnection, Backend::Sqlite);
impl_row_writer!(PgConnection, Backend::Postgres);
