//! Roles on units. A revoked role keeps its row with `revoked_at`, which the revocation watcher
//! reads.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::AccountsError;
use super::users::user_by_username;
use crate::db::schema::{org_units as ou, user_roles as r};
use crate::db::{DbConnection, with_conn};
use crate::org::access::{Role, RoleGrant};
use crate::org::units::unit_by_code;

/// A role in force, with the unit's code for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldRole {
    /// The role.
    pub role: Role,
    /// Unit id.
    pub unit_id: String,
    /// Unit code.
    pub unit_code: String,
    /// When it was granted (UTC).
    pub granted_at: NaiveDateTime,
}

impl HeldRole {
    /// The grant as the access rule takes it.
    pub fn grant(&self) -> RoleGrant {
        RoleGrant {
            role: self.role,
            unit_id: self.unit_id.clone(),
        }
    }
}

/// Grants `role` on the unit `unit_code` to `username`; granting a role held already is a no-op
/// (`false`).
pub fn grant_role(
    conn: &mut DbConnection,
    username: &str,
    role: Role,
    unit_code: &str,
) -> Result<bool, AccountsError> {
    let user = user_by_username(conn, username)?
        .ok_or_else(|| AccountsError::UnknownUser(username.to_owned()))?;
    let (unit_id, _) = unit_by_code(conn, unit_code)?
        .ok_or_else(|| crate::org::OrgError::UnknownCode(unit_code.to_owned()))?;
    if roles_of_user(conn, &user.id)?
        .iter()
        .any(|h| h.role == role && h.unit_id == unit_id)
    {
        return Ok(false);
    }
    let now = chrono::Utc::now().naive_utc();
    with_conn!(conn, |c| {
        diesel::insert_into(r::table)
            .values((
                r::user_id.eq(&user.id),
                r::role.eq(role.as_str()),
                r::unit_id.eq(&unit_id),
                r::granted_at.eq(now),
            ))
            .execute(c)?
    });
    Ok(true)
}

/// Revokes `role` on `unit_code` from `username`; `false` if it was not held. Returns the user
/// id too, for the revocation event.
pub fn revoke_role(
    conn: &mut DbConnection,
    username: &str,
    role: Role,
    unit_code: &str,
) -> Result<(String, bool), AccountsError> {
    let user = user_by_username(conn, username)?
        .ok_or_else(|| AccountsError::UnknownUser(username.to_owned()))?;
    let (unit_id, _) = unit_by_code(conn, unit_code)?
        .ok_or_else(|| crate::org::OrgError::UnknownCode(unit_code.to_owned()))?;
    let now = chrono::Utc::now().naive_utc();
    let n = with_conn!(conn, |c| {
        diesel::update(
            r::table
                .filter(r::user_id.eq(&user.id))
                .filter(r::role.eq(role.as_str()))
                .filter(r::unit_id.eq(&unit_id))
                .filter(r::revoked_at.is_null()),
        )
        .set(r::revoked_at.eq(Some(now)))
        .execute(c)?
    });
    Ok((user.id, n > 0))
}

/// The roles `user_id` holds now (not revoked).
pub fn roles_of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<HeldRole>, AccountsError> {
    roles_of_user_at(conn, user_id, chrono::Utc::now().naive_utc())
}

/// The roles `user_id` held at `at` (granted by then and not yet revoked), e.g. when a change
/// was received.
pub fn roles_of_user_at(
    conn: &mut DbConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> Result<Vec<HeldRole>, AccountsError> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = with_conn!(conn, |c| {
        r::table
            .inner_join(ou::table.on(ou::id.eq(r::unit_id)))
            .filter(r::user_id.eq(user_id))
            .filter(r::granted_at.le(at))
            .filter(r::revoked_at.is_null().or(r::revoked_at.gt(at)))
            .order((ou::code.asc(), r::role.asc()))
            .select((r::role, r::unit_id, ou::code, r::granted_at))
            .load(c)?
    });
    rows.into_iter()
        .map(|(role, unit_id, unit_code, granted_at)| {
            let role = Role::parse(&role)
                .ok_or_else(|| AccountsError::Org(crate::org::OrgError::Corrupt(role)))?;
            Ok(HeldRole {
                role,
                unit_id,
                unit_code,
                granted_at,
            })
        })
        .collect()
}
