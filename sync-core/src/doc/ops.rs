//! Typed operations on a meeting document. They serialise as JSON objects tagged by `op`
//! (`{"op": "markAttendance", "memberId": "m1", ...}`) so one corpus of operation sequences can
//! drive both this crate and the browser app.

use crate::record::{
    AgendaItem, AttendanceStatus, BriefedDocument, Contribution, Criticism, FollowUp, Guest,
    MemberCategory, MembershipAction, OrgPathEntry, Task, Vote,
};
use serde::{Deserialize, Serialize};

/// One edit of a meeting document. Each changes exactly what it names; see `SCHEMA.md` for the
/// fields each one writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum MeetingOp {
    /// Sets a scalar field (string, boolean or number): a root field such as `startedAt`, or a
    /// nested one written `preparation.noticeSentAt`, `dues.amountVnd`, `rosterCounts.tong`,
    /// `selfScore.rubricId`. Fixed fields (`schemaVersion`, `meetingId`, `cellId`, `period`)
    /// and Text fields are refused.
    SetScalar {
        /// Field name or dotted path.
        field: String,
        /// The new value (string, boolean or number).
        value: serde_json::Value,
    },
    /// Splices a Text field (root or nested, e.g. `resolution`, `selfScore.comment`). `index`
    /// and `delete` count Unicode code points (not UTF-16 units, not bytes).
    SpliceText {
        /// Field name or dotted path.
        field: String,
        /// Start, in Unicode code points.
        index: usize,
        /// Code points to delete.
        delete: usize,
        /// Text to insert (normalised on the way in).
        insert: String,
    },
    /// Replaces a Text field's content with the minimal character diff (automerge `update_text`).
    ReplaceText {
        /// Field name or dotted path.
        field: String,
        /// The new content.
        value: String,
    },
    /// Adds or updates a member of the meeting's roster snapshot.
    SetRosterEntry {
        /// Member id (the map key).
        member_id: String,
        /// Full name as written.
        full_name: String,
        /// Roster category.
        category: MemberCategory,
    },
    /// Removes a member from the roster snapshot.
    RemoveRosterEntry {
        /// Member id (the map key).
        member_id: String,
    },
    /// Records (or corrects) a member's attendance.
    MarkAttendance {
        /// Member id (the map key).
        member_id: String,
        /// Attendance status.
        status: AttendanceStatus,
        /// Reason for an absence.
        #[serde(default)]
        reason: String,
        /// Minutes late.
        #[serde(default)]
        late_min: u32,
    },
    /// Removes a member's attendance entry.
    ClearAttendance {
        /// Member id (the map key).
        member_id: String,
    },
    /// Appends a guest.
    AddGuest {
        /// The new item, with its `id`.
        item: Guest,
    },
    /// Appends an agenda item.
    AddAgendaItem {
        /// The new item, with its `id`.
        item: AgendaItem,
    },
    /// Appends a briefed document.
    AddDocumentBriefed {
        /// The new item, with its `id`.
        item: BriefedDocument,
    },
    /// Appends a follow-up of last month's resolution.
    AddFollowUp {
        /// The new item, with its `id`.
        item: FollowUp,
    },
    /// Appends a contribution by a named speaker.
    AddContribution {
        /// The new item, with its `id`.
        item: Contribution,
    },
    /// Appends a commendation or criticism.
    AddCriticism {
        /// The new item, with its `id`.
        item: Criticism,
    },
    /// Appends a task.
    AddTask {
        /// The new item, with its `id`.
        item: Task,
    },
    /// Appends a vote.
    AddVote {
        /// The new item, with its `id`.
        item: Vote,
    },
    /// Appends a membership action.
    AddMembershipAction {
        /// The new item, with its `id`.
        item: MembershipAction,
    },
    /// Sets one field of the list item with this id (Text fields get the minimal diff).
    UpdateItem {
        /// The list.
        list: ListName,
        /// The item id.
        id: String,
        /// Field name or dotted path.
        field: String,
        /// The new value (string, boolean or number).
        value: serde_json::Value,
    },
    /// Splices a Text field of the list item with this id (code point indices).
    SpliceItemText {
        /// The list.
        list: ListName,
        /// The item id.
        id: String,
        /// Field name or dotted path.
        field: String,
        /// Start, in Unicode code points.
        index: usize,
        /// Code points to delete.
        delete: usize,
        /// Text to insert (normalised on the way in).
        insert: String,
    },
    /// Removes the list item with this id.
    RemoveItem {
        /// The list.
        list: ListName,
        /// The item id.
        id: String,
    },
    /// Awards points for one criterion on a score sheet.
    AwardPoints {
        /// The score sheet.
        sheet: Sheet,
        /// Criterion id.
        criterion: String,
        /// Points, 0–1,000.
        points: f64,
    },
    /// Withdraws the points of one criterion.
    RemoveAward {
        /// The score sheet.
        sheet: Sheet,
        /// Criterion id.
        criterion: String,
    },
    /// Sets a field of a score sheet other than `awarded` (`rubricId`, `scoredBy`,
    /// `votedByMembers`, `confirmedAt`, `comment`).
    SetSheetField {
        /// The score sheet.
        sheet: Sheet,
        /// Field name or dotted path.
        field: String,
        /// The new value (string, boolean or number).
        value: serde_json::Value,
    },
    /// Replaces the organisation path snapshot as a whole (concurrent replacements conflict).
    SetOrgPathSnapshot {
        /// Ancestors, root first.
        entries: Vec<OrgPathEntry>,
    },
}

/// The lists of a meeting document whose items carry an `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ListName {
    /// `guests`: khách mời.
    Guests,
    /// `agenda`: chương trình.
    Agenda,
    /// `documentsBriefed`: văn bản quán triệt.
    DocumentsBriefed,
    /// `followUps`: theo dõi nghị quyết tháng trước.
    FollowUps,
    /// `contributions`: ý kiến phát biểu.
    Contributions,
    /// `criticism`: phê bình, biểu dương.
    Criticism,
    /// `tasks`: nhiệm vụ.
    Tasks,
    /// `votes`: biểu quyết.
    Votes,
    /// `membershipActions`: công tác đảng viên.
    MembershipActions,
}

impl ListName {
    /// Every list.
    pub const ALL: [ListName; 9] = [
        ListName::Guests,
        ListName::Agenda,
        ListName::DocumentsBriefed,
        ListName::FollowUps,
        ListName::Contributions,
        ListName::Criticism,
        ListName::Tasks,
        ListName::Votes,
        ListName::MembershipActions,
    ];

    /// The document key of the list.
    pub fn key(self) -> &'static str {
        match self {
            ListName::Guests => "guests",
            ListName::Agenda => "agenda",
            ListName::DocumentsBriefed => "documentsBriefed",
            ListName::FollowUps => "followUps",
            ListName::Contributions => "contributions",
            ListName::Criticism => "criticism",
            ListName::Tasks => "tasks",
            ListName::Votes => "votes",
            ListName::MembershipActions => "membershipActions",
        }
    }
}

/// Which score sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Sheet {
    /// `selfScore`: the cell's own score.
    #[serde(rename = "self")]
    SelfScore,
    /// `superiorScore`: the superior committee's score.
    Superior,
}

impl Sheet {
    /// The document key of the sheet.
    pub fn key(self) -> &'static str {
        match self {
            Sheet::SelfScore => "selfScore",
            Sheet::Superior => "superiorScore",
        }
    }
}
