//! The type of each cell (residential, agency, enterprise, armed forces): which agenda template
//! its new meetings start from (`sync_core::record::agenda_template`). A plain attribute of the
//! unit, not effective-dated: set by the tree import's optional `cell_type` column.

use std::collections::HashMap;

use diesel::prelude::*;
use sync_core::record::CellType;

use super::OrgError;
use crate::db::schema::org_units as u;
use crate::db::{DbConnection, with_conn};

/// Records the type of the unit `code` (`None` clears it); true if it changed.
pub fn set_cell_type(
    conn: &mut DbConnection,
    code: &str,
    cell_type: Option<CellType>,
) -> Result<bool, OrgError> {
    let value = cell_type.map(CellType::code);
    let Some(current) = stored(conn, code)? else {
        return Err(OrgError::UnknownCode(code.to_owned()));
    };
    if current.as_deref() == value {
        return Ok(false);
    }
    let changed = with_conn!(conn, |c| {
        diesel::update(u::table.filter(u::code.eq(code)))
            .set(u::cell_type.eq(value))
            .execute(c)?
    });
    Ok(changed > 0)
}

/// The recorded type of every unit that has one, by unit code.
pub fn cell_types(conn: &mut DbConnection) -> Result<HashMap<String, CellType>, OrgError> {
    let rows: Vec<(String, String)> = with_conn!(conn, |c| {
        u::table
            .filter(u::cell_type.is_not_null())
            .select((u::code, u::cell_type.assume_not_null()))
            .load(c)?
    });
    rows.into_iter()
        .map(|(code, t)| Ok((code, CellType::parse(&t).ok_or(OrgError::Corrupt(t))?)))
        .collect()
}

/// The recorded type of the unit `code` (the common template's when none is recorded).
pub fn cell_type_of(conn: &mut DbConnection, code: &str) -> Result<CellType, OrgError> {
    match stored(conn, code)?.flatten() {
        Some(t) => CellType::parse(&t).ok_or(OrgError::Corrupt(t)),
        None => Ok(CellType::default()),
    }
}

/// The stored `cell_type` of the unit `code`; `None` if there is no such unit.
fn stored(conn: &mut DbConnection, code: &str) -> Result<Option<Option<String>>, OrgError> {
    Ok(with_conn!(conn, |c| {
        u::table
            .filter(u::code.eq(code))
            .select(u::cell_type)
            .first(c)
            .optional()?
    }))
}
