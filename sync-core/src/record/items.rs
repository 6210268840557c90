//! List items of the minutes: agenda, documents briefed, follow-ups, contributions, criticism,
//! tasks, votes and membership actions. Every item carries a stable `id` (the `#[key]` of the
//! document list), so concurrent inserts and edits merge item by item.

use serde::{Deserialize, Serialize};

/// One agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgendaItem {
    pub id: String,
    pub title: String,
    pub part: AgendaPart,
    pub done: bool,
}

/// The three parts of a regular meeting (HD 09-HD/BTCTW structure, still the template).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgendaPart {
    /// Opening (mở đầu): dues, roster, agenda adoption, appoint the thư ký.
    MoDau,
    /// Body (nội dung).
    #[default]
    NoiDung,
    /// Close (kết thúc): conclusion, vote, minutes adopted.
    KetThuc,
}

/// A document briefed at the meeting (văn bản quán triệt), identified by number, type, issuer and
/// date because document numbers repeat across years.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BriefedDocument {
    pub id: String,
    /// e.g. "42"
    pub number: String,
    /// e.g. "HD"
    pub type_code: String,
    /// e.g. "BTCTW"
    pub issuer: String,
    /// `YYYY-MM-DD`
    pub date: String,
    pub summary: String,
}

/// Follow-up of one item of last month's resolution.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FollowUp {
    pub id: String,
    /// The item as written last month.
    pub item: String,
    /// Document id of the meeting whose resolution held the item, when known.
    pub source_meeting_id: String,
    /// Id of the task in that meeting, when known.
    pub source_task_id: String,
    pub status: FollowUpStatus,
    pub note: String,
}

/// Status of a followed-up item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    /// Not reported on yet.
    #[default]
    ChuaBaoCao,
    DaHoanThanh,
    DangThucHien,
    ChuaThucHien,
}

/// What one named speaker said (ý kiến phát biểu).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contribution {
    pub id: String,
    /// The speaker; a roster member id, or a guest id.
    pub member_id: String,
    /// Agenda item id the contribution belongs to, if any.
    pub item_ref: String,
    pub summary: String,
}

/// Commendation, reminder, criticism or self-criticism of a member.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Criticism {
    pub id: String,
    pub member_id: String,
    pub kind: CriticismKind,
    pub note: String,
}

/// Kind of a criticism entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriticismKind {
    /// Commendation (biểu dương).
    #[default]
    BieuDuong,
    /// Reminder (nhắc nhở).
    NhacNho,
    /// Criticism (phê bình).
    PheBinh,
    /// Self-criticism (tự phê bình).
    TuPheBinh,
}

/// A task assigned by the resolution.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Task {
    pub id: String,
    pub assignee_member_id: String,
    pub task: String,
    /// Due date `YYYY-MM-DD`, empty if none.
    pub due: String,
}

/// A vote taken at the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Vote {
    pub id: String,
    pub subject: String,
    #[serde(rename = "for")]
    pub in_favour: u32,
    pub against: u32,
    pub abstain: u32,
    pub method: VoteMethod,
}

/// How a vote was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteMethod {
    /// Show of hands (giơ tay).
    #[default]
    GioTay,
    /// In the e-handbook app (ứng dụng).
    UngDung,
}

/// A membership item (kết nạp, chuyển chính thức, phân công giúp đỡ, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MembershipAction {
    pub id: String,
    /// Free code such as `ket_nap`, `chuyen_chinh_thuc`, `gioi_thieu_quan_chung`, `phan_cong_giup_do`.
    pub kind: String,
    /// Member concerned, when a member.
    pub member_id: String,
    /// Person concerned, when not (yet) a member.
    pub person_name: String,
    pub note: String,
}
