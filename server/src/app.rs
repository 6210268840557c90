//! The field app at `/app/`: the built assets of `server/app/dist/` embedded in the binary (no
//! Node at run time; `scripts/build-app.sh` rebuilds them from `server/app/`), served with cache
//! headers that let the service worker own offline use.

mod assets;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};

pub use assets::{AppAsset, asset};

/// Registers `/app` (redirect), `/app/` and every file under it; unknown paths under `/app/`
/// get `index.html` so deep links work.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/app",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((LOCATION, "/app/"))
                .finish()
        }),
    )
    .route("/app/{tail:.*}", web::get().to(serve));
}

/// Serves one embedded file, or `index.html` for app routes that are not files.
async fn serve(req: HttpRequest) -> HttpResponse {
    let tail = req.match_info().query("tail");
    let path = if tail.is_empty() { "index.html" } else { tail };
    let found = asset(path).or_else(|| {
        // A path with an extension that is not in the bundle is a real 404 (favicon, stale
        // hashed asset); anything else is an app route.
        let last = path.rsplit('/').next().unwrap_or(path);
        (!last.contains('.')).then(|| asset("index.html")).flatten()
    });
    match found {
        Some(file) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, file.content_type))
            .insert_header((CACHE_CONTROL, file.cache_control))
            .body(file.bytes),
        None => HttpResponse::NotFound()
            .insert_header((CACHE_CONTROL, "no-cache"))
            .finish(),
    }
}
