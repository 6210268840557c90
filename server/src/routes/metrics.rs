//! Prometheus scrape endpoint.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::metrics::{CONTENT_TYPE, Metrics};

/// `GET /metrics`: every metric in the OpenMetrics text format.
pub async fn metrics(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let body = metrics
        .encode()
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(body))
}
