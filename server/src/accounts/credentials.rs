//! Device credentials: the `devices` rows with the user and expiry the organisation migration
//! added. A login enrols a device here; the sync layer asks [`device_status`] whether a device
//! may still sync and with which roles.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::AccountsError;
use super::roles::{HeldRole, roles_of_user};
use crate::auth::DeviceToken;
use crate::db::schema::device_credentials as d;
use crate::db::{DbConnection, with_conn};
use crate::store::devices::DeviceRecord;

/// A device credential as stored, with its owner and expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credential {
    /// The device.
    pub device: DeviceRecord,
    /// The user it was enrolled for (`None` for operator-created devices).
    pub user_id: Option<String>,
    /// When it stops working (`None`: never).
    pub expires_at: Option<NaiveDateTime>,
}

impl Credential {
    /// Whether it has expired at `now`.
    pub fn is_expired(&self, now: NaiveDateTime) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }
}

type Row = (
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
    Option<NaiveDateTime>,
);

fn credential((id, name, created_at, revoked_at, user_id, expires_at): Row) -> Credential {
    Credential {
        device: DeviceRecord {
            id,
            name,
            created_at,
            revoked_at,
        },
        user_id,
        expires_at,
    }
}

/// Enrols a device for `user_id`, valid for `lifetime`; the token is returned once.
pub fn enrol_device(
    conn: &mut DbConnection,
    user_id: &str,
    device_name: &str,
    lifetime: chrono::Duration,
) -> Result<(Credential, DeviceToken), AccountsError> {
    let token = DeviceToken::generate();
    let now = chrono::Utc::now().naive_utc();
    let name = crate::org::clean_name(device_name);
    let created = Credential {
        device: DeviceRecord {
            id: uuid::Uuid::new_v4().to_string(),
            name: if name.is_empty() {
                "device".to_owned()
            } else {
                name
            },
            created_at: now,
            revoked_at: None,
        },
        user_id: Some(user_id.to_owned()),
        expires_at: now.checked_add_signed(lifetime),
    };
    with_conn!(conn, |c| {
        diesel::insert_into(d::table)
            .values((
                d::id.eq(&created.device.id),
                d::name.eq(&created.device.name),
                d::token_hash.eq(token.hash()),
                d::created_at.eq(now),
                d::user_id.eq(user_id),
                d::expires_at.eq(created.expires_at),
            ))
            .execute(c)?
    });
    Ok((created, token))
}

/// The credential whose token hashes to `token_hash`, with the stored hash (for the caller's
/// constant-time comparison), revoked or expired or not.
pub fn credential_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(Credential, String)>, diesel::result::Error> {
    let row: Option<(Row, String)> = with_conn!(conn, |c| {
        d::table
            .filter(d::token_hash.eq(token_hash))
            .select((
                (
                    d::id,
                    d::name,
                    d::created_at,
                    d::revoked_at,
                    d::user_id,
                    d::expires_at,
                ),
                d::token_hash,
            ))
            .first(c)
            .optional()?
    });
    Ok(row.map(|(r, h)| (credential(r), h)))
}

/// The credential of `device_id`.
pub fn credential_by_id(
    conn: &mut DbConnection,
    device_id: &str,
) -> Result<Option<Credential>, diesel::result::Error> {
    let row: Option<Row> = with_conn!(conn, |c| {
        d::table
            .find(device_id)
            .select((
                d::id,
                d::name,
                d::created_at,
                d::revoked_at,
                d::user_id,
                d::expires_at,
            ))
            .first(c)
            .optional()?
    });
    Ok(row.map(credential))
}

/// Whether a device may sync now, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DeviceStatus {
    /// The device may sync. `user_id` is `None` for operator-created devices (which hold no
    /// roles).
    Allowed {
        /// Its user.
        user_id: Option<String>,
        /// The user's roles in force now.
        roles: Vec<HeldRole>,
    },
    /// Revoked, logged out or expired, or unknown: cut the connection.
    Refused,
}

/// The cheap question the sync layer asks on connect and after a
/// [`RevocationEvent`](super::revocation::RevocationEvent): two indexed queries.
pub fn device_status(
    conn: &mut DbConnection,
    device_id: &str,
) -> Result<DeviceStatus, AccountsError> {
    let Some(cred) = credential_by_id(conn, device_id)? else {
        return Ok(DeviceStatus::Refused);
    };
    if !cred.device.is_active() || cred.is_expired(chrono::Utc::now().naive_utc()) {
        return Ok(DeviceStatus::Refused);
    }
    let roles = match &cred.user_id {
        Some(user) => {
            if super::users::user_by_id(conn, user)?.is_none_or(|u| u.disabled_at.is_some()) {
                return Ok(DeviceStatus::Refused);
            }
            roles_of_user(conn, user)?
        }
        None => Vec::new(),
    };
    Ok(DeviceStatus::Allowed {
        user_id: cred.user_id,
        roles,
    })
}

/// Revokes every active device of `user_id`; returns their ids.
pub fn revoke_devices_of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<String>, diesel::result::Error> {
    let now = chrono::Utc::now().naive_utc();
    with_conn!(conn, |c| {
        let ids: Vec<String> = d::table
            .filter(d::user_id.eq(user_id))
            .filter(d::revoked_at.is_null())
            .select(d::id)
            .load(c)?;
        diesel::update(d::table.filter(d::id.eq_any(&ids)))
            .set(d::revoked_at.eq(Some(now)))
            .execute(c)?;
        Ok(ids)
    })
}
