//! From a meeting document to rows: hydrate, normalise, validate and score with sync-core. Pure
//! (no database): `project` feeds it what the store holds and writes what it returns.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};
use sync_core::doc::MeetingDoc;
use sync_core::record::{MeetingRecord, ReviewStatus, ScoreSheet};
use sync_core::rubric::{self, Rubric, Score};
use sync_core::validate::{self, Severity};

use super::RatingsConfig;
use super::codes::{attendance_code, category_code, follow_up_code, status_code, to_code};
use super::rows::{
    AttendanceRow, CriterionRow, FactRow, FollowUpRow, ProblemRow, Projection, ScoreRow, TaskRow,
};
use super::violations::Violation;

/// What the store knows about the version being projected.
#[derive(Debug, Clone)]
pub struct VersionInfo {
    /// Heads as stored in `documents.heads`.
    pub heads: String,
    /// `documents.updated_at` of that version.
    pub stored_at: NaiveDateTime,
}

/// Rows of a document that did not load: kept, listed as a problem, never rated. The cell is
/// read from the raw document when the bytes load as Automerge at all.
pub fn failed_projection(
    doc_id: &str,
    error: &str,
    cell_hint: Option<String>,
    version: &VersionInfo,
) -> Projection {
    let fact = empty_fact(
        doc_id,
        cell_hint.unwrap_or_default(),
        Some(error.to_owned()),
        version,
    );
    let mut score = empty_score(doc_id);
    score.problem_count = 1;
    let problems = vec![ProblemRow {
        doc_id: doc_id.to_owned(),
        position: 0,
        source: "load".into(),
        code: "load_failed".into(),
        severity: "error".into(),
        path: String::new(),
        message: error.to_owned(),
    }];
    Projection {
        fact,
        score,
        attendance: Vec::new(),
        criteria: Vec::new(),
        problems,
        tasks: Vec::new(),
        follow_ups: Vec::new(),
    }
}

/// The cell id of a document that loads as Automerge but not as a meeting, if readable.
pub fn raw_cell_id(bytes: &[u8]) -> Option<String> {
    use automerge::ReadDoc;
    let doc = automerge::AutoCommit::load(bytes).ok()?;
    match doc.get(automerge::ROOT, "cellId").ok()?? {
        (automerge::Value::Scalar(s), _) => match s.as_ref() {
            automerge::ScalarValue::Str(text) => Some(sync_core::text::normalize(text)),
            _ => None,
        },
        _ => None,
    }
}

/// Every row of one meeting document.
pub fn project_doc(
    doc_id: &str,
    doc: &MeetingDoc,
    version: &VersionInfo,
    violations: &[Violation],
    config: &RatingsConfig,
) -> Projection {
    let mut record = match doc.record() {
        Ok(r) => r,
        Err(e) => {
            let cell = raw_cell_id(&doc.inner().clone().save());
            return failed_projection(doc_id, &e.to_string(), cell, version);
        }
    };
    // Text is normalised before anything is compared or stored (NFC + Đ folding).
    record.normalize_text();
    let mut builder = Builder::new(doc_id);
    let problems = validate::validate(&record);
    let has_errors = validate::has_errors(&problems);
    for p in &problems {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        builder.problem("validate", &to_code(&p.code), severity, &p.path, &p.message);
    }
    let self_score = score_sheet(&record, &record.self_score, "self", &mut builder);
    let superior = score_sheet(&record, &record.superior_score, "superior", &mut builder);
    let problem_count = builder.problems.len();
    for c in doc.conflicts() {
        let values: Vec<String> = c.values.iter().map(|v| v.value.to_string()).collect();
        let message = format!("concurrent values: {}", values.join(" | "));
        builder.problem("conflict", "conflict", "warning", &c.path, &message);
    }
    let conflict_count = builder.problems.len() - problem_count;
    let violation_errors = violations.iter().any(|v| v.is_error);
    for v in violations {
        let severity = if v.is_error { "error" } else { "warning" };
        builder.problem("violation", &v.code, severity, &v.path, &v.message);
    }
    let valid = !has_errors && !violation_errors;
    let fact = fact_row(&record, doc_id, version, valid);
    let score = ScoreRow {
        problem_count: count(problem_count),
        violation_count: count(violations.len()),
        conflict_count: count(conflict_count),
        fingerprint: fingerprint(&record),
        ..score_row(&record, doc_id, config, valid, &self_score, &superior)
    };
    Projection {
        score,
        attendance: attendance_rows(&record, doc_id),
        tasks: task_rows(&record, doc_id),
        follow_ups: follow_up_rows(&record, doc_id),
        criteria: builder.criteria,
        problems: builder.problems,
        fact,
    }
}

/// Collects criterion and problem rows with their positions.
struct Builder {
    doc_id: String,
    criteria: Vec<CriterionRow>,
    problems: Vec<ProblemRow>,
}

impl Builder {
    fn new(doc_id: &str) -> Self {
        Self {
            doc_id: doc_id.to_owned(),
            criteria: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, source: &str, code: &str, severity: &str, path: &str, message: &str) {
        self.problems.push(ProblemRow {
            doc_id: self.doc_id.clone(),
            position: count(self.problems.len()),
            source: source.into(),
            code: code.into(),
            severity: severity.into(),
            path: path.into(),
            message: message.into(),
        });
    }
}

/// A sheet is scored once someone has started it: a rubric named or points awarded.
fn sheet_started(sheet: &ScoreSheet) -> bool {
    !sheet.rubric_id.is_empty() || !sheet.awarded.is_empty()
}

/// The rubric a sheet names (`id@version` or `id`), else the one in effect for the meeting.
pub fn rubric_for(record: &MeetingRecord, sheet: &ScoreSheet) -> Option<Rubric> {
    let presets = rubric::presets();
    let named = sheet.rubric_id.as_str();
    if !named.is_empty()
        && let Some(r) = presets.iter().find(|r| r.key() == named || r.id() == named)
    {
        return Some(r.clone());
    }
    rubric::select(presets, record.meeting_type, &meeting_date(record)).cloned()
}

/// The date a meeting counts on: the day it started, else the scheduled day, else the 3rd.
fn meeting_date(record: &MeetingRecord) -> String {
    record
        .held_on()
        .map(str::to_owned)
        .unwrap_or_else(|| scheduled_date(record))
}

/// The scheduled date, by default the 3rd of the period's month (Chỉ thị 50-CT/TW).
fn scheduled_date(record: &MeetingRecord) -> String {
    if record.scheduled_date.is_empty() {
        format!("{}-03", record.period)
    } else {
        record.scheduled_date.clone()
    }
}

fn score_sheet(
    record: &MeetingRecord,
    sheet: &ScoreSheet,
    name: &str,
    builder: &mut Builder,
) -> Option<Score> {
    if !sheet_started(sheet) {
        return None;
    }
    let Some(rubric) = rubric_for(record, sheet) else {
        let message = format!("no rubric applies to `{}`", sheet.rubric_id);
        builder.problem("score", "no_rubric", "error", name, &message);
        return None;
    };
    let score = rubric::score(&rubric, record, sheet);
    for (i, c) in score.criteria.iter().enumerate() {
        builder.criteria.push(CriterionRow {
            doc_id: builder.doc_id.clone(),
            sheet: name.into(),
            position: count(i),
            criterion_id: c.id.clone(),
            group_id: c.group.clone(),
            title: c.title.clone(),
            points: c.points,
            max: c.max,
            applicable: c.applicable,
            reason: c.reasons.join("; "),
        });
    }
    for p in &score.problems {
        let value = serde_json::to_value(p).unwrap_or_default();
        let code = value["problem"]
            .as_str()
            .unwrap_or("score_problem")
            .to_owned();
        builder.problem("score", &code, "warning", name, &value.to_string());
    }
    for g in &score.gates_failed {
        builder.problem("gate", g.level.code(), "info", name, &g.reason);
    }
    for c in &score.caps_applied {
        builder.problem("cap", c.at_most.code(), "info", name, &c.reason);
    }
    Some(score)
}

fn fact_row(record: &MeetingRecord, doc_id: &str, version: &VersionInfo, valid: bool) -> FactRow {
    let mut fact = empty_fact(doc_id, record.cell_id.clone(), None, version);
    let path = &record.org_path_snapshot;
    let parents: Vec<_> = match path.last() {
        Some(last) if last.unit_id == record.cell_id => &path[..path.len() - 1],
        _ => &path[..],
    }
    .to_vec();
    if let Some(parent) = parents.last() {
        fact.committee_id.clone_from(&parent.unit_id);
        fact.committee_name.clone_from(&parent.name);
    }
    if let Some(root) = parents.first() {
        fact.root_id.clone_from(&root.unit_id);
        fact.root_name.clone_from(&root.name);
    }
    let summary = record.attendance_summary();
    let scheduled = scheduled_date(record);
    let held_on = record.held_on().map(str::to_owned);
    let (year, month) = period_parts(&record.period).unzip();
    FactRow {
        valid,
        cell_name: record.cell_name.clone(),
        period: record.period.clone(),
        year,
        month: month.map(i64::from),
        quarter: month.map(|m| i64::from((m - 1) / 3 + 1)),
        meeting_type: record.meeting_type.code().into(),
        held_on_scheduled_day: held_on.as_deref() == Some(scheduled.as_str()),
        scheduled_date: scheduled,
        held_on,
        duration_min: record.duration_minutes().map(i64::from),
        expected: i64::from(summary.expected),
        present: i64::from(summary.present),
        absent_excused: i64::from(summary.absent_excused),
        absent_unexcused: i64::from(summary.absent_unexcused),
        attendance_rate: summary.rate(),
        speaker_count: i64::from(record.speaker_count()),
        status: status_code(record.status).into(),
        return_reason: record.return_reason.clone(),
        minutes_adopted: record.minutes_adopted_in_meeting,
        ..fact
    }
}

fn score_row(
    record: &MeetingRecord,
    doc_id: &str,
    config: &RatingsConfig,
    valid: bool,
    self_score: &Option<Score>,
    superior: &Option<Score>,
) -> ScoreRow {
    let confirmed = matches!(record.status, ReviewStatus::DaXacNhan | ReviewStatus::Khoa);
    let official = superior.as_ref().filter(|_| valid && confirmed);
    ScoreRow {
        rubric_key: self_score
            .as_ref()
            .or(superior.as_ref())
            .map(|s| s.rubric.clone()),
        self_total: self_score.as_ref().map(|s| s.total),
        self_percent: self_score.as_ref().map(|s| s.percent),
        self_level: self_score.as_ref().map(|s| s.level.code().into()),
        superior_total: superior.as_ref().map(|s| s.total),
        superior_percent: superior.as_ref().map(|s| s.percent),
        superior_level: superior.as_ref().map(|s| s.level.code().into()),
        official_total: official.map(|s| s.total),
        official_percent: official.map(|s| s.percent),
        official_level: official.map(|s| s.level.code().into()),
        auto_lock_on: auto_lock_on(&record.period, config.auto_lock_days),
        ..empty_score(doc_id)
    }
}

fn empty_score(doc_id: &str) -> ScoreRow {
    ScoreRow {
        doc_id: doc_id.to_owned(),
        rubric_key: None,
        self_total: None,
        self_percent: None,
        self_level: None,
        superior_total: None,
        superior_percent: None,
        superior_level: None,
        official_total: None,
        official_percent: None,
        official_level: None,
        auto_lock_on: None,
        amended_after_lock: false,
        problem_count: 0,
        violation_count: 0,
        conflict_count: 0,
        fingerprint: String::new(),
    }
}

fn empty_fact(
    doc_id: &str,
    cell_id: String,
    load_error: Option<String>,
    version: &VersionInfo,
) -> FactRow {
    FactRow {
        doc_id: doc_id.to_owned(),
        valid: false,
        load_error,
        cell_id,
        cell_name: String::new(),
        committee_id: String::new(),
        committee_name: String::new(),
        root_id: String::new(),
        root_name: String::new(),
        period: String::new(),
        year: None,
        quarter: None,
        month: None,
        meeting_type: String::new(),
        scheduled_date: String::new(),
        held_on: None,
        held_on_scheduled_day: false,
        duration_min: None,
        expected: 0,
        present: 0,
        absent_excused: 0,
        absent_unexcused: 0,
        attendance_rate: 0.0,
        speaker_count: 0,
        status: String::new(),
        return_reason: String::new(),
        minutes_adopted: false,
        heads: version.heads.clone(),
        projected_at: version.stored_at,
    }
}

/// `(year, month)` of a `YYYY-MM` period.
pub fn period_parts(period: &str) -> Option<(i64, u32)> {
    let (y, m) = period.split_once('-')?;
    let (y, m) = (y.parse::<i64>().ok()?, m.parse::<u32>().ok()?);
    (y.to_string().len() == 4 && (1..=12).contains(&m)).then_some((y, m))
}

/// The period after `period` (`2026-12` → `2027-01`); empty when malformed.
pub fn next_period(period: &str) -> String {
    match period_parts(period) {
        Some((y, 12)) => format!("{:04}-01", y + 1),
        Some((y, m)) => format!("{y:04}-{:02}", m + 1),
        None => String::new(),
    }
}

/// The day a confirmed meeting of `period` locks by itself: the period's last day + `days`.
pub fn auto_lock_on(period: &str, days: u32) -> Option<String> {
    let (y, m) = period_parts(period)?;
    let first = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, 1)?;
    let next_first = first.checked_add_months(chrono::Months::new(1))?;
    let last = next_first.pred_opt()?;
    let lock = last.checked_add_days(Days::new(u64::from(days)))?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        lock.year(),
        lock.month(),
        lock.day()
    ))
}

fn attendance_rows(record: &MeetingRecord, doc_id: &str) -> Vec<AttendanceRow> {
    record
        .roster
        .iter()
        .map(|(member_id, entry)| {
            let att = record.attendance.get(member_id);
            AttendanceRow {
                doc_id: doc_id.to_owned(),
                member_id: member_id.clone(),
                full_name: entry.full_name.clone(),
                category: category_code(entry.category).into(),
                // No entry for an expected member counts as absent without reason (as in
                // `attendance_summary`); exempt categories are recorded as exempt.
                status: match att {
                    Some(a) => attendance_code(a.status).into(),
                    None if entry.category.expected_to_attend() => "vang_khong_ly_do".into(),
                    None => "mien".into(),
                },
                reason: att.map(|a| a.reason.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

fn task_rows(record: &MeetingRecord, doc_id: &str) -> Vec<TaskRow> {
    let follow_period = next_period(&record.period);
    record
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| TaskRow {
            doc_id: doc_id.to_owned(),
            position: count(i),
            task_id: t.id.clone(),
            cell_id: record.cell_id.clone(),
            period: record.period.clone(),
            follow_period: follow_period.clone(),
            assignee: t.assignee_member_id.clone(),
            assignee_name: record
                .roster
                .get(&t.assignee_member_id)
                .map(|r| r.full_name.clone())
                .unwrap_or_default(),
            task: t.task.clone(),
            due: t.due.clone(),
        })
        .collect()
}

fn follow_up_rows(record: &MeetingRecord, doc_id: &str) -> Vec<FollowUpRow> {
    record
        .follow_ups
        .iter()
        .enumerate()
        .map(|(i, f)| FollowUpRow {
            doc_id: doc_id.to_owned(),
            position: count(i),
            follow_up_id: f.id.clone(),
            cell_id: record.cell_id.clone(),
            period: record.period.clone(),
            item: f.item.clone(),
            source_meeting_id: f.source_meeting_id.clone(),
            source_task_id: f.source_task_id.clone(),
            status: follow_up_code(f.status).into(),
            note: f.note.clone(),
        })
        .collect()
}

/// SHA-256 of the record's JSON with the review status and return reason cleared, so moving a
/// meeting between states is not an amendment but any content edit is.
fn fingerprint(record: &MeetingRecord) -> String {
    let mut content = record.clone();
    content.status = ReviewStatus::default();
    content.return_reason.clear();
    let json = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
