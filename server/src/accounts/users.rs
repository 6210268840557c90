//! Users.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::AccountsError;
use super::password::hash_password;
use crate::db::schema::users as u;
use crate::db::{DbConnection, with_conn};

/// A user (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// User id.
    pub id: String,
    /// Login name (lowercase, normalised).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Disabled users cannot log in.
    pub disabled_at: Option<NaiveDateTime>,
}

type Row = (String, String, String, NaiveDateTime, Option<NaiveDateTime>);

fn user((id, username, display_name, created_at, disabled_at): Row) -> User {
    User {
        id,
        username,
        display_name,
        created_at,
        disabled_at,
    }
}

/// The canonical form of a username: normalised, trimmed, lowercase.
pub fn canonical_username(raw: &str) -> String {
    sync_core::text::normalize(raw.trim()).to_lowercase()
}

/// Creates a user with an argon2id hash of `password`.
pub fn create_user(
    conn: &mut DbConnection,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<User, AccountsError> {
    let username = canonical_username(username);
    let display_name = crate::org::clean_name(display_name);
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        return Err(AccountsError::Invalid(
            "the username must be one word, not empty".into(),
        ));
    }
    if display_name.is_empty() {
        return Err(AccountsError::Invalid(
            "the display name must not be empty".into(),
        ));
    }
    if user_by_username(conn, &username)?.is_some() {
        return Err(AccountsError::UsernameTaken(username));
    }
    let hash = hash_password(password)?;
    let created = User {
        id: uuid::Uuid::new_v4().to_string(),
        username,
        display_name,
        created_at: chrono::Utc::now().naive_utc(),
        disabled_at: None,
    };
    with_conn!(conn, |c| {
        diesel::insert_into(u::table)
            .values((
                u::id.eq(&created.id),
                u::username.eq(&created.username),
                u::display_name.eq(&created.display_name),
                u::password_hash.eq(&hash),
                u::created_at.eq(created.created_at),
            ))
            .execute(c)?
    });
    Ok(created)
}

/// The user named `username` (canonicalised) with the password hash.
pub fn user_with_hash(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<(User, String)>, AccountsError> {
    let username = canonical_username(username);
    let row: Option<(Row, String)> = with_conn!(conn, |c| {
        u::table
            .filter(u::username.eq(&username))
            .select((
                (
                    u::id,
                    u::username,
                    u::display_name,
                    u::created_at,
                    u::disabled_at,
                ),
                u::password_hash,
            ))
            .first(c)
            .optional()?
    });
    Ok(row.map(|(r, h)| (user(r), h)))
}

/// The user named `username`.
pub fn user_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<User>, AccountsError> {
    Ok(user_with_hash(conn, username)?.map(|(u, _)| u))
}

/// The user with `id`.
pub fn user_by_id(conn: &mut DbConnection, id: &str) -> Result<Option<User>, AccountsError> {
    let row: Option<Row> = with_conn!(conn, |c| {
        u::table
            .find(id)
            .select((
                u::id,
                u::username,
                u::display_name,
                u::created_at,
                u::disabled_at,
            ))
            .first(c)
            .optional()?
    });
    Ok(row.map(user))
}

/// All users by username.
pub fn list_users(conn: &mut DbConnection) -> Result<Vec<User>, AccountsError> {
    let rows: Vec<Row> = with_conn!(conn, |c| {
        u::table
            .order(u::username.asc())
            .select((
                u::id,
                u::username,
                u::display_name,
                u::created_at,
                u::disabled_at,
            ))
            .load(c)?
    });
    Ok(rows.into_iter().map(user).collect())
}
