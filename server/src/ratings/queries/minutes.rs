//! One meeting's minutes for the printable page: the facts row and the normalised record the
//! projector stored in `meeting_records` (no document load).

use diesel::prelude::*;
use serde::Serialize;

use super::super::RatingsError;
use super::super::rows::FactRow;
use crate::db::schema::{meeting_facts as f, meeting_records as r};
use crate::db::{DbConnection, with_conn};

/// What the minutes page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Minutes {
    /// Meeting facts (names, period, counts, status).
    pub facts: FactRow,
    /// The minutes as sync-core's `MeetingRecord` JSON; `null` when they did not load.
    pub record: Option<serde_json::Value>,
}

/// The minutes of `doc_id`; `None` when it was never projected.
pub fn minutes(conn: &mut DbConnection, doc_id: &str) -> Result<Option<Minutes>, RatingsError> {
    let row: Option<(FactRow, Option<String>)> = with_conn!(conn, |c| {
        f::table
            .left_join(r::table.on(r::doc_id.eq(f::doc_id)))
            .filter(f::doc_id.eq(doc_id))
            .select((FactRow::as_select(), r::record.nullable()))
            .first(c)
            .optional()?
    });
    Ok(row.map(|(facts, record)| Minutes {
        facts,
        record: record.and_then(|json| serde_json::from_str(&json).ok()),
    }))
}
