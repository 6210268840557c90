use std::collections::HashMap;
use std::io::Write;

use secrecy::ExposeSecret;

use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn assert_same(a: &Settings, b: &Settings) {
    assert_eq!(
        a.database.url.expose_secret(),
        b.database.url.expose_secret()
    );
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn the_example_config_states_exactly_the_defaults() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(EXAMPLE_TOML.as_bytes()).unwrap();
    let loaded = Settings::load_with_env(Some(file.path()), HashMap::new()).unwrap();
    assert_same(&loaded, &Settings::default());
}

#[test]
fn defaults_bind_to_loopback_and_use_sqlite() {
    let s = Settings::load_with_env(None, HashMap::new()).unwrap();
    assert_eq!(s.server.bind, "127.0.0.1:8080");
    assert_eq!(s.database.url.expose_secret(), "sqlite://./data/server.db");
    assert_eq!(s.sync.max_message_bytes, 8 * 1024 * 1024);
    s.check().unwrap();
}

#[test]
fn environment_overrides_the_file() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        file,
        "[server]\nbind = \"127.0.0.1:9000\"\n[sync]\nmax_message_bytes = 10"
    )
    .unwrap();
    let s = Settings::load_with_env(
        Some(file.path()),
        env(&[
            ("SYNC__SERVER__BIND", "127.0.0.1:9100"),
            ("SYNC__COMPACTION__ENABLED", "false"),
        ]),
    )
    .unwrap();
    assert_eq!(s.server.bind, "127.0.0.1:9100");
    assert_eq!(s.sync.max_message_bytes, 10);
    assert!(!s.compaction.enabled);
}

#[test]
fn database_url_is_read_unless_the_sync_variable_is_set() {
    let s = Settings::load_with_env(None, env(&[("DATABASE_URL", "postgres://h/a")])).unwrap();
    assert_eq!(s.database.url.expose_secret(), "postgres://h/a");
    let s = Settings::load_with_env(
        None,
        env(&[
            ("DATABASE_URL", "postgres://h/a"),
            ("SYNC__DATABASE__URL", "postgres://h/b"),
        ]),
    )
    .unwrap();
    assert_eq!(s.database.url.expose_secret(), "postgres://h/b");
}

#[test]
fn unknown_keys_are_refused() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "[server]\nbnid = \"127.0.0.1:9000\"").unwrap();
    assert!(Settings::load_with_env(Some(file.path()), HashMap::new()).is_err());
}

#[test]
fn debug_output_redacts_the_database_url() {
    let s = Settings::load_with_env(
        None,
        env(&[("SYNC__DATABASE__URL", "postgres://user:hunter2@db/sync")]),
    )
    .unwrap();
    let shown = format!("{s:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn plain_http_on_a_public_address_refuses_to_start_unless_allowed() {
    let mut s = Settings::default();
    s.server.bind = "0.0.0.0:8080".to_owned();
    assert!(matches!(
        s.check(),
        Err(SettingsError::InsecurePublicBind { .. })
    ));
    s.server.allow_insecure_public = true;
    s.check().unwrap();
    s.server.allow_insecure_public = false;
    s.server.tls_cert = Some("cert.pem".into());
    assert!(matches!(s.check(), Err(SettingsError::IncompleteTls)));
    s.server.tls_key = Some("key.pem".into());
    s.check().unwrap();
}

#[test]
fn an_unresolvable_bind_is_refused() {
    let mut s = Settings::default();
    s.server.bind = "not an address".to_owned();
    assert!(matches!(s.check(), Err(SettingsError::BadBind { .. })));
}
