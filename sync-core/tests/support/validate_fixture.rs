//! A realistic, valid meeting record for the validation tests (included with `#[path]` so cargo does not build it as a test target of its own), and
//! helpers to look at the problems of a variant of it.
#![allow(dead_code)] // also built as its own (empty) test target; each user takes what it needs

use std::collections::BTreeMap;
use sync_core::record::*;
use sync_core::validate::{Problem, ProblemCode, Severity, validate};

fn member(name: &str, category: MemberCategory) -> RosterEntry {
    RosterEntry {
        full_name: name.to_owned(),
        category,
    }
}

fn present() -> Attendance {
    Attendance {
        status: AttendanceStatus::CoMat,
        reason: String::new(),
        late_min: 0,
    }
}

/// The regular November 2025 meeting of a neighbourhood cell: 8 members (6 full, 1
/// probationary, 1 exempt), 6 present, 1 excused, 1 exempt; a superior delegate; three agenda
/// items, four contributions, one commendation, two tasks and one vote. It has no problems.
pub fn meeting() -> MeetingRecord {
    let roster = BTreeMap::from([
        (
            "m1".to_owned(),
            member("Nguyễn Văn Hùng", MemberCategory::ChinhThuc),
        ),
        (
            "m2".to_owned(),
            member("Trần Thị Ánh", MemberCategory::ChinhThuc),
        ),
        (
            "m3".to_owned(),
            member("Lê Văn An", MemberCategory::ChinhThuc),
        ),
        (
            "m4".to_owned(),
            member("Phạm Thị Ân", MemberCategory::ChinhThuc),
        ),
        (
            "m5".to_owned(),
            member("Hoàng Minh Đức", MemberCategory::ChinhThuc),
        ),
        (
            "m6".to_owned(),
            member("Vũ Đình Dũng", MemberCategory::DuBi),
        ),
        (
            "m7".to_owned(),
            member("Đặng Thị Hà", MemberCategory::ChinhThuc),
        ),
        (
            "m8".to_owned(),
            member("Bùi Quang Hải", MemberCategory::MienSinhHoat),
        ),
    ]);
    let mut attendance: BTreeMap<String, Attendance> = ["m1", "m2", "m3", "m4", "m5", "m6"]
        .iter()
        .map(|id| ((*id).to_owned(), present()))
        .collect();
    attendance.insert(
        "m7".into(),
        Attendance {
            status: AttendanceStatus::VangCoLyDo,
            reason: "Ốm, nằm viện".into(),
            late_min: 0,
        },
    );
    attendance.insert(
        "m8".into(),
        Attendance {
            status: AttendanceStatus::Mien,
            reason: "Tuổi cao, sức yếu".into(),
            late_min: 0,
        },
    );
    MeetingRecord {
        schema_version: SCHEMA_VERSION,
        meeting_id: "2ZqP9r3hS6vNQ4Jg1w8o7tEe".into(),
        cell_id: "chi-bo-khu-pho-3".into(),
        cell_name: "Chi bộ Khu phố 3".into(),
        org_path_snapshot: vec![OrgPathEntry {
            unit_id: "dang-uy-phuong-hoa-binh".into(),
            name: "Đảng ủy phường Hòa Bình".into(),
        }],
        period: "2025-11".into(),
        meeting_type: MeetingType::ThuongKy,
        scheduled_date: "2025-11-03".into(),
        started_at: "2025-11-03T14:00".into(),
        ended_at: "2025-11-03T16:00".into(),
        location: "Nhà văn hóa khu phố 3".into(),
        chair_member_id: "m1".into(),
        chair_role: ChairRole::BiThu,
        recorder_member_id: "m2".into(),
        guests: vec![Guest {
            id: "g1".into(),
            name: "Đỗ Thị Ngọc Lan".into(),
            position: "Đảng ủy viên".into(),
            org: "Đảng ủy phường Hòa Bình".into(),
            is_superior_delegate: true,
        }],
        roster_counts: Some(RosterCounts {
            tong: 8,
            chinh_thuc: 6,
            du_bi: 1,
            sinh_hoat_tam_thoi: 0,
            mien_sinh_hoat: 1,
            dang_vien_dac_biet: 0,
        }),
        roster,
        attendance,
        preparation: Preparation {
            prepared_by_member_id: "m1".into(),
            chi_uy_meeting_date: "2025-10-28".into(),
            draft_resolution: true,
            notice_sent_at: "2025-10-29".into(),
            materials_posted_at: "2025-10-30".into(),
            posted_on_stdvdt: true,
        },
        agenda: vec![
            AgendaItem {
                id: "a1".into(),
                title: "Đánh giá tháng 10".into(),
                part: AgendaPart::NoiDung,
                done: true,
            },
            AgendaItem {
                id: "a2".into(),
                title: "Quán triệt Chỉ thị 50".into(),
                part: AgendaPart::NoiDung,
                done: true,
            },
            AgendaItem {
                id: "a3".into(),
                title: "Nhiệm vụ tháng 11".into(),
                part: AgendaPart::KetThuc,
                done: true,
            },
        ],
        documents_briefed: vec![BriefedDocument {
            id: "d1".into(),
            number: "50".into(),
            type_code: "CT".into(),
            issuer: "TW".into(),
            date: "2025-07-23".into(),
            summary: "Về tiếp tục đổi mới và nâng cao chất lượng sinh hoạt chi bộ".into(),
        }],
        last_month_review: "Hoàn thành 4/5 nhiệm vụ tháng 10.".into(),
        follow_ups: vec![FollowUp {
            id: "f1".into(),
            item: "Vận động đóng góp quỹ khuyến học".into(),
            status: FollowUpStatus::DaHoanThanh,
            ..FollowUp::default()
        }],
        ideology_situation: "Đảng viên an tâm công tác.".into(),
        difficulties: "Kinh phí hoạt động còn hạn chế.".into(),
        contributions: vec![
            Contribution {
                id: "c1".into(),
                member_id: "m3".into(),
                item_ref: "a1".into(),
                summary: "Đề nghị bổ sung".into(),
            },
            Contribution {
                id: "c2".into(),
                member_id: "m4".into(),
                item_ref: "a1".into(),
                summary: "Nhất trí".into(),
            },
            Contribution {
                id: "c3".into(),
                member_id: "m5".into(),
                item_ref: "a3".into(),
                summary: "Xin nhận nhiệm vụ".into(),
            },
            Contribution {
                id: "c4".into(),
                member_id: "g1".into(),
                item_ref: "a2".into(),
                summary: "Phát biểu chỉ đạo".into(),
            },
        ],
        criticism: vec![Criticism {
            id: "k1".into(),
            member_id: "m5".into(),
            kind: CriticismKind::BieuDuong,
            note: "Hoàn thành tốt công tác dân vận".into(),
        }],
        resolution: "Chi bộ thống nhất nhiệm vụ tháng 11.".into(),
        tasks: vec![
            Task {
                id: "t1".into(),
                assignee_member_id: "m3".into(),
                task: "Rà soát hộ nghèo".into(),
                due: "2025-11-30".into(),
            },
            Task {
                id: "t2".into(),
                assignee_member_id: "m6".into(),
                task: "Báo cáo an ninh trật tự".into(),
                due: String::new(),
            },
        ],
        votes: vec![Vote {
            id: "v1".into(),
            subject: "Thông qua nghị quyết tháng 11".into(),
            in_favour: 6,
            against: 0,
            abstain: 0,
            method: VoteMethod::GioTay,
        }],
        membership_actions: vec![MembershipAction {
            id: "ma1".into(),
            kind: "gioi_thieu_quan_chung".into(),
            person_name: "Ngô Văn Ơn".into(),
            ..MembershipAction::default()
        }],
        dues: Some(Dues {
            collected_count: 6,
            amount_vnd: 240_000,
        }),
        minutes_adopted_in_meeting: true,
        status: ReviewStatus::Nhap,
        ..MeetingRecord::default()
    }
}

/// The problems of a record as `(code, path)` pairs.
pub fn found(record: &MeetingRecord) -> Vec<(ProblemCode, String)> {
    validate(record)
        .into_iter()
        .map(|p| (p.code, p.path))
        .collect()
}

/// The only problem of a record; fails when there is not exactly one.
pub fn only_problem(record: &MeetingRecord) -> Problem {
    let mut problems = validate(record);
    assert_eq!(
        problems.len(),
        1,
        "expected exactly one problem, got {problems:#?}"
    );
    problems.remove(0)
}

/// Asserts the record has exactly one problem, an error with this code and path.
pub fn assert_only_error(record: &MeetingRecord, code: ProblemCode, path: &str) {
    let p = only_problem(record);
    assert_eq!(
        (p.code, p.path.as_str(), p.severity),
        (code, path, Severity::Error),
        "{}",
        p.message
    );
    assert!(!p.message.is_empty());
}
