//! Which cells are expected to meet: the source the grid uses to show a month without a
//! meeting as *missing* rather than absent data. Today the cells are those known from the
//! projected meetings; the organisation tree (effective-dated) will implement the same trait.

use diesel::prelude::*;

use super::RatingsError;
use crate::db::schema::meeting_facts;
use crate::db::{DbConnection, with_conn};

/// A cell expected to hold meetings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExpectedCell {
    /// Org-unit id.
    pub cell_id: String,
    /// Name (latest known).
    pub cell_name: String,
    /// Parent committee id.
    pub committee_id: String,
}

/// The cells under a committee that should meet in a year.
pub trait ExpectedCells: Send + Sync {
    /// Cells directly under `committee_id` (every cell when `None`) expected in `year`.
    fn cells(
        &self,
        conn: &mut DbConnection,
        committee_id: Option<&str>,
        year: i64,
    ) -> Result<Vec<ExpectedCell>, RatingsError>;
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
            });
        }
        Ok(out)
    }
}
