//! Worked scoring tests for preset `nghe-an-08-2021` (scheme C: 20/10/45/15/10, Tốt ≥ 80,
//! Khá 70, Trung bình 50; no gates or caps in the source). The 4-point thematic criterion
//! `chuyen_de` applies only to chuyên đề / kết hợp meetings: a regular month's maximum is 96.

#[path = "support/rubric_support.rs"]
mod support;

use support::*;
use sync_core::record::MeetingType;
use sync_core::rubric::{self, Level, ScoreProblem};

fn rubric() -> rubric::Rubric {
    rubric::preset("nghe-an-08-2021").unwrap()
}

#[test]
fn in_a_regular_month_the_thematic_criterion_drops_out_and_96_of_96_is_tot() {
    let r = rubric();
    let s = rubric::score(
        &r,
        &Meeting::regular(30, "2022-05").build(),
        &full_sheet(&r, &[]),
    );
    approx(s.max, 100.0);
    approx(s.applicable_max, 96.0);
    approx(s.total, 96.0);
    approx(s.percent, 100.0);
    assert_eq!(s.level, Level::Tot);
    let thematic = s.criteria.iter().find(|c| c.id == "chuyen_de").unwrap();
    assert!(!thematic.applicable);
    assert!(
        thematic.reasons[0].contains("only for chuyen_de/ket_hop"),
        "{:?}",
        thematic.reasons
    );
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_every_lost_point_explained(&s);
}

#[test]
fn seventy_seven_of_96_is_80_2_percent_and_tot_where_77_of_100_would_be_kha() {
    // phe_binh 1 of 10 (−9), nguyen_tac_khac 0 of 5 (−5), held on the 4th (−5):
    // 96 − 19 = 77; 77 / 96 = 80.21% ≥ 80 → Tốt (on a 100 maximum it would be Khá).
    let r = rubric();
    let mut rec = Meeting::regular(30, "2022-05").build();
    rec.started_at = "2022-05-04T08:00".into();
    rec.ended_at = "2022-05-04T09:45".into();
    let s = rubric::score(
        &r,
        &rec,
        &full_sheet(&r, &[("phe_binh", 1.0), ("nguyen_tac_khac", 0.0)]),
    );
    approx(s.total, 77.0);
    approx(s.percent, 77.0 / 96.0 * 100.0);
    assert_eq!(s.level, Level::Tot);
}

#[test]
fn a_thematic_meeting_counts_the_thematic_criterion_out_of_100() {
    // chuyên đề, 95 min (minimum 90), chuyen_de awarded 2 of 4: 98 of 100 → Tốt.
    let r = rubric();
    let mut m = Meeting::regular(30, "2022-06");
    m.kind(MeetingType::ChuyenDe).lasting(95);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[("chuyen_de", 2.0)]));
    approx(s.applicable_max, 100.0);
    approx(s.total, 98.0);
    assert_eq!(s.level, Level::Tot);
    assert!(reasons(&s, "chuyen_de").contains("2 of 4"));
}

#[test]
fn an_unexcused_absence_drops_attendance_to_the_lowest_band_but_nothing_caps_the_level() {
    // 29/30 = 96.7% would be 8 of 10; one unexcused absence → lowest band → 0.
    // 86 / 96 = 89.6% ≥ 80 → Tốt: scheme C has no gate or cap (unlike A and B).
    let r = rubric();
    let mut m = Meeting::regular(30, "2022-05");
    m.unexcused(1);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(points(&s, "ty_le_du_hop"), 0.0);
    approx(s.total, 86.0);
    assert_eq!(s.level, Level::Tot);
    assert!(s.gates_failed.is_empty() && s.caps_applied.is_empty());
    let why = reasons(&s, "ty_le_du_hop");
    assert!(
        why.contains("lowest band: 0 of 10") && why.contains("vắng không lý do"),
        "{why}"
    );
}

#[test]
fn sixty_six_of_96_is_trung_binh() {
    // phe_binh 0 (−10), nguyen_tac_khac 0 (−5), 5 speakers of 30 (−10), 80 min (−5): 96 − 30 = 66
    // → 68.75% → Trung bình.
    let r = rubric();
    let mut m = Meeting::regular(30, "2022-05");
    m.speakers(5).lasting(80);
    let s = rubric::score(
        &r,
        &m.build(),
        &full_sheet(&r, &[("phe_binh", 0.0), ("nguyen_tac_khac", 0.0)]),
    );
    approx(s.total, 66.0);
    assert_eq!(s.level, Level::TrungBinh);
    assert_every_lost_point_explained(&s);
}

#[test]
fn awarding_the_thematic_criterion_in_a_regular_month_is_reported_and_ignored() {
    let r = rubric();
    let s = rubric::score(
        &r,
        &Meeting::regular(30, "2022-05").build(),
        &full_sheet(&r, &[("chuyen_de", 4.0), ("phe_binh", 15.0)]),
    );
    approx(s.total, 96.0);
    assert!(s.problems.contains(&ScoreProblem::NotApplicable {
        criterion: "chuyen_de".into()
    }));
    assert!(s.problems.contains(&ScoreProblem::PointsAboveMax {
        criterion: "phe_binh".into(),
        awarded: 15.0,
        max: 10.0
    }));
}
