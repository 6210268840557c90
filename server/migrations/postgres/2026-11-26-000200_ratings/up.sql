-- Ratings projections: plain rows extracted from meeting documents at ingest (issue 5).
-- No dashboard query loads a document; every row here is recomputed by
-- `server admin rebuild-projections`, except `meeting_locks`, which is workflow state.

-- One row per stored meeting document, valid or not.
CREATE TABLE meeting_facts (
    doc_id                 TEXT PRIMARY KEY NOT NULL,
    valid                  BOOLEAN NOT NULL,
    load_error             TEXT,
    cell_id                TEXT NOT NULL,
    cell_name              TEXT NOT NULL,
    committee_id           TEXT NOT NULL,
    committee_name         TEXT NOT NULL,
    root_id                TEXT NOT NULL,
    root_name              TEXT NOT NULL,
    period                 TEXT NOT NULL,
    year                   BIGINT,
    quarter                BIGINT,
    month                  BIGINT,
    meeting_type           TEXT NOT NULL,
    scheduled_date         TEXT NOT NULL,
    held_on                TEXT,
    held_on_scheduled_day  BOOLEAN NOT NULL,
    duration_min           BIGINT,
    expected               BIGINT NOT NULL,
    present                BIGINT NOT NULL,
    absent_excused         BIGINT NOT NULL,
    absent_unexcused       BIGINT NOT NULL,
    attendance_rate        DOUBLE PRECISION NOT NULL,
    speaker_count          BIGINT NOT NULL,
    status                 TEXT NOT NULL,
    return_reason          TEXT NOT NULL,
    minutes_adopted        BOOLEAN NOT NULL,
    heads                  TEXT NOT NULL,
    projected_at           TIMESTAMP NOT NULL
);
CREATE INDEX meeting_facts_committee_idx ON meeting_facts (committee_id, year, month);
CREATE INDEX meeting_facts_cell_idx ON meeting_facts (cell_id, period);
CREATE INDEX meeting_facts_status_idx ON meeting_facts (status);

-- Scores and review state of each meeting (split from meeting_facts to keep tables narrow).
CREATE TABLE meeting_scores (
    doc_id                 TEXT PRIMARY KEY NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    rubric_key             TEXT,
    self_total             DOUBLE PRECISION,
    self_percent           DOUBLE PRECISION,
    self_level             TEXT,
    superior_total         DOUBLE PRECISION,
    superior_percent       DOUBLE PRECISION,
    superior_level         TEXT,
    official_total         DOUBLE PRECISION,
    official_percent       DOUBLE PRECISION,
    official_level         TEXT,
    auto_lock_on           TEXT,
    amended_after_lock     BOOLEAN NOT NULL,
    problem_count          BIGINT NOT NULL,
    violation_count        BIGINT NOT NULL,
    conflict_count         BIGINT NOT NULL,
    fingerprint            TEXT NOT NULL
);

-- Attendance per member (roster snapshot of the meeting).
CREATE TABLE meeting_attendance (
    doc_id     TEXT NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    member_id  TEXT NOT NULL,
    full_name  TEXT NOT NULL,
    category   TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (doc_id, member_id)
);

-- Points per criterion of the self (`self`) and superior (`superior`) sheets.
CREATE TABLE meeting_criteria (
    doc_id        TEXT NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    sheet         TEXT NOT NULL,
    position      BIGINT NOT NULL,
    criterion_id  TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    title         TEXT NOT NULL,
    points        DOUBLE PRECISION NOT NULL,
    max           DOUBLE PRECISION NOT NULL,
    applicable    BOOLEAN NOT NULL,
    reason        TEXT NOT NULL,
    PRIMARY KEY (doc_id, sheet, position)
);

-- Load, validation, score, conflict and authorship problems, and gate/cap notes of a score.
CREATE TABLE meeting_problems (
    doc_id    TEXT NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    position  BIGINT NOT NULL,
    source    TEXT NOT NULL,
    code      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    path      TEXT NOT NULL,
    message   TEXT NOT NULL,
    PRIMARY KEY (doc_id, position)
);

-- Tasks assigned by a meeting's resolution; `follow_period` is the month that reports on them.
CREATE TABLE meeting_tasks (
    doc_id         TEXT NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    task_id        TEXT NOT NULL,
    cell_id        TEXT NOT NULL,
    period         TEXT NOT NULL,
    follow_period  TEXT NOT NULL,
    assignee       TEXT NOT NULL,
    assignee_name  TEXT NOT NULL,
    task           TEXT NOT NULL,
    due            TEXT NOT NULL,
    PRIMARY KEY (doc_id, position)
);
CREATE INDEX meeting_tasks_cell_idx ON meeting_tasks (cell_id, follow_period);

-- Follow-ups of last month's items reported in a meeting.
CREATE TABLE meeting_followups (
    doc_id             TEXT NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    position           BIGINT NOT NULL,
    follow_up_id       TEXT NOT NULL,
    cell_id            TEXT NOT NULL,
    period             TEXT NOT NULL,
    item               TEXT NOT NULL,
    source_meeting_id  TEXT NOT NULL,
    source_task_id     TEXT NOT NULL,
    status             TEXT NOT NULL,
    note               TEXT NOT NULL,
    PRIMARY KEY (doc_id, position)
);
CREATE INDEX meeting_followups_cell_idx ON meeting_followups (cell_id, period);

-- The official rating frozen when a meeting was locked; kept until the committee reopens it.
-- Workflow state, not a projection: rebuilds keep it.
CREATE TABLE meeting_locks (
    doc_id            TEXT PRIMARY KEY NOT NULL,
    reason            TEXT NOT NULL,
    heads             TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    official_total    DOUBLE PRECISION,
    official_percent  DOUBLE PRECISION,
    official_level    TEXT,
    locked_at         TIMESTAMP NOT NULL
);

-- Maintained per committee-month totals (performance.md §6 item 5): refreshed for the affected
-- committee-month inside every projection transaction, recomputed whole by a rebuild.
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
