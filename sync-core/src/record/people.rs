//! Who was expected and who came: roster snapshot, attendance, guests, the chair.

use serde::{Deserialize, Serialize};

/// A member on the cell's roster at meeting time.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RosterEntry {
    /// Full name as written, e.g. "Nguyễn Văn An"; split by `crate::text::PersonName`.
    pub full_name: String,
    pub category: MemberCategory,
}

/// Roster category (used in the minutes' head count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberCategory {
    /// Full member (đảng viên chính thức).
    #[default]
    ChinhThuc,
    /// Probationary member (đảng viên dự bị).
    DuBi,
    /// Temporarily attached to this cell (sinh hoạt tạm thời).
    SinhHoatTamThoi,
    /// Exempt from party work and meetings (miễn công tác, sinh hoạt đảng): not in the denominator.
    MienSinhHoat,
    /// Armed-forces member on special duty: not in the denominator.
    DacBiet,
}

impl MemberCategory {
    /// Members of this category count in the attendance denominator (HD 12-HD/BTCTW).
    pub fn expected_to_attend(self) -> bool {
        !matches!(self, MemberCategory::MienSinhHoat | MemberCategory::DacBiet)
    }
}

/// Head counts by category (sĩ số), a snapshot written into the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RosterCounts {
    pub tong: u32,
    pub chinh_thuc: u32,
    pub du_bi: u32,
    pub sinh_hoat_tam_thoi: u32,
    pub mien_sinh_hoat: u32,
    pub dang_vien_dac_biet: u32,
}

/// Attendance of one member.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Attendance {
    pub status: AttendanceStatus,
    /// Reason for an absence; required for `VangCoLyDo`.
    pub reason: String,
    /// Minutes late, 0 when on time.
    pub late_min: u32,
}

/// Attendance status of one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    /// Present (có mặt).
    #[default]
    CoMat,
    /// Absent with a valid reason (vắng có lý do).
    VangCoLyDo,
    /// Absent without a valid reason (vắng không lý do).
    VangKhongLyDo,
    /// Exempt (miễn sinh hoạt).
    Mien,
}

/// Who chaired the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChairRole {
    #[default]
    BiThu,
    PhoBiThu,
    Khac,
}

/// A guest or the superior committee's delegate (đại biểu cấp trên).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Guest {
    /// Stable id of this list item (`#[key]` in the document).
    pub id: String,
    pub name: String,
    pub position: String,
    pub org: String,
    pub is_superior_delegate: bool,
}
