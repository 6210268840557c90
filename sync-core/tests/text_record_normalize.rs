//! `MeetingRecord::normalize_text` reaches every string of a record, including map keys.

use std::collections::BTreeMap;
use sync_core::record::*;

/// NFD "Đặng Văn Bình" written with an Eth.
const DIRTY: &str = "\u{00D0}a\u{0323}\u{0306}ng Va\u{0306}n Bi\u{0300}nh";
const CLEAN: &str = "Đặng Văn Bình";

/// A record whose every string field holds `s`, and whose maps are keyed by `s`.
fn record_with_every_string(s: &str) -> MeetingRecord {
    let t = || s.to_owned();
    let sheet = || ScoreSheet {
        rubric_id: t(),
        awarded: BTreeMap::from([(t(), 5.0)]),
        scored_by: t(),
        voted_by_members: true,
        confirmed_at: t(),
        comment: t(),
    };
    MeetingRecord {
        schema_version: 1,
        meeting_id: t(),
        cell_id: t(),
        cell_name: t(),
        org_path_snapshot: vec![OrgPathEntry {
            unit_id: t(),
            name: t(),
        }],
        period: t(),
        meeting_type: MeetingType::KetHop,
        topic: t(),
        scheduled_date: t(),
        started_at: t(),
        ended_at: t(),
        location: t(),
        chair_member_id: t(),
        chair_role: ChairRole::BiThu,
        recorder_member_id: t(),
        guests: vec![Guest {
            id: t(),
            name: t(),
            position: t(),
            org: t(),
            is_superior_delegate: true,
        }],
        roster: BTreeMap::from([(
            t(),
            RosterEntry {
                full_name: t(),
                category: MemberCategory::DuBi,
            },
        )]),
        roster_counts: Some(RosterCounts::default()),
        attendance: BTreeMap::from([(
            t(),
            Attendance {
                status: AttendanceStatus::VangCoLyDo,
                reason: t(),
                late_min: 0,
            },
        )]),
        preparation: Preparation {
            prepared_by_member_id: t(),
            chi_uy_meeting_date: t(),
            draft_resolution: true,
            notice_sent_at: t(),
            materials_posted_at: t(),
            posted_on_stdvdt: true,
        },
        agenda: vec![AgendaItem {
            id: t(),
            title: t(),
            part: AgendaPart::MoDau,
            done: true,
        }],
        documents_briefed: vec![BriefedDocument {
            id: t(),
            number: t(),
            type_code: t(),
            issuer: t(),
            date: t(),
            summary: t(),
        }],
        last_month_review: t(),
        follow_ups: vec![FollowUp {
            id: t(),
            item: t(),
            source_meeting_id: t(),
            source_task_id: t(),
            status: FollowUpStatus::DaHoanThanh,
            note: t(),
        }],
        ideology_situation: t(),
        difficulties: t(),
        contributions: vec![Contribution {
            id: t(),
            member_id: t(),
            item_ref: t(),
            summary: t(),
        }],
        criticism: vec![Criticism {
            id: t(),
            member_id: t(),
            kind: CriticismKind::PheBinh,
            note: t(),
        }],
        resolution: t(),
        tasks: vec![Task {
            id: t(),
            assignee_member_id: t(),
            task: t(),
            due: t(),
        }],
        votes: vec![Vote {
            id: t(),
            subject: t(),
            in_favour: 3,
            against: 0,
            abstain: 0,
            method: VoteMethod::GioTay,
        }],
        membership_actions: vec![MembershipAction {
            id: t(),
            kind: t(),
            member_id: t(),
            person_name: t(),
            note: t(),
        }],
        dues: Some(Dues {
            collected_count: 1,
            amount_vnd: 10_000,
        }),
        self_score: sheet(),
        superior_score: sheet(),
        minutes_adopted_in_meeting: true,
        status: ReviewStatus::DaGui,
        return_reason: t(),
    }
}

#[test]
fn every_string_and_map_key_of_a_record_is_normalised() {
    let mut record = record_with_every_string(DIRTY);
    assert!(!record.is_text_normalized());
    record.normalize_text();
    assert!(record.is_text_normalized());
    assert_eq!(record, record_with_every_string(CLEAN));
}

#[test]
fn the_serialised_record_holds_no_dirty_text_after_normalising() {
    // A cross-check independent of the field lists: serialise and look for any NFD or Eth.
    let mut record = record_with_every_string(DIRTY);
    record.normalize_text();
    let json = serde_json::to_string(&record).unwrap();
    assert!(!json.contains('\u{00D0}') && !json.contains('\u{0323}') && !json.contains('\u{0306}'));
    assert!(json.contains(CLEAN));
}

#[test]
fn each_dirty_field_alone_is_found_with_its_path() {
    let clean = record_with_every_string(CLEAN);
    assert!(clean.is_text_normalized());
    assert_eq!(clean.first_unnormalized_text(), None);

    let mut r = clean.clone();
    r.attendance.get_mut(CLEAN).unwrap().reason = DIRTY.into();
    assert_eq!(
        r.first_unnormalized_text(),
        Some(format!("attendance.{CLEAN}.reason"))
    );

    let mut r = clean.clone();
    r.contributions[0].summary = DIRTY.into();
    assert_eq!(
        r.first_unnormalized_text().as_deref(),
        Some("contributions.0.summary")
    );

    let mut r = clean.clone();
    r.recorder_member_id = DIRTY.into();
    assert_eq!(
        r.first_unnormalized_text().as_deref(),
        Some("recorderMemberId")
    );

    let mut r = clean.clone();
    let entry = r.roster.remove(CLEAN).unwrap();
    r.roster.insert(DIRTY.into(), entry);
    assert_eq!(r.first_unnormalized_text(), Some(format!("roster.{DIRTY}")));
    r.normalize_text();
    assert_eq!(r, clean);

    let mut r = clean.clone();
    r.superior_score.awarded.insert(DIRTY.into(), 1.0);
    assert!(!r.is_text_normalized());
    r.normalize_text();
    assert_eq!(
        r.superior_score.awarded.len(),
        1,
        "the two spellings are one key"
    );
}

#[test]
fn an_already_clean_record_is_unchanged() {
    let mut record = record_with_every_string(CLEAN);
    record.normalize_text();
    assert_eq!(record, record_with_every_string(CLEAN));
}
