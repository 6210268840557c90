//! The effective-dated organisation tree on both backends.

use chrono::NaiveDate;
use server::db::DbPool;
use server::org::units::{
    MergeTarget, NewUnit, create_unit, merge_units, move_unit, rename_unit, split_unit, tree_as_of,
};
use server::org::{OrgError, UnitKind};

use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn unit(code: &str, kind: UnitKind, name: &str, parent: Option<&str>) -> NewUnit {
    NewUnit {
        code: code.into(),
        kind,
        name: name.into(),
        parent_code: parent.map(Into::into),
    }
}

/// Province → bloc committee → two cells, all from 2019-01-01.
fn seed(pool: &DbPool) {
    let mut conn = pool.get().unwrap();
    let start = d(2019, 1, 1);
    for u in [
        unit("T", UnitKind::DangBoTinh, "Đảng bộ tỉnh Nam Định", None),
        unit(
            "K",
            UnitKind::DangUy,
            "Đảng ủy Khối các cơ quan tỉnh",
            Some("T"),
        ),
        unit("C1", UnitKind::ChiBo, "Chi bộ Văn phòng", Some("K")),
        unit("C2", UnitKind::ChiBo, "Chi bộ Tài chính", Some("K")),
    ] {
        create_unit(&mut conn, &u, start).unwrap();
    }
}

fn path_names(pool: &DbPool, code: &str, date: NaiveDate) -> Vec<String> {
    let mut conn = pool.get().unwrap();
    let tree = tree_as_of(&mut conn, date).unwrap();
    let id = tree.by_code(code).map(|u| u.id.clone()).unwrap_or_default();
    tree.ancestor_path(&id)
        .into_iter()
        .map(|p| p.name)
        .collect()
}

async fn renames_and_moves_keep_the_past_as_it_was(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    seed(&pool);
    let mut conn = pool.get().unwrap();
    // 2025: the bloc ends; a new committee is created, the cell moves under it and is renamed.
    create_unit(
        &mut conn,
        &unit(
            "CQD",
            UnitKind::DangUy,
            "Đảng ủy các cơ quan Đảng tỉnh",
            Some("T"),
        ),
        d(2025, 7, 1),
    )
    .unwrap();
    assert!(move_unit(&mut conn, "C1", Some("CQD"), d(2025, 7, 1)).unwrap());
    assert!(rename_unit(&mut conn, "C1", "Chi bộ Văn phòng Tỉnh ủy", d(2025, 8, 1)).unwrap());
    assert!(rename_unit(&mut conn, "T", "Đảng bộ tỉnh Ninh Bình", d(2025, 7, 1)).unwrap());
    drop(conn);

    assert_eq!(
        path_names(&pool, "C1", d(2024, 12, 31)),
        [
            "Đảng bộ tỉnh Nam Định",
            "Đảng ủy Khối các cơ quan tỉnh",
            "Chi bộ Văn phòng"
        ]
    );
    assert_eq!(
        path_names(&pool, "C1", d(2025, 7, 15)),
        [
            "Đảng bộ tỉnh Ninh Bình",
            "Đảng ủy các cơ quan Đảng tỉnh",
            "Chi bộ Văn phòng"
        ]
    );
    assert_eq!(
        path_names(&pool, "C1", d(2025, 9, 1)),
        [
            "Đảng bộ tỉnh Ninh Bình",
            "Đảng ủy các cơ quan Đảng tỉnh",
            "Chi bộ Văn phòng Tỉnh ủy"
        ]
    );
    let mut conn = pool.get().unwrap();
    let before = tree_as_of(&mut conn, d(2020, 1, 1)).unwrap();
    assert!(
        before.by_code("CQD").is_none(),
        "the new committee did not exist in 2020"
    );
    let k = before.by_code("K").unwrap().id.clone();
    let sub: Vec<&str> = before.subtree(&k).iter().map(|u| u.code.as_str()).collect();
    assert_eq!(sub, ["K", "C1", "C2"]);
    // A change dated before the latest version would rewrite the past: refused.
    let err = rename_unit(&mut conn, "C1", "Tên khác", d(2025, 7, 20)).unwrap_err();
    assert!(matches!(err, OrgError::HistoryConflict { .. }), "{err}");
}

async fn merge_and_split_close_units_without_rewriting_history(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    seed(&pool);
    let mut conn = pool.get().unwrap();
    let mut sub = |code: &str, parent: &str| {
        create_unit(
            &mut conn,
            &unit(code, UnitKind::ChiBo, &format!("Tổ {code}"), Some(parent)),
            d(2019, 1, 1),
        )
        .unwrap();
    };
    sub("C1a", "C1");
    sub("C2a", "C2");
    // Merge C1 + C2 into a new cell M on 2025-07-01.
    let target = MergeTarget::New(unit("M", UnitKind::ChiBo, "Chi bộ Hợp nhất", Some("K")));
    merge_units(&mut conn, &["C1", "C2"], &target, d(2025, 7, 1)).unwrap();
    let after = tree_as_of(&mut conn, d(2025, 7, 1)).unwrap();
    assert!(after.by_code("C1").is_none() && after.by_code("C2").is_none());
    let m = after.by_code("M").unwrap().id.clone();
    let kids: Vec<&str> = after.children(&m).map(|u| u.code.as_str()).collect();
    assert_eq!(kids, ["C1a", "C2a"]);
    let before = tree_as_of(&mut conn, d(2025, 6, 30)).unwrap();
    assert!(before.by_code("M").is_none());
    let c1 = before.by_code("C1").unwrap().id.clone();
    assert_eq!(
        before
            .children(&c1)
            .map(|u| u.code.clone())
            .collect::<Vec<_>>(),
        ["C1a"]
    );

    // Split M into S1 and S2 on 2026-01-01.
    split_unit(
        &mut conn,
        "M",
        &[
            unit("S1", UnitKind::ChiBo, "Chi bộ Một", Some("K")),
            unit("S2", UnitKind::ChiBo, "Chi bộ Hai", Some("K")),
        ],
        &[("C1a", "S1"), ("C2a", "S2")],
        d(2026, 1, 1),
    )
    .unwrap();
    let split = tree_as_of(&mut conn, d(2026, 1, 1)).unwrap();
    assert!(split.by_code("M").is_none());
    let c2a = split.by_code("C2a").unwrap().id.clone();
    let path: Vec<String> = split
        .ancestor_path(&c2a)
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(path, ["T", "K", "S2", "C2a"]);
    // The merged period still reads as it was.
    let merged = tree_as_of(&mut conn, d(2025, 12, 31)).unwrap();
    let c2a = merged.by_code("C2a").unwrap().id.clone();
    let path: Vec<String> = merged
        .ancestor_path(&c2a)
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(path, ["T", "K", "M", "C2a"]);
}

async fn homoglyph_and_nfd_spellings_are_one_name_never_two_units(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let start = d(2019, 1, 1);
    create_unit(
        &mut conn,
        &unit("T", UnitKind::DangBoTinh, "Tỉnh", None),
        start,
    )
    .unwrap();
    let clean = create_unit(
        &mut conn,
        &unit("K", UnitKind::DangUy, "Đảng ủy Khối", Some("T")),
        start,
    )
    .unwrap();
    // U+00D0 (Eth) instead of U+0110, and a decomposed (NFD) spelling of the same name.
    for spelling in [
        "\u{00D0}ảng ủy Khối",
        "Đa\u{0309}ng u\u{0309}y Khô\u{0301}i",
        "  Đảng  ủy Khối ",
    ] {
        let err = create_unit(
            &mut conn,
            &unit("K2", UnitKind::DangUy, spelling, Some("T")),
            start,
        )
        .unwrap_err();
        assert!(
            matches!(err, OrgError::NameTaken { .. }),
            "{spelling}: {err}"
        );
        // Renaming to the same name in another spelling is no change at all.
        assert!(!rename_unit(&mut conn, "K", spelling, d(2020, 1, 1)).unwrap());
    }
    let tree = tree_as_of(&mut conn, d(2021, 1, 1)).unwrap();
    assert_eq!(tree.len(), 2);
    assert_eq!(tree.by_code("K").unwrap().name, clean.name);
    // Cycles are refused.
    create_unit(
        &mut conn,
        &unit("C", UnitKind::ChiBo, "Chi bộ", Some("K")),
        start,
    )
    .unwrap();
    let err = move_unit(&mut conn, "K", Some("C"), d(2022, 1, 1)).unwrap_err();
    assert!(matches!(err, OrgError::Cycle { .. }), "{err}");
}

on_both_backends!(
    renames_and_moves_keep_the_past_as_it_was,
    merge_and_split_close_units_without_rewriting_history,
    homoglyph_and_nfd_spellings_are_one_name_never_two_units,
);
