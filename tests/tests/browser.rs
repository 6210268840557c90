//! Browser tests of the field app: the real server in-process with the demo data set, and
//! headless Debian Chromium driven by playwright-core (`tests/browser/*.mjs`). Needs
//! `/usr/bin/chromium` (or `CHROMIUM`) and `tests/browser/node_modules` (scripts/test-all.sh
//! installs both). Screenshots go to `target/browser-screenshots/`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use e2e::browser::{ONE_BROWSER_AT_A_TIME, Ratings, demo_server, repo_root, run_script};
use e2e::server::TestServer;
use serde_json::Value;
use sync_core::doc::{MeetingDoc, RosterDoc};
use sync_core::record::{AttendanceStatus, MeetingRecord, ReviewStatus};
use sync_core::rubric;

/// The record of a document as the server stored it.
async fn stored_record(server: &TestServer, doc_id: &str) -> Option<MeetingRecord> {
    let stored = server
        .store
        .load_document(doc_id)
        .await
        .expect("the store reads")?;
    let doc = MeetingDoc::load(&stored.chunks.concat()).expect("the stored document loads");
    Some(doc.record().expect("the stored record reads"))
}

/// What `server score --json` computes for a record (normalise, pick the preset that applies
/// on the day held, score the self sheet, validate).
fn server_score(record: &MeetingRecord) -> Value {
    let mut record = record.clone();
    record.normalize_text();
    let date = record
        .held_on()
        .map(str::to_owned)
        .unwrap_or_else(|| record.scheduled_date.clone());
    let rubric =
        rubric::select(rubric::presets(), record.meeting_type, &date).expect("a preset applies");
    serde_json::json!({
        "sheet": "self",
        "score": rubric::score(rubric, &record, &record.self_score),
        "validation": sync_core::validate::validate(&record),
    })
}

/// JSON with every number as an f64 (and −0 as 0): JS prints `100` where serde prints `100.0`.
fn numbers_as_f64(value: &Value) -> Value {
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64().map(|x| x + 0.0)),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), numbers_as_f64(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_made_offline_reaches_the_server_and_scores_as_the_server_does() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let out = run_script("offline_meeting.mjs", server.port, &["2026-12"]).await;
    let doc_id = out["docId"].as_str().expect("docId");
    assert_eq!(
        doc_id,
        MeetingDoc::regular_genesis("du-hoa-lu-cb01", "2026-12")
            .expect("genesis")
            .0
            .to_string(),
        "the browser derived the same id as Rust"
    );
    let stored =
        e2e::server::eventually("the meeting on the server", Duration::from_secs(10), || {
            let server = &server;
            async move {
                stored_record(server, doc_id)
                    .await
                    .filter(|r| r.status == ReviewStatus::DaGui)
            }
        })
        .await;
    let browser_record: MeetingRecord =
        serde_json::from_value(out["record"].clone()).expect("the browser's record parses");
    assert_eq!(
        stored, browser_record,
        "the server has exactly what the phone had"
    );
    assert!(stored.attendance.len() >= 2 && !stored.contributions.is_empty());
    // The roster was prefilled offline from the cell's roster document, which the server keeps
    // equal to the members on record: every member, under their member code and name.
    let on_record = {
        let mut conn = server.store.pool().get().expect("a connection");
        let today = chrono::Utc::now().date_naive();
        server::org::people::members_of(&mut conn, "du-hoa-lu-cb01", today).expect("members")
    };
    assert!(!on_record.is_empty());
    // A residential cell's agenda template, from sync-core through the wasm.
    assert_eq!(
        stored.agenda,
        sync_core::record::agenda_template(sync_core::record::CellType::ThonToDanPho)
    );
    for member in &on_record {
        let entry = stored.roster.get(&member.person.member_code);
        assert_eq!(
            entry.map(|e| e.full_name.as_str()),
            Some(member.person.name.full().as_str()),
            "{} is on the new meeting's roster",
            member.person.member_code
        );
    }
    assert_eq!(stored.tasks.len(), 1);
    // (3) the score the app showed and computed equals the server's for the same record.
    let expected = server_score(&stored);
    assert_eq!(
        numbers_as_f64(&out["report"]),
        numbers_as_f64(&expected),
        "wasm score == server score"
    );
    assert_eq!(
        out["shown"]["total"].as_f64(),
        expected["score"]["total"].as_f64()
    );
    eprintln!(
        "time to interactive offline: {} ms; storage: {}",
        out["ttiOfflineMs"], out["storage"]
    );
    server.stop().await;
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Whether `key` of `obj` in `doc` is a scalar string (`Some(true)`), Text (`Some(false)`).
fn is_scalar_str(doc: &automerge::AutoCommit, obj: &automerge::ObjId, key: &str) -> Option<bool> {
    use automerge::{ReadDoc, Value};
    match doc.get(obj, key).ok()??.0 {
        Value::Scalar(s) => Some(matches!(s.as_ref(), automerge::ScalarValue::Str(_))),
        Value::Object(automerge::ObjType::Text) => Some(false),
        Value::Object(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_edit_functions_and_sync_cores_typed_ops_give_the_same_records() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    use automerge::ReadDoc;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let corpus = repo_root().join("sync-core/tests/fixtures/op-corpus");
    let out = run_script(
        "op_corpus.mjs",
        server.port,
        &[corpus.to_str().expect("utf-8 path")],
    )
    .await;
    let files = out.as_array().expect("one result per corpus file");
    assert!(files.len() >= 2);
    for file in files {
        let name = file["name"].as_str().expect("name");
        let spec: Value = serde_json::from_str(
            &std::fs::read_to_string(corpus.join(name)).expect("the corpus file"),
        )
        .expect("JSON");
        let cell = spec["cell"].as_str().expect("cell");
        let period = spec["period"].as_str().expect("period");
        let (id, genesis) = MeetingDoc::regular_genesis(cell, period).expect("genesis");
        assert_eq!(file["wasmId"], id.to_string(), "{name}: wasm id == Rust id");
        assert_eq!(
            file["rosterWasmId"],
            RosterDoc::genesis(cell)
                .expect("roster genesis")
                .0
                .to_string(),
            "{name}: the roster's wasm id == Rust id"
        );
        assert_eq!(
            file["serverId"],
            id.to_string(),
            "{name}: served id == Rust id"
        );
        assert_eq!(
            base64_decode(file["genesis"].as_str().expect("b64")),
            genesis
        );
        assert_eq!(
            base64_decode(file["genesisResaved"].as_str().expect("b64")),
            genesis,
            "{name}: JS automerge re-saves the genesis byte for byte"
        );
        let mut rust = MeetingDoc::load(&genesis).expect("genesis loads");
        let ops: Vec<sync_core::doc::MeetingOp> =
            serde_json::from_value(spec["ops"].clone()).expect("ops");
        for op in &ops {
            rust.apply(op).expect("the op applies in Rust");
        }
        let js = MeetingDoc::load(&base64_decode(file["doc"].as_str().expect("b64")))
            .expect("the browser's document loads in Rust");
        assert_eq!(
            js.record().expect("JS record"),
            rust.record().expect("Rust record"),
            "{name}: same record from the app's edits and the typed ops"
        );
        let browser_view: MeetingRecord =
            serde_json::from_value(file["record"].clone()).expect("the browser's view parses");
        assert_eq!(
            browser_view,
            rust.record().expect("Rust record"),
            "{name}: browser view"
        );
        // The JS side wrote scalars where SCHEMA.md says scalar and Text where it says Text.
        let doc = js.inner();
        let root = automerge::ROOT;
        assert_eq!(
            is_scalar_str(doc, &root, "status"),
            Some(true),
            "{name}: status"
        );
        assert_eq!(
            is_scalar_str(doc, &root, "resolution"),
            Some(false),
            "{name}: resolution"
        );
        assert_eq!(is_scalar_str(doc, &root, "returnReason"), Some(false));
        let (_, attendance) = doc
            .get(&root, "attendance")
            .ok()
            .flatten()
            .expect("attendance");
        let (_, m1) = doc
            .get(&attendance, "m1")
            .ok()
            .flatten()
            .expect("attendance.m1");
        assert_eq!(
            is_scalar_str(doc, &m1, "status"),
            Some(true),
            "{name}: attendance status"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_editing_one_meeting_offline_converge_and_see_the_conflicting_criterion() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let out = run_script("two_phones.mjs", server.port, &["2026-12"]).await;
    let doc_id = out["docId"].as_str().expect("docId");
    let merged: MeetingRecord = serde_json::from_value(out["record"].clone()).expect("record");
    let members: Vec<String> = serde_json::from_value(out["members"].clone()).expect("members");
    assert!(merged.resolution.contains("máy A") && merged.resolution.contains("máy B"));
    assert_eq!(
        out["mergedShown"],
        serde_json::json!(["resolution"]),
        "only the text both phones typed into is to be read again"
    );
    assert_eq!(
        merged.attendance[&members[0]].status,
        AttendanceStatus::VangCoLyDo
    );
    assert_eq!(
        merged.attendance[&members[1]].status,
        AttendanceStatus::VangKhongLyDo
    );
    assert_eq!(
        out["choices"].as_array().map(Vec::len),
        Some(2),
        "both values offered"
    );
    // The app shows exactly the conflicts sync-core finds, with the same authors.
    let saved = MeetingDoc::load(&base64_decode(out["saved"].as_str().expect("saved")))
        .expect("phone A's document loads in Rust");
    let expected: BTreeMap<String, BTreeSet<String>> = saved
        .conflicts()
        .into_iter()
        .map(|c| (c.path, c.values.into_iter().map(|v| v.actor).collect()))
        .collect();
    let shown: BTreeMap<String, BTreeSet<String>> = out["shown"]
        .as_array()
        .expect("shown conflicts")
        .iter()
        .map(|c| {
            let actors = c["authors"].as_array().expect("authors").iter();
            let actors = actors.map(|a| a["actor"].as_str().expect("actor").to_owned());
            (
                c["path"].as_str().expect("path").to_owned(),
                actors.collect(),
            )
        })
        .collect();
    assert_eq!(
        shown, expected,
        "the app's conflicts == MeetingDoc::conflicts()"
    );
    // The other phone's values carry the secretary's name, from the server's actor registry.
    let secretary = {
        let mut conn = server.store.pool().get().expect("connection");
        server::accounts::users::user_by_username(&mut conn, "bithu.hoalu1")
            .expect("query")
            .expect("the demo secretary")
            .display_name
    };
    let others: Vec<&str> = out["shown"]
        .as_array()
        .expect("shown conflicts")
        .iter()
        .flat_map(|c| c["authors"].as_array().expect("authors"))
        .filter(|a| a["mine"] == false)
        .map(|a| a["text"].as_str().expect("author text"))
        .collect();
    assert!(!others.is_empty());
    for text in others {
        assert!(text.starts_with(&secretary), "`{text}` names `{secretary}`");
    }
    let criterion = out["criterion"].as_str().expect("criterion");
    for path in [
        format!("selfScore.awarded.{criterion}"),
        format!("attendance.{}", members[2]),
    ] {
        assert_eq!(expected.get(&path).map(BTreeSet::len), Some(2), "{path}");
    }
    // Phone A picked phone B's values: both phones and the server hold them, conflict-free.
    let picked: MeetingRecord = serde_json::from_value(out["picked"].clone()).expect("picked");
    assert_eq!(picked.self_score.awarded.get(criterion), Some(&2.0));
    assert_eq!(
        picked.attendance[&members[2]].status,
        AttendanceStatus::Mien
    );
    assert!(picked.resolution.contains("máy A") && picked.resolution.contains("máy B"));
    assert!(
        picked.resolution.ends_with("Đã đọc lại."),
        "phone B's edit after the merge"
    );
    let on_server = e2e::server::eventually(
        "the picked values on the server",
        Duration::from_secs(10),
        || {
            let (server, picked) = (&server, &picked);
            async move { stored_record(server, doc_id).await.filter(|r| r == picked) }
        },
    )
    .await;
    assert_eq!(on_server.resolution, picked.resolution);
    let stored = server
        .store
        .load_document(doc_id)
        .await
        .expect("the store reads")
        .expect("stored");
    let left: Vec<String> = MeetingDoc::load(&stored.chunks.concat())
        .expect("loads")
        .conflicts()
        .into_iter()
        .map(|c| c.path)
        .collect();
    assert!(
        !left.iter().any(|p| expected.contains_key(p)),
        "picked conflicts are gone on the server: {left:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_another_phone_starts_appears_live_and_half_typed_input_survives_its_edits() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let out = run_script("live_two_phones.mjs", server.port, &["2026-12"]).await;
    let typed = out["typed"].as_str().expect("typed");
    let guest = out["guest"].as_str().expect("guest");
    assert_eq!(
        out["afterRedraw"]["resolution"], typed,
        "the text being typed"
    );
    assert_eq!(out["afterRedraw"]["focused"], "resolution", "the focus");
    assert_eq!(
        out["afterRedraw"]["guest"], guest,
        "the half-filled add form"
    );
    eprintln!(
        "month list showed the other phone's meeting after {} ms",
        out["listLiveMs"]
    );
    let doc_id = out["docId"].as_str().expect("docId");
    let stored = e2e::server::eventually(
        "the typed text and the guest on the server",
        Duration::from_secs(10),
        || {
            let server = &server;
            async move {
                stored_record(server, doc_id)
                    .await
                    .filter(|r| !r.guests.is_empty() && r.resolution.ends_with("ba nhiệm vụ."))
            }
        },
    )
    .await;
    assert_eq!(stored.resolution, format!("{typed} ba nhiệm vụ."));
    assert_eq!(stored.guests[0].name, guest);
    assert_eq!(stored.location, "Nhà văn hóa tổ 5");
    assert!(stored.roster.values().any(|m| m.full_name == "Phạm Văn Em"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returned_minutes_are_edited_and_resubmitted_from_the_banner() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let out = run_script("returned.mjs", server.port, &["2026-12"]).await;
    let reason = out["reason"].as_str().expect("reason");
    assert!(
        out["shownReason"].as_str().expect("shown").contains(reason),
        "the reason is shown"
    );
    assert_eq!(
        out["disabledBeforeEdit"], true,
        "resubmit needs an edit first"
    );
    assert_eq!(out["bannerGone"], true);
    let doc_id = out["docId"].as_str().expect("docId");
    let stored = e2e::server::eventually(
        "the resubmitted minutes on the server",
        Duration::from_secs(10),
        || {
            let server = &server;
            async move {
                stored_record(server, doc_id)
                    .await
                    .filter(|r| r.status == ReviewStatus::DaGui && !r.contributions.is_empty())
            }
        },
    )
    .await;
    assert_eq!(
        stored.return_reason, reason,
        "the committee's reason is kept"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_update_while_the_phone_holds_unsynced_edits_loses_nothing() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let out = run_script("app_update.mjs", server.port, &["2026-12"]).await;
    let doc_id = out["docId"].as_str().expect("docId");
    let parse = |key: &str| -> MeetingRecord {
        serde_json::from_value(out[key].clone()).expect("a record from the browser")
    };
    let (edited, after_update, sent) = (parse("edited"), parse("afterUpdate"), parse("sent"));
    let members: Vec<String> = serde_json::from_value(out["members"].clone()).expect("members");
    let criterion = out["criterion"].as_str().expect("criterion");

    // The update really happened: the old app cache is gone, the new version's is there.
    let before: Vec<String> =
        serde_json::from_value(out["cachesBefore"].clone()).expect("cache names");
    let after: Vec<String> =
        serde_json::from_value(out["cachesAfter"].clone()).expect("cache names");
    assert_eq!(before.len(), 1, "one app cache before: {before:?}");
    assert_eq!(
        after,
        vec![format!("{}-next", before[0])],
        "only the new one after"
    );
    // The new version opened the edits and still knew they were not sent.
    assert_eq!(
        after_update, edited,
        "the updated app shows every offline edit"
    );
    assert_ne!(out["stateAfterUpdate"]["kind"], "sent");
    assert_eq!(
        sent, edited,
        "nothing changed between the update and the sync"
    );

    // The server has every edit.
    let stored = e2e::server::eventually(
        "the edited meeting on the server",
        Duration::from_secs(10),
        || {
            let (server, edited) = (&server, &edited);
            async move { stored_record(server, doc_id).await.filter(|r| r == edited) }
        },
    )
    .await;
    assert_eq!(
        stored.attendance[&members[0]].status,
        AttendanceStatus::CoMat
    );
    assert_eq!(
        stored.attendance[&members[1]].status,
        AttendanceStatus::VangCoLyDo
    );
    assert_eq!(stored.attendance[&members[1]].reason, "Ốm, có đơn");
    assert_eq!(
        stored.resolution,
        "Nghị quyết ghi trước khi cập nhật ứng dụng."
    );
    assert_eq!(stored.self_score.awarded.get(criterion), Some(&1.0));
    assert_eq!(stored.tasks.len(), 1);
    assert_eq!(stored.tasks[0].task, "Thu đảng phí quý IV");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_of_one_cells_minutes_fits_in_a_small_amount_of_device_storage() {
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let (_db, server) = demo_server(Ratings::InBackground).await;
    let out = run_script("year_storage.mjs", server.port, &[]).await;
    let ids: Vec<String> = serde_json::from_value(out["ids"].clone()).expect("ids");
    assert_eq!(ids.len(), 12, "twelve meetings");
    assert_eq!(out["docsFound"], 12, "all twelve stored in IndexedDB");
    let chunk_bytes = out["chunkBytes"].as_u64().expect("chunk bytes");
    eprintln!(
        "a year of minutes: {chunk_bytes} bytes in {} IndexedDB chunks ({:?} by kind); \
         Automerge.save of the 12 documents {} bytes; storage.estimate usage {} (before {}, \
         details {}); made in {} ms",
        out["chunkRows"],
        out["byKind"],
        out["savedBytes"],
        out["usage"],
        out["before"],
        out["usageDetails"],
        out["createMs"]
    );
    assert!(chunk_bytes > 0 && out["savedBytes"].as_u64() > Some(0));
    // Twelve complete meetings: submitted, with their items, each carrying last month's tasks.
    let counts = out["counts"].as_array().expect("counts");
    assert_eq!(counts.len(), 12);
    for (i, c) in counts.iter().enumerate() {
        assert_eq!(c["status"], "da_gui", "meeting {i}");
        assert_eq!(c["contributions"], 5, "meeting {i}");
        assert_eq!(c["tasks"], 3, "meeting {i}");
        if i > 0 {
            assert_eq!(c["followUps"], 3, "meeting {i} carries last month's tasks");
        }
    }
    server.stop().await;
}
