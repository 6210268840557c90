//! Who may read which ratings: the same organisation rule as the minutes themselves. A cell's
//! secretary reads its own cell; a committee member reads the committee's subtree; the national
//! views need read rights over the whole tree; a meeting's score needs read rights over the
//! meeting. Anything else is answered like a missing resource (404), as the sync endpoint does.

use actix_web::web;

use crate::auth::AuthenticatedDevice;
use crate::db::run_blocking;
use crate::error::ApiError;
use crate::org::access::{Access, AccessSnapshot};
use crate::store::Store;
use crate::ws::HubHandle;

/// What a view reads.
#[derive(Debug, Clone)]
pub enum ReadScope {
    /// A cell or committee, by unit code.
    Unit(String),
    /// Every unit (national views without a `committee` or `cell`).
    Everything,
    /// One meeting document.
    Meeting(String),
}

/// Whether `device_id` may read the ratings of the unit `code` (a cell or a committee).
pub fn reads_unit(snapshot: &AccessSnapshot, device_id: &str, code: &str) -> bool {
    snapshot.decision(device_id, code).access > Access::Denied
}

/// `Ok` when `device` may read `scope`, else `ApiError::NotFound`.
pub async fn authorize(
    device: &AuthenticatedDevice,
    store: &web::Data<Store>,
    hub: &web::Data<HubHandle>,
    scope: ReadScope,
) -> Result<(), ApiError> {
    let device_id = device.id().to_owned();
    let hub = hub.get_ref().clone();
    let allowed = run_blocking(store.pool(), move |conn| {
        let access = hub.access();
        access.refresh_device(conn, &device_id)?;
        let snapshot = access.snapshot();
        Ok::<bool, anyhow::Error>(match &scope {
            ReadScope::Unit(code) => reads_unit(&snapshot, &device_id, code),
            ReadScope::Everything => snapshot.reads_whole_tree(&device_id),
            ReadScope::Meeting(doc_id) => crate::audit::may_read(conn, access, &device_id, doc_id)?,
        })
    })
    .await
    .map_err(ApiError::Unexpected)?;
    if allowed {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}
