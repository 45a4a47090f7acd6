//! The one harness for the web app's tests: the real router over a journal
//! in a temporary folder, driven with `oneshot` as a browser would (the
//! launch link, the session cookie, the CSRF token in every form).
//!
//! Each test file uses part of it, so unused parts are not warnings.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use attune_store::{KdfParams, Protection, Store};
use attune_web::{AppState, Config, router};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The address the app believes it listens on (for the Host check).
pub const HOST: &str = "127.0.0.1:8123";
/// The passphrase every test journal is made with.
pub const PASS: &str = "correct horse battery";
/// The fixed "now" of every test.
pub const NOW: &str = "2026-11-26T21:00:00+01:00[Europe/Berlin]";

/// How the app under test is set up.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Idle time before the journal locks.
    pub lock_after: Duration,
    /// The journal's folder, under the temporary folder.
    pub folder: &'static str,
    /// A journal without encryption is made beforehand, as `attune init
    /// --no-encryption` does.
    pub plain: bool,
    /// The person's `allow_plain`.
    pub allow_plain: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup { lock_after: Duration::from_secs(900), folder: "journal", plain: false, allow_plain: false }
    }
}

/// The app's configuration for a journal in `dir`.
pub fn config(dir: &Path, lock_after: Duration) -> Config {
    Config {
        store_dir: dir.to_path_buf(),
        lock_after,
        listen: HOST.parse().unwrap(),
        now: Some(NOW.parse().unwrap()),
        kdf: KdfParams::MINIMUM,
        allow_plain: false,
    }
}

/// One response, read whole.
pub struct Reply {
    pub status: StatusCode,
    /// Where it redirects ("" if it does not).
    pub location: String,
    /// The `Set-Cookie` header ("" if none).
    pub cookie: String,
    pub content_type: String,
    pub headers: HeaderMap,
    pub body: String,
}

/// The app, and the browser's side of it.
pub struct Web {
    pub app: Router,
    pub state: AppState,
    /// The one-time launch token.
    pub token: String,
    /// The `Cookie` header the browser sends.
    pub cookie: String,
    /// The CSRF token the forms carry.
    pub csrf: String,
    /// The journal's folder.
    pub dir: PathBuf,
    pub tmp: tempfile::TempDir,
}

impl Web {
    /// A new app over a journal that does not exist yet; nothing used.
    pub fn new(lock_after: Duration) -> Web {
        Web::with(Setup { lock_after, ..Setup::default() })
    }

    /// A new app, set up as `setup` says; nothing used.
    pub fn with(setup: Setup) -> Web {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(setup.folder);
        if setup.plain {
            Store::create(&dir, Protection::None).unwrap();
        }
        let cfg = Config { allow_plain: setup.allow_plain, ..config(&dir, setup.lock_after) };
        let (state, token) = AppState::new(cfg).unwrap();
        Web { app: router(state.clone()), state, token, cookie: String::new(), csrf: String::new(), dir, tmp }
    }

    /// Uses the launch link, then creates the journal.
    pub async fn start(lock_after: Duration) -> Web {
        let mut w = Web::new(lock_after);
        w.open().await;
        w.create().await;
        w
    }

    /// Uses the launch link; then creates the journal, or opens the plain
    /// one made beforehand (which needs no passphrase when allowed).
    pub async fn start_with(setup: Setup) -> Web {
        let mut w = Web::with(setup);
        w.open().await;
        if setup.plain {
            w.open_plain().await;
        } else {
            w.create().await;
        }
        w
    }

    /// Uses the launch link and keeps the session cookie.
    pub async fn open(&mut self) {
        let r = self.reply(self.get(&format!("/open?token={}", self.token))).await;
        assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/"), "{}", r.body);
        assert!(!r.cookie.is_empty(), "the launch link sets the session cookie");
        self.cookie = r.cookie.split(';').next().unwrap().to_string();
    }

    /// The unlock (or set-up) page; keeps its CSRF token.
    pub async fn unlock_page(&mut self) -> String {
        let html = self.page("/unlock").await;
        self.csrf = csrf_in(&html);
        html
    }

    /// Creates the journal through the set-up form, as a person does.
    pub async fn create(&mut self) {
        let html = self.unlock_page().await;
        assert!(html.contains("Welcome to attune"), "{html}");
        let (status, to, html) = self.go(self.post("/unlock", &[("passphrase", PASS), ("passphrase2", PASS)])).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/?welcome=1"), "{html}");
    }

    /// A plain journal opens without a passphrase; its pages carry the token.
    pub async fn open_plain(&mut self) {
        let (status, to, _) = self.go(self.get("/unlock")).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/"), "a plain journal opens without a passphrase");
        let html = self.page("/").await;
        self.csrf = csrf_in(&html);
    }

    /// A GET with the session.
    pub fn get(&self, uri: &str) -> Request<Body> {
        Request::get(uri).header(header::HOST, HOST).header(header::COOKIE, &self.cookie).body(Body::empty()).unwrap()
    }

    /// A form POST with the session and the CSRF token.
    pub fn post(&self, uri: &str, form: &[(&str, &str)]) -> Request<Body> {
        let mut fields: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        fields.extend_from_slice(form);
        Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
            .unwrap()
    }

    /// A file upload as a browser sends it: the token first, then the fields.
    pub fn upload(&self, uri: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Request<Body> {
        let boundary = "----attune-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        let mut part = |name: &str, filename: Option<&str>, value: &[u8]| {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
            );
            if let Some(f) = filename {
                body.extend_from_slice(
                    format!("; filename=\"{f}\"\r\nContent-Type: application/octet-stream").as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        };
        part("_csrf", None, self.csrf.as_bytes());
        for (k, v) in fields {
            part(k, None, v.as_bytes());
        }
        if let Some((name, bytes)) = file {
            part("file", Some(name), bytes);
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap()
    }

    /// Sends `req`; the whole response.
    pub async fn reply(&self, req: Request<Body>) -> Reply {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let (parts, body) = resp.into_parts();
        let text = |name| parts.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let (location, cookie, content_type) =
            (text(header::LOCATION), text(header::SET_COOKIE), text(header::CONTENT_TYPE));
        let bytes = body.collect().await.unwrap().to_bytes();
        Reply {
            status: parts.status,
            location,
            cookie,
            content_type,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Sends `req`: status, the response without its body, the body.
    pub async fn call(&self, req: Request<Body>) -> (StatusCode, Response<Body>, String) {
        let r = self.reply(req).await;
        let mut head = Response::new(Body::empty());
        *head.status_mut() = r.status;
        *head.headers_mut() = r.headers;
        (r.status, head, r.body)
    }

    /// Sends `req`: status, where it redirects ("" if it does not), body.
    pub async fn go(&self, req: Request<Body>) -> (StatusCode, String, String) {
        let r = self.reply(req).await;
        (r.status, r.location, r.body)
    }

    /// A page that must be there.
    pub async fn page(&self, uri: &str) -> String {
        let (status, _, html) = self.go(self.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {html}");
        html
    }

    /// A form that must be taken (a redirect, so reloading does not post again).
    pub async fn ok(&self, uri: &str, form: &[(&str, &str)]) {
        let (status, to, html) = self.go(self.post(uri, form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}: {html}");
        assert!(!to.is_empty(), "{uri} redirects");
    }
}

/// A new journal with a few of everything, all at the fixed "now".
pub async fn seeded() -> Web {
    let w = Web::start(Duration::from_secs(900)).await;
    w.ok("/checkin", &[("security", "6"), ("seen", "5"), ("trusted", "7"), ("respected", "6")]).await;
    w.ok("/log", &[("situation", "They went quiet at dinner and I started to worry"), ("intensity", "6")]).await;
    w.ok("/log", &[("situation", "A slow reply to my message"), ("intensity", "4")]).await;
    w.ok("/plan/need", &[("name", "Hearing about changed plans early"), ("looks_like", "a short text")]).await;
    w.ok("/plan/agreement", &[("kind", "check-in"), ("text", "A short call when one of us is late")]).await;
    w.ok("/self-worth/did", &[("what", "Cooked for my sister"), ("minutes", "60")]).await;
    w.ok("/self-worth/support", &[("name", "Mara"), ("relation", "sister"), ("can_call", "1")]).await;
    w.ok("/plan/trigger", &[("trigger", "late-reply"), ("myself", "Breathe, then wait an hour")]).await;
    w.ok("/assess/seen-trusted-respected", &[("action", "next"), ("answer", "7")]).await;
    w
}

/// Where a response redirects ("" if it does not).
pub fn location(resp: &Response<Body>) -> String {
    resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a form with a CSRF token") + 20;
    html[at..at + 64].to_string()
}

/// Text with runs of white space folded, for searching sentences.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Snapshot settings: the random tokens in forms replaced.
pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"[0-9a-f]{64}", "[TOKEN]");
    s
}
