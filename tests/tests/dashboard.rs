//! Browser tests of the committee dashboard (`/dashboard/`): the real server in-process with
//! the demo province projected, and headless Debian Chromium driven by playwright-core
//! (`tests/browser/dashboard_*.mjs`). Needs `/usr/bin/chromium` (or `CHROMIUM`) and
//! `tests/browser/node_modules`. Screenshots (and the minutes PDF) go to
//! `target/browser-screenshots/`.

use e2e::browser::{ONE_BROWSER_AT_A_TIME, Ratings, demo_server, run_script};
use serde_json::Value;
use server::ratings::queries;
use sync_core::doc::MeetingDoc;
use sync_core::record::ReviewStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committee_member_sees_the_heatmap_drills_down_and_confirms_a_meeting_from_the_queue() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (db, server) = demo_server(Ratings::ProjectedFirst).await;
    let out = run_script("dashboard_review.mjs", server.port, &[]).await;

    assert!(out["rows"].as_u64().unwrap_or(0) > 0, "{out}");
    // The unit filter names the committees the member may read (from `/api/v1/units`).
    assert_eq!(
        out["units"],
        serde_json::json!([{ "code": "du-hoa-lu", "name": "Đảng ủy phường Hoa Lư" }]),
        "{out}"
    );
    let states: Vec<&str> = out["states"]
        .as_array()
        .expect("states")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(states.contains(&"unconfirmed"), "{states:?}");
    assert_eq!(out["charts"], 2, "level distribution and self vs committee");
    assert_eq!(out["exportLinks"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        out["cellMonths"], out["heatRow"],
        "the cell's year shows its months as its heatmap row does"
    );
    assert_eq!(out["cellMonths"].as_array().map(Vec::len), Some(12));
    // The year's level comes with its reasons, worded in Vietnamese from the API's notes.
    let notes = out["rollupNotes"].as_array().expect("rollupNotes");
    assert!(!notes.is_empty(), "{out}");
    for note in notes {
        let text = note["text"].as_str().unwrap_or_default();
        assert!(!text.is_empty() && text != note["kind"], "{note}");
        for english in ["month", "every", "needs", "holds", "provisional"] {
            assert!(!text.contains(english), "English left in {note}");
        }
        if note["kind"] == "provisional" {
            assert!(
                text.starts_with("Tạm tính, các tháng chưa đến: tháng "),
                "{note}"
            );
        }
    }
    assert!(out["scoreRows"].as_u64().unwrap_or(0) > 0);
    assert!(out["queued"].as_u64().unwrap_or(0) > 0);
    assert_eq!(out["before"]["state"], "unconfirmed", "{out}");
    assert_eq!(out["after"]["state"], "rated", "{out}");
    assert_ne!(out["after"]["level"], "", "{out}");
    assert_ne!(out["official"], "–");
    assert_eq!(out["englishTitle"], "Meeting quality by month");
    assert!(
        out["overflow"].as_i64().unwrap_or(i64::MAX) <= 0,
        "no page-wide horizontal scroll at 360 px: {}",
        out["overflow"]
    );

    // The stored document holds the committee's points and status, written by a registered
    // actor of the member's device (no authorship violation), and the rows rate it.
    let doc_id = out["docId"].as_str().expect("docId").to_owned();
    let stored = server
        .store
        .load_document(&doc_id)
        .await
        .expect("the store reads")
        .expect("the meeting is stored");
    let record = MeetingDoc::load(&stored.chunks.concat())
        .expect("loads")
        .record()
        .expect("reads");
    assert_eq!(record.status, ReviewStatus::DaXacNhan);
    for (criterion, points) in out["awarded"].as_object().expect("awarded") {
        assert_eq!(
            record.superior_score.awarded.get(criterion).copied(),
            points.as_f64()
        );
    }
    let pool = db.pool();
    let explained = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("a connection");
        queries::score_explanation(&mut conn, &doc_id).expect("the rows read")
    })
    .await
    .expect("query task")
    .expect("projected");
    assert!(explained.score.official_level.is_some());
    assert!(
        explained.problems.iter().all(|p| p.source != "violation"),
        "{:?}",
        explained.problems
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printable_minutes_render_in_the_party_layout_and_print_to_pdf() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (db, server) = demo_server(Ratings::ProjectedFirst).await;
    let pool = db.pool();
    let doc_id = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("a connection");
        queries::queue(&mut conn, Some("du-hoa-lu")).expect("the queue reads")[0]
            .doc_id
            .clone()
    })
    .await
    .expect("query task");
    let out = run_script("dashboard_print.mjs", server.port, &[&doc_id]).await;
    let texts = &out["texts"];
    let text = |k: &str| texts[k].as_str().unwrap_or_default().to_owned();
    assert!(text("right").contains("ĐẢNG CỘNG SẢN VIỆT NAM"), "{texts}");
    assert!(text("right").contains("ngày") && text("right").contains("tháng"));
    assert!(text("left").contains("CHI BỘ") && text("left").contains("Số"));
    assert_eq!(text("title"), "BIÊN BẢN SINH HOẠT CHI BỘ");
    assert!(text("signatures").contains("CHỦ TRÌ") && text("signatures").contains("THƯ KÝ"));
    assert!(texts["sections"].as_array().map_or(0, Vec::len) >= 5);
    assert_eq!(out["pdfMagic"], "%PDF-");
    assert!(out["pdfBytes"].as_u64().unwrap_or(0) > 10_000, "{out}");
    assert_eq!(out["navHidden"], true, "the navigation does not print");
    server.stop().await;
}
