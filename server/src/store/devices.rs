//! Device records: who may sync. Tokens never reach this module, only their hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::StoreError;
use super::types::now;
use crate::db::schema::devices;
use crate::db::{DbConnection, with_conn};

/// A registered device.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceRecord {
    /// Device id (UUID v4 text).
    pub id: String,
    /// Human-readable name (e.g. the cell it belongs to).
    pub name: String,
    /// Registration time (UTC).
    pub created_at: NaiveDateTime,
    /// Revocation time (UTC), if revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

impl DeviceRecord {
    /// Whether the device may still authenticate.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

type Row = (String, String, NaiveDateTime, Option<NaiveDateTime>);

fn record((id, name, created_at, revoked_at): Row) -> DeviceRecord {
    DeviceRecord {
        id,
        name,
        created_at,
        revoked_at,
    }
}

/// Registers a device with a new random id; `token_hash` is the SHA-256 hex of its token.
pub fn insert_device(
    conn: &mut DbConnection,
    name: &str,
    token_hash: &str,
) -> Result<DeviceRecord, StoreError> {
    let device = DeviceRecord {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        created_at: now(),
        revoked_at: None,
    };
    with_conn!(conn, |c| {
        diesel::insert_into(devices::table)
            .values((
                devices::id.eq(&device.id),
                devices::name.eq(&device.name),
                devices::token_hash.eq(token_hash),
                devices::created_at.eq(device.created_at),
            ))
            .execute(c)?
    });
    Ok(device)
}

/// Registers the device `id`, or gives it a new token (and un-revokes it) if it exists. For
/// well-known devices such as the demo's; ordinary devices get random ids from [`insert_device`].
pub fn upsert_device_with_id(
    conn: &mut DbConnection,
    id: &str,
    name: &str,
    token_hash: &str,
) -> Result<(), StoreError> {
    let created_at = now();
    with_conn!(conn, |c| {
        c.transaction(|c| {
            let updated = diesel::update(devices::table.filter(devices::id.eq(id)))
                .set((
                    devices::token_hash.eq(token_hash),
                    devices::revoked_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
            if updated == 0 {
                diesel::insert_into(devices::table)
                    .values((
                        devices::id.eq(id),
                        devices::name.eq(name),
                        devices::token_hash.eq(token_hash),
                        devices::created_at.eq(created_at),
                    ))
                    .execute(c)?;
            }
            diesel::QueryResult::Ok(())
        })?
    });
    Ok(())
}

/// All devices, oldest first.
pub fn list_devices(conn: &mut DbConnection) -> Result<Vec<DeviceRecord>, StoreError> {
    let rows: Vec<Row> = with_conn!(conn, |c| {
        devices::table
            .order((devices::created_at.asc(), devices::id.asc()))
            .select((
                devices::id,
                devices::name,
                devices::created_at,
                devices::revoked_at,
            ))
            .load(c)?
    });
    Ok(rows.into_iter().map(record).collect())
}

/// Revokes `id` (idempotent: the first revocation time is kept); `false` if no such device.
pub fn revoke_device(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    let now = now();
    let found = with_conn!(conn, |c| {
        let revoked_now = diesel::update(
            devices::table
                .find(id)
                .filter(devices::revoked_at.is_null()),
        )
        .set(devices::revoked_at.eq(Some(now)))
        .execute(c)?;
        revoked_now > 0
            || diesel::select(diesel::dsl::exists(devices::table.find(id))).get_result(c)?
    });
    Ok(found)
}

/// The device whose token hashes to `token_hash`, with the stored hash (for a constant-time
/// comparison by the caller), revoked or not.
pub fn device_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(DeviceRecord, String)>, StoreError> {
    let row: Option<(String, String, NaiveDateTime, Option<NaiveDateTime>, String)> =
        with_conn!(conn, |c| {
            devices::table
                .filter(devices::token_hash.eq(token_hash))
                .select((
                    devices::id,
                    devices::name,
                    devices::created_at,
                    devices::revoked_at,
                    devices::token_hash,
                ))
                .first(c)
                .optional()?
        });
    Ok(row.map(|(id, name, created_at, revoked_at, hash)| {
        (record((id, name, created_at, revoked_at)), hash)
    }))
}
