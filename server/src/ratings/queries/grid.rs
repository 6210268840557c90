//! The committee heatmap: cells × months with level, self/superior score and the month's state.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use super::super::RatingsError;
use super::super::cell_years::{MonthEntry, parse_months};
use super::super::codes::known_code;
use super::super::expected::ExpectedCells;
use super::super::lock::iso;
use crate::db::schema::meeting_cell_years as cy;
use crate::db::{DbConnection, with_conn};

/// State of one cell-month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthState {
    /// Confirmed (or locked): the official level is shown.
    Rated,
    /// Held, not confirmed yet (draft, submitted or returned).
    Unconfirmed,
    /// Minutes that failed to load or validate.
    Invalid,
    /// No meeting although the cell is expected.
    Missing,
    /// No meeting, and none expected: the cell was not in the tree under this committee on
    /// the month's first day (founded later, dissolved or moved away earlier).
    NotExpected,
    /// After the as-of date.
    Future,
}

/// One cell-month of the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridCell {
    /// 1..=12.
    pub month: u32,
    /// What the month shows.
    pub state: MonthState,
    /// The meeting document, when there is one.
    pub doc_id: Option<String>,
    /// Review status code.
    pub status: Option<Cow<'static, str>>,
    /// Official level (`tot`, `kha`, `trung_binh`, `kem`).
    pub level: Option<Cow<'static, str>>,
    /// The cell's own level.
    pub self_level: Option<Cow<'static, str>>,
    /// The committee's level.
    pub superior_level: Option<Cow<'static, str>>,
    /// Self score, percent of the applicable maximum.
    pub self_percent: Option<f64>,
    /// Superior score, percent.
    pub superior_percent: Option<f64>,
    /// Locked on the as-of date.
    pub locked: bool,
    /// Edited after lock (the official level is the frozen one).
    pub amended_after_lock: bool,
}

/// One cell's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridRow {
    /// Cell id.
    pub cell_id: String,
    /// Cell name.
    pub cell_name: String,
    /// Twelve months, January first.
    pub months: Vec<GridCell>,
}

/// The heatmap of one committee and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Committee id.
    pub committee_id: String,
    /// Year.
    pub year: i64,
    /// `YYYY-MM-DD` the states were decided on.
    pub as_of: String,
    /// Cells in Vietnamese collation order of their names.
    pub rows: Vec<GridRow>,
}

/// The committee grid of `committee_id` in `year`, with the expected cells from `expected`.
pub fn grid(
    conn: &mut DbConnection,
    expected: &dyn ExpectedCells,
    committee_id: &str,
    year: i64,
    as_of: NaiveDate,
) -> Result<Grid, RatingsError> {
    // The maintained cell-year rows (`meeting_cell_years`): one primary-key range, one row
    // per cell with its shown meeting of each month (the first regular meeting by id).
    let rows: Vec<(String, String, String)> = with_conn!(&mut *conn, |c| {
        cy::table
            .filter(cy::committee_id.eq(committee_id))
            .filter(cy::year.eq(year))
            .select((cy::cell_id, cy::cell_name, cy::months))
            .load(c)?
    });
    let today = iso(as_of);
    let mut out: Vec<GridRow> = expected
        .cells(conn, Some(committee_id), year)?
        .into_iter()
        .map(|cell| GridRow {
            months: empty_months(year, as_of, |m| cell.expected_in(m)),
            cell_id: cell.cell_id,
            cell_name: cell.cell_name,
        })
        .collect();
    let mut index_of: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, r)| (r.cell_id.clone(), i))
        .collect();
    for (cell_id, cell_name, months) in rows {
        let months = parse_months(&months)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        let index = match index_of.get(&cell_id) {
            Some(&i) => i,
            None => {
                // Meetings of a cell the source does not expect this year, under the name
                // of its first month's minutes.
                index_of.insert(cell_id.clone(), out.len());
                out.push(GridRow {
                    months: empty_months(year, as_of, |_| false),
                    cell_id,
                    cell_name,
                });
                out.len() - 1
            }
        };
        for entry in months {
            let MonthEntry(
                month,
                doc_id,
                valid,
                status,
                level,
                self_level,
                superior_level,
                self_percent,
                superior_percent,
                amended,
                auto_lock_on,
            ) = entry;
            let Some(slot) = usize::try_from(month)
                .ok()
                .filter(|m| (1..=12).contains(m))
                .map(|m| &mut out[index].months[m - 1])
            else {
                continue;
            };
            let locked = status == "khoa"
                || (status == "da_xac_nhan"
                    && auto_lock_on.as_deref().is_some_and(|d| d <= today.as_str()));
            slot.state = if valid == 0 {
                MonthState::Invalid
            } else if level.is_some() {
                MonthState::Rated
            } else {
                MonthState::Unconfirmed
            };
            slot.doc_id = Some(doc_id);
            slot.status = Some(known_code(&status));
            slot.level = level.as_deref().map(known_code);
            slot.self_level = self_level.as_deref().map(known_code);
            slot.superior_level = superior_level.as_deref().map(known_code);
            slot.self_percent = self_percent;
            slot.superior_percent = superior_percent;
            slot.locked = locked;
            slot.amended_after_lock = amended != 0;
        }
    }
    // By name under Vietnamese collation; equal names by code.
    out.sort_by(|a, b| a.cell_id.cmp(&b.cell_id));
    sync_core::text::sort_vi_by(&mut out, |row| &row.cell_name);
    Ok(Grid {
        committee_id: committee_id.to_owned(),
        year,
        as_of: today,
        rows: out,
    })
}

/// Twelve months without a meeting: after `as_of`'s month in the future, otherwise missing
/// where `expected`.
fn empty_months(year: i64, as_of: NaiveDate, expected: impl Fn(u32) -> bool) -> Vec<GridCell> {
    let now = (i64::from(as_of.year()), as_of.month());
    (1..=12)
        .map(|month| GridCell {
            month,
            state: if (year, month) > now {
                MonthState::Future
            } else if expected(month) {
                MonthState::Missing
            } else {
                MonthState::NotExpected
            },
            doc_id: None,
            status: None,
            level: None,
            self_level: None,
            superior_level: None,
            self_percent: None,
            superior_percent: None,
            locked: false,
            amended_after_lock: false,
        })
        .collect()
}
