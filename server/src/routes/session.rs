//! `POST /api/v1/session` (log in, enrol the device) and `DELETE /api/v1/session` (log out).

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header::RETRY_AFTER;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::accounts::Accounts;
use crate::accounts::session::LoginError;
use crate::auth::{AuthError, AuthenticatedDevice, SESSION_COOKIE};
use crate::error::{ApiError, ErrorBody};
use crate::settings::Settings;

/// Body of `POST /api/v1/session`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
    /// A name for the device being enrolled, e.g. "Điện thoại bí thư chi bộ 3".
    pub device_name: String,
}

/// Longest username, password and device name accepted (argon2 cost is per byte of input).
const MAX_FIELD_BYTES: usize = 1024;

/// Logs in and enrols the device: `{device_id, token, expires_at, user}` and the
/// `sync_session` cookie (HttpOnly, SameSite=Strict, Secure under TLS). Too many failures for
/// the account or the client address answer 429 with `Retry-After`.
#[tracing::instrument(skip_all)]
pub async fn create_session(
    req: HttpRequest,
    body: web::Json<LoginRequest>,
    accounts: web::Data<Accounts>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if [&body.username, &body.password, &body.device_name]
        .iter()
        .any(|f| f.len() > MAX_FIELD_BYTES)
    {
        return Err(ApiError::BadRequest("a field is too long".into()));
    }
    let address = req.peer_addr().map(|a| a.ip());
    let outcome = accounts
        .login(body.username, body.password, body.device_name, address)
        .await;
    let success = match outcome {
        Ok(success) => success,
        Err(LoginError::InvalidCredentials) => {
            return Err(ApiError::Unauthorized(AuthError::BadLogin));
        }
        Err(LoginError::RateLimited { retry_after }) => {
            let secs = retry_after.as_secs().max(1);
            return Ok(HttpResponse::TooManyRequests()
                .insert_header((RETRY_AFTER, secs.to_string()))
                .json(ErrorBody {
                    error: "too_many_requests".into(),
                    message: format!("too many failed logins; retry in {secs} s"),
                }));
        }
        Err(LoginError::Accounts(e)) => return Err(ApiError::Unexpected(e.into())),
    };
    tracing::info!(
        user.id = %success.user.id,
        device.id = %success.credential.device.id,
        "device enrolled by login"
    );
    let max_age = accounts.settings().credential_lifetime().num_seconds();
    let cookie = Cookie::build(SESSION_COOKIE, success.token.expose().to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(settings.server.tls_cert.is_some())
        .max_age(CookieDuration::seconds(max_age))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(serde_json::json!({
        "device_id": success.credential.device.id,
        "token": success.token.expose(),
        "expires_at": success.credential.expires_at,
        "user": success.user,
    })))
}

/// Logs out: revokes the presenting credential (a replayed cookie is 401 afterwards), tells
/// live connections, and clears the cookie.
#[tracing::instrument(skip_all, fields(device.id = %device.id()))]
pub async fn delete_session(
    device: AuthenticatedDevice,
    accounts: web::Data<Accounts>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ApiError> {
    accounts
        .logout(device.device.id.clone())
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    let mut cookie = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(settings.server.tls_cert.is_some())
        .finish();
    cookie.make_removal();
    Ok(HttpResponse::NoContent().cookie(cookie).finish())
}
