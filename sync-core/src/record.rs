//! The meeting record: the minutes of one party-cell meeting (biên bản sinh hoạt chi bộ) as plain
//! Rust data.
//!
//! This is the *view* of a meeting document: what the rubric scores, what validation checks and
//! what the server projects into rows. It has no Automerge in it, so it builds for the browser's
//! wasm. The Automerge document (`crate::doc`, feature `automerge`) stores the same fields under
//! the same camelCase names, documented in `sync-core/SCHEMA.md`; a record read from a document
//! and a record read from JSON (`server score FILE`) are the same thing.
//!
//! Strings are plain `String`s here. In the document, prose is Automerge `Text` and identifiers,
//! enums and times are scalar strings; both read back as `String`.

mod agenda_template;
mod derived;
mod items;
mod normalize;
mod people;
mod score;

pub use agenda_template::{CellType, agenda_template};
pub use derived::AttendanceSummary;
pub use items::{
    AgendaItem, AgendaPart, BriefedDocument, Contribution, Criticism, CriticismKind, FollowUp,
    FollowUpStatus, MembershipAction, Task, Vote, VoteMethod,
};
pub use people::{
    Attendance, AttendanceStatus, ChairRole, Guest, MemberCategory, RosterCounts, RosterEntry,
};
pub use score::{ReviewStatus, ScoreSheet};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The document schema version written by this crate into `schemaVersion`.
pub const SCHEMA_VERSION: u64 = 1;

/// Minutes of one meeting. Field order follows the order of business (mở đầu, nội dung, kết thúc).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeetingRecord {
    /// Version of the document layout; see `SCHEMA_VERSION`.
    pub schema_version: u64,
    /// Automerge-repo document id (base58check) of this meeting, when known.
    pub meeting_id: String,
    /// Org-unit id of the cell (chi bộ). Fixed by the document's first change.
    pub cell_id: String,
    /// Cell name at meeting time (snapshot).
    pub cell_name: String,
    /// Ancestor path of the cell at the meeting date, root first (snapshot).
    pub org_path_snapshot: Vec<OrgPathEntry>,
    /// Meeting period, `YYYY-MM`.
    pub period: String,
    pub meeting_type: MeetingType,
    /// Topic of a thematic (chuyên đề) or combined meeting.
    pub topic: String,
    /// Planned date `YYYY-MM-DD`; by default the 3rd of the month (Chỉ thị 50-CT/TW).
    pub scheduled_date: String,
    /// Local start time `YYYY-MM-DDTHH:MM` (Asia/Ho_Chi_Minh).
    pub started_at: String,
    /// Local end time `YYYY-MM-DDTHH:MM` (Asia/Ho_Chi_Minh).
    pub ended_at: String,
    pub location: String,
    pub chair_member_id: String,
    pub chair_role: ChairRole,
    /// The member who keeps the minutes (thư ký hội nghị).
    pub recorder_member_id: String,
    pub guests: Vec<Guest>,
    /// Roster snapshot at meeting time, keyed by member id.
    pub roster: BTreeMap<String, RosterEntry>,
    /// Head counts by category at meeting time; when absent they are derived from `roster`.
    pub roster_counts: Option<RosterCounts>,
    /// Attendance keyed by member id.
    pub attendance: BTreeMap<String, Attendance>,
    pub preparation: Preparation,
    pub agenda: Vec<AgendaItem>,
    pub documents_briefed: Vec<BriefedDocument>,
    /// Assessment of last month's tasks (đánh giá tháng trước).
    pub last_month_review: String,
    /// Follow-up of last month's resolution items.
    pub follow_ups: Vec<FollowUp>,
    /// Ideological situation of members and the masses (tình hình tư tưởng).
    pub ideology_situation: String,
    pub difficulties: String,
    pub contributions: Vec<Contribution>,
    pub criticism: Vec<Criticism>,
    /// Conclusion or resolution text (kết luận / nghị quyết).
    pub resolution: String,
    pub tasks: Vec<Task>,
    pub votes: Vec<Vote>,
    pub membership_actions: Vec<MembershipAction>,
    pub dues: Option<Dues>,
    /// The cell's own score (chi bộ tự chấm).
    pub self_score: ScoreSheet,
    /// The superior committee's score (cấp ủy cấp trên xác nhận), kept apart from the self score.
    pub superior_score: ScoreSheet,
    /// The minutes were read back and adopted before the meeting closed.
    pub minutes_adopted_in_meeting: bool,
    pub status: ReviewStatus,
    /// Why the committee returned the minutes (trả lại).
    pub return_reason: String,
}

/// One ancestor of the cell in the organisation tree at the meeting date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrgPathEntry {
    pub unit_id: String,
    pub name: String,
}

/// Kind of meeting (loại sinh hoạt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingType {
    /// Regular monthly meeting (sinh hoạt thường kỳ).
    #[default]
    ThuongKy,
    /// Thematic meeting (sinh hoạt chuyên đề), at least once a quarter.
    ChuyenDe,
    /// Regular and thematic in one session; needs at least 120 minutes.
    KetHop,
    /// Extraordinary meeting (bất thường).
    BatThuong,
    /// Cell committee meeting (họp chi ủy).
    ChiUy,
}

impl MeetingType {
    /// The snake_case code used in documents and JSON.
    pub fn code(self) -> &'static str {
        match self {
            MeetingType::ThuongKy => "thuong_ky",
            MeetingType::ChuyenDe => "chuyen_de",
            MeetingType::KetHop => "ket_hop",
            MeetingType::BatThuong => "bat_thuong",
            MeetingType::ChiUy => "chi_uy",
        }
    }

    /// Parses a code as written by `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::ThuongKy,
            Self::ChuyenDe,
            Self::KetHop,
            Self::BatThuong,
            Self::ChiUy,
        ]
        .into_iter()
        .find(|t| t.code() == code)
    }

    /// Minimum duration in minutes required by HD 42-HD/BTCTW (2025) and HD 12 (2018).
    pub fn minimum_minutes(self) -> u32 {
        match self {
            MeetingType::KetHop => 120,
            _ => 90,
        }
    }
}

/// Preparation facts (công tác chuẩn bị), HD 42-HD/BTCTW (2025) §2.2.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Preparation {
    /// Member (bí thư or phó bí thư) who prepared the content.
    pub prepared_by_member_id: String,
    /// Date `YYYY-MM-DD` the chi ủy met beforehand; empty if it did not.
    pub chi_uy_meeting_date: String,
    pub draft_resolution: bool,
    /// Date `YYYY-MM-DD` the notice went to members and the superior committee member.
    pub notice_sent_at: String,
    /// Date `YYYY-MM-DD` the materials were posted (≥ 1 day before, HD 42).
    pub materials_posted_at: String,
    /// Materials were posted on the Sổ tay đảng viên điện tử.
    pub posted_on_stdvdt: bool,
}

/// Party dues collected at the meeting (đảng phí).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Dues {
    pub collected_count: u32,
    pub amount_vnd: u64,
}
