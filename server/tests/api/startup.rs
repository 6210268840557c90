use server::startup::Application;

use crate::helpers::{Backend, TestDb, test_settings};

#[tokio::test]
async fn plain_http_on_a_public_address_refuses_to_start() {
    let db = TestDb::new(Backend::Sqlite);
    let mut settings = test_settings(&db);
    settings.server.bind = "0.0.0.0:0".to_owned();
    let err = Application::build(settings.clone())
        .await
        .err()
        .expect("must refuse");
    assert!(err.to_string().contains("refusing plain HTTP"), "{err}");

    settings.server.allow_insecure_public = true;
    let app = Application::build(settings)
        .await
        .expect("allowed explicitly");
    assert_ne!(app.port(), 0);
}

#[tokio::test]
async fn the_sqlite_directory_is_created_and_migrations_are_idempotent() {
    let db = TestDb::new(Backend::Sqlite);
    let _first = db.pool();
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    assert!(server::db::run_migrations(&mut conn).unwrap().is_empty());
    // journal_mode = WAL was set on acquire: the write-ahead log sits beside the file.
    let file = db.url.strip_prefix("sqlite://").unwrap();
    assert!(std::path::Path::new(&format!("{file}-wal")).exists());
}
