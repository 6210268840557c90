//! Maintained committee-month totals (`meeting_month_totals`): the national roll-up reads a few
//! hundred of these instead of grouping every meeting. A projection refreshes the committee-
//! months its old and new rows belong to, in its own transaction; a rebuild recomputes them all.

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
