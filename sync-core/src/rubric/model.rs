//! The rubric as data: what a TOML or JSON rubric file says, before validation.
//!
//! [`RubricSpec`] is the raw shape; [`super::Rubric`] is a spec that passed validation and is the
//! only thing the engine scores with.

use super::level::{Level, LevelThresholds};
use super::rollup::RollupRule;
use super::share::{Band, Share};
use crate::record::MeetingType;
use serde::{Deserialize, Serialize};

/// A rubric file's contents (unvalidated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricSpec {
    /// Stable id, e.g. `phu-tho-2019`: lowercase ASCII letters, digits, `-`, `_`, `.`.
    pub id: String,
    /// Version, from 1; scores name the rubric as `id@version`.
    pub version: u32,
    /// Human title.
    pub title: String,
    /// Citation of the issuing document(s) and what is sourced vs proposed.
    #[serde(default)]
    pub source: String,
    /// First day the rubric applies, `YYYY-MM-DD` (a quoted string in TOML).
    pub effective_from: String,
    /// Last day it applies, `YYYY-MM-DD`; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<String>,
    /// Meeting types scored with this rubric.
    pub meeting_types: Vec<MeetingType>,
    /// Level thresholds as percentages of the applicable maximum.
    pub levels: LevelThresholds,
    /// At most this many bonus points count; unlimited when absent. The total never exceeds the
    /// applicable maximum either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus_cap: Option<f64>,
    /// Criteria groups, in sheet order.
    pub groups: Vec<Group>,
    /// Levels that need full marks on named criteria.
    #[serde(default)]
    pub gates: Vec<Gate>,
    /// Conditions that cap the level.
    #[serde(default)]
    pub caps: Vec<Cap>,
    /// The yearly roll-up from monthly levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup: Option<RollupRule>,
}

/// A group of criteria (nhóm tiêu chí) with its maximum, the sum of its criteria's maxima.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Id, unique within the rubric.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Group maximum; must equal the sum of its criteria's maxima.
    pub max: f64,
    /// Bonus group: points beyond the maximum, not part of the rubric maximum.
    #[serde(default)]
    pub bonus: bool,
    /// The criteria.
    pub criteria: Vec<Criterion>,
}

/// One criterion (tiêu chí) with its maximum and how its points are found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Id, unique within the rubric; the key of `ScoreSheet::awarded`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Maximum points.
    pub max: f64,
    /// When present, the criterion counts only if the condition holds; otherwise it drops out of
    /// the applicable maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_when: Option<AppliesWhen>,
    /// How points are found; `awarded` (by the scorer) when absent.
    #[serde(default)]
    pub rule: Rule,
}

/// When a criterion applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesWhen {
    /// The meeting is one of these types (empty: any type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meeting_types: Vec<MeetingType>,
    /// This fact holds in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<Fact>,
}

/// How a criterion's points are found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Points awarded by the scorer in the score sheet.
    #[default]
    Awarded,
    /// Attendance rate over the expected members, banded.
    Attendance(AttendanceRule),
    /// Duration against the meeting type's minimum.
    Duration(DurationRule),
    /// Share of the members present who spoke, banded.
    Participation(ParticipationRule),
    /// Facts recorded in the minutes.
    Facts(FactsRule),
}

impl Rule {
    /// Short code of the rule kind, as in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Awarded => "awarded",
            Rule::Attendance(_) => "attendance",
            Rule::Duration(_) => "duration",
            Rule::Participation(_) => "participation",
            Rule::Facts(_) => "facts",
        }
    }
}

/// Attendance bands and what an unexcused absence costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRule {
    /// Bands over present / expected, best first.
    pub bands: Vec<Band>,
    /// Any unexcused absence puts the meeting in the last (lowest) band.
    #[serde(default)]
    pub unexcused_to_lowest_band: bool,
    /// Points taken off per unexcused absence after banding (floor 0).
    #[serde(default)]
    pub deduct_per_unexcused: f64,
}

/// Full points when the meeting lasted at least the minimum, else 0.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRule {
    /// Minimum minutes per meeting type; a type left out uses HD 42's 90 (120 for `ket_hop`).
    #[serde(default)]
    pub minimum_minutes: MinimumMinutes,
    /// Different minima for cells of a given size (HD 42: the competent committee sets rules for
    /// cells with few members). The first matching range wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_roster_size: Vec<SizeRule>,
}

/// Minimum minutes per meeting type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimumMinutes {
    /// Regular meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thuong_ky: Option<u32>,
    /// Thematic meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chuyen_de: Option<u32>,
    /// Combined regular + thematic session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ket_hop: Option<u32>,
    /// Extraordinary meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bat_thuong: Option<u32>,
    /// Cell committee meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chi_uy: Option<u32>,
}

impl MinimumMinutes {
    /// The configured minimum for a type, if any.
    pub fn get(&self, t: MeetingType) -> Option<u32> {
        match t {
            MeetingType::ThuongKy => self.thuong_ky,
            MeetingType::ChuyenDe => self.chuyen_de,
            MeetingType::KetHop => self.ket_hop,
            MeetingType::BatThuong => self.bat_thuong,
            MeetingType::ChiUy => self.chi_uy,
        }
    }
}

/// Minimum minutes for cells whose expected-member count is within `min_members ..= max_members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeRule {
    /// Smallest roster size of the range (default 0).
    #[serde(default)]
    pub min_members: u32,
    /// Largest roster size of the range; open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_members: Option<u32>,
    /// Minima for this range; types left out fall back to the rule's general minima.
    pub minimum_minutes: MinimumMinutes,
}

/// Share of the members present who spoke, banded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationRule {
    /// Bands over speakers / present, best first.
    pub bands: Vec<Band>,
}

/// Facts the minutes must show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsRule {
    /// Required facts.
    pub facts: Vec<Fact>,
    /// How missing facts cost points.
    #[serde(default)]
    pub scoring: FactScoring,
    /// Days before the meeting the notice and materials must be out (HD 42: 1).
    #[serde(default = "one_day")]
    pub lead_days: u32,
}

fn one_day() -> u32 {
    1
}

/// How missing facts cost points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactScoring {
    /// Each fact is worth `max / number of facts`.
    #[default]
    Proportional,
    /// Full points only when every fact holds, else 0.
    AllOrNothing,
}

/// A fact checked in the record. Codes are snake_case in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// The member who prepared the content is recorded and on the roster.
    PreparedBy,
    /// The chi ủy met (date recorded) on or before the meeting day.
    ChiUyMetBefore,
    /// A draft resolution was prepared.
    DraftResolution,
    /// The notice went out at least `lead_days` before the meeting.
    NoticeInTime,
    /// Materials were posted at least `lead_days` before the meeting.
    MaterialsInTime,
    /// Materials were posted on the Sổ tay đảng viên điện tử.
    PostedOnStdvdt,
    /// Held on the scheduled date (the 3rd of the month when none is set).
    HeldOnScheduledDay,
    /// The agenda has opening, body and close, in that order.
    ThreePartsInOrder,
    /// At least one document briefed.
    DocumentsBriefed,
    /// Last month's review written.
    LastMonthReview,
    /// Ideological situation written.
    IdeologySituation,
    /// At least one task, every task with an assignee.
    TasksWithAssignees,
    /// Conclusion or resolution written.
    Resolution,
    /// Last month's items followed up, each with a status.
    FollowUpsWithStatus,
    /// A thematic topic is recorded.
    Topic,
    /// Criticism, self-criticism, reminders or commendation recorded.
    CriticismRecorded,
    /// Self-criticism or criticism recorded.
    SelfCriticismRecorded,
    /// At least one vote, each with its counts.
    VotesRecorded,
    /// The resolution was written and put to a vote.
    ResolutionVoted,
    /// Contributions recorded, each by a named roster member or guest.
    NamedSpeakers,
    /// Every expected member accounted for, every excused absence with its reason.
    AbsenteesWithReasons,
    /// The minutes were read back and adopted before closing.
    MinutesAdopted,
    /// Chair and recorder recorded.
    ChairAndRecorder,
}

/// A level that needs full marks on named criteria; a meeting that misses one drops a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The gated level.
    pub level: Level,
    /// Criteria that must be at their maximum.
    pub criteria: Vec<String>,
}

/// A condition that caps the level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// The condition.
    pub when: CapCondition,
    /// The best level allowed when it holds.
    pub at_most: Level,
}

/// Conditions for caps. In TOML: `when = "any_unexcused_absence"` or
/// `when = { attendance_at_most = 85 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapCondition {
    /// Attendance rate at or below this share (or unknown).
    AttendanceAtMost(Share),
    /// Any expected member absent without reason.
    AnyUnexcusedAbsence,
    /// Duration unknown or below the minimum of the rubric's duration criterion (HD 42 defaults
    /// when the rubric has none).
    DurationBelowMinimum,
    /// The named criterion applies and is short of its maximum.
    CriterionShort(String),
}
