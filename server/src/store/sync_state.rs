//! Persisted automerge sync states, keyed by document and the peer's storage id.

use diesel::prelude::*;

use super::StoreError;
use super::types::now;
use crate::db::schema::sync_states;
use crate::db::{DbConnection, unsynced, with_conn, write_tx};

/// Stores (or replaces) the encoded `automerge::sync::State` of peer `storage_id` for `doc_id`
/// (one row of [`save_sync_states`]).
pub fn save_sync_state(
    conn: &mut DbConnection,
    doc_id: &str,
    storage_id: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    save_sync_states(
        conn,
        &[(doc_id.to_owned(), storage_id.to_owned(), bytes.to_vec())],
    )
}

/// The stored sync state of peer `storage_id` for `doc_id`, if any.
pub fn load_sync_state(
    conn: &mut DbConnection,
    doc_id: &str,
    storage_id: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let bytes = with_conn!(conn, |c| {
        sync_states::table
            .find((doc_id, storage_id))
            .select(sync_states::bytes)
            .first::<Vec<u8>>(c)
            .optional()?
    });
    Ok(bytes)
}

/// One sync state to store: (document, peer storage id, encoded state).
pub type SyncStateRow = (String, String, Vec<u8>);

/// Stores (or replaces) many sync states in ONE transaction: one commit for a burst of
/// devices instead of one each. Later rows for the same key win. The commit is not synced
/// ([`unsynced`]): a sync state lost to a power cut costs its device one more round trip.
pub fn save_sync_states(conn: &mut DbConnection, rows: &[SyncStateRow]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let now = now();
    unsynced(conn, |conn| {
        write_tx!(conn, |c| {
            for (doc_id, storage_id, bytes) in rows {
                diesel::insert_into(sync_states::table)
                    .values((
                        sync_states::doc_id.eq(doc_id),
                        sync_states::storage_id.eq(storage_id),
                        sync_states::bytes.eq(bytes),
                        sync_states::updated_at.eq(now),
                    ))
                    .on_conflict((sync_states::doc_id, sync_states::storage_id))
                    .do_update()
                    .set((
                        sync_states::bytes.eq(bytes),
                        sync_states::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            Ok::<(), StoreError>(())
        })
    })
}

/// The stored sync states of many (document, storage id) keys, in the order asked, on one
/// connection checkout.
pub fn load_sync_states(
    conn: &mut DbConnection,
    keys: &[(String, String)],
) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
    keys.iter()
        .map(|(doc_id, storage_id)| load_sync_state(conn, doc_id, storage_id))
        .collect()
}
