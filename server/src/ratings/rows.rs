//! The plain rows a meeting projects into, one struct per table. They are what the projection
//! writes, what `rebuild` compares and what the queries read back. Inserts write `None` as NULL
//! (`treat_none_as_null`; no column has a default), so SQLite takes many rows in one statement.
// Field docs would repeat the column comments of the migration; the struct docs name the table.
#![allow(missing_docs)]

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::queries::REGULAR_TYPES;
use crate::db::schema::{
    meeting_attendance, meeting_cell_months, meeting_criteria, meeting_facts, meeting_followups,
    meeting_locks, meeting_problems, meeting_records, meeting_scores, meeting_tasks,
};

/// A row of `meeting_facts`: one per stored meeting document.
#[derive(Debug, Clone, PartialEq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_facts, treat_none_as_null = true)]
pub struct FactRow {
    pub doc_id: String,
    /// False when the document did not load or has validation errors: never counted as rated.
    pub valid: bool,
    pub load_error: Option<String>,
    pub cell_id: String,
    pub cell_name: String,
    /// The cell's parent in `orgPathSnapshot`.
    pub committee_id: String,
    pub committee_name: String,
    /// The first entry of `orgPathSnapshot`.
    pub root_id: String,
    pub root_name: String,
    pub period: String,
    pub year: Option<i64>,
    pub quarter: Option<i64>,
    pub month: Option<i64>,
    pub meeting_type: String,
    pub scheduled_date: String,
    pub held_on: Option<String>,
    pub held_on_scheduled_day: bool,
    pub duration_min: Option<i64>,
    pub expected: i64,
    pub present: i64,
    pub absent_excused: i64,
    pub absent_unexcused: i64,
    pub attendance_rate: f64,
    pub speaker_count: i64,
    /// `nhap`, `da_gui`, `tra_lai`, `da_xac_nhan` or `khoa`.
    pub status: String,
    pub return_reason: String,
    pub minutes_adopted: bool,
    /// Heads of the projected version (hex, comma separated).
    pub heads: String,
    /// When the projected version was stored (`documents.updated_at`), so rebuilds are stable.
    pub projected_at: NaiveDateTime,
}

/// A row of `meeting_scores`: the scores and review state of one meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_scores, treat_none_as_null = true)]
pub struct ScoreRow {
    pub doc_id: String,
    pub rubric_key: Option<String>,
    pub self_total: Option<f64>,
    pub self_percent: Option<f64>,
    pub self_level: Option<String>,
    pub superior_total: Option<f64>,
    pub superior_percent: Option<f64>,
    pub superior_level: Option<String>,
    /// The superior score once confirmed or locked (the frozen one after lock), else none.
    pub official_total: Option<f64>,
    pub official_percent: Option<f64>,
    pub official_level: Option<String>,
    /// `YYYY-MM-DD` from which a confirmed meeting counts as locked (period end + N days).
    pub auto_lock_on: Option<String>,
    pub amended_after_lock: bool,
    pub problem_count: i64,
    pub violation_count: i64,
    pub conflict_count: i64,
    /// Digest of the content, status excluded (see `LockRow::fingerprint`).
    pub fingerprint: String,
}

/// A row of `meeting_attendance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_attendance)]
pub struct AttendanceRow {
    pub doc_id: String,
    pub member_id: String,
    pub full_name: String,
    pub category: String,
    /// `co_mat`, `vang_co_ly_do`, `vang_khong_ly_do` or `mien`.
    pub status: String,
    pub reason: String,
}

/// A row of `meeting_criteria`.
#[derive(Debug, Clone, PartialEq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_criteria)]
pub struct CriterionRow {
    pub doc_id: String,
    /// `self` or `superior`.
    pub sheet: String,
    pub position: i64,
    pub criterion_id: String,
    pub group_id: String,
    pub title: String,
    pub points: f64,
    pub max: f64,
    pub applicable: bool,
    pub reason: String,
}

/// A row of `meeting_problems`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_problems)]
pub struct ProblemRow {
    pub doc_id: String,
    pub position: i64,
    /// `load`, `validate`, `score`, `conflict`, `violation`, `gate` or `cap`.
    pub source: String,
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    pub path: String,
    pub message: String,
}

/// A row of `meeting_tasks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_tasks)]
pub struct TaskRow {
    pub doc_id: String,
    pub position: i64,
    pub task_id: String,
    pub cell_id: String,
    pub period: String,
    pub follow_period: String,
    pub assignee: String,
    pub assignee_name: String,
    pub task: String,
    pub due: String,
}

/// A row of `meeting_followups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_followups)]
pub struct FollowUpRow {
    pub doc_id: String,
    pub position: i64,
    pub follow_up_id: String,
    pub cell_id: String,
    pub period: String,
    pub item: String,
    pub source_meeting_id: String,
    pub source_task_id: String,
    /// `chua_bao_cao`, `da_hoan_thanh`, `dang_thuc_hien` or `chua_thuc_hien`.
    pub status: String,
    pub note: String,
}

/// A row of `meeting_locks`: the official rating frozen at lock time.
#[derive(Debug, Clone, PartialEq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_locks, treat_none_as_null = true)]
pub struct LockRow {
    pub doc_id: String,
    /// `status` (set to `khoa` by the committee) or `auto` (period end + N days passed).
    pub reason: String,
    pub heads: String,
    /// Digest of the locked version's content, status excluded.
    pub fingerprint: String,
    pub official_total: Option<f64>,
    pub official_percent: Option<f64>,
    pub official_level: Option<String>,
    pub locked_at: NaiveDateTime,
}

/// Every row one meeting projects into.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    pub fact: FactRow,
    pub score: ScoreRow,
    pub attendance: Vec<AttendanceRow>,
    pub criteria: Vec<CriterionRow>,
    pub problems: Vec<ProblemRow>,
    pub tasks: Vec<TaskRow>,
    pub follow_ups: Vec<FollowUpRow>,
    /// The normalised record as JSON (`None` when the minutes did not load).
    pub record: Option<RecordRow>,
}

/// The normalised minutes of one meeting, as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Insertable, Queryable, Selectable)]
#[diesel(table_name = meeting_records)]
pub struct RecordRow {
    pub doc_id: String,
    pub record: String,
}

/// A row of `meeting_cell_months`: the regular meeting the committee grid shows for a
/// cell-month (the first by document id), with the fields the grid reads.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = meeting_cell_months)]
#[diesel(
    primary_key(committee_id, year, cell_id, month),
    treat_none_as_null = true
)]
pub struct CellMonthRow {
    pub committee_id: String,
    pub year: i64,
    pub cell_id: String,
    pub month: i64,
    pub doc_id: String,
    pub cell_name: String,
    pub valid: bool,
    pub status: String,
    pub official_level: Option<String>,
    pub self_level: Option<String>,
    pub superior_level: Option<String>,
    pub self_percent: Option<f64>,
    pub superior_percent: Option<f64>,
    pub amended_after_lock: bool,
    pub auto_lock_on: Option<String>,
}

impl CellMonthRow {
    /// The grid row of a meeting: `None` unless it is a regular meeting with a period.
    pub fn of(fact: &FactRow, score: &ScoreRow) -> Option<Self> {
        let (Some(year), Some(month)) = (fact.year, fact.month) else {
            return None;
        };
        REGULAR_TYPES
            .contains(&fact.meeting_type.as_str())
            .then(|| Self {
                committee_id: fact.committee_id.clone(),
                year,
                cell_id: fact.cell_id.clone(),
                month,
                doc_id: fact.doc_id.clone(),
                cell_name: fact.cell_name.clone(),
                valid: fact.valid,
                status: fact.status.clone(),
                official_level: score.official_level.clone(),
                self_level: score.self_level.clone(),
                superior_level: score.superior_level.clone(),
                self_percent: score.self_percent,
                superior_percent: score.superior_percent,
                amended_after_lock: score.amended_after_lock,
                auto_lock_on: score.auto_lock_on.clone(),
            })
    }
}
