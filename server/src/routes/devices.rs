//! The authenticated device's own record.

use actix_web::HttpResponse;

use crate::auth::AuthenticatedDevice;

/// `GET /v1/devices/me`: who the credential belongs to (`{id, name, created_at}`).
pub async fn whoami(device: AuthenticatedDevice) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "id": device.device.id,
        "name": device.device.name,
        "created_at": device.device.created_at,
    }))
}
