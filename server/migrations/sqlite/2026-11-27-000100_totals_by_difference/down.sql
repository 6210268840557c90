DROP TABLE meeting_month_totals;
CREATE TABLE meeting_month_totals (
    committee_id  TEXT NOT NULL,
    year          BIGINT NOT NULL,
    month         BIGINT NOT NULL,
    meetings      BIGINT NOT NULL,
    tot           BIGINT NOT NULL,
    kha           BIGINT NOT NULL,
    trung_binh    BIGINT NOT NULL,
    kem           BIGINT NOT NULL,
    self_sum      DOUBLE PRECISION NOT NULL,
    self_n        BIGINT NOT NULL,
    superior_sum  DOUBLE PRECISION NOT NULL,
    superior_n    BIGINT NOT NULL,
    PRIMARY KEY (committee_id, year, month)
);
CREATE INDEX meeting_month_totals_year_idx ON meeting_month_totals (year, committee_id, month);

INSERT INTO meeting_month_totals
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
WHERE f.year IS NOT NULL AND f.month IS NOT NULL
GROUP BY f.committee_id, f.year, f.month;
