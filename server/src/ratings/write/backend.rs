//! The statements of a group's write that differ per backend: on SQLite each statement is a
//! call into the library, on PostgreSQL a round trip.

use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use crate::db::schema::{
    meeting_attendance, meeting_cell_months, meeting_criteria, meeting_facts, meeting_followups,
    meeting_problems, meeting_records, meeting_scores, meeting_tasks,
};
use crate::ratings::rows::CellMonthRow;

/// Deletes the projected rows of documents table by table.
pub(super) fn delete_rows_each(c: &mut SqliteConnection, doc_ids: &[&str]) -> QueryResult<()> {
    use meeting_attendance as a;
    use meeting_criteria as cr;
    use meeting_facts as f;
    use meeting_followups as fu;
    use meeting_problems as p;
    use meeting_records as r;
    use meeting_scores as s;
    use meeting_tasks as t;
    diesel::delete(a::table.filter(a::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(cr::table.filter(cr::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(p::table.filter(p::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(t::table.filter(t::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(fu::table.filter(fu::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(r::table.filter(r::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(s::table.filter(s::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    diesel::delete(f::table.filter(f::doc_id.eq_any(doc_ids.iter().copied()))).execute(c)?;
    Ok(())
}

/// Deletes the projected rows of documents in one statement (one round trip instead of eight;
/// each data-modifying `WITH` runs exactly once).
pub(super) fn delete_rows_at_once(c: &mut PgConnection, doc_ids: &[&str]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Text};
    diesel::sql_query(
        "WITH a AS (DELETE FROM meeting_attendance WHERE doc_id = ANY($1)),
              c AS (DELETE FROM meeting_criteria WHERE doc_id = ANY($1)),
              p AS (DELETE FROM meeting_problems WHERE doc_id = ANY($1)),
              t AS (DELETE FROM meeting_tasks WHERE doc_id = ANY($1)),
              f AS (DELETE FROM meeting_followups WHERE doc_id = ANY($1)),
              r AS (DELETE FROM meeting_records WHERE doc_id = ANY($1)),
              s AS (DELETE FROM meeting_scores WHERE doc_id = ANY($1))
         DELETE FROM meeting_facts WHERE doc_id = ANY($1)",
    )
    .bind::<Array<Text>, _>(doc_ids)
    .execute(c)?;
    Ok(())
}

/// Offers grid rows one upsert each (diesel cannot write a batched SQLite upsert with a
/// condition on its update).
pub(super) fn offer_each(c: &mut SqliteConnection, rows: &[&CellMonthRow]) -> QueryResult<()> {
    // `filter` on an upsert is the `WHERE` of its `DO UPDATE`.
    use diesel::query_dsl::methods::FilterDsl;
    use meeting_cell_months as cm;
    for row in rows {
        diesel::insert_into(cm::table)
            .values(*row)
            .on_conflict((cm::committee_id, cm::year, cm::cell_id, cm::month))
            .do_update()
            .set(*row)
            .filter(cm::doc_id.ge(&row.doc_id))
            .execute(c)?;
    }
    Ok(())
}

/// Offers grid rows in one upsert (at most one per cell-month, which PostgreSQL requires).
pub(super) fn offer_at_once(c: &mut PgConnection, rows: &[&CellMonthRow]) -> QueryResult<()> {
    use diesel::query_dsl::methods::FilterDsl;
    use diesel::upsert::excluded;
    use meeting_cell_months as cm;
    if rows.is_empty() {
        return Ok(());
    }
    diesel::insert_into(cm::table)
        .values(rows.to_vec())
        .on_conflict((cm::committee_id, cm::year, cm::cell_id, cm::month))
        .do_update()
        .set((
            cm::doc_id.eq(excluded(cm::doc_id)),
            cm::cell_name.eq(excluded(cm::cell_name)),
            cm::valid.eq(excluded(cm::valid)),
            cm::status.eq(excluded(cm::status)),
            cm::official_level.eq(excluded(cm::official_level)),
            cm::self_level.eq(excluded(cm::self_level)),
            cm::superior_level.eq(excluded(cm::superior_level)),
            cm::self_percent.eq(excluded(cm::self_percent)),
            cm::superior_percent.eq(excluded(cm::superior_percent)),
            cm::amended_after_lock.eq(excluded(cm::amended_after_lock)),
            cm::auto_lock_on.eq(excluded(cm::auto_lock_on)),
        ))
        .filter(cm::doc_id.ge(excluded(cm::doc_id)))
        .execute(c)?;
    Ok(())
}
