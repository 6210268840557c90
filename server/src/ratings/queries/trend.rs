//! Roll-ups and rankings: the yearly roll-up per cell, the national committee × month view, the
//! bottom cells of a committee-month, a cell's trend and the confirmation queue.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use serde::Serialize;
use sync_core::rubric::{self, Level, MonthDue, YearRollup};

use super::super::expected::ExpectedCells;
use super::super::{RatingsConfig, RatingsError};
use super::{REGULAR_TYPES, period_of, placeholders};
use crate::db::schema::{meeting_facts as f, meeting_scores as s};
use crate::db::{DbConnection, with_conn};

/// The level of a stored code.
pub fn level_of(code: &str) -> Option<Level> {
    Level::BEST_FIRST.into_iter().find(|l| l.code() == code)
}

/// Rolls up `(period, official level)` pairs of one cell's year with the configured rubric,
/// `due(month)` telling which months the cell owed a meeting for; `None` when that rubric is
/// unknown.
pub fn rollup_months(
    config: &RatingsConfig,
    year: i64,
    months: &[(String, Option<String>)],
    due: impl Fn(u32) -> MonthDue,
) -> Option<YearRollup> {
    let rubric = rubric::preset(&config.rollup_rubric)?;
    let mut input: Vec<(String, Option<Level>)> = (1..=12)
        .map(|m| (format!("{year:04}-{m:02}"), None))
        .collect();
    for (period, level) in months {
        if let Some(slot) = input.iter_mut().find(|(p, _)| p == period)
            && slot.1.is_none()
        {
            slot.1 = level.as_deref().and_then(level_of);
        }
    }
    Some(rubric::rollup_year_due(&rubric, &input, due))
}

/// One cell's year-end roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellRollup {
    /// Cell id.
    pub cell_id: String,
    /// Cell name.
    pub cell_name: String,
    /// Committee id.
    pub committee_id: String,
    /// The roll-up (level or why undetermined).
    pub rollup: Option<YearRollup>,
}

/// The roll-up of every expected cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    /// Year.
    pub year: i64,
    /// `id` of the roll-up rubric.
    pub rubric: String,
    /// Cells in collation order of their names.
    pub cells: Vec<CellRollup>,
}

/// Whether a cell owed a meeting for `month` of `year`, seen on `as_of`.
pub fn month_due(year: i64, month: u32, as_of: NaiveDate, expected: bool) -> MonthDue {
    if format!("{year:04}-{month:02}") > period_of(as_of) {
        MonthDue::Future
    } else if expected {
        MonthDue::Due
    } else {
        MonthDue::NotExpected
    }
}

/// The yearly roll-up of each cell under `committee_id` (all cells when `None`), as of
/// `as_of`: months the cell was not expected in are left out, months after `as_of` make the
/// roll-up provisional.
pub fn rollup(
    conn: &mut DbConnection,
    expected: &dyn ExpectedCells,
    committee_id: Option<&str>,
    year: i64,
    as_of: NaiveDate,
    config: &RatingsConfig,
) -> Result<Rollup, RatingsError> {
    let rows: Vec<(String, String, Option<String>)> = with_conn!(&mut *conn, |c| {
        let mut q = f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::year.eq(year))
            .filter(f::valid.eq(true))
            .filter(f::meeting_type.eq_any(REGULAR_TYPES))
            .select((f::cell_id, f::period, s::official_level))
            .order((f::cell_id.asc(), f::period.asc(), f::doc_id.asc()))
            .into_boxed();
        if let Some(id) = committee_id {
            q = q.filter(f::committee_id.eq(id.to_owned()));
        }
        q.load(c)?
    });
    let mut cells: Vec<CellRollup> = expected
        .cells(conn, committee_id, year)?
        .into_iter()
        .map(|cell| {
            let months: Vec<(String, Option<String>)> = rows
                .iter()
                .filter(|(id, _, _)| *id == cell.cell_id)
                .map(|(_, p, l)| (p.clone(), l.clone()))
                .collect();
            CellRollup {
                rollup: rollup_months(config, year, &months, |m| {
                    month_due(year, m, as_of, cell.expected_in(m))
                }),
                cell_id: cell.cell_id,
                cell_name: cell.cell_name,
                committee_id: cell.committee_id,
            }
        })
        .collect();
    cells.sort_by(|a, b| a.cell_id.cmp(&b.cell_id));
    sync_core::text::sort_vi_by(&mut cells, |cell| &cell.cell_name);
    Ok(Rollup {
        year,
        rubric: config.rollup_rubric.clone(),
        cells,
    })
}

/// One committee-month of the national view.
#[derive(Debug, Clone, PartialEq, Serialize, QueryableByName)]
pub struct NationalRow {
    /// Committee id.
    #[diesel(sql_type = Text)]
    pub committee_id: String,
    /// Month.
    #[diesel(sql_type = BigInt)]
    pub month: i64,
    /// Meetings.
    #[diesel(sql_type = BigInt)]
    pub meetings: i64,
    /// Official Tốt.
    #[diesel(sql_type = BigInt)]
    pub tot: i64,
    /// Official Khá.
    #[diesel(sql_type = BigInt)]
    pub kha: i64,
    /// Official Trung bình or Kém.
    #[diesel(sql_type = BigInt)]
    pub below: i64,
    /// Average superior percent.
    #[diesel(sql_type = Nullable<Double>)]
    pub avg_superior_percent: Option<f64>,
}

/// Every committee × month of `year`: meetings and official level counts.
pub fn national_rollup(
    conn: &mut DbConnection,
    year: i64,
) -> Result<Vec<NationalRow>, RatingsError> {
    // Reads the maintained totals: a few rows per committee, not every meeting.
    let sql = placeholders(
        conn.backend(),
        "SELECT committee_id, month, meetings, tot, kha, trung_binh + kem AS below,
           CAST(superior_ppm_sum AS DOUBLE PRECISION) / 10000.0 / NULLIF(superior_n, 0)
             AS avg_superior_percent
         FROM meeting_month_totals WHERE year = ?
         ORDER BY committee_id, month",
    );
    Ok(with_conn!(conn, |c| diesel::sql_query(&sql)
        .bind::<BigInt, _>(year)
        .load::<NationalRow>(c)?))
}

/// A low-rated cell of a committee-month.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable)]
pub struct BottomCell {
    /// Cell id.
    pub cell_id: String,
    /// Cell name.
    pub cell_name: String,
    /// Document id.
    pub doc_id: String,
    /// The superior percent (the self percent when not yet scored by the committee).
    pub percent: Option<f64>,
    /// Official level.
    pub official_level: Option<String>,
}

/// The `limit` lowest-scored meetings of a committee in a month (superior score, else self).
pub fn bottom_cells(
    conn: &mut DbConnection,
    committee_id: &str,
    year: i64,
    month: i64,
    limit: i64,
) -> Result<Vec<BottomCell>, RatingsError> {
    let percent = diesel::dsl::sql::<Nullable<Double>>(
        "COALESCE(meeting_scores.superior_percent, meeting_scores.self_percent)",
    );
    Ok(with_conn!(conn, |c| {
        f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::committee_id.eq(committee_id))
            .filter(f::year.eq(year))
            .filter(f::month.eq(month))
            .filter(f::valid.eq(true))
            .order((percent.clone().asc(), f::cell_id.asc()))
            .limit(limit)
            .select((
                f::cell_id,
                f::cell_name,
                f::doc_id,
                percent.clone(),
                s::official_level,
            ))
            .load(c)?
    }))
}

/// One month of a cell's trend.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable)]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub period: String,
    /// Self percent.
    pub self_percent: Option<f64>,
    /// Superior percent.
    pub superior_percent: Option<f64>,
    /// Official level.
    pub official_level: Option<String>,
    /// Attendance rate.
    pub attendance_rate: f64,
}

/// A cell's regular meetings from `from` to `to` (`YYYY-MM`, inclusive), oldest first.
pub fn cell_trend(
    conn: &mut DbConnection,
    cell_id: &str,
    from: &str,
    to: &str,
) -> Result<Vec<TrendPoint>, RatingsError> {
    Ok(with_conn!(conn, |c| {
        f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::cell_id.eq(cell_id))
            .filter(f::period.ge(from))
            .filter(f::period.le(to))
            .filter(f::meeting_type.eq_any(REGULAR_TYPES))
            .order((f::period.asc(), f::doc_id.asc()))
            .select((
                f::period,
                s::self_percent,
                s::superior_percent,
                s::official_level,
                f::attendance_rate,
            ))
            .load(c)?
    }))
}

/// Minutes submitted and awaiting the committee's confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable)]
pub struct QueueItem {
    /// Document id.
    pub doc_id: String,
    /// Cell id.
    pub cell_id: String,
    /// Cell name.
    pub cell_name: String,
    /// Committee id.
    pub committee_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Meeting type code.
    pub meeting_type: String,
    /// Self level.
    pub self_level: Option<String>,
    /// Self percent.
    pub self_percent: Option<f64>,
    /// Problems found (load, validation, score).
    pub problem_count: i64,
    /// False when the minutes have errors (they cannot be confirmed as they are).
    pub valid: bool,
}

/// Submitted (`da_gui`) minutes, oldest period first, of one committee or all.
pub fn queue(
    conn: &mut DbConnection,
    committee_id: Option<&str>,
) -> Result<Vec<QueueItem>, RatingsError> {
    Ok(with_conn!(conn, |c| {
        let mut q = f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::status.eq("da_gui"))
            .order((f::period.asc(), f::cell_id.asc()))
            .select((
                f::doc_id,
                f::cell_id,
                f::cell_name,
                f::committee_id,
                f::period,
                f::meeting_type,
                s::self_level,
                s::self_percent,
                s::problem_count,
                f::valid,
            ))
            .into_boxed();
        if let Some(id) = committee_id {
            q = q.filter(f::committee_id.eq(id.to_owned()));
        }
        q.load(c)?
    }))
}
