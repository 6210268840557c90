//! Validation of a meeting record: a list of typed problems (missing required facts, people who
//! are not on the roster, impossible times and counts, duplicate list ids, unnormalised text).
//!
//! Validation never fails and never stops at the first problem: the field app shows the whole
//! list, the server refuses to accept a submission with errors, and warnings are shown but
//! accepted. Each check is a small function; `validate` runs them all in a fixed order, so the
//! same record always gives the same list.

mod items;
mod people;
mod problem;
mod times;

pub use problem::{Problem, ProblemCode, Severity};

use crate::record::MeetingRecord;

/// One check: appends the problems it finds.
type Check = fn(&MeetingRecord, &mut Vec<Problem>);

/// Every check, in the order their problems are reported (header, times, people, items, text).
const CHECKS: &[Check] = &[
    times::cell_id_present,
    times::schema_version_supported,
    times::period_well_formed,
    times::topic_present_when_thematic,
    times::dates_and_times_well_formed,
    times::end_not_before_start,
    times::duration_at_least_minimum,
    times::start_within_period,
    people::attendance_only_for_roster_members,
    people::every_expected_member_has_attendance,
    people::excused_absences_have_a_reason,
    people::chair_on_roster_and_present,
    people::recorder_on_roster_and_present,
    people::roster_counts_match_roster,
    items::speakers_known,
    items::criticism_members_on_roster,
    items::tasks_assigned_and_dated,
    items::votes_within_present,
    items::list_ids_present_and_unique,
    items::text_normalized,
];

/// Checks a record and returns every problem found, errors and warnings, in a stable order.
/// An empty list means the minutes are complete and consistent.
pub fn validate(record: &MeetingRecord) -> Vec<Problem> {
    let mut problems = Vec::new();
    for check in CHECKS {
        check(record, &mut problems);
    }
    problems
}

/// True when `problems` holds at least one `Severity::Error`.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}
