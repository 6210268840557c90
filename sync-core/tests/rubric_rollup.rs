//! Yearly roll-up: Phú Thọ's rule (all ≥ Khá and ≥ 7 Tốt), counts left unset, missing months.

use sync_core::rubric::{self, Level, MonthDue, Rubric, rollup_year, rollup_year_due};

use Level::{Kem, Kha, Tot, TrungBinh};

/// Twelve months of 2024 with these levels.
fn year(levels: [Option<Level>; 12]) -> Vec<(String, Option<Level>)> {
    levels
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("2024-{:02}", i + 1), *l))
        .collect()
}

fn phu_tho() -> Rubric {
    rubric::preset("phu-tho-2019").unwrap()
}

fn hd42() -> Rubric {
    Rubric::from_toml(include_str!("fixtures/rubrics/hd42-shape.toml")).unwrap()
}

#[test]
fn seven_tot_and_five_kha_make_a_tot_year() {
    let months = year([
        Some(Tot),
        Some(Tot),
        Some(Kha),
        Some(Tot),
        Some(Tot),
        Some(Kha),
        Some(Tot),
        Some(Kha),
        Some(Tot),
        Some(Kha),
        Some(Tot),
        Some(Kha),
    ]);
    let y = rollup_year(&phu_tho(), &months);
    assert_eq!(y.level, Some(Tot));
    assert_eq!(y.year, Some(2024));
    assert_eq!(y.counts.get(&Tot), Some(&7));
    assert_eq!(y.undetermined, None);
}

#[test]
fn six_tot_fail_the_tot_count_and_the_unset_kha_count_leaves_the_year_undetermined() {
    let months = year([
        Some(Tot),
        Some(Tot),
        Some(Kha),
        Some(Tot),
        Some(Tot),
        Some(Kha),
        Some(Tot),
        Some(Kha),
        Some(Kha),
        Some(Kha),
        Some(Tot),
        Some(Kha),
    ]);
    let y = rollup_year(&phu_tho(), &months);
    assert_eq!(y.level, None);
    assert!(
        y.reasons[0].contains("needs ≥ 7 months ≥ Tốt, has 6"),
        "{:?}",
        y.reasons
    );
    let why = y.undetermined.unwrap();
    assert!(
        why.starts_with("undetermined: rule count not configured"),
        "{why}"
    );
    // The same, as data: Khá's rule has no count; all twelve months are Khá or better.
    let last = serde_json::to_value(y.notes.last().unwrap()).unwrap();
    assert_eq!(
        last,
        serde_json::json!({"kind": "count_not_configured", "level": "kha", "count_level": "kha", "have": 12})
    );
    assert_eq!(y.notes.last().unwrap().english(), why);
}

#[test]
fn a_missing_month_counts_as_kem_and_breaks_both_phu_tho_rules() {
    // Eleven Tốt months and no meeting in August: August counts as Kém, so neither "all ≥ Khá"
    // nor "all ≥ Trung bình" holds, and Phú Thọ configures nothing below: undetermined.
    let mut levels = [Some(Tot); 12];
    levels[7] = None;
    let y = rollup_year(&phu_tho(), &year(levels));
    assert_eq!(y.months[7].counted_as, Some(Kem));
    assert_eq!(y.level, None);
    assert!(
        y.reasons[0].contains("2024-08 missing → Kém"),
        "{:?}",
        y.reasons
    );
    assert!(y.undetermined.unwrap().contains("no `otherwise` level"));
}

#[test]
fn months_not_listed_at_all_are_missing_too() {
    // Only Jan–Oct given, all Tốt; Nov and Dec count as Kém → hd42 fixture: not Tốt, not Khá
    // (all ≥ TB fails), Trung bình needs ≥ 6 months ≥ TB: 10 → Trung bình.
    let months: Vec<(String, Option<Level>)> = (1..=10)
        .map(|m| (format!("2024-{m:02}"), Some(Tot)))
        .collect();
    let y = rollup_year(&hd42(), &months);
    assert_eq!(y.months.len(), 12);
    assert_eq!(y.counts.get(&Kem), Some(&2));
    assert_eq!(y.level, Some(TrungBinh));
}

#[test]
fn months_the_cell_did_not_owe_are_left_out_and_future_ones_make_the_year_provisional() {
    // Founded in March (Jan–Feb not expected), seen in early November (Dec still to come),
    // no meeting in June: only June counts against the cell.
    let mut levels = [Some(Tot); 12];
    for m in [0, 1, 5, 11] {
        levels[m] = None;
    }
    let due = |m: u32| match m {
        1 | 2 => MonthDue::NotExpected,
        12 => MonthDue::Future,
        _ => MonthDue::Due,
    };
    let y = rollup_year_due(&hd42(), &year(levels), due);
    assert_eq!(y.counts.get(&Kem), Some(&1), "{:?}", y.months);
    assert_eq!(y.months[0].counted_as, None);
    assert_eq!(y.months[5].counted_as, Some(Kem));
    assert_eq!(y.months[11].counted_as, None);
    assert!(y.provisional);
    assert!(
        y.reasons.iter().any(|r| r.contains("2024-01, 2024-02")),
        "{:?}",
        y.reasons
    );
    // Every month due and held: not provisional, and a meeting in a month not due still counts.
    let held = rollup_year_due(&hd42(), &year([Some(Tot); 12]), |m| {
        if m == 1 {
            MonthDue::NotExpected
        } else {
            MonthDue::Due
        }
    });
    assert!(!held.provisional);
    assert_eq!(held.counts.get(&Tot), Some(&12));
    assert_eq!(held.level, Some(Tot));
}

#[test]
fn a_fully_configured_rule_decides_every_year() {
    let r = hd42();
    // 7 Tốt + 5 Khá → Tốt.
    let tot = year([
        Some(Tot),
        Some(Tot),
        Some(Tot),
        Some(Tot),
        Some(Tot),
        Some(Tot),
        Some(Tot),
        Some(Kha),
        Some(Kha),
        Some(Kha),
        Some(Kha),
        Some(Kha),
    ]);
    assert_eq!(rollup_year(&r, &tot).level, Some(Tot));
    // One Trung bình month → not Tốt (a month below Khá); Khá: all ≥ TB and 11 months ≥ Khá.
    let mut kha = tot.clone();
    kha[0].1 = Some(TrungBinh);
    assert_eq!(rollup_year(&r, &kha).level, Some(Kha));
    // A Kém month: not Tốt, not Khá; Trung bình: 11 months ≥ TB ≥ 6.
    kha[1].1 = Some(Kem);
    assert_eq!(rollup_year(&r, &kha).level, Some(TrungBinh));
    // Mostly Kém: otherwise → Kém.
    let kem = year([Some(Kem); 12]);
    let y = rollup_year(&r, &kem);
    assert_eq!(y.level, Some(Kem));
    assert!(y.reasons.last().unwrap().contains("no rule holds"));
}

#[test]
fn missing_months_can_be_configured_to_be_ignored() {
    let text = include_str!("fixtures/rubrics/hd42-shape.toml")
        .replace("missing_month = \"kem\"", "missing_month = \"ignore\"");
    let r = Rubric::from_toml(&text).unwrap();
    let months: Vec<(String, Option<Level>)> = (1..=7)
        .map(|m| (format!("2024-{m:02}"), Some(Tot)))
        .collect();
    let y = rollup_year(&r, &months);
    assert_eq!(y.months[11].counted_as, None);
    assert_eq!(y.level, Some(Tot));
}

#[test]
fn presets_without_a_yearly_rule_say_so() {
    let y = rollup_year(
        &rubric::preset("binh-thuan").unwrap(),
        &year([Some(Tot); 12]),
    );
    assert_eq!(y.level, None);
    assert_eq!(
        y.undetermined.as_deref(),
        Some("undetermined: rubric has no yearly roll-up rule")
    );
}

#[test]
fn malformed_foreign_and_repeated_periods_are_reported_and_ignored() {
    let months = vec![
        ("2024-01".to_owned(), Some(Tot)),
        ("2024-13".to_owned(), Some(Tot)),
        ("tháng 2".to_owned(), Some(Tot)),
        ("2023-05".to_owned(), Some(Kem)),
        ("2024-01".to_owned(), Some(Kem)),
    ];
    let y = rollup_year(&hd42(), &months);
    assert_eq!(y.problems.len(), 4, "{:?}", y.problems);
    assert_eq!(y.months[0].level, Some(Tot));
    let empty: Vec<(String, Option<Level>)> = Vec::new();
    assert_eq!(
        rollup_year(&hd42(), &empty).undetermined.as_deref(),
        Some("no valid month given")
    );
}

#[test]
fn the_roll_up_serialises_with_level_codes() {
    let y = rollup_year(&phu_tho(), &year([Some(Tot); 12]));
    let json = serde_json::to_value(&y).unwrap();
    assert_eq!(json["level"], "tot");
    assert_eq!(json["counts"]["tot"], 12);
    assert_eq!(json["rubric"], "phu-tho-2019@1");
}

#[test]
fn each_reason_is_also_given_as_data_a_client_can_word_in_its_own_language() {
    // Eleven Tốt months, August missing (counts as Kém), December still to come.
    let mut levels = [Some(Tot); 12];
    levels[7] = None;
    levels[11] = None;
    let y = rollup_year_due(&hd42(), &year(levels), |m| {
        if m == 12 {
            MonthDue::Future
        } else {
            MonthDue::Due
        }
    });
    assert_eq!(y.notes.len(), y.reasons.len());
    for (note, reason) in y.notes.iter().zip(&y.reasons) {
        assert_eq!(&note.english(), reason);
    }
    let json = serde_json::to_value(&y.notes).unwrap();
    assert_eq!(json[0]["kind"], "below", "{json}");
    assert_eq!(json[0]["level"], "tot");
    assert_eq!(json[0]["months"][0]["period"], "2024-08");
    assert_eq!(json[0]["months"][0]["counted_as"], "kem");
    let last = &json[json.as_array().unwrap().len() - 1];
    assert_eq!(last["kind"], "provisional");
    assert_eq!(last["months"], serde_json::json!(["2024-12"]));
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|n| ["holds", "otherwise", "too_few"].contains(&n["kind"].as_str().unwrap())),
        "{json}"
    );
}
