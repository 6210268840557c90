//! `GET /api/v1/me`: the logged-in user, roles and units.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use sync_core::record::CellType;

use crate::accounts::AccountsError;
use crate::accounts::roles::{HeldRole, roles_of_user};
use crate::accounts::users::{User, user_by_id};
use crate::auth::AuthenticatedDevice;
use crate::db::run_blocking;
use crate::error::ApiError;
use crate::org::PathEntry;
use crate::org::units::tree_as_of;
use crate::store::Store;

/// A unit the user holds a role on, with its path from the root as of today and, for a cell,
/// its type (which agenda template the field app starts its meetings from).
#[derive(Debug, Serialize)]
struct UnitView {
    id: String,
    code: String,
    name: String,
    path: Vec<PathEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell_type: Option<CellType>,
}

#[derive(Debug, Serialize)]
struct MeView {
    device_id: String,
    user: Option<User>,
    roles: Vec<HeldRole>,
    units: Vec<UnitView>,
}

/// `{device_id, user, roles, units}`; `user` is null and the lists empty for a device created
/// by an operator rather than a login.
#[tracing::instrument(skip_all, fields(device.id = %device.id()))]
pub async fn me(
    device: AuthenticatedDevice,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let user_id = device.user_id.clone();
    let view = run_blocking(store.pool(), move |conn| {
        let Some(user_id) = user_id else {
            return Ok::<_, AccountsError>((None, Vec::new(), Vec::new()));
        };
        let user = user_by_id(conn, &user_id)?;
        let roles = roles_of_user(conn, &user_id)?;
        let tree = tree_as_of(conn, chrono::Utc::now().date_naive())?;
        let mut units: Vec<UnitView> = Vec::new();
        for role in &roles {
            if units.iter().any(|u| u.id == role.unit_id) {
                continue;
            }
            if let Some(unit) = tree.get(&role.unit_id) {
                let cell_type = match unit.kind.is_cell() {
                    true => Some(crate::org::cell_types::cell_type_of(conn, &unit.code)?),
                    false => None,
                };
                units.push(UnitView {
                    id: unit.id.clone(),
                    code: unit.code.clone(),
                    name: unit.name.clone(),
                    path: tree.ancestor_path(&unit.id),
                    cell_type,
                });
            }
        }
        Ok((user, roles, units))
    })
    .await
    .map_err(|e| ApiError::Unexpected(e.into()))?;
    let (user, roles, units) = view;
    Ok(HttpResponse::Ok().json(MeView {
        device_id: device.device.id,
        user,
        roles,
        units,
    }))
}
