//! `POST /api/v1/meetings/{id}/review` and `GET /api/v1/meetings/{id}/minutes`: the committee's
//! review goes through the sync hub as the member's own edit, and changes the official rating.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server::org::access::Role;
use sync_core::rubric::{Rule, presets};

use crate::helpers::{Backend, TestApp, spawn_app_on};
use crate::on_both_backends;
use crate::ratings_support::{projected_demo_db, token_with_role};

on_both_backends!(
    a_committee_confirmation_changes_the_official_level_in_the_grid,
    a_secretary_cannot_review_and_nothing_changes,
    a_bad_action_or_score_is_refused_and_nothing_changes,
    the_minutes_come_from_the_projection_row,
);

const COMMITTEE: &str = "du-gia-vien";

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = app.get_json_as(token, path).await;
    assert_eq!(status, 200, "{path}");
    body
}

async fn post_review(app: &TestApp, token: &str, doc_id: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/meetings/{doc_id}/review")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The demo province, its projections, and a committee member over the district committee.
async fn setup(backend: Backend) -> (TestApp, String) {
    let app = spawn_app_on(projected_demo_db(backend), |_| {}).await;
    let pool = app.store.pool().clone();
    let token = token_with_role(&pool, Role::CommitteeMember, COMMITTEE);
    (app, token)
}

/// The first submitted meeting in the committee's queue.
async fn first_in_queue(app: &TestApp, token: &str) -> Value {
    let queue = get(
        app,
        token,
        &format!("/api/v1/ratings/queue?committee={COMMITTEE}"),
    )
    .await;
    queue[0].clone()
}

/// The grid cell of `item`'s cell and month.
async fn grid_cell(app: &TestApp, token: &str, item: &Value) -> Value {
    let period = item["period"].as_str().unwrap();
    let (year, month) = period.split_once('-').unwrap();
    let month: usize = month.parse().unwrap();
    let grid = get(
        app,
        token,
        &format!("/api/v1/ratings/grid?committee={COMMITTEE}&year={year}"),
    )
    .await;
    let row = grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["cell_id"] == item["cell_id"])
        .expect("the queued cell is in the grid")
        .clone();
    row["months"][month - 1].clone()
}

/// Full points for every awarded criterion of the meeting's rubric.
async fn full_superior_scores(app: &TestApp, token: &str, doc_id: &str) -> Value {
    let score = get(app, token, &format!("/api/v1/meetings/{doc_id}/score")).await;
    let key = score["score"]["rubric_key"].as_str().unwrap().to_owned();
    let rubric = presets()
        .iter()
        .find(|r| r.key() == key)
        .expect("a preset rubric");
    let mut scores = serde_json::Map::new();
    for group in &rubric.spec().groups {
        for c in &group.criteria {
            if matches!(c.rule, Rule::Awarded) {
                scores.insert(c.id.clone(), json!(c.max));
            }
        }
    }
    Value::Object(scores)
}

async fn a_committee_confirmation_changes_the_official_level_in_the_grid(backend: Backend) {
    let (app, token) = setup(backend).await;
    let item = first_in_queue(&app, &token).await;
    let doc_id = item["doc_id"].as_str().unwrap().to_owned();
    let before = grid_cell(&app, &token, &item).await;
    assert_eq!(before["state"], "unconfirmed");
    assert!(before["level"].is_null());

    let scores = full_superior_scores(&app, &token, &doc_id).await;
    let (status, body) = post_review(
        &app,
        &token,
        &doc_id,
        json!({ "action": "confirm", "superiorScores": scores }),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // The projector re-rates after the commit; the rating shows within seconds.
    let started = Instant::now();
    let after = loop {
        let cell = grid_cell(&app, &token, &item).await;
        if cell["state"] == "rated" || started.elapsed() > Duration::from_secs(10) {
            break cell;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(after["state"], "rated", "{after}");
    assert_eq!(after["status"], "da_xac_nhan");
    assert!(after["level"].is_string(), "{after}");
    assert!(after["superior_percent"].as_f64().unwrap() > 0.0);
    let score = get(&app, &token, &format!("/api/v1/meetings/{doc_id}/score")).await;
    let violations: Vec<&Value> = score["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"] == "violation")
        .collect();
    assert!(
        violations.is_empty(),
        "the member's change counts: {violations:?}"
    );
    let queue = get(
        &app,
        &token,
        &format!("/api/v1/ratings/queue?committee={COMMITTEE}"),
    )
    .await;
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["doc_id"] != doc_id.as_str())
    );

    // Confirming twice is a state conflict, not a second edit.
    let (status, body) = post_review(&app, &token, &doc_id, json!({ "action": "confirm" })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "conflict");
}

async fn a_secretary_cannot_review_and_nothing_changes(backend: Backend) {
    let (app, token) = setup(backend).await;
    let item = first_in_queue(&app, &token).await;
    let doc_id = item["doc_id"].as_str().unwrap().to_owned();
    let cell = item["cell_id"].as_str().unwrap();
    let secretary = token_with_role(app.store.pool(), Role::CellSecretary, cell);
    let before = get(&app, &token, &format!("/api/v1/meetings/{doc_id}/score")).await;

    let (status, body) =
        post_review(&app, &secretary, &doc_id, json!({ "action": "confirm" })).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = get(&app, &token, &format!("/api/v1/meetings/{doc_id}/score")).await;
    assert_eq!(after["facts"]["heads"], before["facts"]["heads"]);
    assert_eq!(after["facts"]["status"], "da_gui");
}

async fn a_bad_action_or_score_is_refused_and_nothing_changes(backend: Backend) {
    let (app, token) = setup(backend).await;
    let item = first_in_queue(&app, &token).await;
    let doc_id = item["doc_id"].as_str().unwrap().to_owned();
    let before = get(&app, &token, &format!("/api/v1/meetings/{doc_id}/score")).await;
    let scores = full_superior_scores(&app, &token, &doc_id).await;
    let (criterion, max) = scores.as_object().unwrap().iter().next().unwrap();

    let bad = [
        json!({ "action": "approve" }),
        json!({ "action": "confirm", "superiorScores": { "no-such-criterion": 1 } }),
        json!({ "action": "confirm", "superiorScores": { criterion: max.as_f64().unwrap() + 1.0 } }),
        json!({ "action": "confirm", "superiorScores": { criterion: -1 } }),
        json!({ "action": "return" }),
        json!({ "action": "lock", "superiorScores": { criterion: 1 } }),
        json!({ "action": "confirm", "extra": true }),
    ];
    for body in bad {
        let (status, answer) = post_review(&app, &token, &doc_id, body.clone()).await;
        assert_eq!(status, 400, "{body} → {answer}");
        assert_eq!(answer["error"], "bad_request");
    }
    let not_json = app
        .client
        .post(app.url(&format!("/api/v1/meetings/{doc_id}/review")))
        .bearer_auth(&token)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    // Locking a meeting that is not confirmed is a state conflict.
    let (status, _) = post_review(&app, &token, &doc_id, json!({ "action": "lock" })).await;
    assert_eq!(status, 409);

    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = get(&app, &token, &format!("/api/v1/meetings/{doc_id}/score")).await;
    assert_eq!(after["facts"]["heads"], before["facts"]["heads"]);
    assert_eq!(after["score"], before["score"]);
}

async fn the_minutes_come_from_the_projection_row(backend: Backend) {
    let (app, token) = setup(backend).await;
    let item = first_in_queue(&app, &token).await;
    let doc_id = item["doc_id"].as_str().unwrap().to_owned();
    let minutes = get(&app, &token, &format!("/api/v1/meetings/{doc_id}/minutes")).await;
    assert_eq!(minutes["facts"]["doc_id"], doc_id.as_str());
    let record = &minutes["record"];
    assert_eq!(record["cellId"], item["cell_id"]);
    assert_eq!(record["period"], item["period"]);
    assert!(!record["roster"].as_object().unwrap().is_empty());

    // Someone outside the committee gets the same answer as for a missing meeting.
    let other = token_with_role(app.store.pool(), Role::CommitteeMember, "du-hoa-lu");
    let hidden = app
        .client
        .get(app.url(&format!("/api/v1/meetings/{doc_id}/minutes")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);
}
