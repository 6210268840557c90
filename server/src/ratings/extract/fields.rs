//! The column values of each row, computed from a normalised record.

use chrono::{Datelike, Days, NaiveDate};
use sha2::{Digest, Sha256};
use sync_core::record::{MeetingRecord, ReviewStatus};
use sync_core::rubric::Score;

use super::super::RatingsConfig;
use super::super::codes::{attendance_code, category_code, follow_up_code, status_code};
use super::super::rows::{AttendanceRow, FactRow, FollowUpRow, ScoreRow, TaskRow};
use super::VersionInfo;

/// The scheduled date, by default the 3rd of the period's month (Chỉ thị 50-CT/TW).
pub(super) fn scheduled_date(record: &MeetingRecord) -> String {
    if record.scheduled_date.is_empty() {
        format!("{}-03", record.period)
    } else {
        record.scheduled_date.clone()
    }
}

pub(super) fn fact_row(
    record: &MeetingRecord,
    doc_id: &str,
    version: &VersionInfo,
    valid: bool,
) -> FactRow {
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

pub(super) fn score_row(
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

pub(super) fn empty_score(doc_id: &str) -> ScoreRow {
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

pub(super) fn empty_fact(
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

pub(super) fn attendance_rows(record: &MeetingRecord, doc_id: &str) -> Vec<AttendanceRow> {
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

pub(super) fn task_rows(record: &MeetingRecord, doc_id: &str) -> Vec<TaskRow> {
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

pub(super) fn follow_up_rows(record: &MeetingRecord, doc_id: &str) -> Vec<FollowUpRow> {
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
pub(super) fn fingerprint(record: &MeetingRecord) -> String {
    let mut content = record.clone();
    content.status = ReviewStatus::default();
    content.return_reason.clear();
    let json = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

pub(super) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
