//! Expected cells "as of" the effective-dated organisation tree: a cell in the tree in a month
//! but without a meeting shows as missing; before it was founded, after it was dissolved and
//! after it moved to another committee it is not expected.

use server::org::UnitKind;
use server::org::units::{close_unit, create_unit, move_unit, rename_unit};
use server::ratings::RatingsConfig;
use server::ratings::expected::{ExpectedCells, TreeCells};
use server::ratings::queries::{self, MonthState, grid};
use sync_core::rubric::{Level, MonthDue};

use crate::helpers::{Backend, TestDb, day, new_unit};
use crate::on_both_backends;

on_both_backends!(
    cells_are_expected_only_in_the_months_they_are_under_the_committee_in_the_tree,
    a_cell_the_tree_does_not_expect_shows_its_meetings_under_the_name_they_give,
);

/// The province `tinh` with `committees` under it, in force from the returned day.
fn province(c: &mut server::db::DbConnection, committees: &[&str]) -> chrono::NaiveDate {
    let old = day(2025, 7, 1);
    create_unit(c, &new_unit("tinh", UnitKind::DangBoTinh, None), old).unwrap();
    for committee in committees {
        create_unit(c, &new_unit(committee, UnitKind::DangUy, Some("tinh")), old).unwrap();
    }
    old
}

async fn a_cell_the_tree_does_not_expect_shows_its_meetings_under_the_name_they_give(
    backend: Backend,
) {
    use diesel::RunQueryDsl;
    use server::db::DbConnection;
    let db = TestDb::new(backend);
    let mut conn = db.pool().get().unwrap();
    let c = &mut conn;
    let old = province(c, &["du-a"]);
    create_unit(c, &new_unit("cb-a", UnitKind::ChiBo, Some("du-a")), old).unwrap();
    // The grid row of a cell missing from the tree (e.g. its meetings name a code never
    // imported), as the projection maintains it: the name of its first month's minutes.
    let insert = "INSERT INTO meeting_cell_years (committee_id, year, cell_id, cell_name, months) \
        VALUES ('du-a', 2026, 'cb-ghost', 'Chi bộ Ma', \
        '[[3,\"doc-3\",1,\"da_gui\",null,null,null,null,null,0,null],\
          [5,\"doc-5\",1,\"da_gui\",null,null,null,null,null,0,null]]')";
    match &mut **c {
        DbConnection::Sqlite(c) => diesel::sql_query(insert).execute(c),
        DbConnection::Pg(c) => diesel::sql_query(insert).execute(c),
    }
    .unwrap();
    let g = grid(c, &TreeCells, "du-a", 2026, day(2026, 11, 26)).unwrap();
    let names: Vec<(&str, &str)> = g
        .rows
        .iter()
        .map(|r| (r.cell_id.as_str(), r.cell_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [("cb-ghost", "Chi bộ Ma"), ("cb-a", "Đơn vị cb-a")],
        "its first month's name, sorted among the others"
    );
    let ghost = &g.rows[0].months;
    assert_eq!(ghost[2].doc_id.as_deref(), Some("doc-3"));
    assert_eq!(ghost[4].doc_id.as_deref(), Some("doc-5"));
    assert_eq!(ghost[0].state, MonthState::NotExpected);
}

async fn cells_are_expected_only_in_the_months_they_are_under_the_committee_in_the_tree(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    let mut conn = db.pool().get().unwrap();
    let c = &mut conn;
    let old = province(c, &["du-a", "du-b"]);
    // Always there; founded mid-April; dissolved mid-June; moved to du-b on 1 August;
    // dissolved the year before; and a committee-level unit (not a cell).
    create_unit(
        c,
        &new_unit("cb-always", UnitKind::ChiBo, Some("du-a")),
        old,
    )
    .unwrap();
    create_unit(
        c,
        &new_unit("cb-new", UnitKind::ChiBo, Some("du-a")),
        day(2026, 4, 10),
    )
    .unwrap();
    create_unit(c, &new_unit("cb-gone", UnitKind::ChiBo, Some("du-a")), old).unwrap();
    close_unit(c, "cb-gone", day(2026, 6, 15)).unwrap();
    create_unit(c, &new_unit("cb-moved", UnitKind::ChiBo, Some("du-a")), old).unwrap();
    move_unit(c, "cb-moved", Some("du-b"), day(2026, 8, 1)).unwrap();
    create_unit(c, &new_unit("cb-old", UnitKind::ChiBo, Some("du-a")), old).unwrap();
    close_unit(c, "cb-old", day(2025, 12, 1)).unwrap();
    create_unit(
        c,
        &new_unit("dbbp", UnitKind::DangBoBoPhan, Some("du-a")),
        old,
    )
    .unwrap();
    rename_unit(c, "cb-always", "Chi bộ Mới Tên", day(2026, 9, 1)).unwrap();

    let cells = TreeCells.cells(c, Some("du-a"), 2026).unwrap();
    let months = |code: &str| {
        cells
            .iter()
            .find(|x| x.cell_id == code)
            .map(|x| x.months.clone())
    };
    let codes: Vec<&str> = cells.iter().map(|x| x.cell_id.as_str()).collect();
    assert_eq!(codes, ["cb-always", "cb-gone", "cb-moved", "cb-new"]);
    assert_eq!(months("cb-always"), Some((1..=12).collect()));
    assert_eq!(months("cb-new"), Some((5..=12).collect()), "from May");
    assert_eq!(months("cb-gone"), Some((1..=6).collect()), "until June");
    assert_eq!(months("cb-moved"), Some((1..=7).collect()));
    let always = cells.iter().find(|x| x.cell_id == "cb-always").unwrap();
    assert_eq!(always.cell_name, "Chi bộ Mới Tên", "the latest name");
    assert_eq!(always.committee_id, "du-a");
    let b = TreeCells.cells(c, Some("du-b"), 2026).unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].months, (8..=12).collect::<Vec<_>>());
    let all = TreeCells.cells(c, None, 2026).unwrap();
    assert_eq!(all.len(), 4, "cb-moved once, under its latest committee");
    assert_eq!(
        all.iter().find(|x| x.cell_id == "cb-moved").unwrap().months,
        (1..=12).collect::<Vec<_>>()
    );
    assert!(TreeCells.cells(c, Some("du-a"), 2024).unwrap().is_empty());

    // The grid shows missing where expected, not-expected elsewhere, future after the date.
    let g = grid(c, &TreeCells, "du-a", 2026, day(2026, 11, 26)).unwrap();
    let row = |code: &str| {
        g.rows
            .iter()
            .find(|r| r.cell_id == code)
            .unwrap()
            .months
            .iter()
            .map(|m| m.state)
            .collect::<Vec<_>>()
    };
    use MonthState::{Future, Missing, NotExpected};
    let expect = |missing: std::ops::RangeInclusive<u32>| -> Vec<MonthState> {
        (1..=12)
            .map(|m| match m {
                12 => Future,
                m if missing.contains(&m) => Missing,
                _ => NotExpected,
            })
            .collect()
    };
    assert_eq!(row("cb-always"), expect(1..=11));
    assert_eq!(row("cb-new"), expect(5..=11));
    assert_eq!(row("cb-gone"), expect(1..=6));
    assert_eq!(row("cb-moved"), expect(1..=7));
    assert_eq!(g.rows.len(), 4);

    // The roll-up counts a month against a cell only where the grid shows it missing.
    let config = RatingsConfig::default();
    let rollup = queries::rollup(
        c,
        &TreeCells,
        Some("du-a"),
        2026,
        day(2026, 11, 26),
        &config,
    )
    .unwrap();
    let counted = |code: &str| {
        let cell = rollup.cells.iter().find(|x| x.cell_id == code).unwrap();
        let months = &cell.rollup.as_ref().unwrap().months;
        (1..=12)
            .zip(months)
            .filter(|(_, m)| m.counted_as == Some(Level::Kem))
            .map(|(n, _)| n)
            .collect::<Vec<u32>>()
    };
    assert_eq!(counted("cb-always"), (1..=11).collect::<Vec<_>>());
    assert_eq!(
        counted("cb-new"),
        (5..=11).collect::<Vec<_>>(),
        "not before May"
    );
    assert_eq!(counted("cb-gone"), (1..=6).collect::<Vec<_>>());
    let new = rollup.cells.iter().find(|x| x.cell_id == "cb-new").unwrap();
    let new = new.rollup.as_ref().unwrap();
    assert_eq!(new.months[0].due, MonthDue::NotExpected);
    assert_eq!(new.months[11].due, MonthDue::Future);
    assert!(new.provisional);
    assert!(
        new.reasons.iter().any(|r| r.contains("2026-04")),
        "{:?}",
        new.reasons
    );

    // The cell's own year view agrees; a cell that changed committee owed every month.
    let as_of = day(2026, 11, 26);
    let year = queries::cell_year(c, &TreeCells, "cb-new", 2026, as_of, &config).unwrap();
    assert_eq!(year.months, expect(5..=11));
    assert_eq!(year.rollup.as_ref(), Some(new));
    let moved = queries::cell_year(c, &TreeCells, "cb-moved", 2026, as_of, &config).unwrap();
    assert_eq!(moved.months, expect(1..=11));
}
