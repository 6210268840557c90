//! Presets load, round-trip through JSON and TOML, select by type and date, and scores serialise.

#[path = "support/rubric_support.rs"]
mod support;

use support::*;
use sync_core::record::MeetingType;
use sync_core::rubric::{self, Rubric};

#[test]
fn every_preset_parses_and_is_listed() {
    let ids: Vec<&str> = rubric::presets().iter().map(Rubric::id).collect();
    assert_eq!(ids, ["phu-tho-2019", "binh-thuan", "nghe-an-08-2021"]);
    for r in rubric::presets() {
        approx(r.max(), 100.0);
        assert_eq!(rubric::preset(r.id()).as_ref(), Some(r));
    }
    assert!(rubric::preset("hd42-shape").is_none());
}

#[test]
fn preset_group_weights_and_thresholds_match_the_sources() {
    let weights = |id: &str| -> Vec<f64> {
        rubric::preset(id)
            .unwrap()
            .spec()
            .groups
            .iter()
            .map(|g| g.max)
            .collect()
    };
    assert_eq!(weights("phu-tho-2019"), [15.0, 20.0, 45.0, 20.0]);
    assert_eq!(weights("binh-thuan"), [15.0, 20.0, 45.0, 20.0]);
    assert_eq!(weights("nghe-an-08-2021"), [20.0, 10.0, 45.0, 15.0, 10.0]);
    let levels = |id: &str| {
        let l = rubric::preset(id).unwrap().spec().levels;
        (l.tot, l.kha, l.trung_binh)
    };
    assert_eq!(levels("phu-tho-2019"), (90.0, 70.0, 50.0));
    assert_eq!(levels("binh-thuan"), (90.0, 70.0, 50.0));
    assert_eq!(levels("nghe-an-08-2021"), (80.0, 70.0, 50.0));
    let gates = |id: &str| {
        rubric::preset(id)
            .unwrap()
            .spec()
            .gates
            .iter()
            .flat_map(|g| g.criteria.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        gates("phu-tho-2019"),
        ["ty_le_du_hop", "thoi_luong", "phat_bieu", "bien_ban"]
    );
    assert_eq!(gates("binh-thuan"), gates("phu-tho-2019"));
    assert!(gates("nghe-an-08-2021").is_empty());
    assert_eq!(rubric::preset("phu-tho-2019").unwrap().spec().caps.len(), 3);
}

#[test]
fn rubrics_round_trip_through_json_and_toml() {
    let fixture = Rubric::from_toml(include_str!("fixtures/rubrics/hd42-shape.toml")).unwrap();
    for r in rubric::presets().iter().chain([&fixture]) {
        let json = serde_json::to_string_pretty(r).unwrap();
        assert_eq!(&Rubric::from_json(&json).unwrap(), r, "{}", r.id());
        let toml_text = toml::to_string(r).unwrap();
        assert_eq!(&Rubric::from_toml(&toml_text).unwrap(), r, "{}", r.id());
    }
}

#[test]
fn a_score_serialises_to_json_with_codes_and_reasons() {
    let r = rubric::preset("phu-tho-2019").unwrap();
    let mut m = Meeting::regular(30, "2024-03");
    m.unexcused(1);
    let s = rubric::score(&r, &m.build(), &full_sheet(&r, &[("phe_binh", 9.0)]));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["rubric"], "phu-tho-2019@1");
    assert_eq!(json["level"], "kha");
    assert_eq!(json["level_before_gates_and_caps"], "tot");
    assert_eq!(json["problems"][0]["problem"], "points_above_max");
    assert_eq!(json["caps_applied"][0]["at_most"], "kha");
    let attendance = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ty_le_du_hop")
        .unwrap();
    assert_eq!(attendance["kind"], "attendance");
    assert_eq!(attendance["points"], 12.0);
    assert!(!s.explain().is_empty());
}

#[test]
fn select_picks_by_meeting_type_and_effective_date() {
    let all = rubric::presets();
    let pick = |t: MeetingType, date: &str| rubric::select(all, t, date).map(|r| r.id().to_owned());
    // 2024: Phú Thọ (from 2019) took effect after Bình Thuận (from 2018); Nghệ An 08 had ended.
    assert_eq!(
        pick(MeetingType::ThuongKy, "2024-03-03").as_deref(),
        Some("phu-tho-2019")
    );
    // 2022: Nghệ An 08 (from 15/9/2021) is the latest in effect.
    assert_eq!(
        pick(MeetingType::ThuongKy, "2022-05-03").as_deref(),
        Some("nghe-an-08-2021")
    );
    assert_eq!(
        pick(MeetingType::ChuyenDe, "2022-05-03").as_deref(),
        Some("nghe-an-08-2021")
    );
    // After 26/6/2025 only the open-ended Bình Thuận preset is in effect.
    assert_eq!(
        pick(MeetingType::ThuongKy, "2025-11-03").as_deref(),
        Some("binh-thuan")
    );
    assert_eq!(pick(MeetingType::ChuyenDe, "2025-11-03"), None);
    assert_eq!(pick(MeetingType::ChiUy, "2024-03-03"), None);
    assert_eq!(pick(MeetingType::ThuongKy, "03/11/2025"), None);
    // Boundaries are inclusive.
    assert_eq!(
        pick(MeetingType::ChuyenDe, "2023-10-29").as_deref(),
        Some("nghe-an-08-2021")
    );
    assert_eq!(pick(MeetingType::ChuyenDe, "2023-10-30"), None);
}

#[test]
fn a_newer_version_wins_when_two_take_effect_the_same_day() {
    let v1 = rubric::preset("binh-thuan").unwrap();
    let mut spec = v1.spec().clone();
    spec.version = 2;
    let v2 = Rubric::new(spec).unwrap();
    let both = [v1, v2];
    assert_eq!(
        rubric::select(&both, MeetingType::ThuongKy, "2025-11-03")
            .unwrap()
            .key(),
        "binh-thuan@2"
    );
}

#[test]
fn decomposed_and_homoglyph_titles_are_normalised_on_load() {
    // "Ðảng" with U+00D0 and a decomposed "ả" must load as NFC "Đảng".
    let text = include_str!("fixtures/rubrics/hd42-shape.toml").replacen(
        "title = \"Khung HD 42 (hình dạng, dùng cho kiểm thử)\"",
        "title = \"\u{00D0}a\u{0309}ng\"",
        1,
    );
    let r = Rubric::from_toml(&text).unwrap();
    assert_eq!(r.spec().title, "Đảng");
}
