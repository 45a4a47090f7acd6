//! The HTML of every page for a small, fixed journal (fixed clock), as insta
//! snapshots: a change to any page shows up in review. Tokens, ids and the
//! temporary journal path are replaced by placeholders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use attune_store::KdfParams;
use attune_web::{AppState, Config, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8123";
const PASS: &str = "correct horse battery";

struct Web {
    app: Router,
    cookie: String,
    csrf: String,
    tmp: tempfile::TempDir,
}

impl Web {
    async fn call(&self, req: Request<Body>) -> (StatusCode, String, String) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let location =
            resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let set = resp.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        (status, if set.is_empty() { location } else { set }, text)
    }

    fn get(&self, uri: &str) -> Request<Body> {
        Request::get(uri).header(header::HOST, HOST).header(header::COOKIE, &self.cookie).body(Body::empty()).unwrap()
    }

    fn post(&self, uri: &str, form: &[(&str, &str)]) -> Request<Body> {
        let mut fields: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        fields.extend_from_slice(form);
        Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
            .unwrap()
    }

    async fn ok(&self, uri: &str, form: &[(&str, &str)]) {
        let (status, to, html) = self.call(self.post(uri, form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}: {html}");
        assert!(!to.is_empty(), "{uri} redirects");
    }
}

/// A new journal with a few of everything, all at the fixed "now".
async fn seeded() -> Web {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = Config {
        store_dir: tmp.path().join("journal"),
        lock_after: Duration::from_secs(900),
        listen: HOST.parse().unwrap(),
        now: Some("2026-11-26T21:00:00+01:00[Europe/Berlin]".parse().unwrap()),
        kdf: KdfParams::MINIMUM,
        allow_plain: false,
    };
    let (state, token) = AppState::new(cfg).unwrap();
    let mut w = Web { app: router(state), cookie: String::new(), csrf: String::new(), tmp };
    let (_, set, _) = w.call(w.get(&format!("/open?token={token}"))).await;
    w.cookie = set.split(';').next().unwrap().to_string();
    let (_, _, html) = w.call(w.get("/unlock")).await;
    let at = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
    w.csrf = html[at..at + 64].to_string();
    w.ok("/unlock", &[("passphrase", PASS), ("passphrase2", PASS)]).await;
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

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"[0-9a-f]{64}", "[TOKEN]");
    s.add_filter(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[ID]");
    s
}

#[tokio::test]
async fn every_page() {
    let w = seeded().await;
    let pages = [
        ("today", "/"),
        ("journal", "/journal"),
        ("entry", "/journal/1"),
        ("edit", "/journal/1/edit"),
        ("insights", "/insights"),
        ("understand", "/understand"),
        ("topic", "/understand/signs"),
        ("assess-step", "/assess/seen-trusted-respected"),
        ("assess-all", "/assess/seen-trusted-respected?all=1"),
        ("plan", "/plan"),
        ("pause", "/pause"),
        ("say", "/say"),
        ("self-worth", "/self-worth"),
        ("safety", "/safety"),
        ("settings", "/settings"),
        ("erase", "/settings/erase"),
        ("restore", "/restore"),
    ];
    let tmp = w.tmp.path().display().to_string();
    for (name, uri) in pages {
        let (status, _, html) = w.call(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let html = html.replace(&tmp, "[TMP]");
        settings().bind(|| insta::assert_snapshot!(name, html));
    }
}
