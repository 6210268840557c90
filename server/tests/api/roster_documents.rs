//! The cells' roster documents follow the members on record (`ws::roster_publisher`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use server::org::import::import_tree;
use server::org::roster::import_roster;
use server::org::table::read_csv;
use server::store;
use server::ws::roster_publisher::ROSTER_DEVICE_ID;
use sync_core::doc::RosterDoc;
use sync_core::record::MemberCategory;

use crate::helpers::{Backend, TestApp, TestDb, day, spawn_app_on};
use crate::on_both_backends;

const TREE: &str = "code,name,kind,parent_code\n\
    T,Đảng bộ tỉnh Ninh Bình,dang_bo_tinh,\n\
    K,Đảng ủy Khối,dang_uy,T\n\
    C1,Chi bộ Văn phòng,chi_bo,K\n\
    C2,Chi bộ Tài chính,chi_bo,K\n\
    C3,Chi bộ Kho bạc,chi_bo,K\n";

const ROSTER: &str = "member_code,full_name,status,unit_code\n\
    001,Nguyễn Văn Ân,chinh_thuc,C1\n\
    002,Trần Thị Bình,dự bị,C1\n\
    003,Lê Văn An,chinh_thuc,C1\n\
    004,Phạm Đức Anh,chinh_thuc,C2\n";

fn import(db: &TestDb, tree: Option<&str>, roster: &str, on: chrono::NaiveDate) {
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    if let Some(tree) = tree {
        import_tree(&mut conn, &read_csv(tree.as_bytes()).unwrap(), on, false).unwrap();
    }
    import_roster(&mut conn, &read_csv(roster.as_bytes()).unwrap(), on, false).unwrap();
}

/// The cell's roster document as stored: (member code → (full name, category)), or `None`
/// while there is none.
fn stored_roster(app: &TestApp, cell: &str) -> Option<BTreeMap<String, (String, MemberCategory)>> {
    let (id, _) = RosterDoc::genesis(cell).unwrap();
    let pool = app.db.pool();
    let mut conn = pool.get().unwrap();
    let stored = store::load_document(&mut conn, &id.to_string()).unwrap()?;
    let record = RosterDoc::load(&stored.concat()).unwrap().record().unwrap();
    assert_eq!(record.cell_id, cell);
    Some(
        record
            .members
            .into_iter()
            .map(|(code, m)| (code, (m.full_name, m.category)))
            .collect(),
    )
}

async fn until_roster(
    app: &TestApp,
    cell: &str,
    want: &[(&str, &str, MemberCategory)],
) -> BTreeMap<String, (String, MemberCategory)> {
    let want: BTreeMap<String, (String, MemberCategory)> = want
        .iter()
        .map(|(code, name, category)| ((*code).to_owned(), ((*name).to_owned(), *category)))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let have = stored_roster(app, cell);
        if have.as_ref() == Some(&want) {
            return want;
        }
        assert!(
            Instant::now() < deadline,
            "the roster of {cell} is {have:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn each_cells_roster_document_follows_the_members_on_record(backend: Backend) {
    let db = TestDb::new(backend);
    import(&db, Some(TREE), ROSTER, day(2025, 1, 1));
    let app = spawn_app_on(db, |s| {
        s.rosters.publish = true;
        s.rosters.interval_secs = 1;
    })
    .await;
    use MemberCategory::{ChinhThuc, DuBi};
    until_roster(
        &app,
        "C1",
        &[
            ("001", "Nguyễn Văn Ân", ChinhThuc),
            ("002", "Trần Thị Bình", DuBi),
            ("003", "Lê Văn An", ChinhThuc),
        ],
    )
    .await;
    until_roster(&app, "C2", &[("004", "Phạm Đức Anh", ChinhThuc)]).await;
    // A cell without members gets an empty roster (a phone then knows there is nobody on record).
    until_roster(&app, "C3", &[]).await;
    {
        // Written by the server's own device; the document belongs to its cell, so the cell's
        // users read it by the ordinary access rule.
        let pool = app.db.pool();
        let mut conn = pool.get().unwrap();
        let id = RosterDoc::genesis("C1").unwrap().0.to_string();
        assert_eq!(
            server::org::access::documents::cell_of(&mut conn, &id).unwrap(),
            Some("C1".to_owned())
        );
        let stored = store::load_document(&mut conn, &id).unwrap().unwrap();
        assert_eq!(stored.owner, ROSTER_DEVICE_ID);
    }

    // A transfer and a new member today reach the documents by the next round; the roster
    // left unchanged is not written again.
    let c2_heads_before = {
        let pool = app.db.pool();
        let mut conn = pool.get().unwrap();
        let id = RosterDoc::genesis("C2").unwrap().0.to_string();
        store::heads_of(&mut conn, &[id]).unwrap()
    };
    let today = chrono::Utc::now().date_naive();
    import(
        &app.db,
        None,
        "member_code,full_name,status,unit_code\n\
         003,Lê Văn An,chinh_thuc,C3\n\
         005,Đỗ Thị Cúc,chinh_thuc,C1\n",
        today,
    );
    until_roster(
        &app,
        "C1",
        &[
            ("001", "Nguyễn Văn Ân", ChinhThuc),
            ("002", "Trần Thị Bình", DuBi),
            ("005", "Đỗ Thị Cúc", ChinhThuc),
        ],
    )
    .await;
    until_roster(&app, "C3", &[("003", "Lê Văn An", ChinhThuc)]).await;
    let pool = app.db.pool();
    let mut conn = pool.get().unwrap();
    let id = RosterDoc::genesis("C2").unwrap().0.to_string();
    assert_eq!(store::heads_of(&mut conn, &[id]).unwrap(), c2_heads_before);
}

on_both_backends!(each_cells_roster_document_follows_the_members_on_record);
