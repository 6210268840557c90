//! The `server rubric ...` and `server score ...` commands, run as a user would run them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .output()
        .expect("the server binary runs")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/meeting-2025-11.json")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn rubric_list_names_every_preset() {
    let list = json(&server(&["rubric", "list", "--json"]));
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["phu-tho-2019", "binh-thuan", "nghe-an-08-2021"]);
}

#[test]
fn rubric_show_prints_groups_thresholds_gates_and_caps() {
    let rubric = json(&server(&["rubric", "show", "phu-tho-2019", "--json"]));
    let weights: Vec<f64> = rubric["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["max"].as_f64().unwrap())
                .sum()
        })
        .collect();
    assert_eq!(weights, [15.0, 20.0, 45.0, 20.0]);
    assert!(!rubric["gates"].as_array().unwrap().is_empty());
    assert!(!rubric["caps"].as_array().unwrap().is_empty());
}

#[test]
fn scoring_the_november_minutes_gives_total_level_and_reasons() {
    let file = fixture();
    let report = json(&server(&[
        "score",
        "--rubric",
        "phu-tho-2019",
        file.to_str().unwrap(),
        "--json",
    ]));
    let score = &report["score"];
    // 15 preparation + 14 attendance (11 of 12 expected = 91.7%: the ≥ 90% band) + 37 of 45
    // (criticism is awarded by the scorer and not scored yet: 0 of 8) + 20 closing = 86.
    assert_eq!(score["total"], 86.0);
    assert_eq!(score["level"], "kha");
    let attendance = score["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ty_le_du_hop")
        .unwrap();
    assert_eq!(attendance["points"], 14.0);
    assert!(attendance["reasons"][0].as_str().unwrap().contains("11/12"));
    assert_eq!(
        report["validation"].as_array().unwrap().len(),
        0,
        "{report}"
    );
}

#[test]
fn a_record_with_a_wrong_type_exits_with_2_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
    record["attendance"]["m3"]["lateMin"] = serde_json::json!("mười phút");
    let path = dir.path().join("bad.json");
    std::fs::write(&path, record.to_string()).unwrap();

    let out = server(&["score", "--rubric", "phu-tho-2019", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("attendance.m3.lateMin"), "{stderr}");
}

#[test]
fn garbage_and_unknown_rubrics_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.json");
    std::fs::write(&path, [0xff, 0x00, 0x13]).unwrap();
    assert_eq!(
        server(&["score", path.to_str().unwrap()]).status.code(),
        Some(2)
    );

    let file = fixture();
    let out = server(&[
        "score",
        "--rubric",
        "no-such-rubric",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rubric"));
}

#[test]
fn without_a_rubric_the_preset_in_force_on_the_meeting_date_is_used() {
    let file = fixture();
    let report = json(&server(&["score", file.to_str().unwrap(), "--json"]));
    // Phú Thọ's bloc was merged in June 2025, so a November 2025 meeting gets Bình Thuận.
    assert_eq!(report["score"]["rubric"], "binh-thuan@1");
}
