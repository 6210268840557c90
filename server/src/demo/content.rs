//! The body of a demo meeting: agenda, briefing, follow-ups, contributions, criticism,
//! resolution, tasks and votes, and the two score sheets, all shaped by the cell's quality.

use rand::{Rng, rngs::StdRng};
use sync_core::doc::{MeetingOp, Sheet};
use sync_core::record::{
    AgendaItem, AgendaPart, BriefedDocument, Contribution, Criticism, CriticismKind, FollowUp,
    FollowUpStatus, Task, Vote, VoteMethod,
};
use sync_core::rubric::{self, Rule};

use super::generator::{DemoCell, scalar, text};

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
            member_id: "m03".into(),
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
        assignee_member_id: "m03".into(),
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

pub(super) fn scores(cell: &DemoCell, month: u32, rng: &mut StdRng, ops: &mut Vec<MeetingOp>) {
    let Some(rubric) = rubric::preset("binh-thuan") else {
        return;
    };
    ops.push(MeetingOp::SetSheetField {
        sheet: Sheet::SelfScore,
        field: "rubricId".into(),
        value: rubric.key().into(),
    });
    ops.push(MeetingOp::SetSheetField {
        sheet: Sheet::SelfScore,
        field: "votedByMembers".into(),
        value: true.into(),
    });
    // The committee has confirmed the older months; the latest are submitted or still drafts.
    let confirmed = month <= 9;
    if confirmed {
        ops.push(MeetingOp::SetSheetField {
            sheet: Sheet::Superior,
            field: "rubricId".into(),
            value: rubric.key().into(),
        });
    }
    for criterion in rubric.spec().groups.iter().flat_map(|g| &g.criteria) {
        if !matches!(criterion.rule, Rule::Awarded) {
            continue;
        }
        // Cells rate themselves generously; the committee less so for weaker cells.
        ops.push(MeetingOp::AwardPoints {
            sheet: Sheet::SelfScore,
            criterion: criterion.id.clone(),
            points: criterion.max,
        });
        if confirmed {
            let points = (criterion.max
                * (cell.quality + rng.random_range(-0.1..0.1)).clamp(0.0, 1.0))
            .round();
            ops.push(MeetingOp::AwardPoints {
                sheet: Sheet::Superior,
                criterion: criterion.id.clone(),
                points,
            });
        }
    }
    let status = match month {
        ..=9 => "da_xac_nhan",
        10 => "da_gui",
        _ => "nhap",
    };
    ops.push(scalar("status", status));
}
