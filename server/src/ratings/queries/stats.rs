//! Aggregates per cell or committee and per month, quarter or year: meetings held, on the
//! scheduled day, duration, attendance, level distribution, self vs superior score (the gap is
//! the inflation), thematic meetings. One GROUP BY over the rows.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use serde::Serialize;

use super::super::RatingsError;
use super::placeholders;
use crate::db::{DbConnection, with_conn};

/// Whose meetings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One cell.
    Cell(String),
    /// The cells directly under one committee.
    Committee(String),
    /// Every cell.
    All,
}

/// Time bucket of the aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// 1..=12.
    Month,
    /// 1..=4.
    Quarter,
    /// The year itself.
    Year,
}

/// One bucket's figures. Averages are `None` when nothing was there to average.
#[derive(Debug, Clone, PartialEq, Serialize, QueryableByName)]
pub struct StatRow {
    /// Month, quarter or year number.
    #[diesel(sql_type = BigInt)]
    pub bucket: i64,
    /// Meetings of any type.
    #[diesel(sql_type = BigInt)]
    pub meetings: i64,
    /// Distinct cell-months with a regular meeting.
    #[diesel(sql_type = BigInt)]
    pub held: i64,
    /// Meetings whose minutes failed to load or validate.
    #[diesel(sql_type = BigInt)]
    pub invalid: i64,
    /// Regular meetings held on the scheduled day.
    #[diesel(sql_type = BigInt)]
    pub on_scheduled_day: i64,
    /// Thematic or combined meetings.
    #[diesel(sql_type = BigInt)]
    pub thematic: i64,
    /// Average duration in minutes.
    #[diesel(sql_type = Nullable<Double>)]
    pub avg_duration_min: Option<f64>,
    /// Average attendance rate (0..1).
    #[diesel(sql_type = Nullable<Double>)]
    pub avg_attendance_rate: Option<f64>,
    /// Official levels.
    #[diesel(sql_type = BigInt)]
    pub tot: i64,
    /// Official Khá.
    #[diesel(sql_type = BigInt)]
    pub kha: i64,
    /// Official Trung bình.
    #[diesel(sql_type = BigInt)]
    pub trung_binh: i64,
    /// Official Kém.
    #[diesel(sql_type = BigInt)]
    pub kem: i64,
    /// Valid meetings without an official level yet.
    #[diesel(sql_type = BigInt)]
    pub unconfirmed: i64,
    /// Self-rated Tốt.
    #[diesel(sql_type = BigInt)]
    pub self_tot: i64,
    /// Average self score percent.
    #[diesel(sql_type = Nullable<Double>)]
    pub avg_self_percent: Option<f64>,
    /// Average superior score percent.
    #[diesel(sql_type = Nullable<Double>)]
    pub avg_superior_percent: Option<f64>,
    /// Average of self − superior over meetings with both (inflation when positive).
    #[diesel(sql_type = Nullable<Double>)]
    pub avg_gap: Option<f64>,
}

const SELECT: &str = "
SELECT {bucket} AS bucket,
  CAST(COUNT(*) AS BIGINT) AS meetings,
  CAST(COUNT(DISTINCT CASE WHEN f.meeting_type IN ('thuong_ky','ket_hop')
       THEN f.cell_id || '/' || f.period END) AS BIGINT) AS held,
  CAST(SUM(CASE WHEN f.valid THEN 0 ELSE 1 END) AS BIGINT) AS invalid,
  CAST(SUM(CASE WHEN f.held_on_scheduled_day AND f.meeting_type IN ('thuong_ky','ket_hop')
       THEN 1 ELSE 0 END) AS BIGINT) AS on_scheduled_day,
  CAST(SUM(CASE WHEN f.meeting_type IN ('chuyen_de','ket_hop') THEN 1 ELSE 0 END) AS BIGINT)
       AS thematic,
  CAST(AVG(f.duration_min) AS DOUBLE PRECISION) AS avg_duration_min,
  CAST(AVG(CASE WHEN f.valid THEN f.attendance_rate END) AS DOUBLE PRECISION)
       AS avg_attendance_rate,
  CAST(SUM(CASE WHEN s.official_level = 'tot' THEN 1 ELSE 0 END) AS BIGINT) AS tot,
  CAST(SUM(CASE WHEN s.official_level = 'kha' THEN 1 ELSE 0 END) AS BIGINT) AS kha,
  CAST(SUM(CASE WHEN s.official_level = 'trung_binh' THEN 1 ELSE 0 END) AS BIGINT) AS trung_binh,
  CAST(SUM(CASE WHEN s.official_level = 'kem' THEN 1 ELSE 0 END) AS BIGINT) AS kem,
  CAST(SUM(CASE WHEN f.valid AND s.official_level IS NULL THEN 1 ELSE 0 END) AS BIGINT)
       AS unconfirmed,
  CAST(SUM(CASE WHEN f.valid AND s.self_level = 'tot' THEN 1 ELSE 0 END) AS BIGINT) AS self_tot,
  CAST(AVG(CASE WHEN f.valid THEN s.self_percent END) AS DOUBLE PRECISION) AS avg_self_percent,
  CAST(AVG(CASE WHEN f.valid THEN s.superior_percent END) AS DOUBLE PRECISION)
       AS avg_superior_percent,
  CAST(AVG(CASE WHEN f.valid AND s.superior_percent IS NOT NULL
       THEN s.self_percent - s.superior_percent END) AS DOUBLE PRECISION) AS avg_gap
FROM meeting_facts f JOIN meeting_scores s ON s.doc_id = f.doc_id
WHERE f.year = ? {scope}
GROUP BY {bucket}
ORDER BY {bucket}";

/// Aggregates of `scope` in `year` by `bucket`; buckets without meetings are absent.
pub fn stats(
    conn: &mut DbConnection,
    scope: &Scope,
    year: i64,
    bucket: Bucket,
) -> Result<Vec<StatRow>, RatingsError> {
    let bucket_sql = match bucket {
        Bucket::Month => "f.month",
        Bucket::Quarter => "f.quarter",
        Bucket::Year => "f.year",
    };
    let (scope_sql, key) = match scope {
        Scope::Cell(id) => ("AND f.cell_id = ?", Some(id.clone())),
        Scope::Committee(id) => ("AND f.committee_id = ?", Some(id.clone())),
        Scope::All => ("", None),
    };
    let sql = SELECT
        .replace("{bucket}", bucket_sql)
        .replace("{scope}", scope_sql);
    let sql = placeholders(conn.backend(), &sql);
    let rows = with_conn!(conn, |c| {
        let q = diesel::sql_query(&sql).bind::<BigInt, _>(year);
        match &key {
            Some(k) => q.bind::<Text, _>(k).load::<StatRow>(c)?,
            None => q.load::<StatRow>(c)?,
        }
    });
    Ok(rows)
}
