//! The sync endpoint: automerge-repo v1 over WebSocket at `GET /sync`.
//!
//! - [`sync_socket`] authenticates the upgrade ([`AuthenticatedDevice`]: the connection's
//!   identity is the credential's device, never the `senderId` it claims), upgrades with
//!   actix-ws and runs the socket's reader, writer and heartbeat ([`connection`]).
//! - [`Hub`] owns the one [`ServerEngine`](sync_core::sync::ServerEngine) on a dedicated
//!   thread. Sockets send it commands (connect, frame, disconnect) over an mpsc channel; it
//!   feeds the engine and carries out every [`Output`](sync_core::sync::Output): frames go to
//!   the connection's bounded [`Outbox`](outbox::Outbox), storage work runs through
//!   [`Store`](crate::store::Store) ([`storage`]; document loads on threads of their own,
//!   [`loader`]), `Persist` batches go to the one sequential
//!   [`committer`], which folds queued batches into one transaction.
//! - Memory is bounded both ways: at most [`HubConfig::inbound_budget_bytes`] of received
//!   frames wait for the hub (over all sockets; readers pause, TCP pushes back), and a peer
//!   that stops reading is closed once [`HubConfig::outbound_budget_bytes`] are queued for it.

mod committer;
mod config;
mod connection;
pub mod guard;
mod hub;
mod loader;
pub mod local_peer;
mod outbox;
pub mod revocation;
pub mod roster_publisher;
mod storage;

pub use committer::CommitListener;
pub use config::HubConfig;
pub use hub::{Hub, HubHandle};

use actix_web::{HttpRequest, HttpResponse, web};
use tracing::Instrument;

use crate::auth::AuthenticatedDevice;
use crate::metrics::Metrics;

/// `GET /sync`: upgrades an authenticated request to a sync WebSocket. Requests without a
/// valid credential are refused with 401 before the upgrade.
#[tracing::instrument(name = "sync socket", skip_all, fields(device.id = %device.id()))]
pub async fn sync_socket(
    req: HttpRequest,
    body: web::Payload,
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    metrics: web::Data<Metrics>,
    store: web::Data<crate::store::Store>,
) -> actix_web::Result<HttpResponse> {
    // The device's user and roles as of now: a role granted or revoked since the last reload
    // counts from this connection on. A device without a user (checked active by the
    // extractor) needs no roles.
    let access = hub.access().clone();
    if device.user_id.is_none() {
        access.note_device_without_user(device.id());
    } else {
        let id = device.id().to_owned();
        let allowed =
            crate::db::run_blocking(store.pool(), move |conn| access.refresh_device(conn, &id))
                .await
                .map_err(|e| crate::error::ApiError::Unavailable(anyhow::Error::new(e)))?;
        if !allowed {
            return Err(
                crate::error::ApiError::Unauthorized(crate::auth::AuthError::Revoked).into(),
            );
        }
    }
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let hub = hub.get_ref().clone();
    let metrics = metrics.get_ref().clone();
    let device_id = device.id().to_owned();
    // The socket outlives the request span; its own span keeps the device on every log line.
    let span = tracing::info_span!("sync connection", device.id = %device_id);
    actix_web::rt::spawn(
        connection::run(hub, metrics, device_id, session, stream).instrument(span),
    );
    Ok(response)
}
