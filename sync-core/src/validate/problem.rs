//! The problem type reported by validation.

use serde::Serialize;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The minutes are wrong or incomplete; they cannot be submitted as they are.
    Error,
    /// Worth a look (e.g. a short meeting) but the minutes may still be submitted.
    Warning,
}

/// What kind of problem was found; serialised as a stable snake_case code for clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// `cellId` is empty.
    MissingCellId,
    /// `schemaVersion` is newer than this software understands.
    SchemaVersionTooNew,
    /// `period` is missing or not `YYYY-MM`.
    MalformedPeriod,
    /// A thematic or combined meeting has no `topic`.
    MissingTopic,
    /// A date is not a real `YYYY-MM-DD` date.
    MalformedDate,
    /// A local time is not a real `YYYY-MM-DDTHH:MM` time.
    MalformedDateTime,
    /// `endedAt` is before `startedAt`.
    EndBeforeStart,
    /// The meeting was shorter than its type's minimum (90 minutes, 120 for a combined meeting).
    TooShort,
    /// The meeting started outside the month of its `period`.
    StartOutsidePeriod,
    /// Attendance is recorded for someone not on the roster snapshot.
    AttendanceNotOnRoster,
    /// A member expected to attend has no attendance entry.
    MissingAttendance,
    /// An excused absence has no reason written down.
    MissingAbsenceReason,
    /// No chair is recorded.
    MissingChair,
    /// The chair is not on the roster snapshot.
    ChairNotOnRoster,
    /// The chair is not marked present.
    ChairNotPresent,
    /// No recorder (thư ký) is recorded.
    MissingRecorder,
    /// The recorder is not on the roster snapshot.
    RecorderNotOnRoster,
    /// The recorder is not marked present.
    RecorderNotPresent,
    /// `rosterCounts` disagrees with the roster snapshot.
    RosterCountsMismatch,
    /// A contribution's speaker is neither a roster member nor a guest.
    UnknownSpeaker,
    /// A criticism or commendation names someone not on the roster.
    CriticismNotOnRoster,
    /// A task has no assignee.
    MissingAssignee,
    /// A task's assignee is not on the roster.
    AssigneeNotOnRoster,
    /// A vote counts more voters than members present.
    VoteExceedsPresent,
    /// A list item has an empty id.
    EmptyId,
    /// Two items of one list share an id.
    DuplicateId,
    /// A string is not NFC with Đ homoglyphs folded.
    TextNotNormalized,
}

/// One problem found in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem it is.
    pub code: ProblemCode,
    /// Error or warning.
    pub severity: Severity,
    /// Where: document field names joined with dots, list items by index and map entries by
    /// key, e.g. `attendance.m7.reason`, `tasks.2.due`.
    pub path: String,
    /// A sentence for the person fixing the minutes.
    pub message: String,
}

impl Problem {
    /// An error at `path`.
    pub fn error(code: ProblemCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            code,
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning at `path`.
    pub fn warning(code: ProblemCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            code,
            severity: Severity::Warning,
            path: path.into(),
            message: message.into(),
        }
    }
}
