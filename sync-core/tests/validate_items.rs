//! Validation of list items (speakers, criticism, tasks, votes, ids) and of text normalisation.

#[path = "support/validate_fixture.rs"]
mod validate_fixture;

use sync_core::record::{Contribution, Task};
use sync_core::validate::{ProblemCode, Severity, validate};
use validate_fixture::{assert_only_error, found, meeting, only_problem};

#[test]
fn a_speaker_who_is_neither_member_nor_guest_is_an_error() {
    let mut r = meeting();
    r.contributions[1].member_id = "khach-la".into();
    assert_only_error(&r, ProblemCode::UnknownSpeaker, "contributions.1.memberId");
}

#[test]
fn a_guest_may_speak() {
    let r = meeting();
    assert!(r.contributions.iter().any(|c| c.member_id == "g1"));
    assert!(validate(&r).is_empty());
}

#[test]
fn criticism_of_someone_not_on_the_roster_is_an_error() {
    let mut r = meeting();
    r.criticism[0].member_id = "g1".into();
    assert_only_error(
        &r,
        ProblemCode::CriticismNotOnRoster,
        "criticism.0.memberId",
    );
}

#[test]
fn a_task_for_someone_not_on_the_roster_is_an_error() {
    let mut r = meeting();
    r.tasks[0].assignee_member_id = "m404".into();
    assert_only_error(
        &r,
        ProblemCode::AssigneeNotOnRoster,
        "tasks.0.assigneeMemberId",
    );
}

#[test]
fn a_task_with_no_assignee_is_a_warning() {
    let mut r = meeting();
    r.tasks[1].assignee_member_id.clear();
    let p = only_problem(&r);
    assert_eq!(
        (p.code, p.severity, p.path.as_str()),
        (
            ProblemCode::MissingAssignee,
            Severity::Warning,
            "tasks.1.assigneeMemberId"
        )
    );
}

#[test]
fn a_malformed_task_due_date_is_an_error() {
    let mut r = meeting();
    r.tasks[0].due = "30/11/2025".into();
    assert_only_error(&r, ProblemCode::MalformedDate, "tasks.0.due");
}

#[test]
fn a_vote_counting_more_voters_than_members_present_is_an_error() {
    let mut r = meeting();
    r.votes[0].abstain = 1; // 6 present, 7 votes
    assert_only_error(&r, ProblemCode::VoteExceedsPresent, "votes.0");
    r.votes[0].in_favour = 5;
    assert!(validate(&r).is_empty());
}

#[test]
fn duplicate_ids_within_a_list_are_errors() {
    let mut r = meeting();
    r.contributions.push(Contribution {
        id: "c2".into(),
        member_id: "m6".into(),
        ..Contribution::default()
    });
    r.tasks.push(Task {
        id: "t1".into(),
        assignee_member_id: "m4".into(),
        ..Task::default()
    });
    assert_eq!(
        found(&r),
        [
            (ProblemCode::DuplicateId, "contributions.4.id".to_owned()),
            (ProblemCode::DuplicateId, "tasks.2.id".to_owned()),
        ]
    );
}

#[test]
fn the_same_id_in_two_different_lists_is_fine() {
    let mut r = meeting();
    r.tasks[0].id = "c1".into();
    assert!(validate(&r).is_empty());
}

#[test]
fn empty_list_item_ids_are_errors() {
    let mut r = meeting();
    r.agenda[2].id.clear();
    r.guests[0].id = " ".into();
    // The guest's contribution now names an unknown speaker too.
    assert_eq!(
        found(&r),
        [
            (
                ProblemCode::UnknownSpeaker,
                "contributions.3.memberId".to_owned()
            ),
            (ProblemCode::EmptyId, "guests.0.id".to_owned()),
            (ProblemCode::EmptyId, "agenda.2.id".to_owned()),
        ]
    );
}

#[test]
fn unnormalised_text_is_reported_at_the_first_offending_field() {
    let mut r = meeting();
    r.attendance.get_mut("m7").unwrap().reason = "O\u{0302}\u{0301}m".into(); // NFD "Ốm"
    r.resolution = "\u{00D0}ảng".into();
    assert_only_error(&r, ProblemCode::TextNotNormalized, "attendance.m7.reason");
    r.normalize_text();
    assert!(validate(&r).is_empty());
}

#[test]
fn a_record_with_several_problems_reports_them_all_in_a_stable_order() {
    let mut r = meeting();
    r.cell_id.clear();
    r.ended_at = "2025-11-03T15:00".into();
    r.attendance.remove("m7");
    r.votes[0].in_favour = 10;
    let codes: Vec<ProblemCode> = validate(&r).into_iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        [
            ProblemCode::MissingCellId,
            ProblemCode::TooShort,
            ProblemCode::MissingAttendance,
            ProblemCode::VoteExceedsPresent
        ]
    );
    assert_eq!(validate(&r), validate(&r.clone()));
}
