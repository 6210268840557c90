//! The body of a demo meeting: header, agenda, briefing, follow-ups, contributions, criticism,
//! resolution, tasks and votes, all shaped by the cell's quality.

use rand::{Rng, rngs::StdRng};
use sync_core::doc::MeetingOp;
use sync_core::record::{
    AgendaItem, AgendaPart, BriefedDocument, Contribution, Criticism, CriticismKind, FollowUp,
    FollowUpStatus, OrgPathEntry, Task, Vote, VoteMethod,
};

use super::generator::{DemoCell, member_code, scalar, text};
use super::province::PROVINCE;

/// Topics of thematic meetings, one per quarter.
const TOPICS: [&str; 4] = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Phòng, chống suy thoái tư tưởng chính trị, \"tự diễn biến\", \"tự chuyển hóa\"",
    "Xây dựng nông thôn mới, đô thị văn minh gắn với chuyển đổi số",
];

pub(super) fn header(
    cell: &DemoCell,
    period: &str,
    thematic: bool,
    rng: &mut StdRng,
    ops: &mut Vec<MeetingOp>,
) {
    let q = cell.quality;
    ops.push(MeetingOp::SetOrgPathSnapshot {
        entries: vec![
            OrgPathEntry {
                unit_id: PROVINCE.0.into(),
                name: PROVINCE.1.into(),
            },
            OrgPathEntry {
                unit_id: cell.committee.0.clone(),
                name: cell.committee.1.clone(),
            },
            OrgPathEntry {
                unit_id: cell.id.clone(),
                name: cell.name.clone(),
            },
        ],
    });
    ops.push(text("cellName", &cell.name));
    if thematic {
        let month: usize = period[5..].parse().unwrap_or(1);
        ops.push(text("topic", TOPICS[(month - 1) / 3 % 4]));
        ops.push(scalar("scheduledDate", format!("{period}-15")));
    }
    // Good cells meet on the 3rd; others sometimes slip by a few days. Thematic meetings are
    // held mid-month.
    let day = if thematic {
        15
    } else if rng.random_bool(q.max(0.2)) {
        3
    } else {
        rng.random_range(4..=9)
    };
    let duration = if thematic || rng.random_bool(q) {
        rng.random_range(95..=140)
    } else {
        rng.random_range(55..90)
    };
    let start_min = if rng.random_bool(0.5) {
        8 * 60
    } else {
        19 * 60 + 30
    };
    let end_min = start_min + duration;
    ops.push(scalar(
        "startedAt",
        format!(
            "{period}-{day:02}T{:02}:{:02}",
            start_min / 60,
            start_min % 60
        ),
    ));
    ops.push(scalar(
        "endedAt",
        format!("{period}-{day:02}T{:02}:{:02}", end_min / 60, end_min % 60),
    ));
    let place = match cell.name.strip_prefix("Chi bộ ") {
        Some(rest) if cell.id.starts_with("du-co-quan") => format!("Hội trường {rest}"),
        Some(rest) => format!("Nhà văn hóa {rest}"),
        None => "Hội trường".to_owned(),
    };
    ops.push(text("location", &place));
    ops.push(scalar("chairMemberId", member_code(&cell.id, 1)));
    ops.push(scalar("chairRole", "bi_thu"));
    ops.push(scalar("recorderMemberId", member_code(&cell.id, 2)));
    if rng.random_bool(q) {
        ops.push(scalar(
            "preparation.preparedByMemberId",
            member_code(&cell.id, 1),
        ));
        ops.push(scalar(
            "preparation.chiUyMeetingDate",
            format!("{period}-01"),
        ));
        ops.push(scalar("preparation.draftResolution", true));
        ops.push(scalar("preparation.noticeSentAt", format!("{period}-01")));
        ops.push(scalar(
            "preparation.materialsPostedAt",
            format!("{period}-02"),
        ));
        ops.push(scalar("preparation.postedOnStdvdt", true));
    }
}

pub(super) fn content(
    cell: &DemoCell,
    month: u32,
    present: &[&str],
    rng: &mut StdRng,
    ops: &mut Vec<MeetingOp>,
) {
    let q = cell.quality;
    let agenda = [
        (
            "a1",
            "Thu đảng phí, điểm danh, thông qua chương trình",
            AgendaPart::MoDau,
        ),
        (
            "a2",
            "Thông tin thời sự, quán triệt văn bản cấp trên",
            AgendaPart::NoiDung,
        ),
        (
            "a3",
            "Đánh giá kết quả tháng trước, nhiệm vụ tháng tới",
            AgendaPart::NoiDung,
        ),
        (
            "a4",
            "Kết luận, biểu quyết nghị quyết, thông qua biên bản",
            AgendaPart::KetThuc,
        ),
    ];
    let parts = if rng.random_bool(q.max(0.3)) { 4 } else { 3 };
    for (id, title, part) in agenda.into_iter().take(parts) {
        let item = AgendaItem {
            id: id.into(),
            title: title.into(),
            part,
            done: true,
        };
        ops.push(MeetingOp::AddAgendaItem { item });
    }
    if rng.random_bool(q.max(0.3)) {
        ops.push(MeetingOp::AddDocumentBriefed {
            item: BriefedDocument {
                id: "d1".into(),
                number: "42".into(),
                type_code: "HD".into(),
                issuer: "BTCTW".into(),
                date: "2025-10-28".into(),
                summary: "Hướng dẫn nâng cao chất lượng sinh hoạt chi bộ".into(),
            },
        });
    }
    ops.push(text(
        "lastMonthReview",
        "Hoàn thành các nhiệm vụ trọng tâm; vận động quỹ vì người nghèo đạt chỉ tiêu.",
    ));
    if rng.random_bool(q.max(0.3)) {
        ops.push(text(
            "ideologySituation",
            "Đảng viên và nhân dân phấn khởi, tin tưởng vào sự lãnh đạo của Đảng.",
        ));
    }
    if month > 1 {
        let status = if rng.random_bool(q) {
            FollowUpStatus::DaHoanThanh
        } else {
            FollowUpStatus::DangThucHien
        };
        let item = FollowUp {
            id: "f1".into(),
            item: "Tổng vệ sinh môi trường khu dân cư".into(),
            status,
            ..FollowUp::default()
        };
        ops.push(MeetingOp::AddFollowUp { item });
    }
    let speakers = ((present.len() as f64) * (0.15 + 0.35 * q))
        .round()
        .max(1.0) as usize;
    for (i, member) in present.iter().take(speakers).enumerate() {
        let summary = [
            "Đồng ý với dự thảo nghị quyết",
            "Đề nghị phân công cụ thể",
            "Bổ sung nội dung an ninh trật tự",
            "Cần tăng cường tuyên truyền",
        ][i % 4];
        let item = Contribution {
            id: format!("c{i}"),
            member_id: (*member).into(),
            item_ref: "a3".into(),
            summary: summary.into(),
        };
        ops.push(MeetingOp::AddContribution { item });
    }
    if rng.random_bool(q) {
        let item = Criticism {
            id: "k1".into(),
            member_id: member_code(&cell.id, 3),
            kind: CriticismKind::BieuDuong,
            note: "Hoàn thành tốt công tác vận động".into(),
        };
        ops.push(MeetingOp::AddCriticism { item });
    }
    ops.push(text(
        "resolution",
        "Chi bộ thống nhất nghị quyết với các nhiệm vụ trọng tâm tháng tới.",
    ));
    let task = Task {
        id: "t1".into(),
        assignee_member_id: member_code(&cell.id, 3),
        task: "Tổng vệ sinh môi trường khu dân cư".into(),
        due: format!("2026-{:02}-25", month.min(12)),
    };
    ops.push(MeetingOp::AddTask { item: task });
    if rng.random_bool(q.max(0.3)) {
        // Everyone present votes; one member may abstain.
        let abstain = rng.random_range(0..=1u32);
        let votes = u32::try_from(present.len())
            .unwrap_or(0)
            .saturating_sub(abstain);
        let item = Vote {
            id: "v1".into(),
            subject: "Thông qua nghị quyết".into(),
            in_favour: votes,
            against: 0,
            abstain,
            method: VoteMethod::GioTay,
        };
        ops.push(MeetingOp::AddVote { item });
    }
    ops.push(scalar(
        "minutesAdoptedInMeeting",
        rng.random_bool(0.5 + 0.5 * q),
    ));
}
