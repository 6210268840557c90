//! From a meeting document to rows: hydrate, normalise, validate and score with sync-core. Pure
//! (no database): `project` feeds it what the store holds and writes what it returns.

mod fields;

pub use fields::{auto_lock_on, next_period, period_parts};

use chrono::NaiveDateTime;
use fields::{
    attendance_rows, count, empty_fact, empty_score, fact_row, fingerprint, follow_up_rows,
    scheduled_date, score_row, task_rows,
};
use sync_core::doc::{DocError, MeetingRead};
use sync_core::record::{MeetingRecord, ScoreSheet};
use sync_core::rubric::{self, Rubric, Score};
use sync_core::validate::{self, Severity};

use super::RatingsConfig;
use super::codes::to_code;
use super::rows::{CriterionRow, ProblemRow, Projection, RecordRow, ScoreRow};
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
        record: None,
    }
}

/// Every row of one meeting document, given its record as [`MeetingRead::record`] read it.
pub fn project_doc(
    doc_id: &str,
    doc: &dyn MeetingRead,
    record: Result<MeetingRecord, DocError>,
    version: &VersionInfo,
    violations: &[Violation],
    config: &RatingsConfig,
) -> Projection {
    let mut record = match record {
        Ok(r) => r,
        Err(e) => {
            let cell = doc.raw_cell_id();
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
        record: serde_json::to_string(&record).ok().map(|json| RecordRow {
            doc_id: doc_id.to_owned(),
            record: json,
        }),
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
