//! The checks in front of every route, in order: the Host header (DNS
//! rebinding), the session cookie, the CSRF token on POSTs, the idle lock;
//! and the security headers on every response.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::pages::{self, Ctx};
use crate::state::AppState;
use crate::state::COOKIE;
/// The CSRF field in forms, and the header htmx and app.js send.
pub const CSRF_FIELD: &str = "_csrf";
const CSRF_HEADER: &str = "x-csrf-token";
/// Largest request body accepted (an entry is at most 50,000 characters per field).
const MAX_BODY: usize = 1024 * 1024;
/// Largest file accepted for import (a journal of 100,000 entries fits).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;
/// The one route that takes a file.
const UPLOAD_PATH: &str = "/settings/import";

/// Scripts and styles only from our own embedded files; no frames, no
/// plugins, forms only to ourselves.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Pages that need no session: our own static files, the launch link, and
/// the neutral page shown after a quick exit.
fn public(path: &str) -> bool {
    path.starts_with("/assets/") || path == "/open" || path == "/bye"
}

/// Paths that work while the journal is locked.
fn while_locked(path: &str) -> bool {
    matches!(path, "/unlock" | "/lock" | "/exit" | "/idle-lock" | "/restore")
}

/// The middleware.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let asset = req.uri().path().starts_with("/assets/");
    let mut resp = check(state, req, next).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    let cache = if asset { "private, max-age=3600" } else { "no-store" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

async fn check(state: AppState, mut req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let Some(host) = host.filter(|h| host_allowed(h, state.cfg().listen)) else {
        return (StatusCode::FORBIDDEN, "This address is not attune's. Open the link attune printed.").into_response();
    };
    let path = req.uri().path().to_owned();
    if public(&path) {
        return next.run(req).await;
    }
    state.lock_if_idle();
    let session = cookie(req.headers(), COOKIE).and_then(|v| state.session(&v));
    let Some(session) = session else {
        return pages::no_session(req.method() == Method::GET);
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        if !same_origin(req.headers(), &host) {
            return forbidden();
        }
        let (parts, body) = req.into_parts();
        let limit = if path == UPLOAD_PATH { MAX_UPLOAD } else { MAX_BODY };
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "That is more text than attune accepts at once.").into_response();
        };
        let header_token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let given = match header_token {
            Some(t) => Some(t),
            None => match multipart_boundary(&parts.headers) {
                Some(boundary) => multipart_field(&bytes, boundary, CSRF_FIELD).await,
                None => form_field(&bytes, CSRF_FIELD),
            },
        };
        if !given.is_some_and(|g| crate::state::same_token(&g, &session.csrf)) {
            return forbidden();
        }
        if !state.is_unlocked() && !while_locked(&path) {
            // Typed against a journal that locked meanwhile: kept sealed,
            // never lost and never readable without the passphrase.
            let multipart = multipart_boundary(&parts.headers).is_some();
            let kept = !multipart && pages::drafts::keep_typed(&state, &path, bytes).await;
            return Redirect::to(if kept { "/unlock?kept=1" } else { "/unlock" }).into_response();
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(Ctx { csrf: session.csrf.clone() });
    if !state.is_unlocked() && !while_locked(&path) {
        return Redirect::to("/unlock").into_response();
    }
    next.run(req).await
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "This request did not come from attune's own page, so nothing was changed.").into_response()
}

/// `localhost` or an IP literal, with our port. Names other than localhost
/// are refused: a DNS-rebinding page reaches us under its own name. IP
/// literals other than loopback only when listening beyond loopback.
pub fn host_allowed(host: &str, listen: std::net::SocketAddr) -> bool {
    let Some((name, port)) = host.rsplit_once(':') else { return false };
    if port != listen.port().to_string() {
        return false;
    }
    if name == "localhost" {
        return true;
    }
    let ip = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    match ip.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || !listen.ip().is_loopback(),
        Err(_) => false,
    }
}

/// A POST must come from our own pages: browsers say so in `Sec-Fetch-Site`
/// and `Origin`; requests without them (old browsers, tests) rely on the
/// CSRF token alone.
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    // With `Referrer-Policy: no-referrer` browsers send `Origin: null` even
    // for our own forms; the CSRF token still has to match.
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some("null") | None => true,
        Some(origin) => origin == format!("http://{host}"),
    }
}

/// A cookie's value from the Cookie header.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// One field of a url-encoded form, without decoding the rest (which may
/// hold a passphrase that should not be copied around).
fn form_field(body: &Bytes, name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The boundary of a `multipart/form-data` body (a file upload).
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(ct).ok()
}

/// One text field of a multipart body. Browsers send fields in the form's
/// order, and our forms put the token first, so the file is not scanned.
async fn multipart_field(body: &Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = Body::from(body.clone()).into_data_stream();
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let listen: std::net::SocketAddr = "127.0.0.1:8123".parse().unwrap();
        assert!(host_allowed("127.0.0.1:8123", listen));
        assert!(host_allowed("localhost:8123", listen));
        assert!(host_allowed("[::1]:8123", listen));
        assert!(!host_allowed("evil.example:8123", listen));
        assert!(!host_allowed("127.0.0.1:9999", listen));
        assert!(!host_allowed("192.168.1.5:8123", listen));
        assert!(!host_allowed("127.0.0.1", listen));
        let wide: std::net::SocketAddr = "0.0.0.0:8123".parse().unwrap();
        assert!(host_allowed("192.168.1.5:8123", wide));
        assert!(!host_allowed("evil.example:8123", wide));
    }

    #[test]
    fn csrf_field_is_found_without_decoding_the_rest() {
        let body = Bytes::from_static(b"passphrase=a%20b&_csrf=abc123&x=1");
        assert_eq!(form_field(&body, "_csrf").as_deref(), Some("abc123"));
        assert_eq!(form_field(&Bytes::from_static(b"x=1"), "_csrf"), None);
    }
}
