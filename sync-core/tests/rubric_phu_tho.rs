//! Worked scoring tests for preset `phu-tho-2019` (scheme A with the §8(b) split).
//! Maxima: chuẩn bị 15 (3+4+4+4), tỷ lệ dự 20, tổ chức 45 (5+5+10+8+7+5+5), kết thúc 20 (8+7+5).

#[path = "support/rubric_support.rs"]
mod support;

use support::*;
use sync_core::record::MeetingType;
use sync_core::rubric::{self, Level, ScoreProblem};

fn rubric() -> rubric::Rubric {
    rubric::preset("phu-tho-2019").unwrap()
}

#[test]
fn a_complete_meeting_with_full_marks_scores_100_and_tot() {
    let r = rubric();
    let s = rubric::score(
        &r,
        &Meeting::regular(30, "2024-03").build(),
        &full_sheet(&r, &[]),
    );
    approx(s.total, 100.0);
    approx(s.applicable_max, 100.0);
    assert_eq!(s.level, Level::Tot);
    assert_eq!(s.rubric, "phu-tho-2019@1");
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert!(s.criteria.iter().all(|c| c.reasons.is_empty()));
}

#[test]
fn ninety_seven_points_with_short_participation_fails_the_tot_gate_and_is_kha() {
    // 8 of 30 present spoke = 26.7%: ≥ 1/4 but < 1/3 → participation 4 of 7.
    // Total = 15 + 20 + (5+5+10+8+4+5+5 = 42) + 20 = 97 → 97% ≥ 90 → Tốt by points;
    // the Tốt gate needs phat_bieu at 7 → Khá.
    let r = rubric();
    let mut m = Meeting::regular(30, "2024-03");
    m.speakers(8);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(s.total, 97.0);
    assert_eq!(s.level_before_gates_and_caps, Level::Tot);
    assert_eq!(s.level, Level::Kha);
    assert_eq!(s.gates_failed.len(), 1);
    assert_eq!(s.gates_failed[0].criteria, vec!["phat_bieu".to_owned()]);
    assert!(s.caps_applied.is_empty());
    assert!(
        reasons(&s, "phat_bieu").contains("8 of 30 present spoke"),
        "{}",
        reasons(&s, "phat_bieu")
    );
    assert_every_lost_point_explained(&s);
}

#[test]
fn one_unexcused_absence_costs_five_points_and_caps_the_level_at_kha() {
    // 29 of 30 present = 96.7% → band ≥ 95% → 17, then −5 for the unexcused absence → 12.
    // Total = 15 + 12 + 45 + 20 = 92 → Tốt by points; cap "any unexcused absence" → Khá.
    let r = rubric();
    let mut m = Meeting::regular(30, "2024-03");
    m.unexcused(1);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(points(&s, "ty_le_du_hop"), 12.0);
    approx(s.total, 92.0);
    assert_eq!(s.level_before_gates_and_caps, Level::Tot);
    assert_eq!(s.level, Level::Kha);
    assert_eq!(s.caps_applied.len(), 1);
    assert!(
        s.caps_applied[0].reason.contains("unexcused"),
        "{}",
        s.caps_applied[0].reason
    );
    let why = reasons(&s, "ty_le_du_hop");
    assert!(
        why.contains("96.67% (29/30)") && why.contains("17 − 5 = 12 of 20"),
        "{why}"
    );
    assert_every_lost_point_explained(&s);
}

#[test]
fn attendance_of_exactly_85_percent_is_in_the_lowest_band_and_caps_at_kha() {
    // 17 of 20 present, 3 excused = 85%: not > 85% → 0 of 20. Total 80 → Khá; the cap
    // "attendance ≤ 85%" applies but does not lower Khá further.
    let r = rubric();
    let mut m = Meeting::regular(20, "2024-03");
    m.excused(3);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(points(&s, "ty_le_du_hop"), 0.0);
    assert_eq!(
        reasons(&s, "ty_le_du_hop"),
        "attendance (tỷ lệ dự họp) 85% (17/20) ≤ 85%: 0 of 20"
    );
    approx(s.total, 80.0);
    assert_eq!(s.level, Level::Kha);
}

#[test]
fn a_combined_session_of_100_minutes_is_short_of_120_and_capped_at_kha() {
    // kết hợp needs 120 min; 100 min → duration 0 of 5. Total 95 → Tốt by points;
    // the cap on duration (and the duration gate) → Khá.
    let r = rubric();
    let mut m = Meeting::regular(30, "2024-03");
    m.kind(MeetingType::KetHop).lasting(100);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(s.total, 95.0);
    assert_eq!(s.level, Level::Kha);
    assert!(
        reasons(&s, "thoi_luong").contains("100 min < minimum 120 min"),
        "{}",
        reasons(&s, "thoi_luong")
    );
    assert!(
        s.caps_applied[0]
            .reason
            .contains("duration 100 min < minimum 120 min")
    );
}

#[test]
fn a_mediocre_meeting_adds_up_to_53_5_and_trung_binh() {
    // Preparation: no draft resolution (−4); notice sent on the day (0 days before, −2 of the
    // two-fact 4) → 3 + 4 + 0 + 2 = 9.
    // Attendance: 26 of 30, 4 excused = 86.7% > 85% → 10.
    // Conduct: ideology missing (−2.5 of 10 → 7.5); phe_binh awarded 4; 5 of 26 spoke = 19% → 0;
    // 80 min → 0; day 5, parts 5, votes 5 → 5 + 5 + 7.5 + 4 + 0 + 0 + 5 = 26.5.
    // Closing: resolution voted 8; minutes not adopted → 0 of 7; no follow-ups → 0 → 8.
    // Total 9 + 10 + 26.5 + 8 = 53.5 → Trung bình (the duration cap to Khá changes nothing).
    let r = rubric();
    let mut m = Meeting::regular(30, "2024-03");
    m.excused(4).speakers(5).lasting(80);
    let mut rec = m.build();
    rec.preparation.draft_resolution = false;
    rec.preparation.notice_sent_at = "2024-03-03".into();
    rec.ideology_situation.clear();
    rec.minutes_adopted_in_meeting = false;
    rec.follow_ups.clear();
    let s = rubric::score(&r, &rec, &full_sheet(&r, &[("phe_binh", 4.0)]));
    approx(points(&s, "thong_bao_tai_lieu"), 2.0);
    approx(points(&s, "ty_le_du_hop"), 10.0);
    approx(points(&s, "noi_dung"), 7.5);
    approx(s.total, 53.5);
    approx(s.percent, 53.5);
    assert_eq!(s.level, Level::TrungBinh);
    assert!(reasons(&s, "noi_dung").contains("tình hình tư tưởng"));
    assert!(reasons(&s, "thong_bao_tai_lieu").contains("0 day(s) before"));
    assert!(reasons(&s, "phe_binh").contains("4 of 8"));
    assert_every_lost_point_explained(&s);
}

#[test]
fn points_over_the_maximum_are_clamped_and_reported_with_negative_and_unknown_ids() {
    // phe_binh 12 > 8 → counted 8 (problem); a negative value elsewhere would count 0; an
    // unknown id and an award for a computed criterion are ignored and reported.
    let r = rubric();
    let rec = Meeting::regular(30, "2024-03").build();
    let sheet = full_sheet(
        &r,
        &[("phe_binh", 12.0), ("khong_co", 3.0), ("thoi_luong", 1.0)],
    );
    let s = rubric::score(&r, &rec, &sheet);
    approx(points(&s, "phe_binh"), 8.0);
    approx(s.total, 100.0);
    assert!(s.problems.contains(&ScoreProblem::PointsAboveMax {
        criterion: "phe_binh".into(),
        awarded: 12.0,
        max: 8.0
    }));
    assert!(s.problems.contains(&ScoreProblem::UnknownCriterion {
        criterion: "khong_co".into()
    }));
    assert!(s.problems.contains(&ScoreProblem::ComputedCriterion {
        criterion: "thoi_luong".into()
    }));

    let s = rubric::score(&r, &rec, &full_sheet(&r, &[("phe_binh", -2.0)]));
    approx(points(&s, "phe_binh"), 0.0);
    approx(s.total, 92.0);
    assert!(s.problems.contains(&ScoreProblem::NegativePoints {
        criterion: "phe_binh".into(),
        awarded: -2.0
    }));
}

#[test]
fn self_and_superior_scores_are_two_calls_with_two_sheets_and_may_differ() {
    // Self: phe_binh 8 → 100, Tốt. Superior: phe_binh 3 → 95, still Tốt by points and gates.
    // Superior with phe_binh 0 → 92: still Tốt. Superior missing the sheet entry → 0 with reason.
    let r = rubric();
    let mut rec = Meeting::regular(30, "2024-03").build();
    rec.self_score = full_sheet(&r, &[]);
    rec.superior_score = full_sheet(&r, &[("phe_binh", 3.0)]);
    let own = rubric::score(&r, &rec, &rec.self_score);
    let superior = rubric::score(&r, &rec, &rec.superior_score);
    approx(own.total, 100.0);
    approx(superior.total, 95.0);
    assert_eq!(superior.level, Level::Tot);
    let blank = rubric::score(&r, &rec, &Default::default());
    approx(blank.total, 92.0);
    assert!(reasons(&blank, "phe_binh").contains("not scored yet"));
}

#[test]
fn a_sheet_for_another_rubric_and_a_meeting_after_the_preset_ended_are_reported() {
    let r = rubric();
    let mut rec = Meeting::regular(30, "2025-11").build();
    rec.meeting_type = MeetingType::ChuyenDe;
    let mut sheet = full_sheet(&r, &[]);
    sheet.rubric_id = "binh-thuan@1".into();
    let s = rubric::score(&r, &rec, &sheet);
    assert!(s.problems.contains(&ScoreProblem::RubricMismatch {
        sheet: "binh-thuan@1".into(),
        rubric: "phu-tho-2019@1".into()
    }));
    assert!(s.problems.contains(&ScoreProblem::MeetingTypeNotCovered {
        meeting_type: "chuyen_de"
    }));
    rec.meeting_type = MeetingType::ThuongKy;
    let s = rubric::score(&r, &rec, &full_sheet(&r, &[]));
    assert!(s.problems.contains(&ScoreProblem::OutsideEffectiveDates {
        date: "2025-11-03".into()
    }));
}

#[test]
fn an_empty_record_scores_low_without_panicking_and_explains_everything() {
    let r = rubric();
    let s = rubric::score(&r, &Default::default(), &Default::default());
    approx(s.total, 0.0);
    assert_eq!(s.level, Level::Kem);
    assert_every_lost_point_explained(&s);
}
