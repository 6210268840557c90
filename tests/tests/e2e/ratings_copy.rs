//! A meeting a phone uploads is rated from the sync hub's copy of it: the projector does not
//! load again the stored bytes of a document the hub has just accepted (loading is most of what
//! rating costs), and the rows it writes are those of the stored version.

use automerge::ActorId;
use diesel::prelude::*;
use e2e::server::{Backend, TestDb, TestServer, eventually};
use e2e::ws_client::Device;
use server::db::DbConnection;
use server::db::schema::meeting_facts;
use sync_core::doc::MeetingOp;
use sync_core::sync::ClientEvent;

use crate::access_org::{edit, login, regular_meeting, seed_two_cells};
use crate::support::{SYNC_TIMEOUT, wait_for_heads};

const FROM_COPY: &str = "sync_projections_total{source=\"Copy\"}";

async fn an_uploaded_meeting_is_rated_from_the_hubs_copy_at_the_stored_heads(backend: Backend) {
    let db = TestDb::new(backend);
    let server = TestServer::start(&db, |_| {}).await;
    seed_two_cells(&server).await;
    let secretary = login(&server, "bithu.a", "Điện thoại bí thư").await;
    let (id, doc) = regular_meeting("a");
    let mut phone = Device::new(
        "phone",
        Some("store".into()),
        &server.ws_url(&secretary.token),
    );
    phone.engine.insert_doc(id, doc);
    let location = MeetingOp::ReplaceText {
        field: "location".into(),
        value: "Hội trường thôn Đông".into(),
    };
    edit(&mut phone, id, &ActorId::random(), &[location]);
    let events = phone.sync(SYNC_TIMEOUT).await;
    assert!(events.contains(&ClientEvent::InSync(id)), "{events:?}");
    let heads = phone.engine.doc(&id).expect("held").get_heads();
    wait_for_heads(&server, id, &heads).await;

    let stored_heads = server::store::encode_heads(&heads);
    let pool = server.store.pool().clone();
    let doc_id = id.to_string();
    eventually(
        "the meeting rated at its stored heads",
        SYNC_TIMEOUT,
        || {
            let (pool, doc_id, stored_heads) = (pool.clone(), doc_id.clone(), stored_heads.clone());
            async move {
                let rated = tokio::task::spawn_blocking(move || {
                    let mut conn = pool.get().expect("connection");
                    let q = meeting_facts::table
                        .find(&doc_id)
                        .select(meeting_facts::heads);
                    let heads: Option<String> = match &mut *conn {
                        DbConnection::Sqlite(c) => q.first(c).optional(),
                        DbConnection::Pg(c) => q.first(c).optional(),
                    }
                    .expect("read the rating");
                    heads == Some(stored_heads)
                })
                .await
                .expect("read task");
                rated.then_some(())
            }
        },
    )
    .await;
    // (Another projection may still load the stored bytes: when the hub already holds a
    // newer change than the one committed, the copy's heads are not the stored heads.)
    assert!(
        server.metric(FROM_COPY).is_some_and(|n| n >= 1.0),
        "rated from the hub's copy"
    );
    phone.go_offline().await;
    server.stop().await;
}

crate::on_both_backends!(an_uploaded_meeting_is_rated_from_the_hubs_copy_at_the_stored_heads);
