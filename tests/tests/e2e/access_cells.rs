//! Two cells under one committee: each secretary sees only the cell's minutes, the committee
//! member sees both, a device of cell A gets from cell B's document exactly what a missing
//! document gets (request, sync, push, heads batch), and a superior score typed in by a
//! secretary is flagged while the committee's own counts.

use std::time::Duration;

use automerge::ActorId;
use e2e::server::{TestDb, TestServer};
use e2e::ws_client::{Device, RawPeer, Received};
use serde_json::json;
use sync_core::doc::{MeetingOp, Sheet};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{
    BatchHeads, ClientEngine, ClientEvent, DocHeads, DocMessage, Message, PeerMetadata,
};

use crate::access_org::{Login, edit, fetch, http, login, regular_meeting, seed_two_cells};
use crate::on_both_backends;
use crate::support::{SYNC_TIMEOUT, new_doc_id, wait_for_heads};

/// The raw answer to a `request` for `doc_id` from a fresh socket of `token`.
async fn raw_answer(server: &TestServer, token: &str, doc_id: DocumentId) -> Message {
    let mut raw = RawPeer::connect(&server.ws_url(token))
        .await
        .expect("connects");
    raw.join("raw-peer").await;
    let request = automerge::sync::SyncDoc::generate_sync_message(
        &automerge::Automerge::new(),
        &mut automerge::sync::State::new(),
    )
    .expect("a first message")
    .encode();
    raw.send_message(&Message::Request(DocMessage {
        sender_id: "raw-peer".into(),
        target_id: "sync-server".into(),
        document_id: doc_id,
        data: request,
    }))
    .await;
    match raw.recv(Duration::from_secs(10)).await {
        Received::Message(m) => m,
        other => panic!("expected a message, got {other:?}"),
    }
}

/// The raw `heads-batch-result` for one announced (document, heads).
async fn batch_answer(
    server: &TestServer,
    token: &str,
    doc_id: DocumentId,
    heads: Vec<automerge::ChangeHash>,
) -> Message {
    let mut raw = RawPeer::connect(&server.ws_url(token))
        .await
        .expect("connects");
    raw.send_message(&Message::Join {
        sender_id: "batch-peer".into(),
        supported_protocol_versions: vec!["1".into()],
        peer_metadata: Some(PeerMetadata {
            storage_id: None,
            is_ephemeral: true,
            batch_sync: true,
            heads_digest: false,
        }),
    })
    .await;
    assert!(matches!(
        raw.recv(Duration::from_secs(10)).await,
        Received::Message(Message::Peer { .. })
    ));
    raw.send_message(&Message::HeadsBatch {
        sender_id: "batch-peer".into(),
        target_id: "sync-server".into(),
        docs: vec![DocHeads {
            document_id: doc_id,
            heads: BatchHeads::Hashes(heads.iter().map(|h| h.0).collect()),
        }],
    })
    .await;
    match raw.recv(Duration::from_secs(10)).await {
        Received::Message(m) => m,
        other => panic!("expected a message, got {other:?}"),
    }
}

/// `message` with `from` replaced by `to` (to compare a denied answer with a missing one).
fn rename(message: Message, from: DocumentId, to: DocumentId) -> Message {
    let swap = |id: DocumentId| if id == from { to } else { id };
    match message {
        Message::DocUnavailable {
            sender_id,
            target_id,
            document_id,
        } => Message::DocUnavailable {
            sender_id,
            target_id,
            document_id: swap(document_id),
        },
        Message::HeadsBatchResult {
            sender_id,
            target_id,
            out_of_sync,
        } => Message::HeadsBatchResult {
            sender_id,
            target_id,
            out_of_sync: out_of_sync.into_iter().map(swap).collect(),
        },
        other => other,
    }
}

async fn two_cells_see_only_their_own_minutes_and_the_committee_sees_both(
    backend: e2e::server::Backend,
) {
    let db = TestDb::new(backend);
    let server = TestServer::start(&db, |_| {}).await;
    seed_two_cells(&server).await;
    let (sec_a, sec_b, member) = tokio::join!(
        login(&server, "bithu.a", "Điện thoại bí thư A"),
        login(&server, "bithu.b", "Điện thoại bí thư B"),
        login(&server, "uyvien.k", "Máy ủy viên"),
    );

    // Both secretaries start their cell's regular meeting offline and sync at the same time.
    let (id_a, doc_a) = regular_meeting("a");
    let (id_b, doc_b) = regular_meeting("b");
    let mut dev_a = Device::new(
        "peer-a",
        Some("store-a".into()),
        &server.ws_url(&sec_a.token),
    );
    let mut dev_b = Device::new(
        "peer-b",
        Some("store-b".into()),
        &server.ws_url(&sec_b.token),
    );
    dev_a.engine.insert_doc(id_a, doc_a);
    dev_b.engine.insert_doc(id_b, doc_b.clone());
    let (actor_a, actor_b) = (ActorId::random(), ActorId::random());
    edit(
        &mut dev_a,
        id_a,
        &actor_a,
        &[MeetingOp::ReplaceText {
            field: "resolution".into(),
            value: "Nghị quyết chi bộ A".into(),
        }],
    );
    edit(
        &mut dev_b,
        id_b,
        &actor_b,
        &[MeetingOp::ReplaceText {
            field: "resolution".into(),
            value: "Nghị quyết chi bộ B".into(),
        }],
    );
    let (events_a, events_b) = tokio::join!(dev_a.sync(SYNC_TIMEOUT), dev_b.sync(SYNC_TIMEOUT));
    assert!(
        events_a.contains(&ClientEvent::InSync(id_a)),
        "{events_a:?}"
    );
    assert!(
        events_b.contains(&ClientEvent::InSync(id_b)),
        "{events_b:?}"
    );
    let heads_a = dev_a.engine.doc(&id_a).expect("a").get_heads();
    let heads_b = dev_b.engine.doc(&id_b).expect("b").get_heads();
    wait_for_heads(&server, id_a, &heads_a).await;
    wait_for_heads(&server, id_b, &heads_b).await;

    // Each secretary reads its own cell only; the committee member reads both.
    assert_eq!(fetch(&server, &sec_a.token, id_a).await, heads_a);
    assert!(fetch(&server, &sec_a.token, id_b).await.is_empty());
    assert!(fetch(&server, &sec_b.token, id_a).await.is_empty());
    assert_eq!(fetch(&server, &member.token, id_a).await, heads_a);
    assert_eq!(fetch(&server, &member.token, id_b).await, heads_b);

    // Asking: cell B's document answers A exactly like a document that does not exist.
    let missing = new_doc_id();
    let denied = raw_answer(&server, &sec_a.token, id_b).await;
    assert!(
        matches!(denied, Message::DocUnavailable { .. }),
        "{denied:?}"
    );
    let absent = raw_answer(&server, &sec_a.token, missing).await;
    assert_eq!(
        sync_core::sync::encode(&rename(denied, id_b, missing)),
        sync_core::sync::encode(&absent),
        "byte for byte"
    );
    // Announcing (heads batch): the same answer for B's document and a missing one.
    let denied = batch_answer(&server, &sec_a.token, id_b, heads_b.clone()).await;
    let absent = batch_answer(&server, &sec_a.token, missing, heads_b.clone()).await;
    assert_eq!(
        sync_core::sync::encode(&rename(denied, id_b, missing)),
        sync_core::sync::encode(&absent)
    );
    // ... and the batched client then gets `doc-unavailable` for it.
    let mut batched = Device::new(
        "peer-a-batch",
        Some("store-a2".into()),
        &server.ws_url(&sec_a.token),
    );
    batched.engine =
        ClientEngine::new("peer-a-batch", Some("store-a2".into())).with_batch_sync(true);
    batched.engine.insert_doc(id_b, doc_b);
    let events = batched.sync(SYNC_TIMEOUT).await;
    assert!(
        events.contains(&ClientEvent::Unavailable(id_b)),
        "{events:?}"
    );
    batched.go_offline().await;
    // Pushing: A's device holding a copy of B's document with a change of its own.
    let mut pusher = Device::new("peer-a-push", None, &server.ws_url(&sec_a.token));
    pusher
        .engine
        .insert_doc(id_b, dev_b.engine.doc(&id_b).expect("b").clone());
    edit(
        &mut pusher,
        id_b,
        &actor_a,
        &[MeetingOp::ReplaceText {
            field: "resolution".into(),
            value: "Sửa trộm".into(),
        }],
    );
    let events = pusher.sync(SYNC_TIMEOUT).await;
    assert!(
        events.contains(&ClientEvent::Unavailable(id_b)),
        "{events:?}"
    );
    pusher.go_offline().await;
    assert_eq!(
        fetch(&server, &member.token, id_b).await,
        heads_b,
        "B unchanged"
    );

    forged_superior_score_is_flagged(&server, &mut dev_a, id_a, &sec_a, &sec_b, &member).await;
    dev_a.go_offline().await;
    dev_b.go_offline().await;
    server.stop().await;
}

/// Secretary A types a superior score; the committee member writes the comment and confirms.
async fn forged_superior_score_is_flagged(
    server: &TestServer,
    dev_a: &mut Device,
    id_a: DocumentId,
    sec_a: &Login,
    sec_b: &Login,
    member: &Login,
) {
    let before_forgery = dev_a.engine.doc(&id_a).expect("a").get_heads();
    edit(
        dev_a,
        id_a,
        &ActorId::random(),
        &[MeetingOp::AwardPoints {
            sheet: Sheet::Superior,
            criterion: "c1".into(),
            points: 10.0,
        }],
    );
    dev_a.sync(SYNC_TIMEOUT).await;
    let mut committee = Device::new("peer-k", None, &server.ws_url(&member.token));
    committee.engine.want(id_a);
    committee.sync(SYNC_TIMEOUT).await;
    edit(
        &mut committee,
        id_a,
        &ActorId::random(),
        &[
            MeetingOp::SetSheetField {
                sheet: Sheet::Superior,
                field: "comment".into(),
                value: json!("Đạt yêu cầu"),
            },
            MeetingOp::SetScalar {
                field: "status".into(),
                value: json!("da_xac_nhan"),
            },
        ],
    );
    committee.sync(SYNC_TIMEOUT).await;
    let heads = committee.engine.doc(&id_a).expect("a").get_heads();
    wait_for_heads(server, id_a, &heads).await;
    committee.go_offline().await;

    let path = format!("/api/v1/meetings/{id_a}/history");
    let bearer = format!("Bearer {}", member.token);
    let answer = http(
        server.port,
        "GET",
        &path,
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let json = answer.json();
    let violations = json["violations"].as_array().expect("violations");
    let flagged: Vec<&str> = violations
        .iter()
        .filter_map(|v| v["path"].as_str())
        .collect();
    assert_eq!(flagged, vec!["superiorScore.awarded.c1"], "{violations:?}");
    assert_eq!(violations[0]["reason"], "not_committee");
    assert_eq!(violations[0]["deviceId"], sec_a.device_id.as_str());
    let changes = json["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .all(|c| c["receivedAt"].is_string() && c["deviceId"].is_string())
    );
    assert!(
        changes
            .iter()
            .any(|c| c["deviceId"] == member.device_id.as_str()
                && c["summary"]["edits"].to_string().contains("superiorScore"))
    );

    // The record as it was before the forgery has no superior score at all.
    let at: Vec<String> = before_forgery.iter().map(ToString::to_string).collect();
    let path = format!("/api/v1/meetings/{id_a}/at?heads={}", at.join(","));
    let answer = http(
        server.port,
        "GET",
        &path,
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.json()["record"]["superiorScore"]["awarded"],
        json!({})
    );
    assert_eq!(answer.json()["record"]["status"], "nhap");

    // Who wrote it, per actor: the user and the device (the field app names the authors of
    // conflicting values with these).
    let answer = http(
        server.port,
        "GET",
        &format!("/api/v1/meetings/{id_a}/authors"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let authors = answer.json();
    let named: Vec<(&str, &str)> = authors
        .as_object()
        .expect("actor → author")
        .values()
        .map(|a| {
            (
                a["displayName"].as_str().unwrap_or(""),
                a["deviceName"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for author in [
        ("bithu.a", "Điện thoại bí thư A"),
        ("uyvien.k", "Máy ủy viên"),
    ] {
        assert!(named.contains(&author), "{author:?} in {named:?}");
    }

    // Cell B's secretary cannot read cell A's audit: the same 404 as a missing meeting.
    let other = format!("Bearer {}", sec_b.token);
    for view in ["history", "authors"] {
        let denied = http(
            server.port,
            "GET",
            &format!("/api/v1/meetings/{id_a}/{view}"),
            &[("Authorization", &other)],
            None,
        )
        .await;
        let missing = http(
            server.port,
            "GET",
            &format!("/api/v1/meetings/{}/{view}", new_doc_id()),
            &[("Authorization", &other)],
            None,
        )
        .await;
        assert_eq!(denied.status, 404, "{view}");
        assert_eq!((denied.status, denied.body), (missing.status, missing.body));
    }

    // The live server projected the rating after the commit: the forged value is listed as a
    // violation and the meeting gets no official level, although the committee confirmed it.
    let path = format!("/api/v1/meetings/{id_a}/score");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let score = loop {
        let answer = http(
            server.port,
            "GET",
            &path,
            &[("Authorization", &bearer)],
            None,
        )
        .await;
        if answer.status == 200 && answer.json()["facts"]["status"] == "da_xac_nhan" {
            break answer.json();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no projection in time: {} {}",
            answer.status,
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        score["score"]["violation_count"].as_i64() >= Some(1),
        "{score}"
    );
    assert_eq!(
        score["score"]["official_level"],
        serde_json::Value::Null,
        "{score}"
    );
    let problems = score["problems"].to_string();
    assert!(problems.contains("superiorScore.awarded.c1"), "{problems}");
}

on_both_backends!(two_cells_see_only_their_own_minutes_and_the_committee_sees_both);
