//! The committee's review is an edit like any other: when a committee member returns the
//! minutes through the review API, the secretary's phone that is online at that moment gets
//! the new status and the reason pushed to it, without asking, and can resubmit at once.

use automerge::ActorId;
use e2e::server::{Backend, TestDb, TestServer};
use e2e::ws_client::Device;
use serde_json::json;
use sync_core::doc::{MeetingDoc, MeetingOp};
use sync_core::doc_id::DocumentId;
use sync_core::record::{MeetingRecord, ReviewStatus};
use sync_core::sync::{ClientEngine, ClientEvent};

use crate::access_org::{edit, http, login, regular_meeting, seed_two_cells};
use crate::support::{SYNC_TIMEOUT, wait_for_heads};

/// The device's copy of the minutes as a record.
fn record_on(engine: &ClientEngine, id: DocumentId) -> Option<MeetingRecord> {
    let doc = engine.doc(&id)?;
    MeetingDoc::load(&doc.save()).ok()?.record().ok()
}

fn set_status(status: &str) -> MeetingOp {
    MeetingOp::SetScalar {
        field: "status".into(),
        value: status.into(),
    }
}

async fn a_return_by_the_committee_is_pushed_to_the_secretarys_connected_phone(backend: Backend) {
    let db = TestDb::new(backend);
    let server = TestServer::start(&db, |_| {}).await;
    seed_two_cells(&server).await;
    let (secretary, member) = tokio::join!(
        login(&server, "bithu.a", "Điện thoại bí thư"),
        login(&server, "uyvien.k", "Máy ủy viên"),
    );

    // The secretary submits the minutes and stays online.
    let (id, doc) = regular_meeting("a");
    let mut phone = Device::new(
        "phone",
        Some("store".into()),
        &server.ws_url(&secretary.token),
    );
    phone.engine.insert_doc(id, doc);
    let actor = ActorId::random();
    edit(&mut phone, id, &actor, &[set_status("da_gui")]);
    let events = phone.sync(SYNC_TIMEOUT).await;
    assert!(events.contains(&ClientEvent::InSync(id)), "{events:?}");
    let submitted = phone.engine.doc(&id).expect("held").get_heads();
    wait_for_heads(&server, id, &submitted).await;

    // The committee member returns them from the dashboard's API.
    let reason = "Bổ sung ý kiến phát biểu của đảng viên";
    let body = json!({ "action": "return", "reason": reason }).to_string();
    let bearer = format!("Bearer {}", member.token);
    let answer = http(
        server.port,
        "POST",
        &format!("/api/v1/meetings/{id}/review"),
        &[("Authorization", &bearer)],
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // The phone only listens: the server pushes the change to it.
    let returned = |engine: &ClientEngine| {
        record_on(engine, id).is_some_and(|r| r.status == ReviewStatus::TraLai)
    };
    phone.listen_until(SYNC_TIMEOUT, returned).await;
    let record = record_on(&phone.engine, id).expect("the minutes");
    assert_eq!(record.return_reason, reason);

    // The secretary answers the return on the same connection and resubmits; the server has it,
    // and the committee may now review the minutes again.
    edit(
        &mut phone,
        id,
        &actor,
        &[
            MeetingOp::ReplaceText {
                field: "resolution".into(),
                value: "Nghị quyết đã bổ sung ý kiến phát biểu".into(),
            },
            set_status("da_gui"),
        ],
    );
    phone.sync(SYNC_TIMEOUT).await;
    let resubmitted = phone.engine.doc(&id).expect("held").get_heads();
    wait_for_heads(&server, id, &resubmitted).await;
    let again = http(
        server.port,
        "POST",
        &format!("/api/v1/meetings/{id}/review"),
        &[("Authorization", &bearer)],
        Some(&json!({ "action": "return", "reason": "Lần hai" }).to_string()),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.body);
    phone
        .listen_until(SYNC_TIMEOUT, |engine| {
            record_on(engine, id).is_some_and(|r| r.return_reason == "Lần hai")
        })
        .await;
    phone.go_offline().await;
    server.stop().await;
}

crate::on_both_backends!(a_return_by_the_committee_is_pushed_to_the_secretarys_connected_phone);
