//! Checks of the list items (speakers, criticism, tasks, votes, ids) and of the text.

use super::{Problem, ProblemCode};
use crate::record::{AttendanceStatus, MeetingRecord};
use crate::text::parse_date;
use std::collections::BTreeSet;

/// A speaker is a roster member or a guest (by guest id).
pub(super) fn speakers_known(r: &MeetingRecord, out: &mut Vec<Problem>) {
    for (i, c) in r.contributions.iter().enumerate() {
        let known =
            r.roster.contains_key(&c.member_id) || r.guests.iter().any(|g| g.id == c.member_id);
        if !known {
            out.push(Problem::error(
                ProblemCode::UnknownSpeaker,
                format!("contributions.{i}.memberId"),
                format!(
                    "the speaker `{}` is neither on the roster nor a guest",
                    c.member_id
                ),
            ));
        }
    }
}

/// Criticism and commendation are about members of the cell.
pub(super) fn criticism_members_on_roster(r: &MeetingRecord, out: &mut Vec<Problem>) {
    for (i, c) in r.criticism.iter().enumerate() {
        if !r.roster.contains_key(&c.member_id) {
            out.push(Problem::error(
                ProblemCode::CriticismNotOnRoster,
                format!("criticism.{i}.memberId"),
                format!("`{}` is not on the roster", c.member_id),
            ));
        }
    }
}

/// Tasks go to members and, when dated, have a real due date. A task with no assignee is a
/// warning (it may be meant for the whole cell).
pub(super) fn tasks_assigned_and_dated(r: &MeetingRecord, out: &mut Vec<Problem>) {
    for (i, t) in r.tasks.iter().enumerate() {
        let path = |field: &str| format!("tasks.{i}.{field}");
        if t.assignee_member_id.trim().is_empty() {
            out.push(Problem::warning(
                ProblemCode::MissingAssignee,
                path("assigneeMemberId"),
                "the task has no assignee",
            ));
        } else if !r.roster.contains_key(&t.assignee_member_id) {
            out.push(Problem::error(
                ProblemCode::AssigneeNotOnRoster,
                path("assigneeMemberId"),
                format!(
                    "the assignee `{}` is not on the roster",
                    t.assignee_member_id
                ),
            ));
        }
        if !t.due.is_empty() && parse_date(&t.due).is_none() {
            out.push(Problem::error(
                ProblemCode::MalformedDate,
                path("due"),
                format!("the due date `{}` is not a date `YYYY-MM-DD`", t.due),
            ));
        }
    }
}

/// Nobody votes who was not there: roster members marked present.
pub(super) fn votes_within_present(r: &MeetingRecord, out: &mut Vec<Problem>) {
    let present = r
        .attendance
        .iter()
        .filter(|(id, a)| a.status == AttendanceStatus::CoMat && r.roster.contains_key(*id))
        .count();
    for (i, v) in r.votes.iter().enumerate() {
        let cast = u64::from(v.in_favour) + u64::from(v.against) + u64::from(v.abstain);
        if cast > present as u64 {
            out.push(Problem::error(
                ProblemCode::VoteExceedsPresent,
                format!("votes.{i}"),
                format!("{cast} votes were counted but only {present} members were present"),
            ));
        }
    }
}

/// Checks the ids of one list: non-empty and unique (they are the `#[key]` of document lists).
fn ids_of<'a>(list: &str, ids: impl Iterator<Item = &'a str>, out: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        let path = format!("{list}.{i}.id");
        if id.trim().is_empty() {
            out.push(Problem::error(
                ProblemCode::EmptyId,
                path,
                format!("an item of `{list}` has no id"),
            ));
        } else if !seen.insert(id) {
            out.push(Problem::error(
                ProblemCode::DuplicateId,
                path,
                format!("the id `{id}` is used twice in `{list}`"),
            ));
        }
    }
}

/// Every keyed list of the record has non-empty, unique item ids.
pub(super) fn list_ids_present_and_unique(r: &MeetingRecord, out: &mut Vec<Problem>) {
    ids_of("guests", r.guests.iter().map(|x| x.id.as_str()), out);
    ids_of("agenda", r.agenda.iter().map(|x| x.id.as_str()), out);
    ids_of(
        "documentsBriefed",
        r.documents_briefed.iter().map(|x| x.id.as_str()),
        out,
    );
    ids_of("followUps", r.follow_ups.iter().map(|x| x.id.as_str()), out);
    ids_of(
        "contributions",
        r.contributions.iter().map(|x| x.id.as_str()),
        out,
    );
    ids_of("criticism", r.criticism.iter().map(|x| x.id.as_str()), out);
    ids_of("tasks", r.tasks.iter().map(|x| x.id.as_str()), out);
    ids_of("votes", r.votes.iter().map(|x| x.id.as_str()), out);
    ids_of(
        "membershipActions",
        r.membership_actions.iter().map(|x| x.id.as_str()),
        out,
    );
}

/// All text is NFC with Đ homoglyphs folded; reports the first offending field.
pub(super) fn text_normalized(r: &MeetingRecord, out: &mut Vec<Problem>) {
    if let Some(path) = r.first_unnormalized_text() {
        out.push(Problem::error(
            ProblemCode::TextNotNormalized,
            path,
            "text is not normalised (NFC, Đ not Ð); normalise the record before saving",
        ));
    }
}
