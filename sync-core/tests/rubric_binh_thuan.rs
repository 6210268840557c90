//! Worked scoring tests for preset `binh-thuan` (scheme B: levels 90/70/50 and four Tốt gates;
//! point table proposed, the §8(b) split; no caps in the source).

#[path = "support/rubric_support.rs"]
mod support;

use support::*;
use sync_core::rubric::{self, Level, ScoreProblem};

fn rubric() -> rubric::Rubric {
    rubric::preset("binh-thuan").unwrap()
}

#[test]
fn a_complete_meeting_scores_100_and_tot() {
    let r = rubric();
    let s = rubric::score(
        &r,
        &Meeting::regular(30, "2025-11").build(),
        &full_sheet(&r, &[]),
    );
    approx(s.total, 100.0);
    assert_eq!(s.level, Level::Tot);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
}

#[test]
fn an_unexcused_absence_leaves_92_points_but_the_attendance_gate_makes_it_kha() {
    // 29/30 = 96.7% → 17, −5 → 12. Total 15 + 12 + 45 + 20 = 92 ≥ 90, but Tốt needs
    // ty_le_du_hop at 20 → Khá ("≥ 90 without meeting the Tốt gates"). B states no caps.
    let r = rubric();
    let mut m = Meeting::regular(30, "2025-11");
    m.unexcused(1);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(s.total, 92.0);
    assert_eq!(s.level_before_gates_and_caps, Level::Tot);
    assert_eq!(s.level, Level::Kha);
    assert!(s.caps_applied.is_empty());
    assert_eq!(s.gates_failed[0].criteria, vec!["ty_le_du_hop".to_owned()]);
    assert_eq!(s.gates_failed[0].dropped_to, Level::Kha);
    assert!(
        s.gates_failed[0].reason.contains("ty_le_du_hop 12 of 20"),
        "{}",
        s.gates_failed[0].reason
    );
    assert_every_lost_point_explained(&s);
}

#[test]
fn minutes_not_adopted_in_the_meeting_fail_the_minutes_gate() {
    // bien_ban is all-or-nothing: not adopted → 0 of 7. Total 93 → Tốt by points → gate → Khá.
    let r = rubric();
    let mut rec = Meeting::regular(30, "2025-11").build();
    rec.minutes_adopted_in_meeting = false;
    let s = rubric::score(&r, &rec, &full_sheet(&r, &[]));
    approx(s.total, 93.0);
    assert_eq!(s.level, Level::Kha);
    assert_eq!(s.gates_failed[0].criteria, vec!["bien_ban".to_owned()]);
    assert!(reasons(&s, "bien_ban").contains("thông qua biên bản"));
}

#[test]
fn ninety_one_points_with_every_gate_at_full_marks_stays_tot() {
    // phe_binh 3 of 8 (−5), no draft resolution (−4): 91 ≥ 90 and the four gates are at max.
    let r = rubric();
    let mut rec = Meeting::regular(30, "2025-11").build();
    rec.preparation.draft_resolution = false;
    let s = rubric::score(&r, &rec, &full_sheet(&r, &[("phe_binh", 3.0)]));
    approx(s.total, 91.0);
    assert_eq!(s.level, Level::Tot);
    assert!(s.gates_failed.is_empty());
}

#[test]
fn eighty_seven_points_is_kha_on_points_alone() {
    // phe_binh 0 (−8), held on the 5th instead of the 3rd (−5): 87 → Khá, no gate involved.
    let r = rubric();
    let mut rec = Meeting::regular(30, "2025-11").build();
    rec.started_at = "2025-11-05T08:00".into();
    rec.ended_at = "2025-11-05T09:45".into();
    let s = rubric::score(&r, &rec, &full_sheet(&r, &[("phe_binh", 0.0)]));
    approx(s.total, 87.0);
    assert_eq!(s.level_before_gates_and_caps, Level::Kha);
    assert_eq!(s.level, Level::Kha);
    assert!(reasons(&s, "dung_ngay").contains("held on 2025-11-05, scheduled 2025-11-03"));
}

#[test]
fn an_award_above_the_maximum_is_clamped_and_reported() {
    let r = rubric();
    let s = rubric::score(
        &r,
        &Meeting::regular(30, "2025-11").build(),
        &full_sheet(&r, &[("phe_binh", 9.5)]),
    );
    approx(points(&s, "phe_binh"), 8.0);
    approx(s.total, 100.0);
    assert_eq!(
        s.problems,
        vec![ScoreProblem::PointsAboveMax {
            criterion: "phe_binh".into(),
            awarded: 9.5,
            max: 8.0
        }]
    );
}
