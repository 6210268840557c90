//! The embedded `server/app/dist/` tree.

use std::borrow::Cow;

/// Files of `server/app/dist/`, compiled into the binary (also in debug builds).
#[derive(rust_embed::Embed)]
#[folder = "app/dist/"]
struct Dist;

/// One embedded file with the headers it is served with.
#[derive(Debug, Clone)]
pub struct AppAsset {
    /// The file's bytes.
    pub bytes: Cow<'static, [u8]>,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// `Cache-Control`: content-hashed files under `assets/` are immutable; the rest (index,
    /// service worker, manifest, icons) must be revalidated so an update is seen.
    pub cache_control: &'static str,
}

/// The embedded file at `path` (relative to `dist/`), if any.
pub fn asset(path: &str) -> Option<AppAsset> {
    let file = Dist::get(path)?;
    let cache_control = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(AppAsset {
        bytes: file.data,
        content_type: content_type(path),
        cache_control,
    })
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_shell_is_embedded_with_the_right_headers() {
        let index = asset("index.html").expect("index.html is embedded");
        assert_eq!(index.cache_control, "no-cache");
        assert!(std::str::from_utf8(&index.bytes).is_ok_and(|t| t.contains("<html")));
        let sw = asset("sw.js").expect("the service worker is embedded");
        assert!(sw.content_type.starts_with("text/javascript"));
        assert!(asset("manifest.webmanifest").is_some());
        let wasm: Vec<_> = Dist::iter().filter(|p| p.ends_with(".wasm")).collect();
        assert_eq!(wasm.len(), 2, "automerge's and sync-core's wasm: {wasm:?}");
        for path in wasm {
            let file = asset(&path).expect("listed files exist");
            assert_eq!(file.content_type, "application/wasm");
            assert_eq!(file.cache_control, "public, max-age=31536000, immutable");
        }
    }
}
