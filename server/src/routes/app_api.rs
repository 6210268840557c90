//! The small read-only API of the field app.
//!
//! `GET /api/v1/genesis/meeting?cell=<unit code>&period=<YYYY-MM>`: the derived document id and
//! the deterministic first change (`MeetingDoc::regular_genesis`) of a cell's regular meeting.
//! The browser imports these bytes with `repo.import(bytes, { docId })` so two phones that start
//! the same meeting offline share one document. The answer is a pure function of the query, so
//! it is cacheable forever (the service worker keeps the months around today).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sync_core::doc::MeetingDoc;

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;

/// Header carrying the document id (base58check) next to the genesis bytes.
pub const DOCUMENT_ID_HEADER: &str = "x-document-id";

/// Query of `GET /api/v1/genesis/meeting`.
#[derive(Debug, Deserialize)]
pub struct GenesisQuery {
    /// Org unit code of the cell.
    pub cell: String,
    /// `YYYY-MM`.
    pub period: String,
}

/// The genesis bytes (`application/octet-stream`) with the id in `x-document-id`; 400 for an
/// invalid cell code or period. Needs a logged-in device (cookie, Bearer or `?token=`).
pub async fn meeting_genesis(
    _device: AuthenticatedDevice,
    query: web::Query<GenesisQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, bytes) = MeetingDoc::regular_genesis(&query.cell, &query.period)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/octet-stream"))
        .insert_header((DOCUMENT_ID_HEADER, id.to_string()))
        .insert_header((CACHE_CONTROL, "private, max-age=31536000, immutable"))
        .body(bytes))
}
