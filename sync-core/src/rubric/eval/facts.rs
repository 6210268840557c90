//! Facts the minutes must show (preparation, order of business, content, closing). Each check
//! says, when it fails, what exactly is missing.

use super::{Outcome, fmt_num};
use crate::record::{AgendaPart, AttendanceStatus, CriticismKind, FollowUpStatus, MeetingRecord};
use crate::rubric::model::{Fact, FactScoring, FactsRule};

pub(super) fn evaluate(max: f64, rule: &FactsRule, record: &MeetingRecord) -> Outcome {
    let missing: Vec<String> = rule
        .facts
        .iter()
        .filter_map(|f| check_fact(*f, record, rule.lead_days).err())
        .collect();
    if missing.is_empty() {
        return Outcome {
            points: max,
            reasons: Vec::new(),
        };
    }
    let total = rule.facts.len();
    match rule.scoring {
        FactScoring::AllOrNothing => {
            let mut reasons: Vec<String> =
                missing.iter().map(|m| format!("missing: {m}")).collect();
            reasons.push(format!(
                "{} of {total} required facts missing, all are required: 0 of {}",
                missing.len(),
                fmt_num(max)
            ));
            Outcome {
                points: 0.0,
                reasons,
            }
        }
        FactScoring::Proportional => {
            // usize → f64 is exact for any realistic list length.
            let each = max / total as f64;
            let points = max - each * missing.len() as f64;
            let mut reasons: Vec<String> = missing
                .iter()
                .map(|m| format!("missing: {m} (−{})", fmt_num(each)))
                .collect();
            reasons.push(format!(
                "{} of {total} facts present: {} of {}",
                total - missing.len(),
                fmt_num(points),
                fmt_num(max)
            ));
            Outcome { points, reasons }
        }
    }
}

/// The meeting day: the date it started, else the scheduled date.
fn meeting_day(r: &MeetingRecord) -> Option<String> {
    r.held_on()
        .map(str::to_owned)
        .or_else(|| Some(scheduled_day(r)).filter(|d| crate::text::parse_date(d).is_some()))
}

/// The scheduled date, or the 3rd of the period's month (Chỉ thị 50-CT/TW) when none is set.
fn scheduled_day(r: &MeetingRecord) -> String {
    if r.scheduled_date.is_empty() {
        format!("{}-03", r.period)
    } else {
        r.scheduled_date.clone()
    }
}

/// Whole days from `a` to `b` (`YYYY-MM-DD`), when both are valid dates.
fn days_between(a: &str, b: &str) -> Option<i64> {
    let a = crate::text::parse_local_datetime(&format!("{a}T00:00"))?;
    let b = crate::text::parse_local_datetime(&format!("{b}T00:00"))?;
    Some((b - a) / 1440)
}

fn in_time(what: &str, date: &str, r: &MeetingRecord, lead: u32) -> Result<(), String> {
    if date.is_empty() {
        return Err(format!("{what}: no date recorded"));
    }
    let Some(day) = meeting_day(r) else {
        return Err(format!("{what}: meeting date unknown"));
    };
    match days_between(date, &day) {
        None => Err(format!("{what}: `{date}` is not a date")),
        Some(d) if d < i64::from(lead) => Err(format!(
            "{what} on {date}, {d} day(s) before the meeting on {day}; needs ≥ {lead}"
        )),
        Some(_) => Ok(()),
    }
}

fn need(ok: bool, missing: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(missing.to_owned()) }
}

fn filled(s: &str) -> bool {
    !s.trim().is_empty()
}

/// `Ok` when `fact` holds in `r`, else what is missing. `lead` is the notice lead in days.
pub(in crate::rubric) fn check_fact(
    fact: Fact,
    r: &MeetingRecord,
    lead: u32,
) -> Result<(), String> {
    let p = &r.preparation;
    match fact {
        Fact::PreparedBy => match p.prepared_by_member_id.as_str() {
            "" => Err("who prepared the content (người chuẩn bị nội dung)".to_owned()),
            id if !r.roster.contains_key(id) => {
                Err(format!("preparer `{id}` is not on the roster"))
            }
            _ => Ok(()),
        },
        Fact::ChiUyMetBefore => {
            if p.chi_uy_meeting_date.is_empty() {
                return Err("chi ủy pre-meeting date (họp chi ủy trước)".to_owned());
            }
            match meeting_day(r).and_then(|day| days_between(&p.chi_uy_meeting_date, &day)) {
                Some(d) if d >= 0 => Ok(()),
                Some(_) => Err(format!(
                    "chi ủy met on {} after the meeting",
                    p.chi_uy_meeting_date
                )),
                None => Err(format!(
                    "chi ủy date `{}` or meeting date invalid",
                    p.chi_uy_meeting_date
                )),
            }
        }
        Fact::DraftResolution => need(p.draft_resolution, "draft resolution (dự thảo nghị quyết)"),
        Fact::NoticeInTime => in_time("notice (thông báo)", &p.notice_sent_at, r, lead),
        Fact::MaterialsInTime => in_time("materials (tài liệu)", &p.materials_posted_at, r, lead),
        Fact::PostedOnStdvdt => need(p.posted_on_stdvdt, "materials on Sổ tay đảng viên điện tử"),
        Fact::HeldOnScheduledDay => {
            let scheduled = scheduled_day(r);
            match r.held_on() {
                None => Err("meeting start date (ngày họp)".to_owned()),
                Some(day) if day == scheduled => Ok(()),
                Some(day) => Err(format!("held on {day}, scheduled {scheduled} (đúng ngày)")),
            }
        }
        Fact::ThreePartsInOrder => three_parts(r),
        Fact::DocumentsBriefed => need(
            !r.documents_briefed.is_empty(),
            "documents briefed (văn bản quán triệt)",
        ),
        Fact::LastMonthReview => need(
            filled(&r.last_month_review),
            "last month's review (đánh giá tháng trước)",
        ),
        Fact::IdeologySituation => need(
            filled(&r.ideology_situation),
            "ideological situation (tình hình tư tưởng)",
        ),
        Fact::TasksWithAssignees => {
            let unassigned = r
                .tasks
                .iter()
                .filter(|t| t.assignee_member_id.is_empty())
                .count();
            match (r.tasks.len(), unassigned) {
                (0, _) => Err("next month's tasks (nhiệm vụ tháng tới)".to_owned()),
                (_, 0) => Ok(()),
                (n, u) => Err(format!(
                    "assignees: {u} of {n} tasks have no assignee (người thực hiện)"
                )),
            }
        }
        Fact::Resolution => need(
            filled(&r.resolution),
            "conclusion or resolution (kết luận / nghị quyết)",
        ),
        Fact::FollowUpsWithStatus => {
            let open = r
                .follow_ups
                .iter()
                .filter(|f| f.status == FollowUpStatus::ChuaBaoCao)
                .count();
            match (r.follow_ups.len(), open) {
                (0, _) => Err("follow-up of last month's resolution items".to_owned()),
                (_, 0) => Ok(()),
                (n, o) => Err(format!(
                    "status of {o} of {n} followed-up items (chưa báo cáo)"
                )),
            }
        }
        Fact::Topic => need(filled(&r.topic), "thematic topic (chuyên đề)"),
        Fact::CriticismRecorded => need(
            !r.criticism.is_empty(),
            "criticism or commendation (phê bình, biểu dương)",
        ),
        Fact::SelfCriticismRecorded => need(
            r.criticism
                .iter()
                .any(|c| matches!(c.kind, CriticismKind::PheBinh | CriticismKind::TuPheBinh)),
            "self-criticism or criticism (tự phê bình, phê bình)",
        ),
        Fact::VotesRecorded => {
            let empty = r
                .votes
                .iter()
                .filter(|v| v.in_favour + v.against + v.abstain == 0)
                .count();
            match (r.votes.len(), empty) {
                (0, _) => Err("votes (biểu quyết)".to_owned()),
                (_, 0) => Ok(()),
                (n, e) => Err(format!("counts of {e} of {n} votes")),
            }
        }
        Fact::ResolutionVoted => need(
            filled(&r.resolution) && !r.votes.is_empty(),
            "resolution adopted by vote (nghị quyết được biểu quyết)",
        ),
        Fact::NamedSpeakers => named_speakers(r),
        Fact::AbsenteesWithReasons => absentees(r),
        Fact::MinutesAdopted => need(
            r.minutes_adopted_in_meeting,
            "minutes adopted in the meeting (thông qua biên bản)",
        ),
        Fact::ChairAndRecorder => need(
            !r.chair_member_id.is_empty() && !r.recorder_member_id.is_empty(),
            "chair and recorder (chủ trì, thư ký)",
        ),
    }
}

fn three_parts(r: &MeetingRecord) -> Result<(), String> {
    let rank = |p: AgendaPart| match p {
        AgendaPart::MoDau => 0,
        AgendaPart::NoiDung => 1,
        AgendaPart::KetThuc => 2,
    };
    let ranks: Vec<u8> = r.agenda.iter().map(|a| rank(a.part)).collect();
    let absent: Vec<&str> = [(0, "mở đầu"), (1, "nội dung"), (2, "kết thúc")]
        .into_iter()
        .filter(|(k, _)| !ranks.contains(k))
        .map(|(_, name)| name)
        .collect();
    if !absent.is_empty() {
        return Err(format!("agenda part(s) {}", absent.join(", ")));
    }
    need(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "agenda parts in order (mở đầu → nội dung → kết thúc)",
    )
}

fn named_speakers(r: &MeetingRecord) -> Result<(), String> {
    if r.contributions.is_empty() {
        return Err("contributions by named speakers (ý kiến phát biểu)".to_owned());
    }
    let unnamed = r
        .contributions
        .iter()
        .filter(|c| {
            !r.roster.contains_key(&c.member_id) && !r.guests.iter().any(|g| g.id == c.member_id)
        })
        .count();
    need(
        unnamed == 0,
        &format!("speaker names: {unnamed} contribution(s) without a known speaker"),
    )
}

fn absentees(r: &MeetingRecord) -> Result<(), String> {
    let unaccounted = r
        .roster
        .iter()
        .filter(|(id, e)| e.category.expected_to_attend() && !r.attendance.contains_key(*id))
        .count();
    let no_reason = r
        .attendance
        .values()
        .filter(|a| a.status == AttendanceStatus::VangCoLyDo && !filled(&a.reason))
        .count();
    match (unaccounted, no_reason) {
        (0, 0) => Ok(()),
        (u, n) => Err(format!(
            "absentees with reasons: {u} member(s) not accounted for, {n} excused absence(s) without a reason"
        )),
    }
}
