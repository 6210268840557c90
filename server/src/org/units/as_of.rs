//! Reading the tree in force on a date: all of it, or one unit and its ancestors.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::super::OrgError;
use super::super::tree::{OrgTree, TreeUnit, UnitKind};
use crate::db::schema::{org_unit_versions as v, org_units as u};
use crate::db::{DbConnection, with_conn};

/// A unit version as the tree reads it: id, code, kind, name, parent id.
type UnitRow = (String, String, String, String, Option<String>);

/// Loads the tree in force on `date`.
pub fn tree_as_of(conn: &mut DbConnection, date: NaiveDate) -> Result<OrgTree, OrgError> {
    let rows: Vec<UnitRow> = with_conn!(conn, |c| {
        u::table
            .inner_join(v::table.on(v::unit_id.eq(u::id)))
            .filter(v::valid_from.le(date))
            .filter(v::valid_to.is_null().or(v::valid_to.gt(date)))
            .select((u::id, u::code, u::kind, v::name, v::parent_id))
            .load(c)?
    });
    tree_of(date, rows)
}

/// The unit with `code` and its ancestors, as in force on `date`: the part of
/// [`tree_as_of`] that decides access to one cell's documents ([`OrgTree::by_code`],
/// [`OrgTree::is_within`]), read with one indexed query per level instead of every unit.
/// Empty when no unit with `code` is in force then.
pub fn ancestry_as_of(
    conn: &mut DbConnection,
    code: &str,
    date: NaiveDate,
) -> Result<OrgTree, OrgError> {
    let rows: Vec<UnitRow> = with_conn!(conn, |c| {
        let in_force = || {
            u::table
                .inner_join(v::table.on(v::unit_id.eq(u::id)))
                .filter(v::valid_from.le(date))
                .filter(v::valid_to.is_null().or(v::valid_to.gt(date)))
                .select((u::id, u::code, u::kind, v::name, v::parent_id))
        };
        let mut rows: Vec<UnitRow> = Vec::new();
        let mut next: Option<UnitRow> = in_force().filter(u::code.eq(code)).first(c).optional()?;
        while let Some(row) = next.take() {
            let parent = row.4.clone();
            rows.push(row);
            // A cycle cannot be recorded, but a corrupt table must not loop forever.
            if let Some(parent) = parent.filter(|p| rows.iter().all(|r| &r.0 != p)) {
                next = in_force().filter(u::id.eq(parent)).first(c).optional()?;
            }
        }
        rows
    });
    tree_of(date, rows)
}

fn tree_of(date: NaiveDate, rows: Vec<UnitRow>) -> Result<OrgTree, OrgError> {
    let mut units = Vec::with_capacity(rows.len());
    for (id, code, kind, name, parent_id) in rows {
        let kind = UnitKind::parse(&kind).ok_or(OrgError::Corrupt(kind))?;
        units.push(TreeUnit {
            id,
            code,
            kind,
            name,
            parent_id,
        });
    }
    Ok(OrgTree::new(date, units))
}
