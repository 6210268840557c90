//! Validation of the header: cell, schema version, period, topic, dates, times and duration.

#[path = "support/validate_fixture.rs"]
mod validate_fixture;

use sync_core::record::{MeetingType, SCHEMA_VERSION};
use sync_core::validate::{ProblemCode, Severity, has_errors, validate};
use validate_fixture::{assert_only_error, found, meeting, only_problem};

#[test]
fn a_complete_realistic_meeting_has_no_problems() {
    let problems = validate(&meeting());
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(!has_errors(&problems));
}

#[test]
fn a_meeting_without_a_cell_is_an_error() {
    let mut r = meeting();
    r.cell_id = "  ".into();
    assert_only_error(&r, ProblemCode::MissingCellId, "cellId");
}

#[test]
fn a_record_from_a_newer_schema_is_an_error() {
    let mut r = meeting();
    r.schema_version = SCHEMA_VERSION + 1;
    assert_only_error(&r, ProblemCode::SchemaVersionTooNew, "schemaVersion");
    r.schema_version = SCHEMA_VERSION;
    assert!(validate(&r).is_empty());
}

#[test]
fn a_period_not_written_year_dash_month_is_an_error() {
    for bad in ["", "11/2025", "2025-13", "2025-1", "2025-11-03", "tháng 11"] {
        let mut r = meeting();
        r.period = bad.into();
        let p = only_problem(&r);
        assert_eq!(
            (p.code, p.path.as_str()),
            (ProblemCode::MalformedPeriod, "period"),
            "{bad:?}"
        );
    }
}

#[test]
fn thematic_and_combined_meetings_need_a_topic() {
    for kind in [MeetingType::ChuyenDe, MeetingType::KetHop] {
        let mut r = meeting();
        r.meeting_type = kind;
        r.ended_at = "2025-11-03T16:30".into(); // long enough for a combined meeting
        assert_only_error(&r, ProblemCode::MissingTopic, "topic");
        r.topic = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh".into();
        assert!(validate(&r).is_empty(), "{kind:?}");
    }
}

#[test]
fn a_regular_meeting_needs_no_topic() {
    let r = meeting();
    assert!(r.topic.is_empty());
    assert!(validate(&r).is_empty());
}

#[test]
fn a_malformed_planned_date_is_an_error() {
    let mut r = meeting();
    r.scheduled_date = "03/11/2025".into();
    assert_only_error(&r, ProblemCode::MalformedDate, "scheduledDate");
}

#[test]
fn malformed_start_and_end_times_are_errors() {
    let mut r = meeting();
    r.started_at = "2025-11-03 14:00".into();
    r.ended_at = "2025-11-03T25:00".into();
    assert_eq!(
        found(&r),
        [
            (ProblemCode::MalformedDateTime, "startedAt".to_owned()),
            (ProblemCode::MalformedDateTime, "endedAt".to_owned()),
        ]
    );
}

#[test]
fn times_not_yet_filled_in_are_not_problems() {
    let mut r = meeting();
    r.scheduled_date.clear();
    r.started_at.clear();
    r.ended_at.clear();
    assert!(validate(&r).is_empty());
}

#[test]
fn an_end_before_the_start_is_an_error() {
    let mut r = meeting();
    r.ended_at = "2025-11-03T13:00".into();
    assert_only_error(&r, ProblemCode::EndBeforeStart, "endedAt");
}

#[test]
fn a_regular_meeting_shorter_than_ninety_minutes_is_a_warning() {
    let mut r = meeting();
    r.ended_at = "2025-11-03T15:29".into();
    let p = only_problem(&r);
    assert_eq!(
        (p.code, p.severity, p.path.as_str()),
        (ProblemCode::TooShort, Severity::Warning, "endedAt")
    );
    assert!(
        p.message.contains("89") && p.message.contains("90"),
        "{}",
        p.message
    );
    assert!(!has_errors(&validate(&r)));
    r.ended_at = "2025-11-03T15:30".into();
    assert!(validate(&r).is_empty());
}

#[test]
fn a_combined_meeting_needs_one_hundred_and_twenty_minutes() {
    let mut r = meeting();
    r.meeting_type = MeetingType::KetHop;
    r.topic = "Chuyên đề quý IV".into();
    r.ended_at = "2025-11-03T15:59".into();
    assert_eq!(only_problem(&r).code, ProblemCode::TooShort);
    r.ended_at = "2025-11-03T16:00".into();
    assert!(validate(&r).is_empty());
}

#[test]
fn a_meeting_held_outside_its_period_month_is_an_error() {
    let mut r = meeting();
    r.started_at = "2025-12-01T14:00".into();
    r.ended_at = "2025-12-01T16:00".into();
    assert_only_error(&r, ProblemCode::StartOutsidePeriod, "startedAt");
}

#[test]
fn a_meeting_that_runs_past_midnight_into_the_next_month_is_fine() {
    let mut r = meeting();
    r.started_at = "2025-11-30T22:30".into();
    r.ended_at = "2025-12-01T00:30".into();
    assert!(validate(&r).is_empty(), "{:#?}", validate(&r));
}

#[test]
fn problems_serialise_with_snake_case_codes() {
    let mut r = meeting();
    r.ended_at = "2025-11-03T15:00".into();
    let json = serde_json::to_value(validate(&r)).unwrap();
    assert_eq!(json[0]["code"], "too_short");
    assert_eq!(json[0]["severity"], "warning");
    assert_eq!(json[0]["path"], "endedAt");
    assert!(json[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
}
