//! Units in the database. Each change is dated: it closes the open version of the unit on that
//! date and opens a new one, so the tree as of any earlier date reads as it was recorded.
//!
//! All functions are blocking and take `&mut DbConnection`; callers that change several units
//! run them inside one transaction (see [`import`](super::import)).

use chrono::NaiveDate;
use diesel::prelude::*;

mod as_of;
mod restructure;

pub use as_of::{ancestry_as_of, tree_as_of};
pub use restructure::{MergeTarget, merge_units, split_unit};

use super::tree::{OrgTree, TreeUnit, UnitKind};
use super::{OrgError, clean_name};
use crate::db::schema::{org_unit_versions as v, org_units as u};
use crate::db::{DbConnection, with_conn};

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Stable code (unique forever).
    pub code: String,
    /// Level.
    pub kind: UnitKind,
    /// Name (normalised on the way in).
    pub name: String,
    /// Parent code, `None` for a root.
    pub parent_code: Option<String>,
}

/// A unit's open version.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OpenVersion {
    row: i64,
    name: String,
    parent_id: Option<String>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

/// The id and kind of the unit with `code`, whether in force or not.
pub fn unit_by_code(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<(String, UnitKind)>, OrgError> {
    let row: Option<(String, String)> = with_conn!(conn, |c| {
        u::table
            .filter(u::code.eq(code))
            .select((u::id, u::kind))
            .first(c)
            .optional()?
    });
    row.map(|(id, kind)| {
        UnitKind::parse(&kind)
            .map(|k| (id, k))
            .ok_or(OrgError::Corrupt(kind))
    })
    .transpose()
}

fn id_of(conn: &mut DbConnection, code: &str) -> Result<String, OrgError> {
    unit_by_code(conn, code)?
        .map(|(id, _)| id)
        .ok_or_else(|| OrgError::UnknownCode(code.to_owned()))
}

/// Creates a unit in force from `from`.
pub fn create_unit(
    conn: &mut DbConnection,
    unit: &NewUnit,
    from: NaiveDate,
) -> Result<TreeUnit, OrgError> {
    let code = unit.code.trim();
    let name = clean_name(&unit.name);
    if code.is_empty() {
        return Err(OrgError::Empty("code"));
    }
    if name.is_empty() {
        return Err(OrgError::Empty("name"));
    }
    if unit_by_code(conn, code)?.is_some() {
        return Err(OrgError::DuplicateCode(code.to_owned()));
    }
    let tree = tree_as_of(conn, from)?;
    let parent_id = parent_in_force(&tree, unit.parent_code.as_deref(), from)?;
    check_name_free(&tree, parent_id.as_deref(), &name, None)?;
    let id = uuid::Uuid::new_v4().to_string();
    let now = chrono::Utc::now().naive_utc();
    with_conn!(conn, |c| {
        diesel::insert_into(u::table)
            .values((
                u::id.eq(&id),
                u::code.eq(code),
                u::kind.eq(unit.kind.as_str()),
                u::created_at.eq(now),
            ))
            .execute(c)?
    });
    insert_version(conn, &id, &name, parent_id.as_deref(), from, None)?;
    Ok(TreeUnit {
        id,
        code: code.to_owned(),
        kind: unit.kind,
        name,
        parent_id,
    })
}

/// Renames `code` from `from` on. A name equal after normalisation is no change (`false`).
pub fn rename_unit(
    conn: &mut DbConnection,
    code: &str,
    new_name: &str,
    from: NaiveDate,
) -> Result<bool, OrgError> {
    let name = clean_name(new_name);
    if name.is_empty() {
        return Err(OrgError::Empty("name"));
    }
    let id = id_of(conn, code)?;
    let open = open_version(conn, code, &id, from)?;
    if open.name == name {
        return Ok(false);
    }
    let tree = tree_as_of(conn, from)?;
    check_name_free(&tree, open.parent_id.as_deref(), &name, Some(&id))?;
    replace_version(conn, &id, &open, &name, open.parent_id.as_deref(), from)?;
    Ok(true)
}

/// Moves `code` under `new_parent` (a code; `None` makes it a root) from `from` on; refuses a
/// move that would make the unit its own ancestor. Returns `false` if it is there already.
pub fn move_unit(
    conn: &mut DbConnection,
    code: &str,
    new_parent: Option<&str>,
    from: NaiveDate,
) -> Result<bool, OrgError> {
    let id = id_of(conn, code)?;
    let open = open_version(conn, code, &id, from)?;
    let tree = tree_as_of(conn, from)?;
    let parent_id = parent_in_force(&tree, new_parent, from)?;
    if open.parent_id == parent_id {
        return Ok(false);
    }
    if let Some(p) = &parent_id
        && tree.is_within(p, &id)
    {
        return Err(OrgError::Cycle {
            code: code.to_owned(),
            parent: new_parent.unwrap_or_default().to_owned(),
        });
    }
    check_name_free(&tree, parent_id.as_deref(), &open.name, Some(&id))?;
    replace_version(conn, &id, &open, &open.name, parent_id.as_deref(), from)?;
    Ok(true)
}

/// Ends `code` on `on` (it is not in force from that date). Its children must have been moved
/// or closed first; a unit with children in force is refused as a name conflict would be.
pub fn close_unit(conn: &mut DbConnection, code: &str, on: NaiveDate) -> Result<(), OrgError> {
    let id = id_of(conn, code)?;
    let open = open_version(conn, code, &id, on)?;
    if open.valid_from == on {
        // Closing on the day it started: the version never was in force.
        with_conn!(conn, |c| diesel::delete(v::table.find(open.row))
            .execute(c)?);
    } else {
        set_valid_to(conn, open.row, Some(on))?;
    }
    Ok(())
}

fn parent_in_force(
    tree: &OrgTree,
    parent_code: Option<&str>,
    date: NaiveDate,
) -> Result<Option<String>, OrgError> {
    match parent_code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(code) => tree
            .by_code(code)
            .map(|p| Some(p.id.clone()))
            .ok_or_else(|| OrgError::NotInForce {
                code: code.to_owned(),
                date,
            }),
    }
}

/// Siblings may not share a name after normalisation: that is how one unit typed twice (Đ vs Ð,
/// NFD vs NFC) would turn into two.
fn check_name_free(
    tree: &OrgTree,
    parent_id: Option<&str>,
    name: &str,
    except: Option<&str>,
) -> Result<(), OrgError> {
    let mut siblings: Box<dyn Iterator<Item = &TreeUnit>> = match parent_id {
        Some(p) => Box::new(tree.children(p)),
        None => Box::new(tree.roots()),
    };
    if siblings.any(|s| s.name == name && Some(s.id.as_str()) != except) {
        let parent = parent_id
            .and_then(|p| tree.get(p))
            .map_or_else(|| "(root)".to_owned(), |p| p.code.clone());
        return Err(OrgError::NameTaken {
            parent,
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// The latest version of the unit, which must be in force on `date` and start no later.
fn open_version(
    conn: &mut DbConnection,
    code: &str,
    id: &str,
    date: NaiveDate,
) -> Result<OpenVersion, OrgError> {
    type Row = (i64, String, Option<String>, NaiveDate, Option<NaiveDate>);
    let latest: Option<Row> = with_conn!(conn, |c| {
        v::table
            .filter(v::unit_id.eq(id))
            .order(v::valid_from.desc())
            .select((v::id, v::name, v::parent_id, v::valid_from, v::valid_to))
            .first(c)
            .optional()?
    });
    let Some((row, name, parent_id, valid_from, valid_to)) = latest else {
        return Err(OrgError::NotInForce {
            code: code.to_owned(),
            date,
        });
    };
    if valid_from > date {
        return Err(OrgError::HistoryConflict {
            code: code.to_owned(),
            latest: valid_from,
            date,
        });
    }
    if valid_to.is_some_and(|end| end <= date) {
        return Err(OrgError::NotInForce {
            code: code.to_owned(),
            date,
        });
    }
    Ok(OpenVersion {
        row,
        name,
        parent_id,
        valid_from,
        valid_to,
    })
}

/// Closes `open` on `from` and opens (name, parent) from `from`; a version that starts on
/// `from` itself is corrected in place, since no day saw it in force with the old values.
fn replace_version(
    conn: &mut DbConnection,
    id: &str,
    open: &OpenVersion,
    name: &str,
    parent_id: Option<&str>,
    from: NaiveDate,
) -> Result<(), OrgError> {
    if open.valid_from == from {
        let key = name.to_owned();
        with_conn!(conn, |c| {
            diesel::update(v::table.find(open.row))
                .set((
                    v::name.eq(name),
                    v::name_key.eq(&key),
                    v::parent_id.eq(parent_id),
                ))
                .execute(c)?
        });
        return Ok(());
    }
    set_valid_to(conn, open.row, Some(from))?;
    insert_version(conn, id, name, parent_id, from, open.valid_to)
}

fn set_valid_to(conn: &mut DbConnection, row: i64, to: Option<NaiveDate>) -> Result<(), OrgError> {
    with_conn!(conn, |c| {
        diesel::update(v::table.find(row))
            .set(v::valid_to.eq(to))
            .execute(c)?
    });
    Ok(())
}

/// Inserts a unit row and its first version without checks (the importer validated the whole
/// plan first); returns the new id.
pub(super) fn insert_unit(
    conn: &mut DbConnection,
    code: &str,
    kind: UnitKind,
    name: &str,
    parent_id: Option<&str>,
    from: NaiveDate,
) -> Result<String, OrgError> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = chrono::Utc::now().naive_utc();
    with_conn!(conn, |c| {
        diesel::insert_into(u::table)
            .values((
                u::id.eq(&id),
                u::code.eq(code),
                u::kind.eq(kind.as_str()),
                u::created_at.eq(now),
            ))
            .execute(c)?
    });
    insert_version(conn, &id, name, parent_id, from, None)?;
    Ok(id)
}

/// Sets (name, parent) of `code` from `from` on without tree checks (validated by the caller).
pub(super) fn set_version(
    conn: &mut DbConnection,
    code: &str,
    id: &str,
    name: &str,
    parent_id: Option<&str>,
    from: NaiveDate,
) -> Result<(), OrgError> {
    let open = open_version(conn, code, id, from)?;
    replace_version(conn, id, &open, name, parent_id, from)
}

fn insert_version(
    conn: &mut DbConnection,
    unit_id: &str,
    name: &str,
    parent_id: Option<&str>,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Result<(), OrgError> {
    let now = chrono::Utc::now().naive_utc();
    with_conn!(conn, |c| {
        diesel::insert_into(v::table)
            .values((
                v::unit_id.eq(unit_id),
                v::name.eq(name),
                v::name_key.eq(name),
                v::parent_id.eq(parent_id),
                v::valid_from.eq(from),
                v::valid_to.eq(to),
                v::recorded_at.eq(now),
            ))
            .execute(c)?
    });
    Ok(())
}
