//! Importing and exporting the organisation tree.
//!
//! A tree file has the columns `code`, `name`, `kind` and `parent_code` (empty for a root) and
//! describes units as they are on the import date (`--as-of`, default today). Import first
//! builds a [`Plan`] against the tree in force on that date; any problem (duplicate codes,
//! unknown parents, cycles, names that collide after normalisation, legacy encodings) refuses
//! the whole file, naming the rows. Applying the plan writes every change dated from the import
//! date in one transaction. Units absent from the file are left as they are, so importing the
//! same file again changes nothing.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use diesel::Connection;
use serde::Serialize;

use super::table::{Format, Table, TableError, write_table};
use super::tree::{OrgTree, UnitKind};
use super::units::{insert_unit, set_version, tree_as_of, unit_by_code};
use super::{OrgError, clean_name};
use crate::db::DbConnection;

/// Header row of tree files.
pub const TREE_HEADERS: [&str; 4] = ["code", "name", "kind", "parent_code"];

/// One row of a tree file, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// Row number in the file.
    pub row: usize,
    /// Unit code.
    pub code: String,
    /// Name, normalised.
    pub name: String,
    /// Level.
    pub kind: UnitKind,
    /// Parent code, if any.
    pub parent_code: Option<String>,
}

/// What importing one row does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A new unit.
    Create,
    /// Same unit, new name.
    Rename {
        /// Name before.
        from: String,
    },
    /// Same unit, new parent.
    Move {
        /// Parent code before (`None` = root).
        from: Option<String>,
    },
    /// New name and new parent.
    RenameAndMove {
        /// Name before.
        from_name: String,
        /// Parent code before.
        from_parent: Option<String>,
    },
    /// Nothing to do.
    Unchanged,
}

/// One planned change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Row number.
    pub row: usize,
    /// Unit code.
    pub code: String,
    /// Name after import.
    pub name: String,
    /// Parent code after import.
    pub parent_code: Option<String>,
    /// What happens.
    #[serde(flatten)]
    pub action: Action,
    #[serde(skip)]
    kind: Option<UnitKind>,
    #[serde(skip)]
    depth: usize,
}

/// A validated import: what would change on `date`.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Effective date of every change.
    pub date: NaiveDate,
    /// One entry per row, in file order.
    pub changes: Vec<Change>,
}

/// Counts of a plan's actions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// New units.
    pub created: usize,
    /// Renamed (including renamed and moved).
    pub renamed: usize,
    /// Moved (including renamed and moved).
    pub moved: usize,
    /// Unchanged.
    pub unchanged: usize,
}

/// A problem with one row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Row number (1 = header).
    pub row: usize,
    /// What is wrong.
    pub message: String,
}

/// Why an import file is refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is unreadable as a table (with the row for encoding problems).
    #[error(transparent)]
    Table(#[from] TableError),
    /// A required column is missing.
    #[error("the header row has no `{0}` column")]
    MissingColumn(&'static str),
    /// Rows are wrong; nothing was changed.
    #[error("{} problem(s) in the file, nothing was imported:\n{}", .0.len(), list(.0))]
    Rows(Vec<RowProblem>),
    /// The database refused.
    #[error(transparent)]
    Org(#[from] OrgError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Org(OrgError::Query(e))
    }
}

fn list(problems: &[RowProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  row {}: {}", p.row, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Plan {
    /// Counts per action.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.created += 1,
                Action::Rename { .. } => s.renamed += 1,
                Action::Move { .. } => s.moved += 1,
                Action::RenameAndMove { .. } => {
                    s.renamed += 1;
                    s.moved += 1;
                }
                Action::Unchanged => s.unchanged += 1,
            }
        }
        s
    }

    /// Whether applying would change anything.
    pub fn is_noop(&self) -> bool {
        self.changes.iter().all(|c| c.action == Action::Unchanged)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.changes {
            let parent = c.parent_code.as_deref().unwrap_or("-");
            match &c.action {
                Action::Create => writeln!(f, "created    {} `{}` under {parent}", c.code, c.name)?,
                Action::Rename { from } => {
                    writeln!(f, "renamed    {} `{from}` → `{}`", c.code, c.name)?
                }
                Action::Move { from } => writeln!(
                    f,
                    "moved      {} from {} to {parent}",
                    c.code,
                    from.as_deref().unwrap_or("-")
                )?,
                Action::RenameAndMove {
                    from_name,
                    from_parent,
                } => writeln!(
                    f,
                    "renamed    {} `{from_name}` → `{}`, moved from {} to {parent}",
                    c.code,
                    c.name,
                    from_parent.as_deref().unwrap_or("-")
                )?,
                Action::Unchanged => writeln!(f, "unchanged  {} `{}`", c.code, c.name)?,
            }
        }
        let s = self.summary();
        write!(
            f,
            "as of {}: {} created, {} renamed, {} moved, {} unchanged",
            self.date, s.created, s.renamed, s.moved, s.unchanged
        )
    }
}

/// Cleans the rows of a tree table; every bad row is reported.
pub fn parse_tree_rows(table: &Table) -> Result<Vec<TreeRow>, ImportError> {
    let col = |names: &[&str], label| table.column(names).ok_or(ImportError::MissingColumn(label));
    let code_col = col(&["code", "ma", "mã"], "code")?;
    let name_col = col(&["name", "ten", "tên"], "name")?;
    let kind_col = col(&["kind", "loai", "loại"], "kind")?;
    let parent_col = col(&["parent_code", "parent", "ma_cap_tren"], "parent_code")?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in &table.rows {
        let cell = |i: usize| cells.get(i).map_or("", |s| s.trim());
        let code = sync_core::text::normalize(cell(code_col));
        let name = clean_name(cell(name_col));
        let parent = sync_core::text::normalize(cell(parent_col));
        let mut bad = |message: String| problems.push(RowProblem { row: *row, message });
        if code.is_empty() {
            bad("the code is empty".into());
            continue;
        }
        if name.is_empty() {
            bad(format!("unit `{code}` has no name"));
            continue;
        }
        let Some(kind) = UnitKind::parse(cell(kind_col)) else {
            bad(format!(
                "unknown kind `{}` (use one of {})",
                cell(kind_col),
                kinds()
            ));
            continue;
        };
        rows.push(TreeRow {
            row: *row,
            code,
            name,
            kind,
            parent_code: (!parent.is_empty()).then_some(parent),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(problems))
    }
}

fn kinds() -> String {
    UnitKind::ALL.map(UnitKind::as_str).join(", ")
}

/// A unit in the tree that would result from the import.
struct Target {
    name: String,
    parent: Option<String>,
    row: Option<usize>,
}

/// Validates `rows` against `tree` (the tree in force on the import date) and `known`
/// (codes of every unit ever created, with their kind) and works out the changes.
pub fn plan(
    rows: &[TreeRow],
    tree: &OrgTree,
    known: &HashMap<String, UnitKind>,
    date: NaiveDate,
) -> Result<Plan, ImportError> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in rows {
        if let Some(first) = seen.insert(&r.code, r.row) {
            problems.push(RowProblem {
                row: r.row,
                message: format!("duplicate code `{}` (also on row {first})", r.code),
            });
        }
    }
    // The resulting tree, by code: units in force, overridden by the file.
    let mut target: HashMap<String, Target> = HashMap::new();
    for u in tree.walk() {
        let parent = u
            .parent_id
            .as_deref()
            .and_then(|p| tree.get(p))
            .map(|p| p.code.clone());
        target.insert(
            u.code.clone(),
            Target {
                name: u.name.clone(),
                parent,
                row: None,
            },
        );
    }
    for r in rows {
        match known.get(&r.code) {
            Some(kind) if *kind != r.kind => problems.push(RowProblem {
                row: r.row,
                message: format!(
                    "unit `{}` is a {kind}; its kind cannot change to {}",
                    r.code, r.kind
                ),
            }),
            Some(_) if tree.by_code(&r.code).is_none() => problems.push(RowProblem {
                row: r.row,
                message: format!(
                    "unit `{}` is not in force on {date} (closed or not yet opened)",
                    r.code
                ),
            }),
            _ => {}
        }
        target.insert(
            r.code.clone(),
            Target {
                name: r.name.clone(),
                parent: r.parent_code.clone(),
                row: Some(r.row),
            },
        );
    }
    for r in rows {
        if let Some(p) = &r.parent_code
            && !target.contains_key(p)
        {
            problems.push(RowProblem {
                row: r.row,
                message: format!("unknown parent `{p}` of unit `{}`", r.code),
            });
        }
    }
    let depths = depths(&target, rows, &mut problems);
    check_sibling_names(&target, &mut problems);
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        problems.dedup();
        return Err(ImportError::Rows(problems));
    }
    let changes = rows
        .iter()
        .map(|r| {
            let action = match tree.by_code(&r.code) {
                None => Action::Create,
                Some(u) => {
                    let old_parent = u
                        .parent_id
                        .as_deref()
                        .and_then(|p| tree.get(p))
                        .map(|p| p.code.clone());
                    match (u.name != r.name, old_parent != r.parent_code) {
                        (false, false) => Action::Unchanged,
                        (true, false) => Action::Rename {
                            from: u.name.clone(),
                        },
                        (false, true) => Action::Move { from: old_parent },
                        (true, true) => Action::RenameAndMove {
                            from_name: u.name.clone(),
                            from_parent: old_parent,
                        },
                    }
                }
            };
            Change {
                row: r.row,
                code: r.code.clone(),
                name: r.name.clone(),
                parent_code: r.parent_code.clone(),
                action,
                kind: Some(r.kind),
                depth: depths.get(&r.code).copied().unwrap_or(0),
            }
        })
        .collect();
    Ok(Plan { date, changes })
}

/// Depth of every file row in the resulting tree; rows on a cycle are reported.
fn depths(
    target: &HashMap<String, Target>,
    rows: &[TreeRow],
    problems: &mut Vec<RowProblem>,
) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for r in rows {
        let mut chain = HashSet::new();
        let mut current = r.code.as_str();
        let mut depth = 0;
        loop {
            if !chain.insert(current) {
                problems.push(RowProblem {
                    row: r.row,
                    message: format!(
                        "unit `{}` would be its own ancestor (a cycle through `{current}`)",
                        r.code
                    ),
                });
                break;
            }
            match target.get(current).and_then(|t| t.parent.as_deref()) {
                Some(p) if target.contains_key(p) => {
                    current = p;
                    depth += 1;
                }
                _ => break,
            }
        }
        out.insert(r.code.clone(), depth);
    }
    out
}

/// Two units under one parent with the same normalised name: the same unit typed twice (e.g.
/// once in NFD, once in NFC, or with Ð for Đ).
fn check_sibling_names(target: &HashMap<String, Target>, problems: &mut Vec<RowProblem>) {
    type Siblings<'a> = HashMap<(Option<&'a str>, &'a str), Vec<(&'a str, Option<usize>)>>;
    let mut by_name: Siblings<'_> = HashMap::new();
    for (code, t) in target {
        by_name
            .entry((t.parent.as_deref(), t.name.as_str()))
            .or_default()
            .push((code, t.row));
    }
    for ((parent, name), mut units) in by_name {
        if units.len() < 2 {
            continue;
        }
        units.sort();
        let codes: Vec<&str> = units.iter().map(|(c, _)| *c).collect();
        for (code, row) in &units {
            if let Some(row) = row {
                problems.push(RowProblem {
                    row: *row,
                    message: format!(
                        "unit `{code}` has the same name `{name}` as {} under {} (names are \
                         compared after Unicode normalisation)",
                        codes
                            .iter()
                            .filter(|c| *c != code)
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        parent.unwrap_or("(root)")
                    ),
                });
            }
        }
    }
}

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
    let rows = parse_tree_rows(table)?;
    let tree = tree_as_of(conn, date)?;
    let known = known_units(conn)?;
    plan(&rows, &tree, &known, date)
}

/// Plans and, unless `dry_run`, applies the import in one transaction; returns the plan.
pub fn import_tree(
    conn: &mut DbConnection,
    table: &Table,
    date: NaiveDate,
    dry_run: bool,
) -> Result<Plan, ImportError> {
    conn.transaction(|conn| {
        let plan = plan_tree_import(conn, table, date)?;
        if !dry_run {
            apply(conn, &plan)?;
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
    let rows = tree_rows(&tree);
    Ok(write_table(format, &TREE_HEADERS, &rows)?)
}

/// The rows of [`export_tree`].
pub fn tree_rows(tree: &OrgTree) -> Vec<Vec<String>> {
    fn visit(tree: &OrgTree, units: Vec<&super::TreeUnit>, out: &mut Vec<Vec<String>>) {
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
            ]);
            visit(tree, tree.children(&u.id).collect(), out);
        }
    }
    let mut out = Vec::new();
    visit(tree, tree.roots().collect(), &mut out);
    out
}
