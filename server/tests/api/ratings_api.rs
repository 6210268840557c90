//! The `/api/v1` ratings endpoints and exports over HTTP, and the projector queue.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use server::ratings::{Projector, RatingsConfig, project_stored};
use sync_core::doc::MeetingOp;

use crate::helpers::{Backend, create_device, spawn_app_on};
use crate::on_both_backends;
use crate::ratings_support::{
    count_meetings, ctx, demo_db, demo_doc_id, dump, edit_stored, projected_demo_db,
    token_with_role,
};
use server::org::access::Role;

on_both_backends!(
    ratings_are_read_under_the_same_rule_as_the_minutes,
    the_json_views_answer_from_the_projection,
    exports_are_sorted_under_vietnamese_collation_with_a_bom_and_open_as_xlsx,
    the_projector_projects_notified_documents_once_per_burst,
);

async fn get_json(app: &crate::helpers::TestApp, token: &str, path: &str) -> serde_json::Value {
    let (status, body) = app.get_json_as(token, path).await;
    assert_eq!(status, 200, "{path}");
    body
}

async fn the_json_views_answer_from_the_projection(backend: Backend) {
    let app = spawn_app_on(projected_demo_db(backend), |_| {}).await;
    let pool = app.store.pool().clone();
    // A committee member at the province reads every view, national ones included.
    let token = token_with_role(&pool, Role::CommitteeMember, "dbt-ninh-binh");

    let unauthenticated = app
        .client
        .get(app.url("/api/v1/ratings/queue"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);

    let grid = get_json(
        &app,
        &token,
        "/api/v1/ratings/grid?committee=du-hoa-lu&year=2026&as_of=2026-11-26",
    )
    .await;
    let weak = grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["cell_id"] == "du-hoa-lu-cb06")
        .unwrap();
    assert_eq!(weak["months"][6]["state"], "missing");
    let strong = grid["rows"][0].clone();
    assert_eq!(strong["cell_id"], "du-hoa-lu-cb01");
    assert_eq!(strong["months"][9]["state"], "unconfirmed");
    assert_eq!(strong["months"][0]["state"], "rated");

    let year = get_json(
        &app,
        &token,
        "/api/v1/ratings/cells/du-hoa-lu-cb01/year/2026",
    )
    .await;
    assert_eq!(
        year["meetings"].as_array().unwrap().len(),
        count_meetings(|m, _| m.cell_id == "du-hoa-lu-cb01")
    );
    assert!(year["rollup"]["months"].is_array());

    let id = demo_doc_id("du-hoa-lu-cb01", "2026-03");
    let score = get_json(&app, &token, &format!("/api/v1/meetings/{id}/score")).await;
    assert_eq!(score["facts"]["period"], "2026-03");
    assert!(!score["self_criteria"].as_array().unwrap().is_empty());
    assert!(!score["superior_criteria"].as_array().unwrap().is_empty());
    let missing = app
        .client
        .get(app.url("/api/v1/meetings/nope/score"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let queue = get_json(&app, &token, "/api/v1/ratings/queue?committee=du-gia-vien").await;
    let queue = queue.as_array().unwrap();
    let submitted = count_meetings(|m, r| {
        m.committee_id == "du-gia-vien" && r.status == sync_core::record::ReviewStatus::DaGui
    });
    assert_eq!(
        queue.len(),
        submitted,
        "October's and November's submitted minutes"
    );
    assert!(queue.len() >= 4);
    assert!(
        queue
            .iter()
            .all(|q| q["period"] == "2026-10" || q["period"] == "2026-11")
    );

    let rollup = get_json(&app, &token, "/api/v1/ratings/rollup?year=2026").await;
    assert_eq!(
        rollup["cells"].as_array().unwrap().len(),
        36,
        "six committees of six cells"
    );
    let stats = get_json(
        &app,
        &token,
        "/api/v1/ratings/stats?committee=du-hoa-lu&year=2026&by=quarter",
    )
    .await;
    assert_eq!(stats.as_array().unwrap().len(), 4);

    let absences = get_json(
        &app,
        &token,
        "/api/v1/members/absences?cell=du-hoa-lu-cb02&year=2026",
    )
    .await;
    assert!(absences.as_array().unwrap().len() >= 8);
    let overdue = get_json(
        &app,
        &token,
        "/api/v1/followups/overdue?committee=du-hoa-lu&as_of=2026-11-26",
    )
    .await;
    assert!(!overdue.as_array().unwrap().is_empty());

    let bad = app
        .client
        .get(app.url("/api/v1/ratings/grid?committee=du-hoa-lu&year=20260"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

async fn exports_are_sorted_under_vietnamese_collation_with_a_bom_and_open_as_xlsx(
    backend: Backend,
) {
    let app = spawn_app_on(projected_demo_db(backend), |_| {}).await;
    let pool = app.store.pool().clone();
    {
        // "Đ" sorts between "D" and "E" in Vietnamese, but after "Z" by code point.
        let mut conn = pool.get().unwrap();
        let rename = MeetingOp::ReplaceText {
            field: "cellName".into(),
            value: "Chi bộ Đông Sơn".into(),
        };
        let id = demo_doc_id("du-hoa-lu-cb05", "2026-10");
        edit_stored(&mut conn, &id, &[rename]);
        project_stored(&mut conn, &id, ctx(&RatingsConfig::default())).unwrap();
    }
    let token = token_with_role(&pool, Role::CommitteeMember, "dbt-ninh-binh");
    let fetch = |path: &'static str| {
        let (client, url, token) = (app.client.clone(), app.url(path), token.clone());
        async move {
            let response = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let kind = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            (kind, response.bytes().await.unwrap().to_vec())
        }
    };

    let (kind, csv) = fetch("/api/v1/exports/ratings.csv?committee=du-hoa-lu&year=2026").await;
    assert!(kind.starts_with("text/csv"));
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let cells: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let hoa_lu = count_meetings(|m, _| m.committee_id == "du-hoa-lu");
    assert_eq!(cells.len(), hoa_lu);
    assert_eq!(cells[0], "Chi bộ Đông Sơn", "Đ before K under vi collation");
    assert_eq!(cells[1], "Chi bộ Khu phố 1");
    let mut by_codepoint = cells.clone();
    by_codepoint.sort();
    assert_ne!(cells, by_codepoint);

    let (_, attendance) =
        fetch("/api/v1/exports/attendance.csv?committee=du-gia-vien&year=2026").await;
    let text = String::from_utf8(attendance[3..].to_vec()).unwrap();
    let first_meeting: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[2] == "du-gia-vien-cb01" && f[3] == "2026-01")
        .map(|f| f[4].to_owned())
        .collect();
    assert!(first_meeting.len() >= 9);
    let mut by_given = first_meeting.clone();
    sync_core::text::sort_by_given_name(&mut by_given, |s| s.as_str());
    assert_eq!(first_meeting, by_given, "members by given name");

    let (kind, xlsx) = fetch("/api/v1/exports/ratings.xlsx?committee=du-hoa-lu&year=2026").await;
    assert!(kind.contains("spreadsheetml"));
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let range = book.worksheet_range("Xếp loại").unwrap();
    assert_eq!(range.height(), hoa_lu + 1, "header and the meetings");
    assert_eq!(range.get((0, 1)).unwrap().to_string(), "Chi bộ");
    assert_eq!(range.get((1, 1)).unwrap().to_string(), "Chi bộ Đông Sơn");
    let (_, xlsx) = fetch("/api/v1/exports/attendance.xlsx?year=2026").await;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    assert!(book.worksheet_range("Điểm danh").unwrap().height() > 1000);
}

async fn the_projector_projects_notified_documents_once_per_burst(backend: Backend) {
    let db = demo_db(backend);
    let pool = db.pool();
    let projector = Projector::spawn(pool.clone(), RatingsConfig::default());
    // One committee's meetings (~70): the burst logic is the same for the whole province.
    const COMMITTEE: &str = "du-hoa-lu";
    let ids: Vec<String> = crate::ratings_support::demo_meetings()
        .iter()
        .filter(|m| m.committee_id == COMMITTEE)
        .map(|m| m.doc_id.to_string())
        .collect();
    // A burst: every document notified three times, in many small calls.
    for _ in 0..3 {
        for id in &ids {
            projector.notify([id.clone()]);
        }
    }
    projector.flush().await;
    let rows = dump(&mut pool.get().unwrap());
    assert_eq!(rows.facts.len(), ids.len());
    // The totals maintained by difference equal a full recomputation.
    assert_eq!(rows.totals.len(), 11, "one committee × January–November");
    server::ratings::refresh_all_totals(&mut pool.get().unwrap()).unwrap();
    let fresh = dump(&mut pool.get().unwrap());
    // Exactly: the score sums are integers, so the order of the edits does not matter.
    assert_eq!(rows.totals, fresh.totals);
    assert_eq!(
        rows.totals.iter().map(|t| t.3).sum::<i64>() as usize,
        ids.len()
    );
    // So do the grid's cell-month rows: one per cell-month with a regular meeting.
    assert_eq!(rows.cell_months, fresh.cell_months);
    assert_eq!(rows.cell_years, fresh.cell_years);
    rows.assert_cell_years_hold_the_cell_months();
    assert_eq!(
        rows.cell_months.len(),
        crate::ratings_support::count_meetings(|m, r| {
            m.committee_id == COMMITTEE
                && r.meeting_type == sync_core::record::MeetingType::ThuongKy
        })
    );
    // A commit to one document shows up after the next notify.
    let id = demo_doc_id("du-hoa-lu-cb01", "2026-11");
    let was = &rows.facts.iter().find(|f| f.doc_id == id).unwrap().status;
    let status = if was == "da_gui" { "nhap" } else { "da_gui" };
    edit_stored(
        &mut pool.get().unwrap(),
        &id,
        &[crate::ratings_support::scalar("status", status)],
    );
    projector.notify(vec![id.clone()]);
    projector.flush().await;
    let rows = dump(&mut pool.get().unwrap());
    let fact = rows.facts.iter().find(|f| f.doc_id == id).unwrap();
    assert_eq!(fact.status, status);
    let shown = rows.cell_months.iter().find(|r| r.doc_id == id).unwrap();
    assert_eq!(shown.status, status, "the grid row follows the edit");
    rows.assert_cell_years_hold_the_cell_months();
    server::ratings::refresh_all_totals(&mut pool.get().unwrap()).unwrap();
    let fresh = dump(&mut pool.get().unwrap());
    assert_eq!(rows.cell_months, fresh.cell_months);
    assert_eq!(rows.cell_years, fresh.cell_years);
    // Notifying nothing is a no-op, and flushing with nothing pending returns at once.
    projector.notify(Vec::<String>::new());
    projector.flush().await;
}

async fn ratings_are_read_under_the_same_rule_as_the_minutes(backend: Backend) {
    let app = spawn_app_on(projected_demo_db(backend), |_| {}).await;
    let pool = app.store.pool().clone();
    let secretary = token_with_role(&pool, Role::CellSecretary, "du-hoa-lu-cb01");
    let member = token_with_role(&pool, Role::CommitteeMember, "du-hoa-lu");
    let (_, bare) = create_device(&pool, "a device without a user");
    let bare = bare.expose().to_owned();
    let status = |token: String, path: String| {
        let (client, url) = (app.client.clone(), app.url(&path));
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let own_cell = "/api/v1/ratings/cells/du-hoa-lu-cb01/year/2026".to_owned();
    let other_cell = "/api/v1/ratings/cells/du-gia-vien-cb01/year/2026".to_owned();
    let own_meeting = format!(
        "/api/v1/meetings/{}/score",
        demo_doc_id("du-hoa-lu-cb01", "2026-03")
    );
    let other_meeting = format!(
        "/api/v1/meetings/{}/score",
        demo_doc_id("du-gia-vien-cb01", "2026-03")
    );
    let grid = "/api/v1/ratings/grid?committee=du-hoa-lu&year=2026".to_owned();
    let other_grid = "/api/v1/ratings/grid?committee=du-gia-vien&year=2026".to_owned();
    let national = "/api/v1/ratings/rollup?year=2026".to_owned();

    // The secretary reads its own cell and meetings, nothing else.
    assert_eq!(status(secretary.clone(), own_cell.clone()).await, 200);
    assert_eq!(status(secretary.clone(), own_meeting.clone()).await, 200);
    assert_eq!(status(secretary.clone(), other_cell.clone()).await, 404);
    assert_eq!(status(secretary.clone(), other_meeting.clone()).await, 404);
    assert_eq!(status(secretary.clone(), grid.clone()).await, 404);
    assert_eq!(status(secretary.clone(), national.clone()).await, 404);
    // The committee member reads its committee's subtree, not the other committee's.
    assert_eq!(status(member.clone(), grid.clone()).await, 200);
    assert_eq!(status(member.clone(), own_cell.clone()).await, 200);
    assert_eq!(status(member.clone(), other_grid.clone()).await, 404);
    assert_eq!(status(member.clone(), other_meeting.clone()).await, 404);
    assert_eq!(status(member.clone(), national.clone()).await, 404);
    // A device without a user reads no ratings at all.
    assert_eq!(status(bare.clone(), own_cell).await, 404);
    assert_eq!(status(bare, grid).await, 404);
}
