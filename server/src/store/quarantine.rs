//! Input that was refused is kept with its reason: nothing a device sent is silently dropped.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::StoreError;
use super::types::{QuarantineRecord, QuarantinedItem, now};
use crate::db::schema::quarantine as q;
use crate::db::{DbConnection, with_conn};

/// Stores `record`; returns its row id.
#[tracing::instrument(skip_all, fields(device.id = %record.device_id, reason = %record.reason))]
pub fn quarantine(conn: &mut DbConnection, record: &QuarantineRecord) -> Result<i64, StoreError> {
    let now = now();
    let id = with_conn!(conn, |c| {
        diesel::insert_into(q::table)
            .values((
                q::received_at.eq(now),
                q::device_id.eq(&record.device_id),
                q::doc_id.eq(record.doc_id.as_deref()),
                q::reason.eq(&record.reason),
                q::bytes.eq(&record.bytes),
            ))
            .returning(q::id)
            .get_result::<i64>(c)?
    });
    Ok(id)
}

/// The most recent `limit` quarantined items, newest first.
pub fn list_quarantine(
    conn: &mut DbConnection,
    limit: i64,
) -> Result<Vec<QuarantinedItem>, StoreError> {
    type Row = (i64, NaiveDateTime, String, Option<String>, String, Vec<u8>);
    let rows: Vec<Row> = with_conn!(conn, |c| {
        q::table
            .order(q::id.desc())
            .limit(limit)
            .select((
                q::id,
                q::received_at,
                q::device_id,
                q::doc_id,
                q::reason,
                q::bytes,
            ))
            .load(c)?
    });
    Ok(rows
        .into_iter()
        .map(
            |(id, received_at, device_id, doc_id, reason, bytes)| QuarantinedItem {
                id,
                received_at,
                device_id,
                doc_id,
                reason,
                bytes,
            },
        )
        .collect())
}
