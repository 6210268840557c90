//! The committee grid's rows (`meeting_cell_years`): one per (committee, year, cell), holding
//! the cell's maintained cell-months (`meeting_cell_months`, see [`super::totals`]) as one JSON
//! array. The grid of a committee-year reads 300 short-keyed rows instead of 3,600: on
//! PostgreSQL the cell-month rows of a committee-year sit each on its own heap page (they are
//! written in arrival order), and decoding 3,600 rows of 13 columns was most of the grid's time.
//!
//! Each month is `[month, doc_id, valid 0/1, status, official_level, self_level,
//! superior_level, self_percent, superior_percent, amended_after_lock 0/1, auto_lock_on]`, in
//! month order, written by the database (the same SQL as the migration
//! `2026-11-28-000000_cell_years`). Both PostgreSQL and the bundled SQLite print a percent in
//! the shortest form that reads back exactly, and the server's `serde_json` reads it back
//! exactly (`float_roundtrip`), so the grid shows the numbers the cell-month rows hold (the
//! API tests compare them bit for bit). A projection transaction recomputes every cell-year
//! whose cell-months it may have changed; a rebuild recomputes all.

use std::borrow::Cow;

use serde::Deserialize;

use super::queries::placeholders;
use crate::db::Backend;

/// A cell-year: committee, year, cell.
pub type CellYearKey = (String, i64, String);

/// Cell-years one refresh statement covers (three bound parameters each).
pub(crate) const KEYS_PER_STATEMENT: usize = 100;

/// One month of a cell-year row, as the JSON array holds it; its codes borrowed from the
/// row's text where they can be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MonthEntry<'a>(
    /// 1–12.
    pub i64,
    /// The meeting document shown.
    pub String,
    /// 1 when the minutes loaded and validated.
    pub u8,
    /// Review status code.
    #[serde(borrow)]
    pub Cow<'a, str>,
    /// Official level.
    #[serde(borrow)]
    pub Option<Cow<'a, str>>,
    /// Self level.
    #[serde(borrow)]
    pub Option<Cow<'a, str>>,
    /// Superior level.
    #[serde(borrow)]
    pub Option<Cow<'a, str>>,
    /// Self percent.
    pub Option<f64>,
    /// Superior percent.
    pub Option<f64>,
    /// 1 when edited after lock.
    pub u8,
    /// The day a confirmed meeting locks by itself (`YYYY-MM-DD`).
    #[serde(borrow)]
    pub Option<Cow<'a, str>>,
);

/// The months of a cell-year row (percents read back exactly: the server's `serde_json` has
/// `float_roundtrip`).
pub fn parse_months(months: &str) -> Result<Vec<MonthEntry<'_>>, serde_json::Error> {
    serde_json::from_str(months)
}

/// The cell-year rows of the cell-months `{key}` selects (alias `m`).
const INSERT_POSTGRES: &str = "
INSERT INTO meeting_cell_years (committee_id, year, cell_id, cell_name, months)
SELECT m.committee_id, m.year, m.cell_id,
  (array_agg(m.cell_name ORDER BY m.month))[1],
  json_agg(json_build_array(m.month, m.doc_id, CASE WHEN m.valid THEN 1 ELSE 0 END, m.status,
    m.official_level, m.self_level, m.superior_level, m.self_percent, m.superior_percent,
    CASE WHEN m.amended_after_lock THEN 1 ELSE 0 END, m.auto_lock_on) ORDER BY m.month)::text
FROM meeting_cell_months m {key}
GROUP BY m.committee_id, m.year, m.cell_id";

const INSERT_SQLITE: &str = "
INSERT INTO meeting_cell_years (committee_id, year, cell_id, cell_name, months)
SELECT m.committee_id, m.year, m.cell_id,
  (SELECT n.cell_name FROM meeting_cell_months n
   WHERE n.committee_id = m.committee_id AND n.year = m.year AND n.cell_id = m.cell_id
   ORDER BY n.month LIMIT 1),
  json_group_array(json_array(m.month, m.doc_id, CASE WHEN m.valid THEN 1 ELSE 0 END, m.status,
    m.official_level, m.self_level, m.superior_level, m.self_percent, m.superior_percent,
    CASE WHEN m.amended_after_lock THEN 1 ELSE 0 END, m.auto_lock_on) ORDER BY m.month)
FROM meeting_cell_months m {key}
GROUP BY m.committee_id, m.year, m.cell_id";

fn insert(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => INSERT_SQLITE,
        Backend::Postgres => INSERT_POSTGRES,
    }
}

/// `(committee_id = ? AND year = ? AND cell_id = ?) OR …`, `n` times, columns prefixed.
fn any_key(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|_| format!("({prefix}committee_id = ? AND {prefix}year = ? AND {prefix}cell_id = ?)"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The statements that recompute `n` cell-years (binds: committee, year, cell of each, in
/// order, for each statement).
pub(crate) fn refresh_sql(backend: Backend, n: usize) -> [String; 2] {
    [
        placeholders(
            backend,
            &format!("DELETE FROM meeting_cell_years WHERE {}", any_key("", n)),
        ),
        placeholders(
            backend,
            &insert(backend).replace("{key}", &format!("WHERE {}", any_key("m.", n))),
        ),
    ]
}

/// The statements that recompute every cell-year (after every cell-month was).
pub(crate) fn refresh_all_sql(backend: Backend) -> [String; 2] {
    [
        "DELETE FROM meeting_cell_years".to_owned(),
        insert(backend).replace("{key}", ""),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_entry_reads_the_array_either_backend_writes() {
        let sqlite = r#"[[3,"d1",1,"da_xac_nhan","kha","tot","kha",93.44847452432774,null,0,"2025-04-30"],
                        [5,"d2",0,"nhap",null,null,null,null,null,1,null]]"#;
        let months = parse_months(sqlite).unwrap();
        assert_eq!(months[0].7, Some(93.44847452432774), "read back exactly");
        assert_eq!(months[0].4.as_deref(), Some("kha"));
        assert_eq!((months[1].0, months[1].2, months[1].9), (5, 0, 1));
        let postgres = r#"[[3, "d1", 1, "da_xac_nhan", "kha", "tot", "kha", 93.44847452432774, null, 0, "2025-04-30"]]"#;
        assert_eq!(parse_months(postgres).unwrap()[0], months[0]);
        assert!(
            parse_months(r#"[[3,"d1"]]"#).is_err(),
            "a short entry is an error"
        );
    }

    #[test]
    fn a_refresh_binds_three_parameters_a_cell_year() {
        let [delete, insert] = refresh_sql(Backend::Postgres, 2);
        assert!(delete.ends_with(
            "(committee_id = $1 AND year = $2 AND cell_id = $3) OR \
             (committee_id = $4 AND year = $5 AND cell_id = $6)"
        ));
        assert!(insert.contains("(m.committee_id = $4 AND m.year = $5 AND m.cell_id = $6)"));
        assert!(!insert.contains("$7"));
    }
}
