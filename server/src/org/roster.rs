//! Importing and exporting rosters: which members belong to which cell.
//!
//! A roster file has the columns `member_code` (the stable key, e.g. the party card number),
//! either `full_name` or `ho`/`ten_dem`/`ten`, `status` (`chinh_thuc` / `du_bi`, or the
//! Vietnamese words) and `unit_code`. Like the tree import it is validated whole, applied in one
//! transaction from the import date, and idempotent.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use diesel::Connection;
use serde::Serialize;
use sync_core::text::PersonName;

use super::import::{ImportError, RowProblem};
use super::people::{
    PartyStatus, assign_cell, create_person, members_of, membership_on, person_by_code,
    update_person,
};
use super::table::{Format, Table, write_table};
use super::units::tree_as_of;
use crate::db::DbConnection;

/// Header row of exported rosters.
pub const ROSTER_HEADERS: [&str; 6] =
    ["member_code", "ho", "ten_dem", "ten", "status", "unit_code"];

/// What importing one roster row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterAction {
    /// A new member.
    Created,
    /// Name or status changed.
    Updated,
    /// Moved to another cell.
    Transferred,
    /// Name or status changed and moved.
    UpdatedAndTransferred,
    /// Nothing to do.
    Unchanged,
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterChange {
    /// Row number.
    pub row: usize,
    /// Member code.
    pub member_code: String,
    /// Name after import.
    pub name: PersonName,
    /// Status after import.
    pub status: PartyStatus,
    /// Cell after import.
    pub unit_code: String,
    /// What happens.
    pub action: RosterAction,
}

/// What a roster import did or would do.
#[derive(Debug, Clone, Serialize)]
pub struct RosterPlan {
    /// Effective date of memberships.
    pub date: NaiveDate,
    /// One entry per row.
    pub changes: Vec<RosterChange>,
}

impl RosterPlan {
    /// Whether applying changes nothing.
    pub fn is_noop(&self) -> bool {
        self.changes
            .iter()
            .all(|c| c.action == RosterAction::Unchanged)
    }
}

impl fmt::Display for RosterPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for c in &self.changes {
            let label = match c.action {
                RosterAction::Created => "created",
                RosterAction::Updated => "updated",
                RosterAction::Transferred => "transferred",
                RosterAction::UpdatedAndTransferred => "updated+transferred",
                RosterAction::Unchanged => "unchanged",
            };
            *counts.entry(label).or_default() += 1;
            writeln!(
                f,
                "{label:<12} {} `{}` in {}",
                c.member_code, c.name, c.unit_code
            )?;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort();
        let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        write!(f, "as of {}: {}", self.date, counts.join(", "))
    }
}

struct RosterRow {
    row: usize,
    member_code: String,
    name: PersonName,
    status: PartyStatus,
    unit_code: String,
}

fn parse_rows(table: &Table) -> Result<Vec<RosterRow>, ImportError> {
    let code_col = table
        .column(&["member_code", "ma_dang_vien", "so_the"])
        .ok_or(ImportError::MissingColumn("member_code"))?;
    let unit_col = table
        .column(&["unit_code", "chi_bo", "ma_chi_bo"])
        .ok_or(ImportError::MissingColumn("unit_code"))?;
    let status_col = table
        .column(&["status", "trang_thai"])
        .ok_or(ImportError::MissingColumn("status"))?;
    let full_col = table.column(&["full_name", "ho_ten", "họ và tên", "ho_va_ten"]);
    let parts = (
        table.column(&["ho", "họ"]),
        table.column(&["ten_dem", "tên đệm", "chu_lot"]),
        table.column(&["ten", "tên"]),
    );
    if full_col.is_none() && parts.2.is_none() {
        return Err(ImportError::MissingColumn("full_name"));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &table.rows {
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map_or("", |s| s.trim());
        let member_code = sync_core::text::normalize(cell(Some(code_col)));
        let mut bad = |message: String| problems.push(RowProblem { row: *row, message });
        if member_code.is_empty() {
            bad("the member code is empty".into());
            continue;
        }
        if let Some(first) = seen.insert(member_code.clone(), *row) {
            bad(format!(
                "duplicate member code `{member_code}` (also on row {first})"
            ));
            continue;
        }
        let name = match full_col {
            Some(c) => PersonName::parse(cell(Some(c))),
            None => PersonName::parse(&format!(
                "{} {} {}",
                cell(parts.0),
                cell(parts.1),
                cell(parts.2)
            )),
        };
        if name.ten.is_empty() {
            bad(format!("member `{member_code}` has no name"));
            continue;
        }
        let Some(status) = PartyStatus::parse(cell(Some(status_col))) else {
            bad(format!(
                "unknown party status `{}` (use chinh_thuc or du_bi)",
                cell(Some(status_col))
            ));
            continue;
        };
        rows.push(RosterRow {
            row: *row,
            member_code,
            name,
            status,
            unit_code: sync_core::text::normalize(cell(Some(unit_col))),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(problems))
    }
}

/// Imports a roster on `date` (or only plans it with `dry_run`).
pub fn import_roster(
    conn: &mut DbConnection,
    table: &Table,
    date: NaiveDate,
    dry_run: bool,
) -> Result<RosterPlan, ImportError> {
    let rows = parse_rows(table)?;
    conn.transaction(|conn| {
        let tree = tree_as_of(conn, date)?;
        let mut problems = Vec::new();
        for r in &rows {
            if tree.by_code(&r.unit_code).is_none() {
                problems.push(RowProblem {
                    row: r.row,
                    message: format!("unknown unit `{}` (not in force on {date})", r.unit_code),
                });
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Rows(problems));
        }
        let mut changes = Vec::with_capacity(rows.len());
        for r in rows {
            // unwrap-free: checked above that every unit code is in the tree.
            let unit_id = tree
                .by_code(&r.unit_code)
                .map(|u| u.id.clone())
                .unwrap_or_default();
            let action = match person_by_code(conn, &r.member_code)? {
                None => {
                    if !dry_run {
                        let person = create_person(conn, &r.member_code, &r.name, r.status)?;
                        assign_cell(conn, &person.id, &unit_id, date)?;
                    }
                    RosterAction::Created
                }
                Some(person) => {
                    let updated = person.name != r.name || person.status != r.status;
                    let current = membership_on(conn, &person.id, date)?;
                    let moved = current.as_ref().is_none_or(|(_, unit, _)| *unit != unit_id);
                    if !dry_run {
                        if updated {
                            update_person(conn, &person.id, &r.name, r.status)?;
                        }
                        if moved {
                            assign_cell(conn, &person.id, &unit_id, date)?;
                        }
                    }
                    match (updated, moved) {
                        (false, false) => RosterAction::Unchanged,
                        (true, false) => RosterAction::Updated,
                        (false, true) => RosterAction::Transferred,
                        (true, true) => RosterAction::UpdatedAndTransferred,
                    }
                }
            };
            changes.push(RosterChange {
                row: r.row,
                member_code: r.member_code,
                name: r.name,
                status: r.status,
                unit_code: r.unit_code,
                action,
            });
        }
        Ok(RosterPlan { date, changes })
    })
}

/// The members of `unit_code` on `date` as a file, sorted by given name (member-list order).
pub fn export_roster(
    conn: &mut DbConnection,
    unit_code: &str,
    date: NaiveDate,
    format: Format,
) -> Result<Vec<u8>, ImportError> {
    if super::units::unit_by_code(conn, unit_code)?.is_none() {
        return Err(super::OrgError::UnknownCode(unit_code.to_owned()).into());
    }
    let members = members_of(conn, unit_code, date)?;
    let rows: Vec<Vec<String>> = members
        .into_iter()
        .map(|m| {
            vec![
                m.person.member_code,
                m.person.name.ho,
                m.person.name.ten_dem,
                m.person.name.ten,
                m.person.status.as_str().to_owned(),
                m.unit_code,
            ]
        })
        .collect();
    Ok(write_table(format, &ROSTER_HEADERS, &rows)?)
}
