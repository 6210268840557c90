//! Shared setup of the organisation e2e tests: a committee `k` over two cells `a` and `b`,
//! their secretaries and a committee member logged in through `POST /api/v1/session`, a tiny
//! HTTP client, and helpers to edit meeting documents held by a device.

use std::time::Duration;

use automerge::{ActorId, Automerge};
use chrono::NaiveDate;
use e2e::server::TestServer;
use e2e::ws_client::Device;
use sync_core::doc::{MeetingDoc, MeetingOp};
use sync_core::doc_id::DocumentId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm";

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `Connection: close` (enough for JSON routes).
pub async fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream
        .write_all(req.as_bytes())
        .await
        .expect("request sent");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .expect("answer in time")
        .expect("answer read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// A logged-in device.
#[derive(Debug, Clone)]
pub struct Login {
    pub device_id: String,
    pub token: String,
    /// The `sync_session=...` cookie pair.
    pub cookie: String,
}

pub async fn login(server: &TestServer, username: &str, device_name: &str) -> Login {
    let body = serde_json::json!({
        "username": username,
        "password": PASSWORD,
        "device_name": device_name,
    })
    .to_string();
    let answer = http(server.port, "POST", "/api/v1/session", &[], Some(&body)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let json = answer.json();
    let cookie = answer
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    Login {
        device_id: json["device_id"].as_str().expect("device id").to_owned(),
        token: json["token"].as_str().expect("token").to_owned(),
        cookie,
    }
}

/// Creates units `k` (committee) ⊃ `a`, `b` (cells) and the users `bithu.a`, `bithu.b`
/// (secretaries) and `uyvien.k` (committee member).
pub async fn seed_two_cells(server: &TestServer) {
    let pool = server.store.pool().clone();
    tokio::task::spawn_blocking(move || {
        use server::accounts::{roles::grant_role, users::create_user};
        use server::org::UnitKind;
        use server::org::access::Role;
        use server::org::units::{NewUnit, create_unit};
        let mut conn = pool.get().expect("connection");
        let from = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        for (code, kind, parent) in [
            ("k", UnitKind::DangUy, None),
            ("a", UnitKind::ChiBo, Some("k")),
            ("b", UnitKind::ChiBo, Some("k")),
        ] {
            let unit = NewUnit {
                code: code.into(),
                kind,
                name: format!("Đơn vị {code}"),
                parent_code: parent.map(Into::into),
            };
            create_unit(&mut conn, &unit, from).expect("unit");
        }
        for (username, role, unit) in [
            ("bithu.a", Role::CellSecretary, "a"),
            ("bithu.b", Role::CellSecretary, "b"),
            ("uyvien.k", Role::CommitteeMember, "k"),
        ] {
            create_user(&mut conn, username, username, PASSWORD).expect("user");
            grant_role(&mut conn, username, role, unit).expect("role");
        }
    })
    .await
    .expect("seed task");
}

/// The regular meeting of `cell` in 2026-11: its id and its first change as a document.
pub fn regular_meeting(cell: &str) -> (DocumentId, Automerge) {
    let (id, bytes) = MeetingDoc::regular_genesis(cell, "2026-11").expect("genesis");
    (id, Automerge::load(&bytes).expect("loads"))
}

/// Applies `ops` to the device's copy of `doc_id` as `actor` and tells its engine.
pub fn edit(device: &mut Device, doc_id: DocumentId, actor: &ActorId, ops: &[MeetingOp]) {
    let doc = device
        .engine
        .doc_mut(&doc_id)
        .expect("the device holds the document");
    let mut meeting = MeetingDoc::load(&doc.save())
        .expect("a meeting")
        .with_actor(actor.clone());
    for op in ops {
        meeting.apply(op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    doc.load_incremental(&meeting.save()).expect("merged");
    device.engine.local_change(doc_id);
}

/// A device reading `doc_id` through a fresh connection; its heads (empty if unavailable).
pub async fn fetch(
    server: &TestServer,
    token: &str,
    doc_id: DocumentId,
) -> Vec<automerge::ChangeHash> {
    let mut device = Device::new(
        &format!("fetch-{}", rand::random::<u32>()),
        None,
        &server.ws_url(token),
    );
    device.engine.want(doc_id);
    device.sync(crate::support::SYNC_TIMEOUT).await;
    device.go_offline().await;
    device
        .engine
        .doc(&doc_id)
        .map(|d| d.get_heads())
        .unwrap_or_default()
}
