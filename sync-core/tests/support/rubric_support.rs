//! Shared by the `rubric_*` tests (included with `#[path]`): a realistic meeting-record builder
//! and score-sheet helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use sync_core::record::*;
use sync_core::rubric::{Rubric, Rule, Score};

const FAMILY: [&str; 10] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
];
const MIDDLE: [&str; 3] = ["Văn", "Thị", "Đức"];
const GIVEN: [&str; 10] = [
    "An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Lan", "Minh", "Thảo", "Tuấn",
];

/// Member id of the `i`-th member (1-based): `m01`, `m02`, ...
pub fn member(i: usize) -> String {
    format!("m{i:02}")
}

/// A meeting that satisfies every computed criterion of the presets: all `size` members
/// present, 105 minutes on the 3rd, full preparation, the three parts in order, every required
/// content, a third of the members speaking, criticism, a voted resolution with assigned tasks,
/// last month's items followed up and the minutes adopted.
pub struct Meeting {
    pub record: MeetingRecord,
}

impl Meeting {
    /// A regular (thường kỳ) meeting of `size` members in `period` (`YYYY-MM`).
    pub fn regular(size: usize, period: &str) -> Meeting {
        let day = format!("{period}-03");
        let before = format!("{period}-01");
        let mut r = MeetingRecord {
            schema_version: SCHEMA_VERSION,
            cell_id: "cell-vp-tinh-uy".into(),
            cell_name: "Chi bộ Văn phòng".into(),
            period: period.into(),
            meeting_type: MeetingType::ThuongKy,
            scheduled_date: day.clone(),
            started_at: format!("{day}T08:00"),
            ended_at: format!("{day}T09:45"),
            location: "Hội trường tầng 2".into(),
            chair_member_id: member(1),
            chair_role: ChairRole::BiThu,
            recorder_member_id: member(2),
            last_month_review: "Hoàn thành 5/6 nhiệm vụ tháng trước.".into(),
            ideology_situation: "Đảng viên yên tâm công tác; quần chúng đồng tình.".into(),
            resolution: "Chi bộ thống nhất nghị quyết tháng tới.".into(),
            minutes_adopted_in_meeting: true,
            ..MeetingRecord::default()
        };
        for i in 1..=size {
            let name = format!(
                "{} {} {}",
                FAMILY[i % FAMILY.len()],
                MIDDLE[i % MIDDLE.len()],
                GIVEN[(i / FAMILY.len() + i) % GIVEN.len()]
            );
            r.roster.insert(
                member(i),
                RosterEntry {
                    full_name: name,
                    category: MemberCategory::ChinhThuc,
                },
            );
            r.attendance.insert(member(i), Attendance::default());
        }
        r.preparation = Preparation {
            prepared_by_member_id: member(1),
            chi_uy_meeting_date: before.clone(),
            draft_resolution: true,
            notice_sent_at: before.clone(),
            materials_posted_at: before,
            posted_on_stdvdt: true,
        };
        let parts = [
            (
                AgendaPart::MoDau,
                "Thu đảng phí, điểm danh, thông qua chương trình",
            ),
            (AgendaPart::NoiDung, "Thông tin thời sự, quán triệt văn bản"),
            (AgendaPart::NoiDung, "Đánh giá nhiệm vụ tháng trước"),
            (AgendaPart::NoiDung, "Nhiệm vụ tháng tới"),
            (
                AgendaPart::KetThuc,
                "Kết luận, biểu quyết, thông qua biên bản",
            ),
        ];
        r.agenda = parts
            .iter()
            .enumerate()
            .map(|(i, (part, title))| AgendaItem {
                id: format!("a{i}"),
                title: (*title).into(),
                part: *part,
                done: true,
            })
            .collect();
        r.documents_briefed = vec![BriefedDocument {
            id: "d1".into(),
            number: "42".into(),
            type_code: "HD".into(),
            issuer: "BTCTW".into(),
            date: "2025-10-28".into(),
            summary: "Nâng cao chất lượng sinh hoạt chi bộ".into(),
        }];
        r.follow_ups = vec![FollowUp {
            id: "f1".into(),
            item: "Hoàn thành báo cáo quý".into(),
            status: FollowUpStatus::DaHoanThanh,
            ..FollowUp::default()
        }];
        r.criticism = vec![
            Criticism {
                id: "c1".into(),
                member_id: member(3),
                kind: CriticismKind::BieuDuong,
                note: String::new(),
            },
            Criticism {
                id: "c2".into(),
                member_id: member(4),
                kind: CriticismKind::PheBinh,
                note: String::new(),
            },
        ];
        r.tasks = vec![Task {
            id: "t1".into(),
            assignee_member_id: member(5),
            task: "Chuẩn bị hội nghị tổng kết".into(),
            due: String::new(),
        }];
        let present = u32::try_from(size).unwrap();
        r.votes = vec![Vote {
            id: "v1".into(),
            subject: "Nghị quyết tháng".into(),
            in_favour: present,
            ..Vote::default()
        }];
        let mut m = Meeting { record: r };
        m.speakers(size.div_ceil(3));
        m
    }

    /// Sets the meeting type.
    pub fn kind(&mut self, t: MeetingType) -> &mut Self {
        self.record.meeting_type = t;
        if matches!(t, MeetingType::ChuyenDe | MeetingType::KetHop) {
            self.record.topic = "Học tập và làm theo tư tưởng Hồ Chí Minh".into();
        }
        self
    }

    /// The meeting lasts `minutes` from 08:00 (under 16 hours).
    pub fn lasting(&mut self, minutes: u32) -> &mut Self {
        let day = self.record.held_on().unwrap().to_owned();
        self.record.ended_at = format!("{day}T{:02}:{:02}", 8 + minutes / 60, minutes % 60);
        self
    }

    /// Exactly the first `n` members (who must be present) spoke, one contribution each.
    pub fn speakers(&mut self, n: usize) -> &mut Self {
        self.record.contributions = (1..=n)
            .map(|i| Contribution {
                id: format!("k{i}"),
                member_id: member(i),
                item_ref: "a2".into(),
                summary: "Đồng ý với dự thảo, đề nghị bổ sung.".into(),
            })
            .collect();
        self
    }

    /// The last `n` members were absent with a reason.
    pub fn excused(&mut self, n: usize) -> &mut Self {
        self.mark_last(n, AttendanceStatus::VangCoLyDo, "Đi công tác")
    }

    /// `n` members before the excused ones were absent without a reason.
    pub fn unexcused(&mut self, n: usize) -> &mut Self {
        self.mark_last(n, AttendanceStatus::VangKhongLyDo, "")
    }

    fn mark_last(&mut self, n: usize, status: AttendanceStatus, reason: &str) -> &mut Self {
        let ids: Vec<String> = self
            .record
            .attendance
            .iter()
            .rev()
            .filter(|(_, a)| a.status == AttendanceStatus::CoMat)
            .take(n)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            self.record.attendance.insert(
                id,
                Attendance {
                    status,
                    reason: reason.into(),
                    late_min: 0,
                },
            );
        }
        self
    }

    pub fn build(&self) -> MeetingRecord {
        self.record.clone()
    }
}

/// A sheet awarding every *awarded* criterion its maximum, except those in `except`.
pub fn full_sheet(rubric: &Rubric, except: &[(&str, f64)]) -> ScoreSheet {
    let mut awarded = BTreeMap::new();
    for group in &rubric.spec().groups {
        for c in &group.criteria {
            if matches!(c.rule, Rule::Awarded) && c.applies_when.is_none() {
                awarded.insert(c.id.clone(), c.max);
            }
        }
    }
    for (id, points) in except {
        awarded.insert((*id).to_owned(), *points);
    }
    ScoreSheet {
        rubric_id: rubric.key(),
        awarded,
        scored_by: member(1),
        ..ScoreSheet::default()
    }
}

/// Points of one criterion in a score.
pub fn points(score: &Score, id: &str) -> f64 {
    score
        .criteria
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.points)
        .unwrap()
}

/// Reasons of one criterion, joined.
pub fn reasons(score: &Score, id: &str) -> String {
    score
        .criteria
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.reasons.join(" | "))
        .unwrap()
}

/// Asserts `a ≈ b`.
pub fn approx(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

/// Every applicable criterion short of its maximum explains itself, and so does every
/// non-applicable one; the group sums match the criteria.
pub fn assert_every_lost_point_explained(score: &Score) {
    for c in &score.criteria {
        if !c.applicable || c.points < c.max {
            assert!(!c.reasons.is_empty(), "{} lost points silently", c.id);
        }
        assert!((0.0..=c.max).contains(&c.points), "{} out of range", c.id);
    }
    for g in &score.groups {
        let sum: f64 = score
            .criteria
            .iter()
            .filter(|c| c.group == g.id)
            .map(|c| c.points)
            .sum();
        approx(sum, g.points);
    }
}
