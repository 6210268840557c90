//! One cell's year: every month's meeting, the year's aggregates and the roll-up.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use sync_core::rubric::YearRollup;

use super::super::expected::ExpectedCells;
use super::super::{RatingsConfig, RatingsError};
use super::grid::MonthState;
use super::stats::{Bucket, Scope, StatRow, stats};
use super::trend::{month_due, rollup_months};
use super::{REGULAR_TYPES, period_of};
use crate::db::schema::{meeting_facts as f, meeting_scores as s};
use crate::db::{DbConnection, with_conn};

/// One meeting of the cell's year.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable)]
pub struct CellMonth {
    /// Document id.
    pub doc_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Meeting type code.
    pub meeting_type: String,
    /// Loaded and validated without errors.
    pub valid: bool,
    /// `YYYY-MM-DD` the meeting started.
    pub held_on: Option<String>,
    /// Held on the scheduled day.
    pub held_on_scheduled_day: bool,
    /// Minutes.
    pub duration_min: Option<i64>,
    /// Present over expected.
    pub attendance_rate: f64,
    /// Review status.
    pub status: String,
    /// Self level and percent.
    pub self_level: Option<String>,
    /// Self percent.
    pub self_percent: Option<f64>,
    /// Superior level.
    pub superior_level: Option<String>,
    /// Superior percent.
    pub superior_percent: Option<f64>,
    /// Official level.
    pub official_level: Option<String>,
    /// Edited after lock.
    pub amended_after_lock: bool,
    /// Load, validation and score problems.
    pub problem_count: i64,
}

/// A cell's year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellYear {
    /// Cell id.
    pub cell_id: String,
    /// Latest name.
    pub cell_name: String,
    /// Year.
    pub year: i64,
    /// Meetings in period order (regular, thematic, extraordinary).
    pub meetings: Vec<CellMonth>,
    /// The regular-meeting state of each month, January first.
    pub months: Vec<MonthState>,
    /// Aggregates of the year (`None` without meetings).
    pub totals: Option<StatRow>,
    /// Aggregates per quarter (thematic meetings per quarter).
    pub quarters: Vec<StatRow>,
    /// The year's level by the roll-up rubric (missing months count as the rubric says).
    pub rollup: Option<YearRollup>,
}

/// The year of `cell_id`: a month without its regular meeting is missing where `expected`
/// says the cell owed one, not expected elsewhere, and future after `as_of`.
pub fn cell_year(
    conn: &mut DbConnection,
    expected: &dyn ExpectedCells,
    cell_id: &str,
    year: i64,
    as_of: NaiveDate,
    config: &RatingsConfig,
) -> Result<CellYear, RatingsError> {
    let rows: Vec<(String, CellMonth)> = with_conn!(&mut *conn, |c| {
        f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::cell_id.eq(cell_id))
            .filter(f::year.eq(year))
            // Within a month, by the day held (else the scheduled day), then by id.
            .order((
                f::period.asc(),
                f::held_on.is_null().asc(),
                f::held_on.asc(),
                f::scheduled_date.asc(),
                f::doc_id.asc(),
            ))
            .select((
                f::cell_name,
                (
                    f::doc_id,
                    f::period,
                    f::meeting_type,
                    f::valid,
                    f::held_on,
                    f::held_on_scheduled_day,
                    f::duration_min,
                    f::attendance_rate,
                    f::status,
                    s::self_level,
                    s::self_percent,
                    s::superior_level,
                    s::superior_percent,
                    s::official_level,
                    s::amended_after_lock,
                    s::problem_count,
                ),
            ))
            .load(c)?
    });
    let cell_name = rows.last().map(|(n, _)| n.clone()).unwrap_or_default();
    let meetings: Vec<CellMonth> = rows.into_iter().map(|(_, m)| m).collect();
    let as_of_period = period_of(as_of);
    let owed = expected.cell_months(conn, cell_id, year)?;
    let months = (1..=12)
        .map(|m| {
            let period = format!("{year:04}-{m:02}");
            let regular = meetings
                .iter()
                .find(|x| x.period == period && REGULAR_TYPES.contains(&x.meeting_type.as_str()));
            match regular {
                Some(x) if !x.valid => MonthState::Invalid,
                Some(x) if x.official_level.is_some() => MonthState::Rated,
                Some(_) => MonthState::Unconfirmed,
                None if period > as_of_period => MonthState::Future,
                None if owed.contains(&m) => MonthState::Missing,
                None => MonthState::NotExpected,
            }
        })
        .collect();
    let scope = Scope::Cell(cell_id.to_owned());
    let totals = stats(conn, &scope, year, Bucket::Year)?.into_iter().next();
    let quarters = stats(conn, &scope, year, Bucket::Quarter)?;
    let official: Vec<(String, Option<String>)> = meetings
        .iter()
        .filter(|m| m.valid && REGULAR_TYPES.contains(&m.meeting_type.as_str()))
        .map(|m| (m.period.clone(), m.official_level.clone()))
        .collect();
    let rollup = rollup_months(config, year, &official, |m| {
        month_due(year, m, as_of, owed.contains(&m))
    });
    Ok(CellYear {
        cell_id: cell_id.to_owned(),
        cell_name,
        year,
        meetings,
        months,
        totals,
        quarters,
        rollup,
    })
}
