//! Every route through the real router with `oneshot`: status, key content,
//! the security headers, the Host and CSRF checks, locked and unlocked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use attune_store::KdfParams;
use attune_web::{AppState, Config, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8123";
const PASS: &str = "correct horse battery";

struct Web {
    app: Router,
    token: String,
    cookie: String,
    csrf: String,
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
}

fn config(dir: &std::path::Path, lock_after: Duration) -> Config {
    Config {
        store_dir: dir.to_path_buf(),
        lock_after,
        listen: HOST.parse().unwrap(),
        now: Some("2026-11-26T21:00:00+01:00[Europe/Berlin]".parse().unwrap()),
        kdf: KdfParams::MINIMUM,
    }
}

fn new_web(lock_after: Duration) -> Web {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    let (state, token) = AppState::new(config(&dir, lock_after)).unwrap();
    Web { app: router(state), token, cookie: String::new(), csrf: String::new(), _tmp: tmp, dir }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Response<Body>, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (status, Response::from_parts(parts, Body::empty()), text)
}

fn location(resp: &Response<Body>) -> String {
    resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a form with a CSRF token") + 20;
    html[at..at + 64].to_string()
}

impl Web {
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

    async fn call(&self, req: Request<Body>) -> (StatusCode, Response<Body>, String) {
        send(&self.app, req).await
    }

    /// Uses the launch link, then creates the journal.
    async fn start(lock_after: Duration) -> Web {
        let mut w = new_web(lock_after);
        let (status, resp, _) = w.call(w.get(&format!("/open?token={}", w.token))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let set = resp.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
        w.cookie = set.split(';').next().unwrap().to_string();
        let (status, _, html) = w.call(w.get("/unlock")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Welcome to attune"), "{html}");
        w.csrf = csrf_in(&html);
        let (status, resp, _) = w.call(w.post("/unlock", &[("passphrase", PASS), ("passphrase2", PASS)])).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location(&resp), "/?welcome=1");
        w
    }
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let w = Web::start(Duration::from_secs(900)).await;
    for uri in ["/", "/journal", "/unlock", "/bye", "/assets/style.css", "/nope"] {
        let (_, resp, _) = w.call(w.get(uri)).await;
        let h = resp.headers();
        let csp = h.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h.get(header::REFERRER_POLICY).unwrap(), "no-referrer", "{uri}");
        assert_eq!(h.get(header::X_FRAME_OPTIONS).unwrap(), "DENY", "{uri}");
        assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff", "{uri}");
        let cache = h.get(header::CACHE_CONTROL).unwrap().to_str().unwrap();
        if uri.starts_with("/assets/") {
            assert!(cache.contains("private"), "{uri}: {cache}");
        } else {
            assert_eq!(cache, "no-store", "{uri}");
        }
    }
}

#[tokio::test]
async fn no_inline_scripts_or_styles_in_any_page() {
    let w = Web::start(Duration::from_secs(900)).await;
    for uri in ["/", "/journal", "/insights", "/pause", "/say", "/safety", "/settings", "/bye"] {
        let (status, _, html) = w.call(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!html.contains("<style"), "{uri} has a style element");
        assert!(!html.contains(" style=\""), "{uri} has a style attribute");
        for tag in html.split("<script").skip(1) {
            assert!(tag.trim_start().starts_with("src="), "{uri} has an inline script: {tag}");
        }
        assert!(!html.contains(" onclick="), "{uri}");
    }
}

#[tokio::test]
async fn foreign_host_is_refused() {
    let w = Web::start(Duration::from_secs(900)).await;
    for host in ["evil.example:8123", "127.0.0.1:9999", "attune.localhost.evil:8123"] {
        let req = Request::get("/").header(header::HOST, host).header(header::COOKIE, &w.cookie).body(Body::empty());
        let (status, _, _) = w.call(req.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{host}");
    }
    let req = Request::get("/").header(header::COOKIE, &w.cookie).body(Body::empty()).unwrap();
    assert_eq!(w.call(req).await.0, StatusCode::FORBIDDEN);
    let req = Request::get("/").header(header::HOST, "localhost:8123").header(header::COOKIE, &w.cookie);
    assert_eq!(w.call(req.body(Body::empty()).unwrap()).await.0, StatusCode::OK);
}

#[tokio::test]
async fn without_the_session_only_the_locked_page() {
    let w = new_web(Duration::from_secs(900));
    for uri in ["/", "/journal", "/journal/1", "/insights", "/settings", "/unlock"] {
        let (status, _, html) = w.call(w.get(uri)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(html.contains("attune is locked"), "{uri}");
    }
    let (status, _, _) = w.call(w.post("/checkin", &[("security", "5")])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A made-up cookie is no session either.
    let req = Request::get("/").header(header::HOST, HOST).header(header::COOKIE, "attune_session=00ff");
    assert_eq!(w.call(req.body(Body::empty()).unwrap()).await.0, StatusCode::UNAUTHORIZED);
    // The neutral page and the assets need no session.
    assert_eq!(w.call(w.get("/bye")).await.0, StatusCode::OK);
    assert_eq!(w.call(w.get("/assets/app.js")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_launch_link_works_once_and_sets_a_strict_cookie() {
    let w = new_web(Duration::from_secs(900));
    let (status, _, _) = w.call(w.get("/open?token=wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, resp, _) = w.call(w.get(&format!("/open?token={}", w.token))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = resp.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("attune_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains(&w.token), "the cookie must not be the launch token");
    let (status, resp, _) = w.call(w.get(&format!("/open?token={}", w.token))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(resp.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn every_post_needs_the_csrf_token() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    let good = w.csrf.clone();
    for bad in ["", "0000000000000000000000000000000000000000000000000000000000000000"] {
        w.csrf = bad.to_string();
        for uri in ["/checkin", "/log", "/lock", "/exit", "/undo", "/safety/mode", "/settings/backup", "/say"] {
            let (status, _, _) = w.call(w.post(uri, &[("security", "5"), ("situation", "x")])).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{uri} with '{bad}'");
        }
    }
    w.csrf = good;
    // Another site's page cannot post, even with a token it somehow had.
    let mut req = w.post("/checkin", &[("security", "5")]);
    req.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(w.call(req).await.0, StatusCode::FORBIDDEN);
    let mut req = w.post("/checkin", &[("security", "5")]);
    req.headers_mut().insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(w.call(req).await.0, StatusCode::FORBIDDEN);
    // Our own forms under `Referrer-Policy: no-referrer` say `Origin: null`.
    let mut req = w.post("/checkin", &[("security", "5")]);
    req.headers_mut().insert(header::ORIGIN, "null".parse().unwrap());
    req.headers_mut().insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(w.call(req).await.0, StatusCode::SEE_OTHER);
    w.call(w.post("/undo", &[])).await;
    // Nothing was saved by the refused requests.
    let (_, _, html) = w.call(w.get("/journal")).await;
    assert!(html.contains("No entries yet"), "{html}");
    // The header form (htmx, app.js) works like the field.
    let req = Request::post("/lock")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &w.cookie)
        .header("x-csrf-token", &w.csrf)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .body(Body::empty())
        .unwrap();
    let (status, resp, _) = w.call(req).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/unlock");
}

#[tokio::test]
async fn lock_and_unlock_with_the_passphrase() {
    let w = Web::start(Duration::from_secs(900)).await;
    assert!(w.dir.join("attune.db").exists());
    w.call(w.post("/lock", &[])).await;
    let (status, resp, _) = w.call(w.get("/journal")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/unlock");
    let (_, _, html) = w.call(w.get("/unlock")).await;
    assert!(html.contains("Unlock your journal"));
    let (status, _, html) = w.call(w.post("/unlock", &[("passphrase", "not the one")])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("did not open the journal"));
    assert!(!html.contains("not the one"), "the passphrase must not be echoed");
    let (status, resp, _) = w.call(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/");
    assert_eq!(w.call(w.get("/journal")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn first_start_refuses_short_or_differing_passphrases() {
    let mut w = new_web(Duration::from_secs(900));
    let (_, resp, _) = w.call(w.get(&format!("/open?token={}", w.token))).await;
    w.cookie = resp.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().into();
    let (_, _, html) = w.call(w.get("/unlock")).await;
    w.csrf = csrf_in(&html);
    let (status, _, html) = w.call(w.post("/unlock", &[("passphrase", "short"), ("passphrase2", "short")])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("shorter than 8"));
    let (_, _, html) = w.call(w.post("/unlock", &[("passphrase", PASS), ("passphrase2", "different one")])).await;
    assert!(html.contains("differ"));
    assert!(!w.dir.exists(), "nothing is created until the passphrase is good");
}

#[tokio::test]
async fn idle_journal_locks_itself() {
    let w = Web::start(Duration::from_millis(50)).await;
    assert_eq!(w.call(w.get("/")).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (status, resp, _) = w.call(w.get("/")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/unlock");
}

#[tokio::test]
async fn quick_exit_shows_a_neutral_page_and_locks() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, resp, _) = w.call(w.post("/exit", &[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/bye");
    let (status, _, html) = w.call(w.get("/bye")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.to_lowercase().contains("attune"), "the neutral page must not name attune: {html}");
    assert!(!html.contains("<script"));
    assert_eq!(location(&w.call(w.get("/")).await.1), "/unlock");
}

#[tokio::test]
async fn log_find_edit_delete_and_undo_an_entry() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, resp, _) =
        w.call(w.post("/log", &[("situation", "He answered late and I spiralled"), ("intensity", "7")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/journal/1?saved=1");
    let (_, _, html) = w.call(w.get("/journal/1?saved=1")).await;
    assert!(html.contains("Saved entry 1") && html.contains("He answered late") && html.contains("7 of 10"));
    assert!(!html.contains("class=\"notice\""), "no crisis words, no notice");
    let (_, _, html) = w.call(w.get("/journal")).await;
    assert!(html.contains("1 entry") && html.contains("/journal/1"));
    let (_, _, html) = w.call(w.get("/journal?q=spiral")).await;
    assert!(html.contains("<mark>spiralled</mark>"), "{html}");
    let (_, _, html) = w.call(w.get("/journal?q=nothinglikethis")).await;
    assert!(html.contains("Nothing matches"));
    let (_, _, html) = w.call(w.get("/journal?min_intensity=8")).await;
    assert!(html.contains("Nothing matches"));
    let (_, _, html) = w.call(w.get("/journal/1/edit")).await;
    assert!(html.contains("He answered late and I spiralled</textarea>"));
    let (status, _, _) =
        w.call(w.post("/journal/1/edit", &[("situation", "He answered late"), ("starred", "1")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = w.call(w.get("/journal/1")).await;
    assert!(html.contains("He answered late</p>") && html.contains("★ starred"));
    let (_, resp, _) = w.call(w.post("/journal/1/delete", &[])).await;
    assert_eq!(location(&resp), "/journal?deleted=1");
    let (_, _, html) = w.call(w.get("/journal?deleted=1")).await;
    assert!(
        html.contains("Entry 1 was deleted") && html.contains("action=\"/undo\"") && html.contains("No entries yet")
    );
    let (_, resp, _) = w.call(w.post("/undo", &[])).await;
    assert_eq!(location(&resp), "/journal/1");
    assert_eq!(w.call(w.get("/journal/1")).await.0, StatusCode::OK);
    assert_eq!(w.call(w.get("/journal/99")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_list_says_when_there_are_more_without_counting_them() {
    let w = Web::start(Duration::from_secs(900)).await;
    for (text, intensity) in [("first", "3"), ("second", "9"), ("third", "8")] {
        w.call(w.post("/log", &[("situation", text), ("intensity", intensity), ("trigger", "late-reply")])).await;
    }
    let (_, _, html) = w.call(w.get("/journal?limit=2")).await;
    assert!(html.contains("The newest 2 entries; more below."), "{html}");
    assert!(html.contains("/journal/3") && html.contains("/journal/2") && !html.contains("/journal/1\""));
    assert!(html.contains("href=\"/journal?limit=4\">Show more"), "{html}");
    let (_, _, html) = w.call(w.get("/journal?limit=3")).await;
    assert!(html.contains("3 entries.") && !html.contains("Show more"), "{html}");
    let (_, _, html) = w.call(w.get("/journal?trigger=late-reply&min_intensity=8&limit=1")).await;
    assert!(html.contains("The newest entry found; more below.") && html.contains("/journal/3"), "{html}");
    assert!(html.contains("trigger=late-reply&#38;min_intensity=8&#38;limit=2"), "{html}");
    let (_, _, html) = w.call(w.get("/journal?trigger=late-reply&min_intensity=8")).await;
    assert!(html.contains("2 entries found.") && !html.contains("Show more"), "{html}");
}

#[tokio::test]
async fn bad_input_is_explained_and_saves_nothing() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.call(w.post("/log", &[("situation", ""), ("intensity", "5")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Nothing was saved"), "{html}");
    let (status, _, html) = w.call(w.post("/log", &[("situation", "x"), ("intensity", "eleven")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Intensity") && html.contains("eleven"), "{html}");
    let (status, _, _) = w.call(w.post("/checkin", &[("security", "12")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = w.call(w.get("/journal?since=yesterdayish")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, _, html) = w.call(w.get("/journal")).await;
    assert!(html.contains("No entries yet"));
}

#[tokio::test]
async fn crisis_words_put_the_services_first() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "I want to kill myself, I have a plan")])).await;
    let (_, _, html) = w.call(w.get("/journal/1?saved=1")).await;
    let notice = html.find("class=\"notice\"").expect("a safety notice");
    let heading = html.find("<h1>Entry 1</h1>").unwrap();
    assert!(notice < heading, "the services come before the entry");
    assert!(html.contains("Your safety matters most right now"), "{html}");
}

#[tokio::test]
async fn checkin_then_insights() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, resp, _) =
        w.call(w.post("/checkin", &[("security", "6"), ("seen", "5"), ("trusted", "7"), ("c_jealousy", "2")])).await;
    assert_eq!(location(&resp), "/?saved=1#saved");
    let (_, _, html) = w.call(w.get("/?saved=1")).await;
    assert!(html.contains("Saved check-in c1"));
    w.call(w.post("/log", &[("situation", "A quiet evening alone"), ("intensity", "4")])).await;
    let (status, _, html) = w.call(w.get("/insights")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("From 1 entry and 1 check-in"), "{html}");
    assert!(html.contains("<svg class=\"chart\"") && html.contains("Passing or recurring"));
    assert!(html.contains("Moments by weekday and time of day"));
    // Each chart is labelled by its title (and description) for screen readers.
    assert!(html.contains(r#"aria-labelledby="c-lines-t c-lines-d""#) && html.contains(r#"<desc id="c-lines-d">"#));
    assert!(html.contains(r#"<title id="c-heat-t">Moments by weekday and time of day</title>"#), "{html}");
    assert!(html.contains(r#"<path class="series s-security""#) && html.contains(r#"class="heat-4""#));
    let (_, _, all) = w.call(w.get("/insights?weeks=all")).await;
    assert!(all.contains("From 1 entry and 1 check-in") && all.contains("<option value=\"all\" selected>"));
    assert_eq!(w.call(w.get("/insights?weeks=0")).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn safety_mode_hides_partner_features() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get("/safety")).await;
    assert!(html.contains("href=\"/say\""));
    assert!(html.contains("Keeping attune private"));
    w.call(w.post("/safety/mode", &[("mode", "on")])).await;
    let (_, _, html) = w.call(w.get("/")).await;
    assert!(!html.contains("href=\"/say\""), "Say it is hidden in safety mode");
    assert!(html.contains("Safety mode is on"));
    let (_, _, html) = w.call(w.get("/say")).await;
    assert!(html.contains("While safety mode is on") && !html.contains("Check my words"));
    let (_, _, html) = w.call(w.get("/pause")).await;
    assert!(!html.contains("reconvened"), "no reconnect prompt in safety mode");
    // Saving anything shows the abuse and emergency services first.
    w.call(w.post("/log", &[("situation", "An ordinary day")])).await;
    let (_, _, html) = w.call(w.get("/journal/1")).await;
    assert!(html.contains("class=\"notice\""));
    let (status, _, _) = w.call(w.post("/safety/mode", &[("mode", "maybe")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pause_uses_the_agreed_length_or_a_short_test_length() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get("/pause")).await;
    assert!(html.contains("data-seconds=\"600\"") && html.contains("10:00"), "{html}");
    let (_, _, html) = w.call(w.get("/pause?seconds=3")).await;
    assert!(html.contains("data-seconds=\"3\"") && html.contains("0:03"));
    assert_eq!(w.call(w.get("/pause?minutes=500")).await.0, StatusCode::BAD_REQUEST);
    let (_, resp, _) = w.call(w.post("/pause/done", &[("planned", "3"), ("reconvened", "yes")])).await;
    assert_eq!(location(&resp), "/pause?done=yes");
    let (_, _, html) = w.call(w.get("/pause?done=yes")).await;
    assert!(html.contains("Back to Today"));
}

#[tokio::test]
async fn say_it_highlights_blaming_words() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get("/say")).await;
    assert!(html.contains("Check my words"));
    let (status, _, html) = w.call(w.post("/say", &[("draft", "You never listen to me.")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<mark>never</mark>") || html.contains("<mark>You never</mark>"), "{html}");
    let (_, _, html) = w
        .call(w.post(
            "/say",
            &[
                ("compose", "1"),
                ("when", "you came home late"),
                ("feel", "worried"),
                ("need", "reassurance"),
                ("ask", "a text"),
            ],
        ))
        .await;
    assert!(html.contains("Your message"));
    assert_eq!(w.call(w.post("/say", &[("draft", "  ")])).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn settings_change_the_passphrase_lock_time_and_write_a_backup() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get("/settings")).await;
    assert!(html.contains("Change passphrase") && !html.contains("EXPORT"));
    let (_, _, html) = w
        .call(w.post(
            "/settings/passphrase",
            &[
                ("passphrase", "wrong one!"),
                ("new_passphrase", "a new passphrase"),
                ("new_passphrase2", "a new passphrase"),
            ],
        ))
        .await;
    assert!(html.contains("current passphrase is not right"));
    let (_, resp, _) = w
        .call(w.post(
            "/settings/passphrase",
            &[("passphrase", PASS), ("new_passphrase", "a new passphrase"), ("new_passphrase2", "a new passphrase")],
        ))
        .await;
    assert_eq!(location(&resp), "/settings?done=passphrase");
    w.call(w.post("/lock", &[])).await;
    assert_eq!(w.call(w.post("/unlock", &[("passphrase", PASS)])).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(w.call(w.post("/unlock", &[("passphrase", "a new passphrase")])).await.0, StatusCode::SEE_OTHER);

    let (_, resp, _) = w.call(w.post("/settings/lock-after", &[("minutes", "5")])).await;
    assert_eq!(location(&resp), "/settings?done=lock");
    let (_, _, html) = w.call(w.get("/settings")).await;
    assert!(html.contains("<option value=\"5\" selected>"), "{html}");
    assert_eq!(w.call(w.post("/settings/lock-after", &[("minutes", "7")])).await.0, StatusCode::BAD_REQUEST);

    let folder = w.dir.parent().unwrap().join("copies");
    let (_, resp, _) = w.call(w.post("/settings/backup", &[("folder", folder.to_str().unwrap())])).await;
    assert!(location(&resp).starts_with("/settings?done=backup"));
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files.len(), 2, "the copy and its key file: {files:?}");
    assert_eq!(w.call(w.post("/settings/backup", &[("folder", "relative/path")])).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn assets_are_embedded() {
    let w = new_web(Duration::from_secs(900));
    for (name, kind) in [
        ("style.css", "text/css"),
        ("app.js", "text/javascript"),
        ("htmx.min.js", "text/javascript"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let (status, resp, body) = w.call(w.get(&format!("/assets/{name}"))).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(resp.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with(kind));
        assert!(body.len() > 100, "{name}");
    }
    assert_eq!(w.call(w.get("/assets/secret.txt")).await.0, StatusCode::NOT_FOUND);
}

#[test]
fn only_loopback_unless_asked() {
    assert!(attune_web::check_listen("127.0.0.1:0".parse().unwrap(), false).is_ok());
    assert!(attune_web::check_listen("[::1]:0".parse().unwrap(), false).is_ok());
    let refused = attune_web::check_listen("0.0.0.0:8080".parse().unwrap(), false).unwrap_err();
    assert!(refused.0.contains("--unsafe-listen"), "{}", refused.0);
    assert!(attune_web::check_listen("0.0.0.0:8080".parse().unwrap(), true).is_ok());
}

#[tokio::test]
async fn plan_needs_agreements_and_the_calendar() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.call(w.get("/plan")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No needs written down yet"));
    let (_, resp, _) =
        w.call(w.post("/plan/need", &[("name", "Being told about plans"), ("looks_like", "a text")])).await;
    assert_eq!(location(&resp), "/plan#needs");
    let (_, resp, _) = w
        .call(w.post(
            "/plan/agreement",
            &[
                ("kind", "pause-rule"),
                ("text", "We pause for 20 minutes"),
                ("pause_minutes", "20"),
                ("review_on", "2026-12-24"),
            ],
        ))
        .await;
    assert_eq!(location(&resp), "/plan#agreements");
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(
        html.contains("Being told about plans")
            && html.contains("We pause for 20 minutes")
            && html.contains("2026-12-24")
    );
    // The pause now lasts as agreed.
    let (_, _, html) = w.call(w.get("/pause")).await;
    assert!(html.contains("data-seconds=\"1200\""), "{html}");
    let (status, resp, ics) = w.call(w.get("/plan/calendar.ics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(resp.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/calendar"));
    assert!(ics.starts_with("BEGIN:VCALENDAR") && ics.contains("BEGIN:VEVENT"), "{ics}");
    let (status, _, html) = w.call(w.post("/plan/agreement", &[("kind", "promise"), ("text", "x")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("not a kind of agreement"));
    w.call(w.post("/safety/mode", &[("mode", "on")])).await;
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(!html.contains("What we agreed"), "agreements are hidden in safety mode");
}

#[tokio::test]
async fn understand_lists_the_readings_and_shows_one() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.call(w.get("/understand")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No questionnaires taken yet"));
    let at = html.find("href=\"/understand/").expect("a topic link") + 6;
    let href = &html[at..at + html[at..].find('"').unwrap()];
    let (status, _, topic) = w.call(w.get(href)).await;
    assert_eq!(status, StatusCode::OK, "{href}");
    assert!(topic.contains("<article class=\"card\">") && topic.contains("<p>"), "{topic}");
    assert_eq!(w.call(w.get("/understand/no-such-topic")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn self_worth_activities_and_affirmations() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.call(w.get("/self-worth")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nothing written down yet"));
    let (_, resp, _) = w.call(w.post("/self-worth/did", &[("what", "Helped a friend move"), ("minutes", "90")])).await;
    assert_eq!(location(&resp), "/self-worth#did");
    let (_, resp, _) =
        w.call(w.post("/self-worth/affirmation", &[("text", "I am allowed to ask for what I need")])).await;
    assert_eq!(location(&resp), "/self-worth#affirmations");
    let (_, _, html) = w.call(w.get("/self-worth")).await;
    assert!(html.contains("Helped a friend move") && html.contains("I am allowed to ask for what I need"));
    assert_eq!(w.call(w.post("/self-worth/did", &[("what", "")])).await.0, StatusCode::BAD_REQUEST);
}
