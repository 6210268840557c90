//! Validation of who was there: roster, attendance, chair, recorder and head counts.

#[path = "support/validate_fixture.rs"]
mod validate_fixture;

use sync_core::record::{Attendance, AttendanceStatus, MemberCategory, RosterEntry};
use sync_core::validate::{ProblemCode, validate};
use validate_fixture::{assert_only_error, found, meeting};

#[test]
fn attendance_for_someone_not_on_the_roster_is_an_error() {
    let mut r = meeting();
    let entry = r.attendance["m3"].clone();
    r.attendance.insert("m99".into(), entry);
    assert_only_error(&r, ProblemCode::AttendanceNotOnRoster, "attendance.m99");
}

#[test]
fn an_expected_member_with_no_attendance_entry_is_an_error() {
    let mut r = meeting();
    r.attendance.remove("m7");
    assert_only_error(&r, ProblemCode::MissingAttendance, "attendance.m7");
}

#[test]
fn an_exempt_member_needs_no_attendance_entry() {
    let mut r = meeting();
    r.attendance.remove("m8");
    assert!(validate(&r).is_empty());
}

#[test]
fn an_excused_absence_with_an_empty_reason_is_an_error() {
    let mut r = meeting();
    r.attendance.get_mut("m7").unwrap().reason = " ".into();
    assert_only_error(
        &r,
        ProblemCode::MissingAbsenceReason,
        "attendance.m7.reason",
    );
}

#[test]
fn an_unexcused_absence_needs_no_reason() {
    let mut r = meeting();
    r.attendance.insert(
        "m7".into(),
        Attendance {
            status: AttendanceStatus::VangKhongLyDo,
            reason: String::new(),
            late_min: 0,
        },
    );
    assert!(validate(&r).is_empty());
}

#[test]
fn a_missing_chair_is_an_error() {
    let mut r = meeting();
    r.chair_member_id.clear();
    assert_only_error(&r, ProblemCode::MissingChair, "chairMemberId");
}

#[test]
fn a_chair_not_on_the_roster_is_an_error() {
    let mut r = meeting();
    r.chair_member_id = "g1".into();
    assert_only_error(&r, ProblemCode::ChairNotOnRoster, "chairMemberId");
}

#[test]
fn an_absent_chair_is_an_error() {
    let mut r = meeting();
    r.chair_member_id = "m7".into();
    assert_only_error(&r, ProblemCode::ChairNotPresent, "chairMemberId");
}

#[test]
fn a_missing_recorder_is_an_error() {
    let mut r = meeting();
    r.recorder_member_id.clear();
    assert_only_error(&r, ProblemCode::MissingRecorder, "recorderMemberId");
}

#[test]
fn a_recorder_not_on_the_roster_is_an_error() {
    let mut r = meeting();
    r.recorder_member_id = "m42".into();
    assert_only_error(&r, ProblemCode::RecorderNotOnRoster, "recorderMemberId");
}

#[test]
fn an_absent_recorder_is_an_error() {
    let mut r = meeting();
    r.recorder_member_id = "m8".into(); // exempt, marked `mien`
    assert_only_error(&r, ProblemCode::RecorderNotPresent, "recorderMemberId");
}

#[test]
fn head_counts_that_disagree_with_the_roster_are_errors_per_field() {
    let mut r = meeting();
    let counts = r.roster_counts.as_mut().unwrap();
    counts.tong = 9;
    counts.du_bi = 2;
    assert_eq!(
        found(&r),
        [
            (
                ProblemCode::RosterCountsMismatch,
                "rosterCounts.tong".to_owned()
            ),
            (
                ProblemCode::RosterCountsMismatch,
                "rosterCounts.duBi".to_owned()
            ),
        ]
    );
}

#[test]
fn head_counts_follow_the_roster_categories() {
    let mut r = meeting();
    r.roster.insert(
        "m9".into(),
        RosterEntry {
            full_name: "Lý Thị Yến".into(),
            category: MemberCategory::DacBiet,
        },
    );
    assert_eq!(
        found(&r),
        [
            (
                ProblemCode::RosterCountsMismatch,
                "rosterCounts.tong".to_owned()
            ),
            (
                ProblemCode::RosterCountsMismatch,
                "rosterCounts.dangVienDacBiet".to_owned()
            ),
        ]
    );
    r.roster_counts.as_mut().unwrap().tong = 9;
    assert_only_error(
        &r,
        ProblemCode::RosterCountsMismatch,
        "rosterCounts.dangVienDacBiet",
    );
    r.roster_counts.as_mut().unwrap().dang_vien_dac_biet = 1;
    assert!(
        validate(&r).is_empty(),
        "a special-duty member needs no attendance entry"
    );
}

#[test]
fn absent_head_counts_are_not_checked() {
    let mut r = meeting();
    r.roster_counts = None;
    assert!(validate(&r).is_empty());
}
