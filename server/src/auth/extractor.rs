//! The [`AuthenticatedDevice`] extractor.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};

use super::{AuthError, DeviceToken, authenticate_credential};
use crate::error::ApiError;
use crate::store::devices::DeviceRecord;
use crate::store::{Store, StoreError};

/// Name of the cookie the browser app authenticates with.
pub const SESSION_COOKIE: &str = "sync_session";

/// The device behind a request's credential; taking it as a handler argument makes the route
/// authenticated. Missing, malformed, unknown and revoked credentials answer 401 JSON.
#[derive(Debug, Clone)]
pub struct AuthenticatedDevice {
    /// The device record (active at the time of the request).
    pub device: DeviceRecord,
    /// The user the device was enrolled for by a login; `None` for operator-created devices.
    pub user_id: Option<String>,
}

impl AuthenticatedDevice {
    /// The device id.
    pub fn id(&self) -> &str {
        &self.device.id
    }
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// Finds the credential in, by priority: `Authorization: Bearer`, the `sync_session` cookie,
/// the `token` query parameter. A present but unusable credential is
/// [`AuthError::Malformed`]; none at all is [`AuthError::Missing`].
pub fn credential_from_request(req: &HttpRequest) -> Result<DeviceToken, AuthError> {
    if let Some(value) = req.headers().get(AUTHORIZATION) {
        let value = value.to_str().map_err(|_| AuthError::Malformed)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::Malformed);
        }
        return DeviceToken::parse(token);
    }
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        return DeviceToken::parse(cookie.value());
    }
    let query = web::Query::<TokenQuery>::from_query(req.query_string())
        .map_err(|_| AuthError::Malformed)?;
    match &query.token {
        Some(token) => DeviceToken::parse(token),
        None => Err(AuthError::Missing),
    }
}

impl FromRequest for AuthenticatedDevice {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let credential = credential_from_request(req);
        let store = req.app_data::<web::Data<Store>>().cloned();
        Box::pin(async move {
            let token = credential?;
            let store = store.ok_or_else(|| {
                ApiError::Unexpected(anyhow::anyhow!("the store is not registered as app data"))
            })?;
            let credential = crate::db::run_blocking(store.pool(), move |conn| {
                Ok::<_, StoreError>(authenticate_credential(conn, &token))
            })
            .await
            .map_err(AuthError::Store)??;
            Ok(Self {
                device: credential.device,
                user_id: credential.user_id,
            })
        })
    }
}
