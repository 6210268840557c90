//! The engine expresses the shapes of domain.md §9, proven with the test rubric
//! `fixtures/rubrics/hd42-shape.toml` (the 7-group 5/5/10/40/5/30/5 shape attributed to HD 42;
//! not a preset): duration minima by cell size, a thematic-only criterion, bonus points with a
//! cap, the lowest-band attendance rule.

#[path = "support/rubric_support.rs"]
mod support;

use support::*;
use sync_core::record::MeetingType;
use sync_core::rubric::{self, Level, Rubric};

fn hd42() -> Rubric {
    Rubric::from_toml(include_str!("fixtures/rubrics/hd42-shape.toml")).unwrap()
}

#[test]
fn the_hd42_shape_has_seven_groups_5_5_10_40_5_30_5_and_a_bonus_group() {
    let r = hd42();
    let scored: Vec<f64> = r
        .spec()
        .groups
        .iter()
        .filter(|g| !g.bonus)
        .map(|g| g.max)
        .collect();
    assert_eq!(scored, vec![5.0, 5.0, 10.0, 40.0, 5.0, 30.0, 5.0]);
    approx(r.max(), 100.0);
    assert_eq!(r.key(), "hd42-shape@3");
    assert!(rubric::presets().iter().all(|p| p.id() != "hd42-shape"));
}

#[test]
fn a_small_cell_meets_its_shorter_minimum_where_a_large_cell_does_not() {
    // 70 minutes. Cell of 8 members: minimum 60 → thoi_luong 3 of 3. Cell of 30: minimum 90 →
    // 0 of 3, and the duration gate blocks Tốt.
    let r = hd42();
    let mut small = Meeting::regular(8, "2025-12");
    small.lasting(70).speakers(4);
    let s = rubric::score(&r, &small.build(), &full_sheet(&r, &[]));
    approx(points(&s, "thoi_luong"), 3.0);

    let mut large = Meeting::regular(30, "2025-12");
    large.lasting(70).speakers(15);
    let s = rubric::score(&r, &large.build(), &full_sheet(&r, &[]));
    approx(points(&s, "thoi_luong"), 0.0);
    assert!(
        reasons(&s, "thoi_luong").contains("70 min < minimum 90 min"),
        "{}",
        reasons(&s, "thoi_luong")
    );
    assert_eq!(s.level, Level::Kha);
}

#[test]
fn a_small_cells_combined_session_uses_its_own_combined_minimum() {
    // 8 members, kết hợp, 100 min: small-cell ket_hop minimum 90 → full; the thematic criterion
    // applies (awarded 5): applicable max 100.
    let r = hd42();
    let mut m = Meeting::regular(8, "2025-12");
    m.kind(MeetingType::KetHop).lasting(100).speakers(4);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[("chuyen_de", 5.0)]));
    approx(points(&s, "thoi_luong"), 3.0);
    approx(s.applicable_max, 100.0);
    approx(s.total, 100.0);
}

#[test]
fn bonus_points_are_capped_and_lift_a_regular_month_from_kha_to_tot() {
    // Regular month: chuyen_de (5) drops out → applicable max 95.
    // ket_qua_thuc_hien 9 of 20 (−11) → base 84; 84/95 = 88.4% → Khá without bonus.
    // Bonus: so_tay 2 (materials posted on the e-handbook) + khen 3 = 5, capped at 3 → total 87;
    // 87/95 = 91.6% → Tốt; gates hold (attendance, duration, 15/30 speakers = 1/2, minutes).
    let r = hd42();
    let mut m = Meeting::regular(30, "2025-12");
    m.speakers(15);
    let s = rubric::score(
        &r,
        &m.build(),
        &full_sheet(&r, &[("ket_qua_thuc_hien", 9.0), ("khen", 3.0)]),
    );
    approx(s.applicable_max, 95.0);
    approx(s.bonus, 3.0);
    approx(s.total, 87.0);
    approx(s.percent, 87.0 / 95.0 * 100.0);
    assert_eq!(s.level, Level::Tot);
    let bonus_group = s.groups.iter().find(|g| g.id == "thuong").unwrap();
    approx(bonus_group.points, 5.0);

    let without = rubric::score(
        &r,
        &{
            let mut rec = m.build();
            rec.preparation.posted_on_stdvdt = false;
            rec
        },
        &full_sheet(&r, &[("ket_qua_thuc_hien", 9.0), ("khen", 0.0)]),
    );
    // Without the e-handbook posting, chuan_bi_day_du still has its 5 facts (posting is not one):
    // base 84, bonus 0 → 88.4% → Khá.
    approx(without.total, 84.0);
    assert_eq!(without.level, Level::Kha);
}

#[test]
fn bonus_never_pushes_the_total_above_the_applicable_maximum() {
    let r = hd42();
    let mut m = Meeting::regular(30, "2025-12");
    m.speakers(15);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[("khen", 3.0)]));
    approx(s.total, 95.0);
    approx(s.percent, 100.0);
}

#[test]
fn any_unexcused_absence_puts_attendance_in_the_lowest_band_and_caps_at_kha() {
    // 29/30 > 85% would be 3 of 5; unexcused → lowest band 0. Base 95 − 5 = 90, plus the bonus
    // (so_tay 2 + khen 3 = 5, capped at 3) = 93 of 95 = 97.9% → Tốt by points; the cap → Khá.
    let r = hd42();
    let mut m = Meeting::regular(30, "2025-12");
    m.speakers(15).unexcused(1);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[]));
    approx(points(&s, "ty_le"), 0.0);
    approx(s.bonus, 3.0);
    approx(s.total, 93.0);
    assert_eq!(s.level_before_gates_and_caps, Level::Tot);
    assert_eq!(s.level, Level::Kha);
    assert_every_lost_point_explained(&s);
}

#[test]
fn proportional_facts_explain_each_missing_fact() {
    // chuan_bi_day_du: 5 facts, 2 points each; chi ủy did not meet and no draft → 6 of 10.
    let r = hd42();
    let mut rec = Meeting::regular(30, "2025-12").build();
    rec.preparation.chi_uy_meeting_date.clear();
    rec.preparation.draft_resolution = false;
    let s = rubric::score(&r, &rec, &full_sheet(&r, &[]));
    approx(points(&s, "chuan_bi_day_du"), 6.0);
    let why = reasons(&s, "chuan_bi_day_du");
    assert!(
        why.contains("họp chi ủy trước (−2)") || why.contains("chi ủy pre-meeting date"),
        "{why}"
    );
    assert!(
        why.contains("dự thảo nghị quyết") && why.contains("3 of 5 facts present: 6 of 10"),
        "{why}"
    );
}
