//! Stable snake_case codes of sync-core enums, as stored in rows and returned by the API (the
//! same codes the documents and JSON use).

use std::borrow::Cow;

use serde::Serialize;
use sync_core::record::{AttendanceStatus, FollowUpStatus, MemberCategory, ReviewStatus};

/// The serde code of any unit-variant enum (`"da_xac_nhan"` → `da_xac_nhan`).
pub fn to_code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Code of a review status.
pub fn status_code(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Nhap => "nhap",
        ReviewStatus::DaGui => "da_gui",
        ReviewStatus::TraLai => "tra_lai",
        ReviewStatus::DaXacNhan => "da_xac_nhan",
        ReviewStatus::Khoa => "khoa",
    }
}

/// A review status or level code read from a row, without an allocation when it is one of the
/// known codes (the grid reads 3,600 of each).
pub fn known_code(code: &str) -> Cow<'static, str> {
    const KNOWN: [&str; 9] = [
        "nhap",
        "da_gui",
        "tra_lai",
        "da_xac_nhan",
        "khoa",
        "tot",
        "kha",
        "trung_binh",
        "kem",
    ];
    match KNOWN.iter().find(|k| **k == code) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(code.to_owned()),
    }
}

/// Code of an attendance status.
pub fn attendance_code(s: AttendanceStatus) -> &'static str {
    match s {
        AttendanceStatus::CoMat => "co_mat",
        AttendanceStatus::VangCoLyDo => "vang_co_ly_do",
        AttendanceStatus::VangKhongLyDo => "vang_khong_ly_do",
        AttendanceStatus::Mien => "mien",
    }
}

/// Code of a roster category.
pub fn category_code(c: MemberCategory) -> &'static str {
    match c {
        MemberCategory::ChinhThuc => "chinh_thuc",
        MemberCategory::DuBi => "du_bi",
        MemberCategory::SinhHoatTamThoi => "sinh_hoat_tam_thoi",
        MemberCategory::MienSinhHoat => "mien_sinh_hoat",
        MemberCategory::DacBiet => "dac_biet",
    }
}

/// Code of a follow-up status.
pub fn follow_up_code(s: FollowUpStatus) -> &'static str {
    match s {
        FollowUpStatus::ChuaBaoCao => "chua_bao_cao",
        FollowUpStatus::DaHoanThanh => "da_hoan_thanh",
        FollowUpStatus::DangThucHien => "dang_thuc_hien",
        FollowUpStatus::ChuaThucHien => "chua_thuc_hien",
    }
}
