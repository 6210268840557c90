-- Maintained per cell-month rows of the committee grid (performance.md W5 Q1): the regular
-- meeting shown for each (committee, year, cell, month), the first by document id, with the
-- fields the grid shows. Refreshed for the affected cell-months inside every projection
-- transaction, recomputed whole by a rebuild; always equal to recomputing it from
-- meeting_facts and meeting_scores. The grid reads one primary-key range per committee-year
-- instead of joining and sorting the meetings.
CREATE TABLE meeting_cell_months (
    committee_id        TEXT NOT NULL,
    year                BIGINT NOT NULL,
    cell_id             TEXT NOT NULL,
    month               BIGINT NOT NULL,
    doc_id              TEXT NOT NULL,
    cell_name           TEXT NOT NULL,
    valid               BOOLEAN NOT NULL,
    status              TEXT NOT NULL,
    official_level      TEXT,
    self_level          TEXT,
    superior_level      TEXT,
    self_percent        DOUBLE PRECISION,
    superior_percent    DOUBLE PRECISION,
    amended_after_lock  BOOLEAN NOT NULL,
    auto_lock_on        TEXT,
    PRIMARY KEY (committee_id, year, cell_id, month)
);

INSERT INTO meeting_cell_months
SELECT f.committee_id, f.year, f.cell_id, f.month, f.doc_id, f.cell_name, f.valid, f.status,
  s.official_level, s.self_level, s.superior_level, s.self_percent, s.superior_percent,
  s.amended_after_lock, s.auto_lock_on
FROM meeting_facts f
JOIN meeting_scores s ON s.doc_id = f.doc_id
JOIN (SELECT MIN(doc_id) AS doc_id FROM meeting_facts
      WHERE meeting_type IN ('thuong_ky', 'ket_hop') AND year IS NOT NULL AND month IS NOT NULL
      GROUP BY committee_id, year, month, cell_id) first ON first.doc_id = f.doc_id;
