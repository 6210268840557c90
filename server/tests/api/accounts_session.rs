//! Logging in, enrolling devices, logging out, rate limits, expiry and revocation events, on
//! both backends.

use std::time::Duration;

use chrono::NaiveDate;
use server::accounts::credentials::{DeviceStatus, device_status};
use server::accounts::revocation::RevocationEvent;
use server::accounts::roles::{grant_role, revoke_role};
use server::accounts::users::create_user;
use server::accounts::{Accounts, AccountsSettings};
use server::db::DbPool;
use server::org::UnitKind;
use server::org::access::Role;
use server::org::units::{NewUnit, create_unit};
use server::store::devices::revoke_device;

use crate::helpers::{Backend, TestApp, TestDb, spawn_app_with};
use crate::on_both_backends;

const PASSWORD: &str = "mật khẩu của bí thư";

fn seed_user(pool: &DbPool) {
    let mut conn = pool.get().unwrap();
    let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let units = [
        ("K", UnitKind::DangUy, "Đảng ủy Khối", None),
        ("C1", UnitKind::ChiBo, "Chi bộ 1", Some("K")),
    ];
    for (code, kind, name, parent) in units {
        let unit = NewUnit {
            code: code.into(),
            kind,
            name: name.into(),
            parent_code: parent.map(Into::into),
        };
        create_unit(&mut conn, &unit, from).unwrap();
    }
    create_user(&mut conn, "BiThu1", "Nguyễn Văn An", PASSWORD).unwrap();
    grant_role(&mut conn, "bithu1", Role::CellSecretary, "C1").unwrap();
}

async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({
            "username": username,
            "password": password,
            "device_name": "Điện thoại bí thư",
        }))
        .send()
        .await
        .unwrap()
}

async fn me_with_cookie(app: &TestApp, token: &str) -> (u16, serde_json::Value) {
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("sync_session={token}"))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn a_login_enrols_a_device_and_logout_kills_the_cookie(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    seed_user(app.store.pool());

    let res = login(&app, "bithu1", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("sync_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP test server: {cookie}"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(cookie.contains(&token));
    assert_eq!(body["user"]["username"], "bithu1");
    assert!(body["expires_at"].is_string());

    let (status, me) = me_with_cookie(&app, &token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["device_id"], body["device_id"]);
    assert_eq!(me["user"]["display_name"], "Nguyễn Văn An");
    assert_eq!(me["roles"][0]["role"], "cell_secretary");
    assert_eq!(me["units"][0]["code"], "C1");
    assert_eq!(me["units"][0]["path"][0]["code"], "K");

    let out = app
        .client
        .delete(app.url("/api/v1/session"))
        .header("cookie", format!("sync_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
    let (status, replay) = me_with_cookie(&app, &token).await;
    assert_eq!(status, 401, "{replay}");
    assert_eq!(replay["error"], "unauthorized");
}

async fn wrong_passwords_are_401_and_beyond_the_limit_429(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.accounts.max_failed_logins_per_account = 3;
        s.accounts.login_window_secs = 600;
    })
    .await;
    seed_user(app.store.pool());
    for attempt in 0..3 {
        let res = login(&app, "bithu1", "đoán mò mật khẩu").await;
        assert_eq!(res.status().as_u16(), 401, "attempt {attempt}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("username or password")
        );
    }
    // An unknown user answers the same as a wrong password.
    let unknown = login(&app, "khong-ton-tai", PASSWORD).await;
    assert_eq!(unknown.status().as_u16(), 401);
    // Blocked now, even with the right password: the guesser learns nothing.
    let res = login(&app, "BITHU1", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
}

async fn an_expired_credential_is_refused(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.accounts.credential_lifetime_days = 0).await;
    seed_user(app.store.pool());
    let res = login(&app, "bithu1", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    let (status, err) = me_with_cookie(&app, token).await;
    assert_eq!(status, 401, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("expired"),
        "{err}"
    );
}

async fn revocations_reach_subscribers_within_a_second(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = db.pool();
    seed_user(&pool);
    let settings = AccountsSettings {
        revocation_poll_interval_ms: 100,
        ..AccountsSettings::default()
    };
    let accounts = Accounts::new(pool.clone(), settings);
    let mut events = accounts.revocations().subscribe();
    accounts.start_watcher();
    let success = accounts
        .login("bithu1".into(), PASSWORD.into(), "Máy tính".into(), None)
        .await
        .unwrap();
    let device_id = success.credential.device.id.clone();
    let user_id = success.user.id.clone();
    let mut conn = pool.get().unwrap();
    assert!(matches!(
        device_status(&mut conn, &device_id).unwrap(),
        DeviceStatus::Allowed { roles, .. } if roles.len() == 1
    ));

    // A role revoked by another process (the CLI writes the database directly).
    let (_, revoked) = revoke_role(&mut conn, "bithu1", Role::CellSecretary, "C1").unwrap();
    assert!(revoked);
    let event = tokio::time::timeout(Duration::from_secs(1), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event, RevocationEvent::User { user_id });
    assert!(matches!(
        device_status(&mut conn, &device_id).unwrap(),
        DeviceStatus::Allowed { roles, .. } if roles.is_empty()
    ));

    // A device revoked by another process.
    assert!(revoke_device(&mut conn, &device_id).unwrap());
    let event = tokio::time::timeout(Duration::from_secs(1), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        event,
        RevocationEvent::Device {
            device_id: device_id.clone()
        }
    );
    assert_eq!(
        device_status(&mut conn, &device_id).unwrap(),
        DeviceStatus::Refused
    );
    drop(conn);

    // Logout publishes at once, in process.
    let second = accounts
        .login("bithu1".into(), PASSWORD.into(), "Máy tính 2".into(), None)
        .await
        .unwrap();
    let second_id = second.credential.device.id.clone();
    accounts.logout(second_id.clone()).await.unwrap();
    let event = tokio::time::timeout(Duration::from_secs(1), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        event,
        RevocationEvent::Device {
            device_id: second_id
        }
    );
}

on_both_backends!(
    a_login_enrols_a_device_and_logout_kills_the_cookie,
    wrong_passwords_are_401_and_beyond_the_limit_429,
    an_expired_credential_is_refused,
    revocations_reach_subscribers_within_a_second,
);
