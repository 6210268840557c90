//! The committee heatmap: cells × months with level, self/superior score and the month's state.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::super::RatingsError;
use super::super::expected::ExpectedCells;
use super::super::lock::iso;
use super::period_of;
use crate::db::schema::meeting_cell_months as cm;
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
    pub status: Option<String>,
    /// Official level (`tot`, `kha`, `trung_binh`, `kem`).
    pub level: Option<String>,
    /// The cell's own level.
    pub self_level: Option<String>,
    /// The committee's level.
    pub superior_level: Option<String>,
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

type Row = (
    String,
    String,
    Option<i64>,
    bool,
    String,
    (Option<String>, Option<String>, Option<String>),
    (Option<f64>, Option<f64>, bool, Option<String>),
);

/// The grid of `committee_id` in `year`, with the expected cells from `expected`.
pub fn grid(
    conn: &mut DbConnection,
    expected: &dyn ExpectedCells,
    committee_id: &str,
    year: i64,
    as_of: NaiveDate,
) -> Result<Grid, RatingsError> {
    // The maintained cell-month rows (`meeting_cell_months`): one primary-key range, already
    // one row per cell-month (the first regular meeting by id) and in (cell, month) order. The
    // cell's name comes from the tree (it would repeat in each of 3,600 rows); only a cell the
    // tree does not expect this year has its name read from its rows, afterwards.
    let rows: Vec<Row> = with_conn!(&mut *conn, |c| {
        cm::table
            .filter(cm::committee_id.eq(committee_id))
            .filter(cm::year.eq(year))
            .order((cm::cell_id.asc(), cm::month.asc()))
            .select((
                cm::doc_id,
                cm::cell_id,
                cm::month.nullable(),
                cm::valid,
                cm::status,
                (cm::official_level, cm::self_level, cm::superior_level),
                (
                    cm::self_percent,
                    cm::superior_percent,
                    cm::amended_after_lock,
                    cm::auto_lock_on,
                ),
            ))
            .load(c)?
    });
    let as_of_period = period_of(as_of);
    let today = iso(as_of);
    let mut out: Vec<GridRow> = expected
        .cells(conn, Some(committee_id), year)?
        .into_iter()
        .map(|cell| GridRow {
            months: empty_months(year, &as_of_period, |m| cell.expected_in(m)),
            cell_id: cell.cell_id,
            cell_name: cell.cell_name,
        })
        .collect();
    let mut index_of: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, r)| (r.cell_id.clone(), i))
        .collect();
    let mut unnamed: Vec<usize> = Vec::new();
    for (doc_id, cell_id, month, valid, status, levels, extra) in rows {
        let Some(month) = month
            .and_then(|m| usize::try_from(m).ok())
            .filter(|m| (1..=12).contains(m))
        else {
            continue;
        };
        let index = match index_of.get(&cell_id) {
            Some(&i) => i,
            None => {
                index_of.insert(cell_id.clone(), out.len());
                // Meetings of a cell the source does not expect this year.
                unnamed.push(out.len());
                out.push(GridRow {
                    months: empty_months(year, &as_of_period, |_| false),
                    cell_id: cell_id.clone(),
                    cell_name: String::new(),
                });
                out.len() - 1
            }
        };
        let slot = &mut out[index].months[month - 1];
        if slot.doc_id.is_some() {
            continue; // two regular meetings in a month: the first (by id) is shown
        }
        let (level, self_level, superior_level) = levels;
        let (self_percent, superior_percent, amended, auto_lock_on) = extra;
        let locked = status == "khoa"
            || (status == "da_xac_nhan"
                && auto_lock_on.as_deref().is_some_and(|d| d <= today.as_str()));
        slot.state = if !valid {
            MonthState::Invalid
        } else if level.is_some() {
            MonthState::Rated
        } else {
            MonthState::Unconfirmed
        };
        slot.doc_id = Some(doc_id);
        slot.status = Some(status);
        slot.level = level;
        slot.self_level = self_level;
        slot.superior_level = superior_level;
        slot.self_percent = self_percent;
        slot.superior_percent = superior_percent;
        slot.locked = locked;
        slot.amended_after_lock = amended;
    }
    if !unnamed.is_empty() {
        let ids: Vec<String> = unnamed.iter().map(|&i| out[i].cell_id.clone()).collect();
        let rows: Vec<(String, String)> = with_conn!(&mut *conn, |c| {
            cm::table
                .filter(cm::committee_id.eq(committee_id))
                .filter(cm::year.eq(year))
                .filter(cm::cell_id.eq_any(ids))
                .order((cm::cell_id.asc(), cm::month.asc()))
                .select((cm::cell_id, cm::cell_name))
                .load(c)?
        });
        // The name of the cell's first month, as the rows give it.
        let mut names: HashMap<String, String> = HashMap::new();
        for (cell_id, name) in rows {
            names.entry(cell_id).or_insert(name);
        }
        for i in unnamed {
            if let Some(name) = names.get(&out[i].cell_id) {
                out[i].cell_name.clone_from(name);
            }
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

fn empty_months(year: i64, as_of_period: &str, expected: impl Fn(u32) -> bool) -> Vec<GridCell> {
    (1..=12)
        .map(|month| GridCell {
            month,
            state: if format!("{year:04}-{month:02}").as_str() > as_of_period {
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
