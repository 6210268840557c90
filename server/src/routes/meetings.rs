//! The audit of a meeting: `GET /api/v1/meetings/{doc_id}/history`,
//! `GET /api/v1/meetings/{doc_id}/at?heads=h1,h2` and `GET /api/v1/meetings/{doc_id}/authors`.
//! They answer only devices that may read the document under the sync rule; anyone else gets
//! the same 404 as for a missing document.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditError, HistoryEntry, Violation};
use crate::auth::AuthenticatedDevice;
use crate::db::run_blocking;
use crate::error::ApiError;
use crate::store::Store;
use crate::ws::HubHandle;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryView {
    doc_id: String,
    changes: Vec<HistoryEntry>,
    /// Values kept in the document that do not count (empty for a document that is not a
    /// meeting).
    violations: Vec<Violation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AtView {
    doc_id: String,
    heads: Vec<String>,
    record: sync_core::record::MeetingRecord,
}

/// `?heads=` : comma-separated change hashes.
#[derive(Debug, Deserialize)]
pub struct AtQuery {
    heads: String,
}

fn api_error(e: AuditError) -> ApiError {
    match e {
        AuditError::UnknownHeads(h) => ApiError::BadRequest(format!("unknown heads `{h}`")),
        AuditError::NotAMeeting(_) => ApiError::NotFound,
        other => ApiError::Unexpected(other.into()),
    }
}

/// Whether `device_id` may read `doc_id` under the sync rule, with its rights refreshed first.
fn may_read(
    conn: &mut crate::db::DbConnection,
    hub: &HubHandle,
    device_id: &str,
    doc_id: &str,
) -> Result<bool, AuditError> {
    let access = hub.access();
    access.refresh_device(conn, device_id)?;
    audit::may_read(conn, access, device_id, doc_id)
}

/// Loads the document if `device` may read it.
fn readable_doc(
    conn: &mut crate::db::DbConnection,
    hub: &HubHandle,
    device_id: &str,
    doc_id: &str,
) -> Result<Option<automerge::Automerge>, AuditError> {
    if !may_read(conn, hub, device_id, doc_id)? {
        return Ok(None);
    }
    audit::load_doc(conn, doc_id)
}

/// Every change with hash, actor, device, user, time received and a summary, plus the values
/// that do not count.
#[tracing::instrument(skip_all, fields(device.id = %device.id()))]
pub async fn history(
    device: AuthenticatedDevice,
    path: web::Path<String>,
    store: web::Data<Store>,
    hub: web::Data<HubHandle>,
) -> Result<HttpResponse, ApiError> {
    let doc_id = path.into_inner();
    let hub = hub.get_ref().clone();
    let device_id = device.id().to_owned();
    let id = doc_id.clone();
    let found = run_blocking(store.pool(), move |conn| {
        let Some(doc) = readable_doc(conn, &hub, &device_id, &id)? else {
            return Ok(None);
        };
        let changes = audit::history(conn, &id, &doc)?;
        let violations = match sync_core::doc::MeetingDoc::load(&doc.save()) {
            Ok(meeting) => audit::violations(conn, &id, &meeting)?,
            Err(_) => Vec::new(),
        };
        Ok::<_, AuditError>(Some((changes, violations)))
    })
    .await
    .map_err(api_error)?;
    let (changes, violations) = found.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(HistoryView {
        doc_id,
        changes,
        violations,
    }))
}

/// `GET /api/v1/meetings/{doc_id}/authors`: the user and device behind every actor that wrote
/// the document (hex actor id → author), for naming the authors of conflicting values.
#[tracing::instrument(skip_all, fields(device.id = %device.id()))]
pub async fn authors(
    device: AuthenticatedDevice,
    path: web::Path<String>,
    store: web::Data<Store>,
    hub: web::Data<HubHandle>,
) -> Result<HttpResponse, ApiError> {
    let doc_id = path.into_inner();
    let hub = hub.get_ref().clone();
    let device_id = device.id().to_owned();
    let found = run_blocking(store.pool(), move |conn| {
        if !may_read(conn, &hub, &device_id, &doc_id)? {
            return Ok(None);
        }
        audit::authors(conn, &doc_id).map(Some)
    })
    .await
    .map_err(api_error)?;
    Ok(HttpResponse::Ok().json(found.ok_or(ApiError::NotFound)?))
}

/// The meeting record as it was at `heads`.
#[tracing::instrument(skip_all, fields(device.id = %device.id()))]
pub async fn at(
    device: AuthenticatedDevice,
    path: web::Path<String>,
    query: web::Query<AtQuery>,
    store: web::Data<Store>,
    hub: web::Data<HubHandle>,
) -> Result<HttpResponse, ApiError> {
    let doc_id = path.into_inner();
    let heads: Vec<String> = query
        .heads
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect();
    if heads.is_empty() {
        return Err(ApiError::BadRequest("`heads` names no change".into()));
    }
    let hub = hub.get_ref().clone();
    let device_id = device.id().to_owned();
    let (id, wanted) = (doc_id.clone(), heads.clone());
    let record = run_blocking(store.pool(), move |conn| {
        let Some(doc) = readable_doc(conn, &hub, &device_id, &id)? else {
            return Ok(None);
        };
        audit::record_at(&doc, &wanted).map(Some)
    })
    .await
    .map_err(api_error)?
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(AtView {
        doc_id,
        heads,
        record,
    }))
}
