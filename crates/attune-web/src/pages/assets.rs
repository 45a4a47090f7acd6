//! Our own static files, embedded in the binary: no CDN, no web fonts.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const STYLE: &str = include_str!("../../assets/style.css");
const APP_JS: &str = include_str!("../../assets/app.js");
/// htmx from the npm package `htmx.org` (0BSD, licence beside it).
const HTMX: &str = include_str!("../../assets/vendor/htmx-2.0.11.min.js");
const ICON: &str = include_str!("../../assets/icon.svg");

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "icon.svg" => (ICON, "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}
