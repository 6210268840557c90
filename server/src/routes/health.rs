//! Liveness and readiness probes.

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use crate::db::{DbError, run_blocking};
use crate::error::ApiError;
use crate::store::Store;

/// `GET /healthz`: the process is alive and serving HTTP.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers `SELECT 1`; 503 otherwise.
#[tracing::instrument(skip_all)]
pub async fn readyz(store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    run_blocking(store.pool(), |c| {
        c.batch_execute("SELECT 1").map_err(DbError::from)
    })
    .await
    .map_err(|e| ApiError::Unavailable(e.into()))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
}
