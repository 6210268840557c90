//! HTTP routes, declared once in [`configure`].

mod devices;
mod health;
mod metrics;
mod ratings;

use actix_web::web;

/// Registers every route of this module: `/healthz`, `/readyz`, `/metrics`, `/v1/devices/me`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/v1/devices/me", web::get().to(devices::whoami))
        .configure(ratings::configure);
}
