//! Checks of the header: cell, schema version, period, topic, dates, times and duration.

use super::{Problem, ProblemCode};
use crate::record::{MeetingRecord, MeetingType, SCHEMA_VERSION};
use crate::text::{parse_date, parse_local_datetime};

/// The cell must be known: the document id and the roll-up hang on it.
pub(super) fn cell_id_present(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if r.cell_id.trim().is_empty() {
        out.push(Problem::error(
            ProblemCode::MissingCellId,
            "cellId",
            "the cell (chi bộ) is missing",
        ));
    }
}

/// A record written by newer software may hold fields this version would drop.
pub(super) fn schema_version_supported(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if r.schema_version > SCHEMA_VERSION {
        out.push(Problem::error(
            ProblemCode::SchemaVersionTooNew,
            "schemaVersion",
            format!(
                "schema version `{}` is newer than the supported `{SCHEMA_VERSION}`; update the software",
                r.schema_version
            ),
        ));
    }
}

/// `(year, month)` of a `YYYY-MM` period.
pub(super) fn parse_period(period: &str) -> Option<(i64, u32)> {
    let (y, m) = period.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: u32 = m.parse().ok()?;
    Some((y.parse().ok()?, month)).filter(|_| (1..=12).contains(&month))
}

/// The period is the month the meeting belongs to, `YYYY-MM`.
pub(super) fn period_well_formed(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if parse_period(&r.period).is_none() {
        out.push(Problem::error(
            ProblemCode::MalformedPeriod,
            "period",
            format!(
                "the period `{}` is not a month written `YYYY-MM`, e.g. `2025-11`",
                r.period
            ),
        ));
    }
}

/// Thematic and combined meetings are about a topic (chuyên đề).
pub(super) fn topic_present_when_thematic(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if matches!(r.meeting_type, MeetingType::ChuyenDe | MeetingType::KetHop)
        && r.topic.trim().is_empty()
    {
        out.push(Problem::error(
            ProblemCode::MissingTopic,
            "topic",
            format!(
                "a `{}` meeting needs its topic (chuyên đề)",
                r.meeting_type.code()
            ),
        ));
    }
}

/// Dates and times that are filled in must be real; empty means not known yet.
pub(super) fn dates_and_times_well_formed(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if !r.scheduled_date.is_empty() && parse_date(&r.scheduled_date).is_none() {
        out.push(Problem::error(
            ProblemCode::MalformedDate,
            "scheduledDate",
            format!(
                "the planned date `{}` is not a date `YYYY-MM-DD`",
                r.scheduled_date
            ),
        ));
    }
    for (path, value, what) in [
        ("startedAt", &r.started_at, "start"),
        ("endedAt", &r.ended_at, "end"),
    ] {
        if !value.is_empty() && parse_local_datetime(value).is_none() {
            out.push(Problem::error(
                ProblemCode::MalformedDateTime,
                path,
                format!("the {what} time `{value}` is not a local time `YYYY-MM-DDTHH:MM`"),
            ));
        }
    }
}

/// Both times parse, end first.
pub(super) fn end_not_before_start(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if let (Some(start), Some(end)) = (
        parse_local_datetime(&r.started_at),
        parse_local_datetime(&r.ended_at),
    ) && end < start
    {
        out.push(Problem::error(
            ProblemCode::EndBeforeStart,
            "endedAt",
            format!(
                "the meeting ends (`{}`) before it starts (`{}`)",
                r.ended_at, r.started_at
            ),
        ));
    }
}

/// HD 12 (2018) and HD 42 (2025): at least 90 minutes, 120 for a combined meeting. A warning:
/// the committee may set shorter meetings for very small cells.
pub(super) fn duration_at_least_minimum(r: &MeetingRecord, out: &mut Vec<Problem>) {
    let minimum = r.meeting_type.minimum_minutes();
    if let Some(minutes) = r.duration_minutes()
        && minutes < minimum
    {
        out.push(Problem::warning(
            ProblemCode::TooShort,
            "endedAt",
            format!(
                "the meeting lasted {minutes} minutes; a `{}` meeting should last at least {minimum}",
                r.meeting_type.code()
            ),
        ));
    }
}

/// The meeting is held in the month of its period.
pub(super) fn start_within_period(r: &MeetingRecord, out: &mut Vec<Problem>) {
    let Some(period) = parse_period(&r.period) else {
        return;
    };
    if parse_local_datetime(&r.started_at).is_none() {
        return;
    }
    let Some((y, m, _)) = r.held_on().and_then(parse_date) else {
        return;
    };
    if (y, m) != period {
        out.push(Problem::error(
            ProblemCode::StartOutsidePeriod,
            "startedAt",
            format!(
                "the meeting started on `{}`, outside its period `{}`",
                &r.started_at, r.period
            ),
        ));
    }
}
