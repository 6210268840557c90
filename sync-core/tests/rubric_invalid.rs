//! Invalid rubric files are rejected with an error naming the problem and the value.

use sync_core::rubric::{Rubric, RubricError};

const GOOD: &str = include_str!("fixtures/rubrics/hd42-shape.toml");

/// The fixture with one substring replaced (the replacement must happen).
fn variant(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "fixture lacks {from:?}");
    GOOD.replacen(from, to, 1)
}

fn rejected(text: &str) -> RubricError {
    Rubric::from_toml(text).expect_err("should be rejected")
}

#[test]
fn the_fixture_itself_is_valid() {
    Rubric::from_toml(GOOD).unwrap();
}

#[test]
fn a_duplicate_criterion_id_is_rejected() {
    let e = rejected(&variant("id = \"cac_buoc\"", "id = \"noi_dung\""));
    assert_eq!(e, RubricError::DuplicateId("noi_dung".into()));
    assert_eq!(e.to_string(), "duplicate id `noi_dung`");
}

#[test]
fn a_criterion_id_equal_to_a_group_id_is_rejected() {
    assert_eq!(
        rejected(&variant("id = \"nguyen_tac_chung\"", "id = \"nguyen_tac\"")),
        RubricError::DuplicateId("nguyen_tac".into())
    );
}

#[test]
fn a_group_max_that_is_not_the_sum_of_its_criteria_is_rejected() {
    let e = rejected(&variant("max = 40", "max = 45"));
    assert_eq!(
        e,
        RubricError::GroupMaxMismatch {
            group: "tien_hanh".into(),
            max: 45.0,
            sum: 40.0
        }
    );
    assert!(
        e.to_string()
            .contains("group `tien_hanh` has max `45` but its criteria sum to `40`"),
        "{e}"
    );
}

#[test]
fn thresholds_that_do_not_descend_are_rejected() {
    let e = rejected(&variant(
        "levels = { tot = 90, kha = 70, trung_binh = 50 }",
        "levels = { tot = 70, kha = 90, trung_binh = 50 }",
    ));
    assert!(
        matches!(e, RubricError::ThresholdsNotDescending { .. }),
        "{e}"
    );
    assert!(matches!(
        rejected(&variant("tot = 90", "tot = 120")),
        RubricError::ThresholdsNotDescending { .. }
    ));
    assert!(matches!(
        rejected(&variant("trung_binh = 50", "trung_binh = 0")),
        RubricError::ThresholdsNotDescending { .. }
    ));
}

#[test]
fn a_gate_naming_an_unknown_criterion_is_rejected() {
    let e = rejected(&variant(
        "criteria = [\"ty_le\", \"thoi_luong\"",
        "criteria = [\"ty_le_du\", \"thoi_luong\"",
    ));
    assert_eq!(
        e.to_string(),
        "gate for `tot` names unknown criterion `ty_le_du`"
    );
}

#[test]
fn a_cap_naming_an_unknown_criterion_is_rejected() {
    let e = rejected(&variant(
        "when = \"any_unexcused_absence\"",
        "when = { criterion_short = \"khong_co\" }",
    ));
    assert_eq!(e.to_string(), "cap names unknown criterion `khong_co`");
}

#[test]
fn bad_dates_and_empty_ranges_are_rejected() {
    let e = rejected(&variant(
        "effective_from = \"2025-10-28\"",
        "effective_from = \"28/10/2025\"",
    ));
    assert_eq!(
        e.to_string(),
        "`effective_from` is not a date `YYYY-MM-DD`: `28/10/2025`"
    );
    let e = rejected(&variant(
        "effective_from = \"2025-10-28\"",
        "effective_from = \"2025-10-28\"\neffective_to = \"2025-01-01\"",
    ));
    assert!(matches!(e, RubricError::EmptyEffectiveRange { .. }), "{e}");
    // A bare TOML date is not accepted: dates are quoted strings.
    assert!(matches!(
        rejected(&variant(
            "effective_from = \"2025-10-28\"",
            "effective_from = 2025-10-28"
        )),
        RubricError::Toml(_)
    ));
}

#[test]
fn bands_listed_worst_first_or_with_two_bounds_are_rejected() {
    let e = rejected(&variant(
        "bands = [{ at_least = 100, points = 5 }, { above = 85, points = 3 }, { points = 0 }]",
        "bands = [{ above = 85, points = 3 }, { at_least = 100, points = 5 }, { points = 0 }]",
    ));
    assert!(
        matches!(&e, RubricError::BadBands { criterion, .. } if criterion == "ty_le"),
        "{e}"
    );
    let e = rejected(&variant(
        "{ above = 85, points = 3 }",
        "{ above = 85, at_least = 90, points = 3 }",
    ));
    assert!(
        e.to_string().contains("sets both `at_least` and `above`"),
        "{e}"
    );
    let e = rejected(&variant(
        "{ at_least = 100, points = 5 }",
        "{ at_least = 100, points = 6 }",
    ));
    assert!(e.to_string().contains("outside 0..=`5`"), "{e}");
    let e = rejected(&variant(
        "{ at_least = \"1/2\", points = 5 }",
        "{ at_least = \"1/0\", points = 5 }",
    ));
    assert!(
        matches!(e, RubricError::Toml(ref m) if m.contains("`1/0`")),
        "{e}"
    );
    let e = rejected(&variant(
        "{ points = 0 }] }\n\n[[groups]]\nid = \"chuan_bi\"",
        "{ points = 0 }, { above = 10, points = 0 }] }\n\n[[groups]]\nid = \"chuan_bi\"",
    ));
    assert!(
        e.to_string().contains("catch-all band 3 must be the last"),
        "{e}"
    );
}

#[test]
fn unknown_fields_kinds_and_facts_are_rejected_by_name() {
    let e = rejected(&variant("bonus_cap = 3", "bonus_cap = 3\nbonus_limit = 4"));
    assert!(
        matches!(&e, RubricError::Toml(m) if m.contains("bonus_limit")),
        "{e}"
    );
    let e = rejected(&variant("\"posted_on_stdvdt\"", "\"posted_on_facebook\""));
    assert!(
        matches!(&e, RubricError::Toml(m) if m.contains("posted_on_facebook")),
        "{e}"
    );
    let e = rejected(&variant("kind = \"duration\"", "kind = \"mood\""));
    assert!(
        matches!(&e, RubricError::Toml(m) if m.contains("mood")),
        "{e}"
    );
    let e = rejected(&variant("at_most = \"kha\"", "at_most = \"xuat_sac\""));
    assert!(
        matches!(&e, RubricError::Toml(m) if m.contains("xuat_sac")),
        "{e}"
    );
}

#[test]
fn ids_versions_maxima_and_meeting_types_are_checked() {
    assert_eq!(
        rejected(&variant("id = \"hd42-shape\"", "id = \"HD 42\"")),
        RubricError::BadId("HD 42".into())
    );
    assert_eq!(
        rejected(&variant("version = 3", "version = 0")),
        RubricError::BadVersion
    );
    assert!(matches!(
        rejected(&variant("max = 2\nrule", "max = -2\nrule")),
        RubricError::BadMax { .. }
    ));
    assert_eq!(
        rejected(&variant(
            "meeting_types = [\"thuong_ky\", \"chuyen_de\", \"ket_hop\"]",
            "meeting_types = []"
        )),
        RubricError::BadMeetingTypes
    );
    assert_eq!(
        rejected(&variant(
            "meeting_types = [\"thuong_ky\", \"chuyen_de\", \"ket_hop\"]",
            "meeting_types = [\"thuong_ky\", \"thuong_ky\"]"
        )),
        RubricError::BadMeetingTypes
    );
}

#[test]
fn roll_up_rules_out_of_order_or_impossible_are_rejected() {
    let e = rejected(&variant(
        "level = \"tot\"\nall_at_least = \"kha\"",
        "level = \"trung_binh\"\nall_at_least = \"kha\"",
    ));
    assert!(e.to_string().contains("best level first"), "{e}");
    let e = rejected(&variant("at_least_count = 7", "at_least_count = 13"));
    assert!(e.to_string().contains("more than 12 months"), "{e}");
    let e = rejected(&variant(
        "missing_month = \"kem\"",
        "missing_month = \"skip\"",
    ));
    assert!(
        matches!(&e, RubricError::Toml(m) if m.contains("skip")),
        "{e}"
    );
}

#[test]
fn garbage_and_wrong_types_are_errors_not_panics() {
    for text in [
        "",
        "\u{0}\u{1}garbage",
        "id = 5",
        "[[groups]]\nmax = \"x\"",
        "levels = 3",
    ] {
        assert!(
            matches!(Rubric::from_toml(text), Err(RubricError::Toml(_))),
            "{text:?}"
        );
    }
    for text in ["", "{", "[]", "{\"id\": 1}", "null"] {
        assert!(
            matches!(Rubric::from_json(text), Err(RubricError::Json(_))),
            "{text:?}"
        );
    }
}

#[test]
fn an_invalid_rubric_cannot_be_built_through_serde_either() {
    let good = Rubric::from_toml(GOOD).unwrap();
    let mut json: serde_json::Value = serde_json::to_value(&good).unwrap();
    json["levels"]["kha"] = serde_json::json!(95);
    assert!(serde_json::from_value::<Rubric>(json).is_err());
}
