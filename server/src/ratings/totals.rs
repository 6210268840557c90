//! Maintained aggregates, refreshed for the keys a projection's old and new rows belong to in
//! its own transaction, recomputed whole by a rebuild:
//! - committee-month totals (`meeting_month_totals`): the national roll-up reads a few hundred
//!   of these instead of grouping every meeting;
//! - cell-months (`meeting_cell_months`): the regular meeting the committee grid shows for each
//!   cell and month (the first by document id), so the grid reads one primary-key range.

use super::queries::placeholders;
use crate::db::Backend;

/// The aggregate of one committee-month (or of everything when no key is bound).
const AGGREGATE: &str = "
INSERT INTO meeting_month_totals
  (committee_id, year, month, meetings, tot, kha, trung_binh, kem,
   self_sum, self_n, superior_sum, superior_n)
SELECT f.committee_id, f.year, f.month, COUNT(*),
  SUM(CASE WHEN s.official_level = 'tot' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.official_level = 'kha' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.official_level = 'trung_binh' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.official_level = 'kem' THEN 1 ELSE 0 END),
  COALESCE(SUM(CASE WHEN f.valid THEN s.self_percent END), 0),
  COUNT(CASE WHEN f.valid THEN s.self_percent END),
  COALESCE(SUM(CASE WHEN f.valid THEN s.superior_percent END), 0),
  COUNT(CASE WHEN f.valid THEN s.superior_percent END)
FROM meeting_facts f JOIN meeting_scores s ON s.doc_id = f.doc_id
WHERE f.year IS NOT NULL AND f.month IS NOT NULL {key}
GROUP BY f.committee_id, f.year, f.month";

const KEY: &str = "AND f.committee_id = ? AND f.year = ? AND f.month = ?";

/// A committee-month.
pub type MonthKey = (String, i64, i64);

/// The statements that recompute one committee-month (binds: committee, year, month).
pub(crate) fn refresh_one_sql(backend: Backend) -> [String; 2] {
    [
        placeholders(
            backend,
            "DELETE FROM meeting_month_totals WHERE committee_id = ? AND year = ? AND month = ?",
        ),
        placeholders(backend, &AGGREGATE.replace("{key}", KEY)),
    ]
}

/// The statements that recompute every total.
pub(crate) fn refresh_all_sql() -> [String; 2] {
    [
        "DELETE FROM meeting_month_totals".to_owned(),
        AGGREGATE.replace("{key}", ""),
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
