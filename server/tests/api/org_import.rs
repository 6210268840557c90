//! Importing and exporting the tree and rosters, on both backends.

use chrono::NaiveDate;
use server::db::DbPool;
use server::org::import::{Action, ImportError, export_tree, import_tree};
use server::org::roster::{RosterAction, export_roster, import_roster};
use server::org::table::{Format, TableError, read_csv, read_xlsx};
use server::org::units::tree_as_of;

use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TREE: &str = "code,name,kind,parent_code\n\
    T,Đảng bộ tỉnh Ninh Bình,dang_bo_tinh,\n\
    K,Đảng ủy Khối,dang_uy,T\n\
    C1,Chi bộ Văn phòng,chi_bo,K\n\
    C2,Chi bộ Tài chính,chi_bo,K\n";

fn import(
    pool: &DbPool,
    csv: &str,
    date: NaiveDate,
    dry_run: bool,
) -> Result<server::org::import::Plan, ImportError> {
    let table = read_csv(csv.as_bytes())?;
    let mut conn = pool.get().unwrap();
    import_tree(&mut conn, &table, date, dry_run)
}

fn problems(err: ImportError) -> Vec<(usize, String)> {
    match err {
        ImportError::Rows(p) => p.into_iter().map(|p| (p.row, p.message)).collect(),
        other => panic!("expected row problems, got {other}"),
    }
}

async fn import_is_idempotent_and_dry_run_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let dry = import(&pool, TREE, d(2025, 1, 1), true).unwrap();
    assert_eq!(dry.summary().created, 4);
    assert!(
        tree_as_of(&mut pool.get().unwrap(), d(2025, 1, 1))
            .unwrap()
            .is_empty()
    );

    let first = import(&pool, TREE, d(2025, 1, 1), false).unwrap();
    assert_eq!(first.summary().created, 4);
    let second = import(&pool, TREE, d(2025, 1, 1), false).unwrap();
    assert!(second.is_noop(), "{second}");
    assert_eq!(second.summary().unchanged, 4);

    // A later file renames one unit (with U+00D0 in another: no change) and moves a cell.
    let later = "code,name,kind,parent_code\n\
        T,Đảng bộ tỉnh Ninh Bình,dang_bo_tinh,\n\
        K,\u{00D0}ảng ủy Khối,dang_uy,T\n\
        P,Đảng ủy các cơ quan Đảng,dang_uy,T\n\
        C1,Chi bộ Văn phòng Tỉnh ủy,chi_bo,P\n";
    let dry = import(&pool, later, d(2025, 7, 1), true).unwrap();
    let actions: Vec<(&str, &Action)> = dry
        .changes
        .iter()
        .map(|c| (c.code.as_str(), &c.action))
        .collect();
    assert_eq!(actions[0], ("T", &Action::Unchanged));
    assert_eq!(actions[1], ("K", &Action::Unchanged));
    assert_eq!(actions[2], ("P", &Action::Create));
    assert!(
        matches!(actions[3], ("C1", Action::RenameAndMove { .. })),
        "{dry}"
    );
    let text = dry.to_string();
    assert!(
        text.contains("1 created, 1 renamed, 1 moved, 2 unchanged"),
        "{text}"
    );
    let mut conn = pool.get().unwrap();
    assert!(
        tree_as_of(&mut conn, d(2025, 7, 1))
            .unwrap()
            .by_code("P")
            .is_none()
    );
    drop(conn);

    import(&pool, later, d(2025, 7, 1), false).unwrap();
    assert!(
        import(&pool, later, d(2025, 7, 1), false)
            .unwrap()
            .is_noop()
    );
    let mut conn = pool.get().unwrap();
    let old = tree_as_of(&mut conn, d(2025, 6, 30)).unwrap();
    assert_eq!(old.by_code("C1").unwrap().name, "Chi bộ Văn phòng");
    let new = tree_as_of(&mut conn, d(2025, 7, 1)).unwrap();
    let c1 = new.by_code("C1").unwrap();
    assert_eq!(c1.name, "Chi bộ Văn phòng Tỉnh ủy");
    assert_eq!(
        c1.parent_id.as_deref(),
        Some(new.by_code("P").unwrap().id.as_str())
    );
    assert_eq!(new.len(), 5, "C2 is absent from the file and stays");
}

async fn bad_files_are_refused_naming_the_rows_and_change_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    import(&pool, TREE, d(2025, 1, 1), false).unwrap();

    let dup = "code,name,kind,parent_code\nX,Chi bộ X,chi_bo,K\nX,Chi bộ Y,chi_bo,K\n";
    let p = problems(import(&pool, dup, d(2025, 2, 1), false).unwrap_err());
    assert!(
        p.iter()
            .any(|(row, m)| *row == 3 && m.contains("duplicate code `X`")),
        "{p:?}"
    );

    let cycle = "code,name,kind,parent_code\nA,Chi bộ A,chi_bo,B\nB,Chi bộ B,chi_bo,A\n";
    let p = problems(import(&pool, cycle, d(2025, 2, 1), false).unwrap_err());
    assert!(
        p.iter().any(|(row, m)| *row == 2 && m.contains("cycle")),
        "{p:?}"
    );
    // A cycle through an existing unit: K under C1 while C1 is under K.
    let cycle2 = "code,name,kind,parent_code\nK,Đảng ủy Khối,dang_uy,C1\n";
    let p = problems(import(&pool, cycle2, d(2025, 2, 1), false).unwrap_err());
    assert!(
        p.iter().any(|(row, m)| *row == 2 && m.contains("cycle")),
        "{p:?}"
    );

    let unknown = "code,name,kind,parent_code\nZ,Chi bộ Z,chi_bo,NOPE\n";
    let p = problems(import(&pool, unknown, d(2025, 2, 1), false).unwrap_err());
    assert_eq!(p[0].0, 2);
    assert!(p[0].1.contains("unknown parent `NOPE`"), "{p:?}");

    // The same name once NFC, once NFD, under one parent: one unit typed twice.
    let mixed = "code,name,kind,parent_code\nN1,Chi bộ Kế hoạch,chi_bo,K\nN2,Chi bô\u{0323} Kê\u{0301} hoa\u{0323}ch,chi_bo,K\n";
    let p = problems(import(&pool, mixed, d(2025, 2, 1), false).unwrap_err());
    assert!(
        p.iter()
            .any(|(row, m)| *row == 2 && m.contains("same name")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|(row, m)| *row == 3 && m.contains("same name")),
        "{p:?}"
    );
    // ... and colliding with an existing unit in another spelling.
    let existing = "code,name,kind,parent_code\nC9,Chi bô\u{0323} Văn pho\u{0300}ng,chi_bo,K\n";
    let p = problems(import(&pool, existing, d(2025, 2, 1), false).unwrap_err());
    assert!(p[0].1.contains("`C1`"), "{p:?}");

    let legacy = "code,name,kind,parent_code\nL1,Chi bộ Một,chi_bo,K\nL2,Chi bé §¶ng,chi_bo,K\n";
    let err = read_csv(legacy.as_bytes()).unwrap_err();
    assert!(
        matches!(err, TableError::LegacyEncoding { row: 3, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("row 3") && err.to_string().contains("TCVN3"),
        "{err}"
    );

    let mut conn = pool.get().unwrap();
    assert_eq!(
        tree_as_of(&mut conn, d(2025, 3, 1)).unwrap().len(),
        4,
        "nothing was imported"
    );
}

async fn the_tree_round_trips_through_xlsx_and_csv(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    import(&pool, TREE, d(2025, 1, 1), false).unwrap();
    let mut conn = pool.get().unwrap();
    let xlsx = export_tree(&mut conn, d(2025, 1, 1), Format::Xlsx).unwrap();
    let table = read_xlsx(&xlsx).unwrap();
    assert_eq!(
        table.headers,
        ["code", "name", "kind", "parent_code", "cell_type"]
    );
    let plan = import_tree(&mut conn, &table, d(2025, 1, 1), false).unwrap();
    assert!(plan.is_noop(), "{plan}");

    let csv = export_tree(&mut conn, d(2025, 1, 1), Format::Csv).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let codes: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    // Parents first; siblings in Vietnamese order: "Tài chính" before "Văn phòng".
    assert_eq!(codes, ["T", "K", "C2", "C1"]);
}

async fn rosters_import_idempotently_and_export_by_given_name(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    import(&pool, TREE, d(2025, 1, 1), false).unwrap();
    let roster = "member_code,full_name,status,unit_code\n\
        001,Nguyễn Văn Ân,chinh_thuc,C1\n\
        002,Trần Thị Bình,dự bị,C1\n\
        003,Lê Văn An,chinh_thuc,C1\n\
        004,Phạm Đức Anh,chinh_thuc,C2\n";
    let table = read_csv(roster.as_bytes()).unwrap();
    let mut conn = pool.get().unwrap();
    let dry = import_roster(&mut conn, &table, d(2025, 1, 1), true).unwrap();
    assert!(
        dry.changes
            .iter()
            .all(|c| c.action == RosterAction::Created)
    );
    let first = import_roster(&mut conn, &table, d(2025, 1, 1), false).unwrap();
    assert_eq!(first.changes.len(), 4);
    assert!(
        import_roster(&mut conn, &table, d(2025, 1, 1), false)
            .unwrap()
            .is_noop()
    );

    let csv = export_roster(&mut conn, "C1", d(2025, 1, 1), Format::Csv).unwrap();
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let given: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(given, ["An", "Ân", "Bình"]);

    // A transfer on a later date keeps the earlier membership.
    let moved = "member_code,full_name,status,unit_code\n003,Lê Văn An,chinh_thuc,C2\n";
    let table = read_csv(moved.as_bytes()).unwrap();
    let plan = import_roster(&mut conn, &table, d(2025, 6, 1), false).unwrap();
    assert_eq!(plan.changes[0].action, RosterAction::Transferred);
    let before = export_roster(&mut conn, "C1", d(2025, 5, 31), Format::Csv).unwrap();
    assert_eq!(String::from_utf8_lossy(&before).lines().count(), 4);
    let after = export_roster(&mut conn, "C1", d(2025, 6, 1), Format::Csv).unwrap();
    assert_eq!(String::from_utf8_lossy(&after).lines().count(), 3);

    let bad = "member_code,full_name,status,unit_code\n005,Ngô Văn Bảy,chinh_thuc,NOPE\n";
    let table = read_csv(bad.as_bytes()).unwrap();
    let err = import_roster(&mut conn, &table, d(2025, 6, 1), false).unwrap_err();
    assert!(
        err.to_string().contains("row 2") && err.to_string().contains("NOPE"),
        "{err}"
    );
}

async fn cell_types_come_in_and_go_out_with_the_tree_file(backend: Backend) {
    use server::org::cell_types::cell_type_of;
    use sync_core::record::CellType;
    let db = TestDb::new(backend);
    let pool = db.pool();
    let typed = "code,name,kind,parent_code,cell_type\n\
        T,Đảng bộ tỉnh Ninh Bình,dang_bo_tinh,,\n\
        K,Đảng ủy Khối,dang_uy,T,\n\
        C1,Chi bộ Văn phòng,chi_bo,K,Cơ quan\n\
        C2,Chi bộ Thôn Đông,chi_bo,K,thon_to_dan_pho\n";
    import(&pool, typed, d(2025, 1, 1), false).unwrap();
    let mut conn = pool.get().unwrap();
    let type_of = |conn: &mut _, code| cell_type_of(conn, code).unwrap();
    assert_eq!(type_of(&mut conn, "C1"), CellType::CoQuan);
    assert_eq!(type_of(&mut conn, "C2"), CellType::ThonToDanPho);
    assert_eq!(type_of(&mut conn, "K"), CellType::Khac);

    // A type on a committee, or an unknown type, refuses the file and changes nothing.
    let bad = "code,name,kind,parent_code,cell_type\n\
        K,Đảng ủy Khối,dang_uy,T,co_quan\n\
        C1,Chi bộ Văn phòng,chi_bo,K,trường học\n";
    let err = problems(import(&pool, bad, d(2025, 2, 1), false).unwrap_err());
    assert_eq!(err.len(), 2, "{err:?}");
    assert!(err[0].1.contains("not a cell"), "{err:?}");
    assert!(err[1].1.contains("unknown cell_type"), "{err:?}");
    assert_eq!(type_of(&mut conn, "C1"), CellType::CoQuan);

    // The export carries the types; importing it again changes nothing.
    let csv = export_tree(&mut conn, d(2025, 3, 1), Format::Csv).unwrap();
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.starts_with("code,name,kind,parent_code,cell_type"),
        "{text}"
    );
    assert!(
        text.contains("C1,Chi bộ Văn phòng,chi_bo,K,co_quan"),
        "{text}"
    );
    assert!(
        text.contains("K,Đảng ủy Khối,dang_uy,T,\n")
            || text.contains("K,Đảng ủy Khối,dang_uy,T,\r\n"),
        "{text}"
    );
    assert!(
        import(&pool, &text, d(2025, 3, 1), false)
            .unwrap()
            .is_noop()
    );
    assert_eq!(type_of(&mut conn, "C2"), CellType::ThonToDanPho);
}

on_both_backends!(
    cell_types_come_in_and_go_out_with_the_tree_file,
    import_is_idempotent_and_dry_run_changes_nothing,
    bad_files_are_refused_naming_the_rows_and_change_nothing,
    the_tree_round_trips_through_xlsx_and_csv,
    rosters_import_idempotently_and_export_by_given_name,
);
