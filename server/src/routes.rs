//! HTTP routes, declared once in [`configure`].

mod app_api;
mod devices;
mod health;
mod me;
mod meetings;
mod metrics;
mod ratings;
mod ratings_access;
mod review;
mod session;
mod units;

use actix_web::web;

/// Registers every route of this module: `/healthz`, `/readyz`, `/metrics`, `/v1/devices/me`,
/// `/api/v1/session` (POST log in, DELETE log out), `/api/v1/me`, the meeting audit
/// `/api/v1/meetings/{doc_id}/history` and `/api/v1/meetings/{doc_id}/at?heads=`, the field
/// app's `/api/v1/genesis/meeting` and `/api/v1/cells/{code}/members`, the WebSocket `/sync`, the
/// committees the caller may read (`/api/v1/units`), the ratings API and the field app itself
/// under `/app/`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/v1/devices/me", web::get().to(devices::whoami))
        .route("/api/v1/session", web::post().to(session::create_session))
        .route("/api/v1/session", web::delete().to(session::delete_session))
        .route("/api/v1/me", web::get().to(me::me))
        .route(
            "/api/v1/meetings/{doc_id}/history",
            web::get().to(meetings::history),
        )
        .route("/api/v1/meetings/{doc_id}/at", web::get().to(meetings::at))
        .route(
            "/api/v1/meetings/{doc_id}/authors",
            web::get().to(meetings::authors),
        )
        .route(
            "/api/v1/genesis/meeting",
            web::get().to(app_api::meeting_genesis),
        )
        .route(
            "/api/v1/cells/{code}/members",
            web::get().to(app_api::cell_members),
        )
        .route("/api/v1/units", web::get().to(units::units))
        .route("/sync", web::get().to(crate::ws::sync_socket))
        .configure(ratings::configure)
        .configure(review::configure)
        .configure(crate::dashboard::configure)
        .configure(crate::app::configure);
}
