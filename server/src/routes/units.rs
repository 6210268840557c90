//! `GET /api/v1/units?as_of=YYYY-MM-DD`: the committees the caller may read, as the
//! effective-dated tree stands on that day (default today in Vietnam), in tree order with their
//! names, parents, depth and number of cells directly under them. The dashboard's unit filter
//! reads it; cells are left out (a committee member may read thousands of them, and the grid of
//! their committee lists them).

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::AuthenticatedDevice;
use crate::db::run_blocking;
use crate::error::ApiError;
use crate::org::units::tree_as_of;
use crate::org::{OrgTree, UnitKind};
use crate::store::Store;
use crate::ws::HubHandle;

use super::ratings::parse_as_of;
use super::ratings_access::reads_unit;

#[derive(Debug, Deserialize)]
pub struct UnitsQuery {
    as_of: Option<String>,
}

/// One committee the caller may read.
#[derive(Debug, Serialize)]
struct UnitEntry {
    code: String,
    name: String,
    kind: UnitKind,
    /// The parent's code, `None` for a root of the tree.
    parent: Option<String>,
    /// Steps from the root of the tree (a root is 0).
    depth: usize,
    /// Cells directly under this unit on that day.
    cells: usize,
}

#[derive(Debug, Serialize)]
struct UnitsView {
    as_of: NaiveDate,
    units: Vec<UnitEntry>,
}

/// Committees (every unit that is not a cell) the caller may read, depth first.
#[tracing::instrument(skip_all, fields(device.id = %device.id()))]
pub async fn units(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<UnitsQuery>,
) -> Result<HttpResponse, ApiError> {
    let as_of = parse_as_of(q.as_of.as_deref())?;
    let device_id = device.id().to_owned();
    let hub = hub.get_ref().clone();
    let units = run_blocking(store.pool(), move |conn| {
        let access = hub.access();
        access.refresh_device(conn, &device_id)?;
        let snapshot = access.snapshot();
        let tree = tree_as_of(conn, as_of)?;
        Ok::<_, anyhow::Error>(readable_committees(&tree, |code| {
            reads_unit(&snapshot, &device_id, code)
        }))
    })
    .await
    .map_err(ApiError::Unexpected)?;
    Ok(HttpResponse::Ok().json(UnitsView { as_of, units }))
}

fn readable_committees(tree: &OrgTree, readable: impl Fn(&str) -> bool) -> Vec<UnitEntry> {
    tree.walk()
        .into_iter()
        .filter(|u| !u.kind.is_cell() && readable(&u.code))
        .map(|u| UnitEntry {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind,
            parent: u
                .parent_id
                .as_deref()
                .and_then(|p| tree.get(p))
                .map(|p| p.code.clone()),
            depth: tree.ancestor_path(&u.id).len().saturating_sub(1),
            cells: tree.children(&u.id).filter(|c| c.kind.is_cell()).count(),
        })
        .collect()
}
