//! Importing and exporting the organisation tree.
//!
//! A tree file has the columns `code`, `name`, `kind` and `parent_code` (empty for a root) and
//! describes units as they are on the import date (`--as-of`, default today). An optional
//! `cell_type` column gives a cell's type (its agenda template, see [`super::cell_types`]); types
//! are not effective-dated, so they are set after the plan and are not part of it. Import first
//! builds a [`Plan`] against the tree in force on that date; any problem (duplicate codes,
//! unknown parents, cycles, names that collide after normalisation, legacy encodings) refuses
//! the whole file, naming the rows. Applying the plan writes every change dated from the import
//! date in one transaction. Units absent from the file are left as they are, so importing the
//! same file again changes nothing.

mod plan;
mod validate;

pub use plan::{Action, Change, ImportError, Plan, RowProblem, Summary};
pub use validate::{TreeRow, parse_tree_rows, plan};

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::Connection;
use sync_core::record::CellType;

use super::OrgError;
use super::table::{Format, Table, write_table};
use super::tree::{OrgTree, UnitKind};
use super::units::{insert_unit, set_version, tree_as_of, unit_by_code};
use crate::db::DbConnection;

/// Header row of tree files.
pub const TREE_HEADERS: [&str; 5] = ["code", "name", "kind", "parent_code", "cell_type"];

/// Every unit code ever created, with its kind.
pub fn known_units(conn: &mut DbConnection) -> Result<HashMap<String, UnitKind>, OrgError> {
    use crate::db::schema::org_units as u;
    use diesel::prelude::*;
    let rows: Vec<(String, String)> =
        crate::db::with_conn!(conn, |c| u::table.select((u::code, u::kind)).load(c)?);
    rows.into_iter()
        .map(|(code, kind)| {
            let k = UnitKind::parse(&kind).ok_or(OrgError::Corrupt(kind))?;
            Ok((code, k))
        })
        .collect()
}

/// Plans the import of `table` on `date` (nothing is written).
pub fn plan_tree_import(
    conn: &mut DbConnection,
    table: &Table,
    date: NaiveDate,
) -> Result<Plan, ImportError> {
    plan_rows(conn, &parse_tree_rows(table)?, date)
}

fn plan_rows(
    conn: &mut DbConnection,
    rows: &[TreeRow],
    date: NaiveDate,
) -> Result<Plan, ImportError> {
    let tree = tree_as_of(conn, date)?;
    let known = known_units(conn)?;
    plan(rows, &tree, &known, date)
}

/// Plans and, unless `dry_run`, applies the import in one transaction; returns the plan.
pub fn import_tree(
    conn: &mut DbConnection,
    table: &Table,
    date: NaiveDate,
    dry_run: bool,
) -> Result<Plan, ImportError> {
    let rows = parse_tree_rows(table)?;
    conn.transaction(|conn| {
        let plan = plan_rows(conn, &rows, date)?;
        if !dry_run {
            apply(conn, &plan)?;
            for row in &rows {
                if let Some(t) = row.cell_type {
                    super::cell_types::set_cell_type(conn, &row.code, Some(t))?;
                }
            }
        }
        Ok(plan)
    })
}

/// Writes a plan: parents before children, so every parent exists and no move passes through
/// a cycle (a unit moves only under a parent already in its final place).
fn apply(conn: &mut DbConnection, plan: &Plan) -> Result<(), OrgError> {
    let mut order: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .collect();
    order.sort_by_key(|c| c.depth);
    let mut ids: HashMap<String, String> = HashMap::new();
    for change in order {
        let parent_id = match &change.parent_code {
            Some(code) => Some(match ids.get(code) {
                Some(id) => id.clone(),
                None => unit_by_code(conn, code)?
                    .map(|(id, _)| id)
                    .ok_or_else(|| OrgError::UnknownCode(code.clone()))?,
            }),
            None => None,
        };
        match change.action {
            Action::Create => {
                let kind = change
                    .kind
                    .ok_or_else(|| OrgError::Corrupt(change.code.clone()))?;
                let id = insert_unit(
                    conn,
                    &change.code,
                    kind,
                    &change.name,
                    parent_id.as_deref(),
                    plan.date,
                )?;
                ids.insert(change.code.clone(), id);
            }
            _ => {
                let id = unit_by_code(conn, &change.code)?
                    .map(|(id, _)| id)
                    .ok_or_else(|| OrgError::UnknownCode(change.code.clone()))?;
                set_version(
                    conn,
                    &change.code,
                    &id,
                    &change.name,
                    parent_id.as_deref(),
                    plan.date,
                )?;
            }
        }
    }
    Ok(())
}

/// The tree in force on `date` as a file: depth first, siblings in Vietnamese collation order
/// of their names, so parents come before their children.
pub fn export_tree(
    conn: &mut DbConnection,
    date: NaiveDate,
    format: Format,
) -> Result<Vec<u8>, ImportError> {
    let tree = tree_as_of(conn, date)?;
    let types = super::cell_types::cell_types(conn)?;
    let rows = tree_rows(&tree, &types);
    Ok(write_table(format, &TREE_HEADERS, &rows)?)
}

/// The rows of [`export_tree`], with the cells' `types`.
pub fn tree_rows(tree: &OrgTree, types: &HashMap<String, CellType>) -> Vec<Vec<String>> {
    fn visit(
        tree: &OrgTree,
        types: &HashMap<String, CellType>,
        units: Vec<&super::TreeUnit>,
        out: &mut Vec<Vec<String>>,
    ) {
        let mut units = units;
        units.sort_by(|a, b| {
            sync_core::text::compare_vi(&a.name, &b.name).then_with(|| a.code.cmp(&b.code))
        });
        for u in units {
            let parent = u
                .parent_id
                .as_deref()
                .and_then(|p| tree.get(p))
                .map(|p| p.code.clone())
                .unwrap_or_default();
            out.push(vec![
                u.code.clone(),
                u.name.clone(),
                u.kind.to_string(),
                parent,
                types
                    .get(&u.code)
                    .map(|t| t.code().to_owned())
                    .unwrap_or_default(),
            ]);
            visit(tree, types, tree.children(&u.id).collect(), out);
        }
    }
    let mut out = Vec::new();
    visit(tree, types, tree.roots().collect(), &mut out);
    out
}
