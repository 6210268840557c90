//! Reading the change audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::StoreError;
use super::change_runs::unpack_hashes;
use crate::db::schema::change_runs;
use crate::db::{DbConnection, with_conn};

/// One accepted change as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// Change hash, hex.
    pub hash: String,
    /// The change's actor id, hex.
    pub actor: String,
    /// The device that delivered it first.
    pub device_id: String,
    /// When it was accepted (UTC).
    pub received_at: NaiveDateTime,
}

/// Every recorded change of `doc_id`, in order of receipt (then of hash).
pub fn changes_of(conn: &mut DbConnection, doc_id: &str) -> Result<Vec<ChangeRecord>, StoreError> {
    let runs: Vec<(String, String, NaiveDateTime, Vec<u8>)> = with_conn!(conn, |c| {
        change_runs::table
            .filter(change_runs::doc_id.eq(doc_id))
            .select((
                change_runs::actor_id,
                change_runs::device_id,
                change_runs::received_at,
                change_runs::hashes,
            ))
            .load(c)?
    });
    let mut records: Vec<ChangeRecord> = runs
        .iter()
        .flat_map(|(actor, device_id, received_at, hashes)| {
            unpack_hashes(hashes).map(move |hash| ChangeRecord {
                hash: hash.to_string(),
                actor: actor.clone(),
                device_id: device_id.clone(),
                received_at: *received_at,
            })
        })
        .collect();
    records.sort_by(|a, b| (a.received_at, &a.hash).cmp(&(b.received_at, &b.hash)));
    Ok(records)
}
