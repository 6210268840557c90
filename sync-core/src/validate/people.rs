//! Checks of who was there: roster, attendance, chair, recorder and head counts.

use super::{Problem, ProblemCode};
use crate::record::{AttendanceStatus, MeetingRecord, MemberCategory, RosterCounts};

/// Attendance is keyed by roster member id; anyone else is a typo or a stale roster.
pub(super) fn attendance_only_for_roster_members(r: &MeetingRecord, out: &mut Vec<Problem>) {
    for member_id in r.attendance.keys().filter(|id| !r.roster.contains_key(*id)) {
        out.push(Problem::error(
            ProblemCode::AttendanceNotOnRoster,
            format!("attendance.{member_id}"),
            format!("attendance is recorded for `{member_id}`, who is not on the roster"),
        ));
    }
}

/// The minutes account for every member expected to attend (HD 12: each absentee by name).
pub(super) fn every_expected_member_has_attendance(r: &MeetingRecord, out: &mut Vec<Problem>) {
    for (member_id, entry) in &r.roster {
        if entry.category.expected_to_attend() && !r.attendance.contains_key(member_id) {
            out.push(Problem::error(
                ProblemCode::MissingAttendance,
                format!("attendance.{member_id}"),
                format!(
                    "no attendance is recorded for {} (`{member_id}`)",
                    entry.full_name
                ),
            ));
        }
    }
}

/// An absence counted as excused needs the reason in the minutes.
pub(super) fn excused_absences_have_a_reason(r: &MeetingRecord, out: &mut Vec<Problem>) {
    for (member_id, a) in &r.attendance {
        if a.status == AttendanceStatus::VangCoLyDo && a.reason.trim().is_empty() {
            out.push(Problem::error(
                ProblemCode::MissingAbsenceReason,
                format!("attendance.{member_id}.reason"),
                format!(
                    "`{member_id}` is absent with a reason (vắng có lý do) but no reason is written"
                ),
            ));
        }
    }
}

/// Which officer a role check is about.
struct Officer {
    path: &'static str,
    what: &'static str,
    missing: ProblemCode,
    not_on_roster: ProblemCode,
    not_present: ProblemCode,
}

fn officer_on_roster_and_present(
    r: &MeetingRecord,
    member_id: &str,
    o: &Officer,
    out: &mut Vec<Problem>,
) {
    if member_id.trim().is_empty() {
        out.push(Problem::error(
            o.missing,
            o.path,
            format!("the {} is missing", o.what),
        ));
    } else if !r.roster.contains_key(member_id) {
        out.push(Problem::error(
            o.not_on_roster,
            o.path,
            format!("the {} `{member_id}` is not on the roster", o.what),
        ));
    } else if r.attendance.get(member_id).map(|a| a.status) != Some(AttendanceStatus::CoMat) {
        out.push(Problem::error(
            o.not_present,
            o.path,
            format!("the {} `{member_id}` is not marked present", o.what),
        ));
    }
}

/// The chair (chủ trì) is a member who was there.
pub(super) fn chair_on_roster_and_present(r: &MeetingRecord, out: &mut Vec<Problem>) {
    let officer = Officer {
        path: "chairMemberId",
        what: "chair (chủ trì)",
        missing: ProblemCode::MissingChair,
        not_on_roster: ProblemCode::ChairNotOnRoster,
        not_present: ProblemCode::ChairNotPresent,
    };
    officer_on_roster_and_present(r, &r.chair_member_id, &officer, out);
}

/// The recorder (thư ký) is a member who was there.
pub(super) fn recorder_on_roster_and_present(r: &MeetingRecord, out: &mut Vec<Problem>) {
    let officer = Officer {
        path: "recorderMemberId",
        what: "recorder (thư ký)",
        missing: ProblemCode::MissingRecorder,
        not_on_roster: ProblemCode::RecorderNotOnRoster,
        not_present: ProblemCode::RecorderNotPresent,
    };
    officer_on_roster_and_present(r, &r.recorder_member_id, &officer, out);
}

/// Head counts derived from the roster snapshot.
fn counts_of(r: &MeetingRecord) -> RosterCounts {
    let mut c = RosterCounts::default();
    for entry in r.roster.values() {
        c.tong += 1;
        match entry.category {
            MemberCategory::ChinhThuc => c.chinh_thuc += 1,
            MemberCategory::DuBi => c.du_bi += 1,
            MemberCategory::SinhHoatTamThoi => c.sinh_hoat_tam_thoi += 1,
            MemberCategory::MienSinhHoat => c.mien_sinh_hoat += 1,
            MemberCategory::DacBiet => c.dang_vien_dac_biet += 1,
        }
    }
    c
}

/// Written head counts, when present, agree with the roster snapshot, field by field.
pub(super) fn roster_counts_match_roster(r: &MeetingRecord, out: &mut Vec<Problem>) {
    let Some(written) = &r.roster_counts else {
        return;
    };
    let derived = counts_of(r);
    // Exhaustive destructuring: a new count field must be compared here too.
    let RosterCounts {
        tong,
        chinh_thuc,
        du_bi,
        sinh_hoat_tam_thoi,
        mien_sinh_hoat,
        dang_vien_dac_biet,
    } = written;
    let pairs = [
        ("tong", *tong, derived.tong),
        ("chinhThuc", *chinh_thuc, derived.chinh_thuc),
        ("duBi", *du_bi, derived.du_bi),
        (
            "sinhHoatTamThoi",
            *sinh_hoat_tam_thoi,
            derived.sinh_hoat_tam_thoi,
        ),
        ("mienSinhHoat", *mien_sinh_hoat, derived.mien_sinh_hoat),
        (
            "dangVienDacBiet",
            *dang_vien_dac_biet,
            derived.dang_vien_dac_biet,
        ),
    ];
    for (field, written, derived) in pairs {
        if written != derived {
            out.push(Problem::error(
                ProblemCode::RosterCountsMismatch,
                format!("rosterCounts.{field}"),
                format!("the head count `{field}` says {written} but the roster has {derived}"),
            ));
        }
    }
}
