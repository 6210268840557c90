//! Which cells are expected to meet, month by month: the source the grid uses to show a month
//! without a meeting as *missing* rather than absent data.
//!
//! - [`TreeCells`]: the effective-dated organisation tree. A cell is expected in a month when
//!   it is in the tree, under the committee, on the first day of that month: a cell founded
//!   later or dissolved (closed, merged away) earlier is not expected then.
//! - [`KnownCells`]: cells seen in projected meetings, expected every month (for stores
//!   without an organisation tree, e.g. the benchmark).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::RatingsError;
use crate::db::schema::{meeting_facts, org_unit_versions as v, org_units as u};
use crate::db::{DbConnection, with_conn};
use crate::org::UnitKind;

/// A cell expected to hold meetings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExpectedCell {
    /// Org-unit code (the `cellId` of its minutes).
    pub cell_id: String,
    /// Name (latest known in the year).
    pub cell_name: String,
    /// Parent committee code (latest in the year).
    pub committee_id: String,
    /// The months (1–12) of the year in which the cell is expected to meet.
    pub months: Vec<u32>,
}

impl ExpectedCell {
    /// Whether the cell is expected to meet in `month` (1–12).
    pub fn expected_in(&self, month: u32) -> bool {
        self.months.contains(&month)
    }
}

/// The cells under a committee that should meet in a year.
pub trait ExpectedCells: Send + Sync {
    /// Cells directly under `committee_id` (every cell when `None`) expected in some month of
    /// `year`, each with the months it is expected in.
    fn cells(
        &self,
        conn: &mut DbConnection,
        committee_id: Option<&str>,
        year: i64,
    ) -> Result<Vec<ExpectedCell>, RatingsError>;

    /// The months (1–12) of `year` in which `cell_id` is expected to meet, under whichever
    /// committee: the cell's own view of its year.
    fn cell_months(
        &self,
        conn: &mut DbConnection,
        cell_id: &str,
        year: i64,
    ) -> Result<Vec<u32>, RatingsError>;
}

/// The effective-dated organisation tree: see the module documentation.
#[derive(Debug, Clone, Copy, Default)]
pub struct TreeCells;

/// One unit version overlapping the year.
type VersionRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDate,
    Option<NaiveDate>,
);

fn first_of(year: i64, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, 1)
}

/// The months of `year` whose first day falls in `[from, to)`.
fn months_in_force(year: i64, from: NaiveDate, to: Option<NaiveDate>) -> Vec<u32> {
    (1..=12)
        .filter(|&m| first_of(year, m).is_some_and(|d| from <= d && to.is_none_or(|to| d < to)))
        .collect()
}

impl ExpectedCells for TreeCells {
    fn cells(
        &self,
        conn: &mut DbConnection,
        committee_id: Option<&str>,
        year: i64,
    ) -> Result<Vec<ExpectedCell>, RatingsError> {
        let (Some(first), Some(last)) = (first_of(year, 1), first_of(year, 12)) else {
            return Ok(Vec::new());
        };
        // Unit versions in force on some day of the year: the committee's children (through
        // the parent index) or, for every cell, the whole tree (parents give the codes).
        let committee_unit: Option<String> = match committee_id {
            Some(code) => {
                let id: Option<String> = with_conn!(&mut *conn, |c| {
                    u::table
                        .filter(u::code.eq(code))
                        .select(u::id)
                        .first(c)
                        .optional()?
                });
                match id {
                    Some(id) => Some(id),
                    None => return Ok(Vec::new()),
                }
            }
            None => None,
        };
        let rows: Vec<VersionRow> = with_conn!(conn, |c| {
            let mut q = u::table
                .inner_join(v::table.on(v::unit_id.eq(u::id)))
                .filter(v::valid_from.le(last))
                .filter(v::valid_to.is_null().or(v::valid_to.gt(first)))
                .order((v::unit_id, v::valid_from))
                .select((
                    u::id,
                    u::code,
                    u::kind,
                    v::name,
                    v::parent_id,
                    v::valid_from,
                    v::valid_to,
                ))
                .into_boxed();
            if let Some(parent) = &committee_unit {
                q = q.filter(v::parent_id.eq(parent.clone()));
            }
            q.load(c)?
        });
        let mut code_of: HashMap<&str, &str> = rows
            .iter()
            .map(|(id, code, ..)| (id.as_str(), code.as_str()))
            .collect();
        if let (Some(id), Some(code)) = (&committee_unit, committee_id) {
            code_of.insert(id.as_str(), code);
        }
        let mut cells: BTreeMap<String, ExpectedCell> = BTreeMap::new();
        for (_, code, kind, name, parent, from, to) in &rows {
            if !UnitKind::parse(kind).is_some_and(UnitKind::is_cell) {
                continue;
            }
            let Some(parent_code) = parent.as_deref().and_then(|p| code_of.get(p).copied()) else {
                continue;
            };
            if committee_id.is_some_and(|want| want != parent_code) {
                continue;
            }
            let months = months_in_force(year, *from, *to);
            if months.is_empty() {
                continue;
            }
            // Versions come oldest first: the latest name and committee win.
            let entry = cells.entry(code.clone()).or_insert_with(|| ExpectedCell {
                cell_id: code.clone(),
                cell_name: String::new(),
                committee_id: String::new(),
                months: Vec::new(),
            });
            entry.cell_name.clone_from(name);
            parent_code.clone_into(&mut entry.committee_id);
            entry.months.extend(months);
            entry.months.sort_unstable();
            entry.months.dedup();
        }
        Ok(cells.into_values().collect())
    }

    fn cell_months(
        &self,
        conn: &mut DbConnection,
        cell_id: &str,
        year: i64,
    ) -> Result<Vec<u32>, RatingsError> {
        let (Some(first), Some(last)) = (first_of(year, 1), first_of(year, 12)) else {
            return Ok(Vec::new());
        };
        let versions: Vec<(String, NaiveDate, Option<NaiveDate>)> = with_conn!(conn, |c| {
            u::table
                .inner_join(v::table.on(v::unit_id.eq(u::id)))
                .filter(u::code.eq(cell_id))
                .filter(v::valid_from.le(last))
                .filter(v::valid_to.is_null().or(v::valid_to.gt(first)))
                .select((u::kind, v::valid_from, v::valid_to))
                .load(c)?
        });
        let mut months: Vec<u32> = versions
            .into_iter()
            .filter(|(kind, ..)| UnitKind::parse(kind).is_some_and(UnitKind::is_cell))
            .flat_map(|(_, from, to)| months_in_force(year, from, to))
            .collect();
        months.sort_unstable();
        months.dedup();
        Ok(months)
    }
}

/// Cells known from any projected meeting (of any year) with that committee: a cell that ever
/// met is expected every month, so a month without its meeting shows as missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct KnownCells;

impl ExpectedCells for KnownCells {
    fn cells(
        &self,
        conn: &mut DbConnection,
        committee_id: Option<&str>,
        _year: i64,
    ) -> Result<Vec<ExpectedCell>, RatingsError> {
        use meeting_facts as f;
        // Distinct (cell, name, committee); a renamed cell appears once per name, newest period
        // first, and the first is kept.
        let rows: Vec<(String, String, String, Option<String>)> = with_conn!(conn, |c| {
            let mut q = f::table
                .filter(f::cell_id.ne(""))
                .group_by((f::cell_id, f::cell_name, f::committee_id))
                .select((
                    f::cell_id,
                    f::cell_name,
                    f::committee_id,
                    diesel::dsl::max(f::period),
                ))
                .into_boxed();
            if let Some(id) = committee_id {
                q = q.filter(f::committee_id.eq(id.to_owned()));
            }
            q.load(c)?
        });
        let mut rows = rows;
        rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| b.3.cmp(&a.3)));
        let mut out: Vec<ExpectedCell> = Vec::new();
        for (cell_id, cell_name, committee_id, _) in rows {
            if out.last().is_some_and(|c| c.cell_id == cell_id) {
                continue;
            }
            out.push(ExpectedCell {
                cell_id,
                cell_name,
                committee_id,
                months: (1..=12).collect(),
            });
        }
        Ok(out)
    }

    fn cell_months(
        &self,
        _conn: &mut DbConnection,
        _cell_id: &str,
        _year: i64,
    ) -> Result<Vec<u32>, RatingsError> {
        Ok((1..=12).collect())
    }
}
