//! Maintained aggregates:
//! - committee-month totals (`meeting_month_totals`): the national roll-up reads a few hundred
//!   of these instead of grouping every meeting. Maintained by difference: a write subtracts the
//!   old rows' [`MonthTotals`] and adds the new ones' (one upsert per committee-month a
//!   transaction touches); recomputed whole by a rebuild. The score sums are integers (parts per
//!   million, [`ppm`]), so the maintained row equals a recomputation exactly, whatever the order
//!   of the edits.
//! - cell-months (`meeting_cell_months`): the regular meeting the committee grid shows for each
//!   cell and month (the first by document id), so the grid reads one primary-key range. A
//!   write replaces the row when its meeting is (or becomes) the one shown and recomputes the
//!   cell-month only when the shown meeting stops being a regular meeting of it; recomputed
//!   whole by a rebuild.

use super::queries::placeholders;
use super::rows::{FactRow, ScoreRow};
use crate::db::Backend;

/// The aggregate of every committee-month; `{self_ppm}` / `{superior_ppm}` are the backend's
/// spelling of [`ppm`].
const AGGREGATE: &str = "
INSERT INTO meeting_month_totals
  (committee_id, year, month, meetings, tot, kha, trung_binh, kem,
   self_ppm_sum, self_n, superior_ppm_sum, superior_n)
SELECT f.committee_id, f.year, f.month, COUNT(*),
  SUM(CASE WHEN s.official_level = 'tot' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.official_level = 'kha' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.official_level = 'trung_binh' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.official_level = 'kem' THEN 1 ELSE 0 END),
  COALESCE(SUM(CASE WHEN f.valid THEN {self_ppm} END), 0),
  COUNT(CASE WHEN f.valid THEN s.self_percent END),
  COALESCE(SUM(CASE WHEN f.valid THEN {superior_ppm} END), 0),
  COUNT(CASE WHEN f.valid THEN s.superior_percent END)
FROM meeting_facts f JOIN meeting_scores s ON s.doc_id = f.doc_id
WHERE f.year IS NOT NULL AND f.month IS NOT NULL
GROUP BY f.committee_id, f.year, f.month";

/// A percent in parts per million, rounded half up: `trunc(percent × 10,000 + 0.5)`, the same
/// IEEE operations the rebuild's SQL does on either backend, so both give the same integer.
pub fn ppm(percent: f64) -> i64 {
    // `as` truncates toward zero, as SQLite's CAST and PostgreSQL's TRUNC do.
    (percent * 10_000.0 + 0.5) as i64
}

/// [`ppm`] in the backend's SQL, of column `column`.
fn ppm_sql(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("CAST({column} * 10000 + 0.5 AS INTEGER)"),
        Backend::Postgres => format!("CAST(TRUNC({column} * 10000 + 0.5) AS BIGINT)"),
    }
}

/// A committee-month.
pub type MonthKey = (String, i64, i64);

/// What some meetings count for in their committee-month's totals; added to (or subtracted
/// from) the maintained row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthTotals {
    /// Meetings with a period.
    pub meetings: i64,
    /// Official level Tốt.
    pub tot: i64,
    /// Official level Khá.
    pub kha: i64,
    /// Official level Trung bình.
    pub trung_binh: i64,
    /// Official level Kém.
    pub kem: i64,
    /// Σ [`ppm`] of the valid meetings' self percents.
    pub self_ppm_sum: i64,
    /// Valid meetings with a self percent.
    pub self_n: i64,
    /// Σ [`ppm`] of the valid meetings' superior percents.
    pub superior_ppm_sum: i64,
    /// Valid meetings with a superior percent.
    pub superior_n: i64,
}

impl MonthTotals {
    /// Adds (`sign` 1) or subtracts (`sign` -1) what one meeting's rows count for.
    pub fn count(&mut self, fact: &FactRow, score: &ScoreRow, sign: i64) {
        self.meetings += sign;
        match score.official_level.as_deref() {
            Some("tot") => self.tot += sign,
            Some("kha") => self.kha += sign,
            Some("trung_binh") => self.trung_binh += sign,
            Some("kem") => self.kem += sign,
            _ => {}
        }
        if !fact.valid {
            return;
        }
        if let Some(p) = score.self_percent {
            self.self_ppm_sum += sign * ppm(p);
            self.self_n += sign;
        }
        if let Some(p) = score.superior_percent {
            self.superior_ppm_sum += sign * ppm(p);
            self.superior_n += sign;
        }
    }

    /// Nothing to add.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// The statements that recompute every total.
pub(crate) fn refresh_all_sql(backend: Backend) -> [String; 2] {
    [
        "DELETE FROM meeting_month_totals".to_owned(),
        AGGREGATE
            .replace("{self_ppm}", &ppm_sql(backend, "s.self_percent"))
            .replace("{superior_ppm}", &ppm_sql(backend, "s.superior_percent")),
    ]
}

/// The shown regular meeting of one cell-month (or of every cell-month when no key is bound).
const CELL_MONTHS: &str = "
INSERT INTO meeting_cell_months
  (committee_id, year, cell_id, month, doc_id, cell_name, valid, status, official_level,
   self_level, superior_level, self_percent, superior_percent, amended_after_lock, auto_lock_on)
SELECT f.committee_id, f.year, f.cell_id, f.month, f.doc_id, f.cell_name, f.valid, f.status,
  s.official_level, s.self_level, s.superior_level, s.self_percent, s.superior_percent,
  s.amended_after_lock, s.auto_lock_on
FROM meeting_facts f
JOIN meeting_scores s ON s.doc_id = f.doc_id
JOIN (SELECT MIN(g.doc_id) AS doc_id FROM meeting_facts g
      WHERE g.meeting_type IN ('thuong_ky', 'ket_hop')
        AND g.year IS NOT NULL AND g.month IS NOT NULL {key}
      GROUP BY g.committee_id, g.year, g.month, g.cell_id) first ON first.doc_id = f.doc_id";

const CELL_KEY: &str = "AND g.committee_id = ? AND g.year = ? AND g.month = ? AND g.cell_id = ?";

/// A cell-month: committee, year, month, cell.
pub type CellMonthKey = (String, i64, i64, String);

/// The statements that recompute one cell-month (binds: committee, year, month, cell).
pub(crate) fn refresh_cell_month_sql(backend: Backend) -> [String; 2] {
    [
        placeholders(
            backend,
            "DELETE FROM meeting_cell_months
             WHERE committee_id = ? AND year = ? AND month = ? AND cell_id = ?",
        ),
        placeholders(backend, &CELL_MONTHS.replace("{key}", CELL_KEY)),
    ]
}

/// The statements that recompute every cell-month.
pub(crate) fn refresh_all_cell_months_sql() -> [String; 2] {
    [
        "DELETE FROM meeting_cell_months".to_owned(),
        CELL_MONTHS.replace("{key}", ""),
    ]
}
