use server::store::devices::revoke_device;

use crate::helpers::{create_device, spawn_app};

async fn whoami(req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_registered_device_is_recognised_by_header_query_and_cookie() {
    let app = spawn_app().await;
    let (device, token) = create_device(app.store.pool(), "Chi bộ 1");
    let url = app.url("/v1/devices/me");

    let by_header = app.client.get(&url).bearer_auth(token.expose());
    let by_query = app.client.get(format!("{url}?token={}", token.expose()));
    let by_cookie = app
        .client
        .get(&url)
        .header("cookie", format!("sync_session={}", token.expose()));
    for req in [by_header, by_query, by_cookie] {
        let (status, body) = whoami(req).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["id"], device.id.as_str());
        assert_eq!(body["name"], "Chi bộ 1");
    }
}

#[tokio::test]
async fn missing_malformed_and_unknown_credentials_get_401_json() {
    let app = spawn_app().await;
    let url = app.url("/v1/devices/me");
    let unknown = "ab".repeat(32);
    let cases = [
        (app.client.get(&url), "no credential"),
        (app.client.get(&url).bearer_auth("short"), "malformed"),
        (
            app.client
                .get(&url)
                .header("authorization", format!("Basic {unknown}")),
            "malformed",
        ),
        (app.client.get(format!("{url}?token=%%%")), "malformed"),
        (app.client.get(&url).bearer_auth(&unknown), "not valid"),
        (
            app.client.get(format!("{url}?token={unknown}")),
            "not valid",
        ),
    ];
    for (req, expected) in cases {
        let (status, body) = whoami(req).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "unauthorized");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(expected), "{expected}: {message}");
    }
}

#[tokio::test]
async fn a_revoked_device_is_refused() {
    let app = spawn_app().await;
    let (device, token) = create_device(app.store.pool(), "phone");
    let url = app.url("/v1/devices/me");
    let (status, _) = whoami(app.client.get(&url).bearer_auth(token.expose())).await;
    assert_eq!(status, 200);

    let mut conn = app.store.pool().get().unwrap();
    assert!(revoke_device(&mut conn, &device.id).unwrap());
    assert!(
        revoke_device(&mut conn, &device.id).unwrap(),
        "revoking twice is fine"
    );
    assert!(!revoke_device(&mut conn, "no-such-device").unwrap());
    drop(conn);

    let (status, body) = whoami(app.client.get(&url).bearer_auth(token.expose())).await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
}

#[tokio::test]
async fn only_the_hash_of_a_token_is_stored() {
    let app = spawn_app().await;
    let (device, token) = create_device(app.store.pool(), "tablet");
    let mut conn = app.store.pool().get().unwrap();
    let found = server::store::devices::device_by_token_hash(&mut conn, &token.hash())
        .unwrap()
        .expect("found by hash");
    assert_eq!(found.0.id, device.id);
    assert_ne!(found.1, token.expose());
    assert!(
        server::store::devices::device_by_token_hash(&mut conn, token.expose())
            .unwrap()
            .is_none()
    );
}
