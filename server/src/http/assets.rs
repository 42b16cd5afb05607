//! The UI built by Trunk, embedded in the binary so that copying one file deploys the product.
//! Any path that is not a file gets index.html, and the app shows what the URL names.

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../dist"]
#[allow_missing = true]
struct Dist;

const NOT_BUILT: &str = "<!DOCTYPE html><title>Mailroom</title><h1>The web interface is not in this build</h1>\
<p>This binary was compiled before the frontend was built. Run <code>make build</code> (or <code>make run</code>) to include it.</p>";

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(file) = (!path.is_empty()).then(|| Dist::get(path)).flatten() {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Trunk names the wasm, js and css after their hash; the rest may change in place.
        let hashed = path.rsplit_once('-').is_some_and(|(_, tail)| tail.len() > 16);
        let cache = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        return ([(header::CONTENT_TYPE, mime.as_ref()), (header::CACHE_CONTROL, cache)], file.data).into_response();
    }
    if path.starts_with("api/") || path.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    match Dist::get("index.html") {
        Some(index) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], index.data)
            .into_response(),
        None => {
            (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], NOT_BUILT).into_response()
        }
    }
}
