//! The plain-Rust side of the bindings (testable natively): each function takes JSON text and
//! returns a value or an error message.

use serde::Serialize;
use sync_core::doc_id::{DocumentId, MEETING_NAMESPACE, ROSTER_NAMESPACE};
use sync_core::record::{MeetingRecord, MeetingType};
use sync_core::rubric::{self, Rubric, Score};
use sync_core::validate::{self, Problem};

/// What `score` returns: the same shape as `server score --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreReport {
    /// `self` or `superior`.
    pub sheet: &'static str,
    /// The rubric's verdict.
    pub score: Score,
    /// The record's problems.
    pub validation: Vec<Problem>,
}

/// Parses a record and normalises its text (NFC, Đ homoglyphs), as the server does on input.
pub fn normalize_record(record_json: &str) -> Result<MeetingRecord, String> {
    let mut record: MeetingRecord =
        serde_json::from_str(record_json).map_err(|e| format!("not a meeting record: {e}"))?;
    record.normalize_text();
    Ok(record)
}

/// The problems of a record.
pub fn validate_record(record_json: &str) -> Result<Vec<Problem>, String> {
    Ok(validate::validate(&normalize_record(record_json)?))
}

/// Scores a record with the preset `rubric_id`, or the preset that applies when it is empty.
pub fn score_report(
    rubric_id: &str,
    record_json: &str,
    sheet: &str,
) -> Result<ScoreReport, String> {
    let record = normalize_record(record_json)?;
    let rubric = if rubric_id.is_empty() {
        select_for(&record)?
    } else {
        rubric::preset(rubric_id).ok_or_else(|| format!("no rubric preset `{rubric_id}`"))?
    };
    score_report_with(&rubric, &record, sheet)
}

/// Scores an already parsed record with `rubric`.
pub fn score_report_with(
    rubric: &Rubric,
    record: &MeetingRecord,
    sheet: &str,
) -> Result<ScoreReport, String> {
    let (sheet, scores) = match sheet {
        "self" | "" => ("self", &record.self_score),
        "superior" => ("superior", &record.superior_score),
        other => {
            return Err(format!(
                "unknown sheet `{other}`: expected `self` or `superior`"
            ));
        }
    };
    Ok(ScoreReport {
        sheet,
        score: rubric::score(rubric, record, scores),
        validation: validate::validate(record),
    })
}

/// The preset that applies to the record's meeting type on the day it was held (else the
/// scheduled date, else the 3rd of its period): the rule of `server score` without `--rubric`.
fn select_for(record: &MeetingRecord) -> Result<Rubric, String> {
    let date = record
        .held_on()
        .map(str::to_owned)
        .or_else(|| (!record.scheduled_date.is_empty()).then(|| record.scheduled_date.clone()))
        .unwrap_or_else(|| format!("{}-03", record.period));
    rubric::select(rubric::presets(), record.meeting_type, &date)
        .cloned()
        .ok_or_else(|| {
            format!(
                "no preset applies to a `{}` meeting on {date}",
                record.meeting_type.code()
            )
        })
}

/// The derived id of a cell's regular meeting in a period.
pub fn regular_meeting_id(cell: &str, period: &str) -> String {
    let name = format!(
        "{}/{}/{}",
        sync_core::text::normalize(cell),
        sync_core::text::normalize(period),
        MeetingType::ThuongKy.code()
    );
    DocumentId::derive(MEETING_NAMESPACE, &name).to_string()
}

/// The automerge-repo document id of `cell`'s roster: `DocumentId::derive("chibo/roster/v1",
/// "<cell>")` over the normalised code, as `RosterDoc::genesis` derives it.
pub fn roster_id(cell: &str) -> String {
    DocumentId::derive(ROSTER_NAMESPACE, &sync_core::text::normalize(cell)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(score_report("", "not json", "self").is_err());
        assert!(validate_record("[1,2]").is_err());
        assert!(score_report("", "{}", "nobody").is_err());
    }

    #[test]
    fn an_empty_regular_record_scores_with_the_preset_that_applies() {
        let record = r#"{"cellId":"c1","period":"2026-03","scheduledDate":"2026-03-03"}"#;
        let report = score_report("", record, "self").expect("a report");
        assert_eq!(report.sheet, "self");
        assert!(!report.validation.is_empty());
    }
}
