//! `GET /api/v1/units`: the committees a caller may read, as the effective-dated tree stands on
//! a day, for the dashboard's unit filter.

use serde_json::{Value, json};
use server::org::UnitKind;
use server::org::access::Role;
use server::org::units::{close_unit, create_unit, rename_unit};

use crate::helpers::{Backend, TestDb, day, new_unit, spawn_app_on};
use crate::on_both_backends;
use crate::ratings_support::token_with_role;

on_both_backends!(the_unit_filter_lists_the_committees_the_caller_may_read_as_of_a_day,);

/// `(code, depth, cells, parent)` of every listed unit, in order.
fn listed(view: &Value) -> Vec<(String, u64, u64, Option<String>)> {
    view["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_owned(),
                u["depth"].as_u64().unwrap(),
                u["cells"].as_u64().unwrap(),
                u["parent"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn row(
    code: &str,
    depth: u64,
    cells: u64,
    parent: Option<&str>,
) -> (String, u64, u64, Option<String>) {
    (code.to_owned(), depth, cells, parent.map(str::to_owned))
}

async fn the_unit_filter_lists_the_committees_the_caller_may_read_as_of_a_day(backend: Backend) {
    let db = TestDb::new(backend);
    {
        let mut conn = db.pool().get().unwrap();
        let c = &mut conn;
        let old = day(2025, 7, 1);
        create_unit(c, &new_unit("tinh", UnitKind::DangBoTinh, None), old).unwrap();
        create_unit(c, &new_unit("du-a", UnitKind::DangUy, Some("tinh")), old).unwrap();
        create_unit(c, &new_unit("du-b", UnitKind::DangUy, Some("tinh")), old).unwrap();
        create_unit(c, &new_unit("du-gone", UnitKind::DangUy, Some("tinh")), old).unwrap();
        close_unit(c, "du-gone", day(2026, 3, 1)).unwrap();
        create_unit(
            c,
            &new_unit("du-a-bp", UnitKind::DangBoBoPhan, Some("du-a")),
            old,
        )
        .unwrap();
        for cell in ["cb-1", "cb-2"] {
            create_unit(c, &new_unit(cell, UnitKind::ChiBo, Some("du-a")), old).unwrap();
        }
        create_unit(c, &new_unit("cb-3", UnitKind::ChiBo, Some("du-a-bp")), old).unwrap();
        create_unit(
            c,
            &new_unit("cb-4", UnitKind::ChiBo, Some("du-b")),
            day(2026, 6, 1),
        )
        .unwrap();
        rename_unit(c, "du-a", "Đảng ủy A mới", day(2026, 9, 1)).unwrap();
    }
    let pool = db.pool().clone();
    let app = spawn_app_on(db, |_| {}).await;
    let province = token_with_role(&pool, Role::CommitteeMember, "tinh");
    let committee = token_with_role(&pool, Role::CommitteeMember, "du-a");
    let secretary = token_with_role(&pool, Role::CellSecretary, "cb-1");

    // The province's member: every committee in force, cells left out, in tree order.
    let (status, today) = app
        .get_json_as(&province, "/api/v1/units?as_of=2026-11-26")
        .await;
    assert_eq!(status, 200, "{today}");
    assert_eq!(today["as_of"], "2026-11-26");
    assert_eq!(
        listed(&today),
        [
            row("tinh", 0, 0, None),
            row("du-a", 1, 2, Some("tinh")),
            row("du-a-bp", 2, 1, Some("du-a")),
            row("du-b", 1, 1, Some("tinh")),
        ]
    );
    let du_a = &today["units"][1];
    assert_eq!(du_a["name"], "Đảng ủy A mới", "the name on that day");
    assert_eq!(du_a["kind"], "dang_uy");

    // Earlier in the year: the old name, and cb-4 was not founded yet. The closed committee is
    // not listed: its grid can no longer be read.
    let (_, june) = app
        .get_json_as(&province, "/api/v1/units?as_of=2026-05-15")
        .await;
    assert_eq!(june["units"][1]["name"], "Đơn vị du-a");
    assert_eq!(listed(&june)[3], row("du-b", 1, 0, Some("tinh")));
    assert!(!listed(&june).iter().any(|u| u.0 == "du-gone"));

    // A committee's member sees its own subtree; a cell's secretary no committee at all.
    let (_, own) = app
        .get_json_as(&committee, "/api/v1/units?as_of=2026-11-26")
        .await;
    assert_eq!(
        listed(&own),
        [
            row("du-a", 1, 2, Some("tinh")),
            row("du-a-bp", 2, 1, Some("du-a"))
        ]
    );
    let (_, none) = app.get_json_as(&secretary, "/api/v1/units").await;
    assert_eq!(none["units"], json!([]));

    // A malformed day is a clear error; no credential is 401.
    let (status, bad) = app
        .get_json_as(&province, "/api/v1/units?as_of=26-11-2026")
        .await;
    assert_eq!(status, 400);
    assert_eq!(bad["error"], "bad_request");
    let anonymous = app
        .client
        .get(app.url("/api/v1/units"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
