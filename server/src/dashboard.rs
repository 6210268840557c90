//! The committee dashboard at `/dashboard/`: plain ES modules and CSS from `server/dashboard/`
//! (no build step), embedded in the binary with `rust-embed` like the field app. Every page
//! reads the JSON API (`/api/v1/ratings/*`, `/api/v1/meetings/*`), never a document.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};

/// The files of `server/dashboard/`, compiled into the binary (also in debug builds).
#[derive(rust_embed::Embed)]
#[folder = "dashboard/"]
struct Files;

/// Registers `/dashboard` (redirect) and `/dashboard/{file}`; paths without an extension get
/// `index.html` (the dashboard routes with the URL hash, so deep links work either way).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/dashboard",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((LOCATION, "/dashboard/"))
                .finish()
        }),
    )
    .route("/dashboard/{tail:.*}", web::get().to(serve));
}

async fn serve(req: HttpRequest) -> HttpResponse {
    let tail = req.match_info().query("tail");
    let path = if tail.is_empty() { "index.html" } else { tail };
    let last = path.rsplit('/').next().unwrap_or(path);
    let path = if last.contains('.') {
        path
    } else {
        "index.html"
    };
    match Files::get(path) {
        Some(file) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, content_type(path)))
            // Unhashed file names: always revalidate, so an upgrade is seen at once.
            .insert_header((CACHE_CONTROL, "no-cache"))
            .body(file.data),
        None => HttpResponse::NotFound()
            .insert_header((CACHE_CONTROL, "no-cache"))
            .finish(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_files_are_embedded_with_their_types() {
        let index = Files::get("index.html").expect("index.html is embedded");
        assert!(std::str::from_utf8(&index.data).is_ok_and(|t| t.contains("<html")));
        for file in Files::iter() {
            assert_ne!(
                content_type(&file),
                "application/octet-stream",
                "{file} has no content type"
            );
        }
    }
}
