//! Validating a tree file against the tree in force: duplicate codes, unknown parents, cycles,
//! kind changes, closed units and names that collide after normalisation.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use sync_core::record::CellType;

use super::plan::{Action, Change, ImportError, Plan, RowProblem};
use crate::org::clean_name;
use crate::org::table::Table;
use crate::org::tree::{OrgTree, UnitKind};

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
    /// The cell's type, when the optional `cell_type` column gives one.
    pub cell_type: Option<CellType>,
}

/// Cleans the rows of a tree table; every bad row is reported.
pub fn parse_tree_rows(table: &Table) -> Result<Vec<TreeRow>, ImportError> {
    let col = |names: &[&str], label| table.column(names).ok_or(ImportError::MissingColumn(label));
    let code_col = col(&["code", "ma", "mã"], "code")?;
    let name_col = col(&["name", "ten", "tên"], "name")?;
    let kind_col = col(&["kind", "loai", "loại"], "kind")?;
    let parent_col = col(&["parent_code", "parent", "ma_cap_tren"], "parent_code")?;
    let type_col = table.column(&["cell_type", "loai_hinh", "loại hình"]);
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
        let type_cell = type_col.map_or("", cell);
        let cell_type = match (type_cell.is_empty(), CellType::parse(type_cell)) {
            (true, _) => None,
            (false, Some(_)) if !kind.is_cell() => {
                bad(format!("unit `{code}` is not a cell and has no cell_type"));
                continue;
            }
            (false, Some(t)) => Some(t),
            (false, None) => {
                bad(format!(
                    "unknown cell_type `{type_cell}` (use one of {})",
                    CellType::ALL.map(CellType::code).join(", ")
                ));
                continue;
            }
        };
        rows.push(TreeRow {
            row: *row,
            code,
            name,
            kind,
            parent_code: (!parent.is_empty()).then_some(parent),
            cell_type,
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
