//! The layout of the meeting document as data: every field, its Automerge type and the check its
//! value must pass. Genesis, the typed operations and reading all walk these tables, so the
//! document, the operations and `SCHEMA.md` cannot drift apart.

use crate::record::{
    AgendaPart, AttendanceStatus, ChairRole, CriticismKind, FollowUpStatus, MeetingType,
    MemberCategory, ReviewStatus, VoteMethod,
};
use serde::de::DeserializeOwned;

/// One field of a map in the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The camelCase name, identical to the record's serde name.
    pub name: &'static str,
    pub kind: Kind,
}

/// Automerge representation of a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// User-editable prose: an Automerge `Text` object (merges per character).
    Text,
    /// A scalar string (concurrent writes conflict), checked by `Check`.
    Str(Check),
    /// A scalar boolean.
    Bool,
    /// A scalar integer that fits `u32`.
    U32,
    /// A scalar integer that fits `u64`.
    U64,
    /// A map with a fixed set of fields, created by genesis.
    Map(&'static [Field]),
    /// Like `Map`, but the record field is an `Option`: an empty map reads as `None`.
    OptMap(&'static [Field]),
    /// A list of maps, each with an `id`, addressed by that id.
    List(&'static [Field]),
    /// A list of maps without ids, replaced as a whole (snapshots).
    Snapshot(&'static [Field]),
    /// A map from member id to a map of fields.
    Keyed(&'static [Field]),
    /// A map from criterion id to a number of points.
    Points,
}

/// What a scalar string must look like.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// Any normalised string.
    Any,
    /// An identifier, or empty (unset).
    OptId,
    /// `YYYY-MM-DD`, or empty.
    Date,
    /// `YYYY-MM-DDTHH:MM`, or empty.
    DateTime,
    /// `YYYY-MM`.
    Period,
    /// One of an enum's snake_case codes.
    Code(fn(&str) -> bool),
}

/// `true` when `code` is a serde code of `T`.
fn is_code<T: DeserializeOwned>(code: &str) -> bool {
    serde_json::from_value::<T>(serde_json::Value::String(code.to_owned())).is_ok()
}

const fn text(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Text,
    }
}
const fn str(name: &'static str, check: Check) -> Field {
    Field {
        name,
        kind: Kind::Str(check),
    }
}
const fn boolean(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Bool,
    }
}
const fn uint(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::U32,
    }
}
const ID: Field = str("id", Check::OptId);

/// Fields of `preparation`.
pub(crate) const PREPARATION: &[Field] = &[
    str("preparedByMemberId", Check::OptId),
    str("chiUyMeetingDate", Check::Date),
    boolean("draftResolution"),
    str("noticeSentAt", Check::Date),
    str("materialsPostedAt", Check::Date),
    boolean("postedOnStdvdt"),
];

/// Fields of `rosterCounts`.
pub(crate) const ROSTER_COUNTS: &[Field] = &[
    uint("tong"),
    uint("chinhThuc"),
    uint("duBi"),
    uint("sinhHoatTamThoi"),
    uint("mienSinhHoat"),
    uint("dangVienDacBiet"),
];

/// Fields of `dues`.
pub(crate) const DUES: &[Field] = &[
    uint("collectedCount"),
    Field {
        name: "amountVnd",
        kind: Kind::U64,
    },
];

/// Fields of `selfScore` and `superiorScore`.
pub(crate) const SCORE_SHEET: &[Field] = &[
    str("rubricId", Check::Any),
    Field {
        name: "awarded",
        kind: Kind::Points,
    },
    str("scoredBy", Check::OptId),
    boolean("votedByMembers"),
    str("confirmedAt", Check::DateTime),
    text("comment"),
];

/// Fields of an entry of `roster`.
pub(crate) const ROSTER_ENTRY: &[Field] = &[
    text("fullName"),
    str("category", Check::Code(is_code::<MemberCategory>)),
];

/// Fields of an entry of `attendance`.
pub(crate) const ATTENDANCE: &[Field] = &[
    str("status", Check::Code(is_code::<AttendanceStatus>)),
    text("reason"),
    uint("lateMin"),
];

/// Fields of an entry of `orgPathSnapshot`.
pub(crate) const ORG_PATH_ENTRY: &[Field] = &[str("unitId", Check::OptId), text("name")];

/// Fields of a guest.
pub(crate) const GUEST: &[Field] = &[
    ID,
    text("name"),
    text("position"),
    text("org"),
    boolean("isSuperiorDelegate"),
];
/// Fields of an agenda item.
pub(crate) const AGENDA_ITEM: &[Field] = &[
    ID,
    text("title"),
    str("part", Check::Code(is_code::<AgendaPart>)),
    boolean("done"),
];
/// Fields of a briefed document.
pub(crate) const BRIEFED_DOCUMENT: &[Field] = &[
    ID,
    str("number", Check::Any),
    str("typeCode", Check::Any),
    str("issuer", Check::Any),
    str("date", Check::Date),
    text("summary"),
];
/// Fields of a follow-up.
pub(crate) const FOLLOW_UP: &[Field] = &[
    ID,
    text("item"),
    str("sourceMeetingId", Check::OptId),
    str("sourceTaskId", Check::OptId),
    str("status", Check::Code(is_code::<FollowUpStatus>)),
    text("note"),
];
/// Fields of a contribution.
pub(crate) const CONTRIBUTION: &[Field] = &[
    ID,
    str("memberId", Check::OptId),
    str("itemRef", Check::OptId),
    text("summary"),
];
/// Fields of a criticism entry.
pub(crate) const CRITICISM: &[Field] = &[
    ID,
    str("memberId", Check::OptId),
    str("kind", Check::Code(is_code::<CriticismKind>)),
    text("note"),
];
/// Fields of a task.
pub(crate) const TASK: &[Field] = &[
    ID,
    str("assigneeMemberId", Check::OptId),
    text("task"),
    str("due", Check::Date),
];
/// Fields of a vote.
pub(crate) const VOTE: &[Field] = &[
    ID,
    text("subject"),
    uint("for"),
    uint("against"),
    uint("abstain"),
    str("method", Check::Code(is_code::<VoteMethod>)),
];
/// Fields of a membership action.
pub(crate) const MEMBERSHIP_ACTION: &[Field] = &[
    ID,
    str("kind", Check::OptId),
    str("memberId", Check::OptId),
    text("personName"),
    text("note"),
];

/// The root of a meeting document, in genesis order.
pub(crate) const MEETING: &[Field] = &[
    Field {
        name: "schemaVersion",
        kind: Kind::U64,
    },
    str("meetingId", Check::Any),
    str("cellId", Check::OptId),
    text("cellName"),
    Field {
        name: "orgPathSnapshot",
        kind: Kind::Snapshot(ORG_PATH_ENTRY),
    },
    str("period", Check::Period),
    str("meetingType", Check::Code(is_code::<MeetingType>)),
    text("topic"),
    str("scheduledDate", Check::Date),
    str("startedAt", Check::DateTime),
    str("endedAt", Check::DateTime),
    text("location"),
    str("chairMemberId", Check::OptId),
    str("chairRole", Check::Code(is_code::<ChairRole>)),
    str("recorderMemberId", Check::OptId),
    Field {
        name: "guests",
        kind: Kind::List(GUEST),
    },
    Field {
        name: "roster",
        kind: Kind::Keyed(ROSTER_ENTRY),
    },
    Field {
        name: "rosterCounts",
        kind: Kind::OptMap(ROSTER_COUNTS),
    },
    Field {
        name: "attendance",
        kind: Kind::Keyed(ATTENDANCE),
    },
    Field {
        name: "preparation",
        kind: Kind::Map(PREPARATION),
    },
    Field {
        name: "agenda",
        kind: Kind::List(AGENDA_ITEM),
    },
    Field {
        name: "documentsBriefed",
        kind: Kind::List(BRIEFED_DOCUMENT),
    },
    text("lastMonthReview"),
    Field {
        name: "followUps",
        kind: Kind::List(FOLLOW_UP),
    },
    text("ideologySituation"),
    text("difficulties"),
    Field {
        name: "contributions",
        kind: Kind::List(CONTRIBUTION),
    },
    Field {
        name: "criticism",
        kind: Kind::List(CRITICISM),
    },
    text("resolution"),
    Field {
        name: "tasks",
        kind: Kind::List(TASK),
    },
    Field {
        name: "votes",
        kind: Kind::List(VOTE),
    },
    Field {
        name: "membershipActions",
        kind: Kind::List(MEMBERSHIP_ACTION),
    },
    Field {
        name: "dues",
        kind: Kind::OptMap(DUES),
    },
    Field {
        name: "selfScore",
        kind: Kind::Map(SCORE_SHEET),
    },
    Field {
        name: "superiorScore",
        kind: Kind::Map(SCORE_SHEET),
    },
    boolean("minutesAdoptedInMeeting"),
    str("status", Check::Code(is_code::<ReviewStatus>)),
    text("returnReason"),
];

/// Fields of a member in the roster document.
pub(crate) const ROSTER_MEMBER: &[Field] = &[
    text("fullName"),
    str("category", Check::Code(is_code::<MemberCategory>)),
    text("ho"),
    text("tenDem"),
    text("ten"),
];

/// The root of a roster document, in genesis order.
pub(crate) const ROSTER_DOC: &[Field] = &[
    Field {
        name: "schemaVersion",
        kind: Kind::U64,
    },
    str("cellId", Check::OptId),
    Field {
        name: "members",
        kind: Kind::Keyed(ROSTER_MEMBER),
    },
];

/// Looks a field up by name.
pub(crate) fn field(fields: &'static [Field], name: &str) -> Option<Field> {
    fields.iter().copied().find(|f| f.name == name)
}

/// Longest identifier accepted (UUIDs are 36, document ids about 28).
pub(crate) const MAX_ID_CHARS: usize = 128;

/// Checks a scalar string against `check`; `Err` carries what was expected.
pub(crate) fn check(check: Check, value: &str) -> Result<(), &'static str> {
    let ok = match check {
        Check::Any => true,
        Check::OptId => value.is_empty() || is_id(value),
        Check::Date => value.is_empty() || crate::text::parse_date(value).is_some(),
        Check::DateTime => value.is_empty() || crate::text::parse_local_datetime(value).is_some(),
        Check::Period => is_period(value),
        Check::Code(f) => f(value),
    };
    if ok {
        return Ok(());
    }
    Err(match check {
        Check::Any => "a string",
        Check::OptId => "an identifier",
        Check::Date => "a date `YYYY-MM-DD`",
        Check::DateTime => "a local time `YYYY-MM-DDTHH:MM`",
        Check::Period => "a period `YYYY-MM`",
        Check::Code(_) => "a known code",
    })
}

/// An identifier: 1–128 characters, no whitespace or control characters.
pub(crate) fn is_id(value: &str) -> bool {
    !value.is_empty()
        && value.chars().count() <= MAX_ID_CHARS
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A period `YYYY-MM` with a real month.
pub(crate) fn is_period(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && matches!(
            value.get(5..).and_then(|m| m.parse::<u32>().ok()),
            Some(1..=12)
        )
}
