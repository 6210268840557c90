-- The committee grid's rows, one per (committee, year, cell) (performance.md W5 Q1): the
-- cell's twelve maintained cell-months (meeting_cell_months) as one JSON array. Each month is
-- [month, doc_id, valid 0/1, status, official_level, self_level, superior_level,
-- self_percent, superior_percent, amended_after_lock 0/1, auto_lock_on], in month order
-- (the bundled SQLite prints a REAL in JSON with up to 17 digits, shortest that reads back);
-- cell_name is the first month's. Recomputed from meeting_cell_months for every cell-year a
-- projection transaction touches and whole by a rebuild (crate::ratings::cell_years, whose
-- SQL this repeats).
CREATE TABLE meeting_cell_years (
    committee_id  TEXT NOT NULL,
    year          BIGINT NOT NULL,
    cell_id       TEXT NOT NULL,
    cell_name     TEXT NOT NULL,
    months        TEXT NOT NULL,
    PRIMARY KEY (committee_id, year, cell_id)
) WITHOUT ROWID;

INSERT INTO meeting_cell_years (committee_id, year, cell_id, cell_name, months)
SELECT m.committee_id, m.year, m.cell_id,
  (SELECT n.cell_name FROM meeting_cell_months n
   WHERE n.committee_id = m.committee_id AND n.year = m.year AND n.cell_id = m.cell_id
   ORDER BY n.month LIMIT 1),
  json_group_array(json_array(m.month, m.doc_id, CASE WHEN m.valid THEN 1 ELSE 0 END, m.status,
    m.official_level, m.self_level, m.superior_level, m.self_percent, m.superior_percent,
    CASE WHEN m.amended_after_lock THEN 1 ELSE 0 END, m.auto_lock_on) ORDER BY m.month)
FROM meeting_cell_months m
GROUP BY m.committee_id, m.year, m.cell_id;
