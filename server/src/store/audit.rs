//! Reading the change audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::StoreError;
use crate::db::schema::changes;
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

/// Every recorded change of `doc_id`, in order of receipt.
pub fn changes_of(conn: &mut DbConnection, doc_id: &str) -> Result<Vec<ChangeRecord>, StoreError> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = with_conn!(conn, |c| {
        changes::table
            .filter(changes::doc_id.eq(doc_id))
            .order((changes::received_at.asc(), changes::change_hash.asc()))
            .select((
                changes::change_hash,
                changes::actor_id,
                changes::device_id,
                changes::received_at,
            ))
            .load(c)?
    });
    Ok(rows
        .into_iter()
        .map(|(hash, actor, device_id, received_at)| ChangeRecord {
            hash,
            actor,
            device_id,
            received_at,
        })
        .collect())
}
