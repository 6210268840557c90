//! The small read-only API of the field app.
//!
//! `GET /api/v1/genesis/meeting?cell=<unit code>&period=<YYYY-MM>`: the derived document id and
//! the deterministic first change (`MeetingDoc::regular_genesis`) of a cell's regular meeting.
//! The browser imports these bytes with `repo.import(bytes, { docId })` so two phones that start
//! the same meeting offline share one document. The answer is a pure function of the query, so
//! it is cacheable forever (the service worker keeps the months around today).
//!
//! `GET /api/v1/cells/{code}/members`: the cell's members, for a new meeting's roster.

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

/// One member of a cell, as the app puts it into a new meeting's roster (`setRosterEntry`).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RosterMemberView {
    /// Member id (the roster key): the person's member code.
    pub member_id: String,
    /// Full name.
    pub full_name: String,
    /// `chinh_thuc` or `du_bi`.
    pub category: &'static str,
}

/// `GET /api/v1/cells/{code}/members`: the cell's members today, for prefilling a new meeting's
/// roster when no earlier meeting is on the device. Only for a user holding a role on the cell
/// or on a unit above it (404 otherwise, as for an unknown cell).
pub async fn cell_members(
    device: AuthenticatedDevice,
    code: web::Path<String>,
    store: web::Data<crate::store::Store>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let user_id = device.user_id.clone();
    let members = crate::db::run_blocking(store.pool(), move |conn| {
        let today = chrono::Utc::now().date_naive();
        let Some(user_id) = user_id else {
            return Ok::<_, anyhow::Error>(None);
        };
        let roles = crate::accounts::roles::roles_of_user(conn, &user_id)?;
        let tree = crate::org::units::tree_as_of(conn, today)?;
        let Some(cell) = tree.by_code(&code) else {
            return Ok(None);
        };
        let path = tree.ancestor_path(&cell.id);
        let allowed = roles
            .iter()
            .any(|r| r.unit_id == cell.id || path.iter().any(|p| p.id == r.unit_id));
        if !allowed {
            return Ok(None);
        }
        let members = crate::org::people::members_of(conn, &code, today)?;
        Ok(Some(
            members
                .into_iter()
                .map(|m| RosterMemberView {
                    member_id: m.person.member_code,
                    full_name: m.person.name.full(),
                    category: m.person.status.as_str(),
                })
                .collect::<Vec<_>>(),
        ))
    })
    .await
    .map_err(ApiError::Unexpected)?;
    match members {
        Some(list) => Ok(HttpResponse::Ok().json(list)),
        None => Err(ApiError::NotFound),
    }
}
