//! What the browser may keep (issue 20): every page reachable from the
//! start page, walked by following its links, is checked for forms the
//! browser would remember, passphrase fields it would offer to save, and
//! titles that would name the page's subject in the history. Also the
//! launch link's expiry and the passphrase throttle.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{HOST, PASS, Web};

fn new_web() -> Web {
    Web::new(Duration::from_secs(900))
}

/// A journal with something in every list, so every page draws its forms
/// and lists (and every link to a record exists), an edited entry included.
async fn seeded() -> Web {
    let w = common::seeded().await;
    w.ok("/journal/1/edit", &[("situation", "They went quiet at dinner"), ("tags", "dinner")]).await;
    w
}

/// A tag's attributes: names lower-case, values with `&amp;` decoded,
/// `None` for a bare one.
type Attrs = Vec<(String, Option<String>)>;

/// The tags of a page, each as its lower-case name and its attributes.
fn tags(html: &str) -> Vec<(String, Attrs)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let inner = &rest[..end];
        rest = &rest[end.min(rest.len())..];
        if inner.starts_with('!') {
            continue;
        }
        let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
        let name = inner[..name_end].trim_end_matches('/').to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut a = inner[name_end..].trim_start();
        while !a.is_empty() && !a.starts_with('/') {
            let key_end = a.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(a.len());
            let key = a[..key_end].to_ascii_lowercase();
            a = a[key_end..].trim_start();
            let value = if let Some(v) = a.strip_prefix('=') {
                let v = v.trim_start();
                let (value, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q).map_or(v.len(), |i| i + 1);
                        (&v[1..close], &v[(close + 1).min(v.len())..])
                    }
                    _ => {
                        let e = v.find(char::is_whitespace).unwrap_or(v.len());
                        (&v[..e], &v[e..])
                    }
                };
                a = after.trim_start();
                Some(value.replace("&amp;", "&"))
            } else {
                None
            };
            attrs.push((key, value));
        }
        out.push((name, attrs));
    }
    out
}

fn attr<'a>(attrs: &'a Attrs, name: &str) -> Option<Option<&'a str>> {
    attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_deref())
}

/// Everything on one page that would let the browser keep what is typed.
fn keeps_nothing(uri: &str, html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_form = 0usize;
    for (name, attrs) in tags(html) {
        let autocomplete = attr(&attrs, "autocomplete").flatten();
        // Browsers only know these two as "do not keep"; anything else
        // ("on", "name", "current-password", …) invites them to.
        if let Some(v) = autocomplete
            && v != "off"
            && v != "one-time-code"
        {
            problems.push(format!("{uri}: <{name}> has autocomplete=\"{v}\""));
        }
        match name.as_str() {
            "form" => {
                in_form += 1;
                if autocomplete != Some("off") {
                    problems.push(format!("{uri}: a form without autocomplete=\"off\": {attrs:?}"));
                }
            }
            "/form" => in_form = in_form.saturating_sub(1),
            "input" | "textarea" | "select" => {
                let kind = attr(&attrs, "type").flatten().unwrap_or("text");
                if kind == "password" {
                    let ignored = [("data-1p-ignore", None), ("data-lpignore", Some("true")), ("data-bwignore", None)];
                    let offered = autocomplete != Some("one-time-code")
                        || ignored.iter().any(|(k, v)| attr(&attrs, k).is_none_or(|have| v.is_some() && have != *v));
                    if offered {
                        problems.push(format!("{uri}: a passphrase field a browser would offer to save: {attrs:?}"));
                    }
                } else if in_form == 0 && !matches!(kind, "hidden" | "submit" | "button") && autocomplete != Some("off")
                {
                    problems.push(format!("{uri}: a field outside a form without autocomplete=\"off\": {attrs:?}"));
                }
            }
            _ => {}
        }
    }
    if !html.contains("<title>attune</title>") && !html.contains("<title>New page</title>") {
        let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or("(none)");
        problems.push(format!("{uri}: the title \"{title}\" is not the neutral one"));
    }
    problems
}

/// The links of a page to our own pages (no assets, no fragments).
fn links(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter(|(name, _)| name == "a")
        .filter_map(|(_, attrs)| attr(&attrs, "href").flatten().map(str::to_owned))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .filter(|href| href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/assets/"))
        .collect()
}

#[tokio::test]
async fn no_page_lets_the_browser_keep_what_is_typed_or_name_the_page_in_its_history() {
    let w = seeded().await;
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = ["/".to_string()].into();
    let mut problems = Vec::new();
    while let Some(uri) = queue.pop_front() {
        if !seen.insert(uri.clone()) {
            continue;
        }
        assert!(seen.len() < 400, "the walk does not end: {seen:?}");
        let r = w.reply(w.get(&uri)).await;
        if r.status == StatusCode::SEE_OTHER {
            queue.push_back(r.location);
            continue;
        }
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        if !r.content_type.starts_with("text/html") {
            continue;
        }
        problems.extend(keeps_nothing(&uri, &r.body));
        queue.extend(links(&r.body));
    }
    // The walk reached every kind of page (a page no link leads to would
    // not be checked).
    for must in [
        "/",
        "/journal",
        "/journal/1",
        "/journal/1/edit",
        "/insights",
        "/understand",
        "/understand/signs",
        "/assess/seen-trusted-respected",
        "/plan",
        "/pause",
        "/say",
        "/self-worth",
        "/safety",
        "/safety/check",
        "/safety/check?q=1",
        "/safety/plan/crisis",
        "/safety/plan/crisis/edit",
        "/safety/plan/staying-safe",
        "/settings",
        "/restore",
    ] {
        assert!(seen.contains(must), "the walk never reached {must}: {seen:?}");
    }
    // Pages drawn by a form rather than a link.
    let search = w.reply(w.post("/journal", &[("q", "dinner")])).await;
    assert_eq!(search.status, StatusCode::OK);
    assert!(search.body.contains("<mark>dinner</mark>"), "a posted search finds the entry: {}", search.body);
    problems.extend(keeps_nothing("POST /journal", &search.body));
    let say = w.reply(w.post("/say", &[("text", "You never listen to me")])).await;
    problems.extend(keeps_nothing("POST /say", &say.body));
    let jrnl: &[u8] = b"[2026-11-20 08:00] A calm morning walk.\n\n[2026-11-21 19:30] We talked it through.\n";
    let preview = w.reply(w.upload("/settings/import", &[("format", "jrnl")], Some(("journal.txt", jrnl)))).await;
    assert!(preview.body.contains("/settings/import/confirm"), "the import preview: {}", preview.body);
    problems.extend(keeps_nothing("the import preview", &preview.body));
    let missing = w.reply(w.get("/journal/999")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    problems.extend(keeps_nothing("the error page", &missing.body));
    // The locked pages: first start, unlock, without a session.
    let mut fresh = new_web();
    fresh.open().await;
    let create = fresh.unlock_page().await;
    assert!(create.contains("Welcome to attune"));
    problems.extend(keeps_nothing("first start", &create));
    w.ok("/lock", &[]).await;
    let unlock = w.reply(w.get("/unlock")).await;
    assert!(unlock.body.contains("Unlock your journal"));
    problems.extend(keeps_nothing("/unlock", &unlock.body));
    let wrong = w.reply(w.post("/unlock", &[("passphrase", "not it at all")])).await;
    problems.extend(keeps_nothing("a refused unlock", &wrong.body));
    fresh.cookie.clear();
    let none = fresh.reply(fresh.get("/")).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    problems.extend(keeps_nothing("without a session", &none.body));
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn the_checks_catch_what_a_browser_would_keep() {
    let bad = [
        r#"<title>attune</title><form method="post"><input name="q"></form>"#,
        r#"<title>attune</title><form autocomplete="off"><input type="password" autocomplete="current-password"></form>"#,
        r#"<title>attune</title><form autocomplete="off"><input type="password" autocomplete="one-time-code"></form>"#,
        r#"<title>attune</title><form autocomplete="off"><textarea autocomplete="on"></textarea></form>"#,
        r#"<title>attune</title><input type="search" name="q">"#,
        r#"<title>Safety plan · attune</title>"#,
    ];
    for html in bad {
        assert!(!keeps_nothing("t", html).is_empty(), "not caught: {html}");
    }
    let good = r#"<title>attune</title><form method="post" autocomplete="off"><input name="q"><input type="password" autocomplete="one-time-code" data-1p-ignore data-lpignore="true" data-bwignore></form>"#;
    assert_eq!(keeps_nothing("t", good), Vec::<String>::new());
}

#[tokio::test]
async fn the_launch_link_expires_unused() {
    let w = new_web();
    w.state.set_launch_valid_for(Duration::ZERO);
    assert!(!w.state.launch_pending());
    tokio::time::sleep(Duration::from_millis(5)).await;
    let r = w.reply(w.get(&format!("/open?token={}", w.token))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.cookie.is_empty(), "an expired link gives no session");
    assert!(r.body.contains("first five minutes"), "{}", r.body);
    // Expired for good, even if the window were longer again.
    w.state.set_launch_valid_for(attune_web::LAUNCH_VALID_FOR);
    let r = w.reply(w.get(&format!("/open?token={}", w.token))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_link_followed_from_a_file_gets_a_page_that_carries_the_cookie_on() {
    let w = new_web();
    assert!(w.state.launch_pending());
    let req = Request::get(format!("/open?token={}", w.token))
        .header(header::HOST, HOST)
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let r = w.reply(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.cookie.contains("HttpOnly") && r.cookie.contains("SameSite=Strict"), "{}", r.cookie);
    assert!(r.body.contains(r#"<meta http-equiv="refresh" content="0;url=/">"#), "{}", r.body);
    assert!(r.body.contains("<title>attune</title>"));
    assert!(!w.state.launch_pending(), "used once, the link is spent");
    let again = w.reply(w.get(&format!("/open?token={}", w.token))).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passphrases_make_the_next_try_wait() {
    let mut w = new_web();
    w.open().await;
    w.unlock_page().await;
    w.ok("/unlock", &[("passphrase", PASS), ("passphrase2", PASS)]).await;
    w.ok("/lock", &[]).await;
    let r = w.reply(w.post("/unlock", &[("passphrase", "not my passphrase")])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Straight after, even the right passphrase is not checked.
    let r = w.reply(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Please try again in 1 second."), "{}", r.body);
    let r = w.reply(w.get("/")).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/unlock"), "still locked");
    tokio::time::sleep(attune_web::wait_after(1) + Duration::from_millis(50)).await;
    let r = w.reply(w.post("/unlock", &[("passphrase", "still not it")])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = w.reply(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert!(r.body.contains("in 2 seconds"), "the wait grows: {}", r.body);
    tokio::time::sleep(attune_web::wait_after(2) + Duration::from_millis(50)).await;
    let r = w.reply(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    // The right one clears the count: a later typo waits one second again.
    w.ok("/lock", &[]).await;
    w.reply(w.post("/unlock", &[("passphrase", "typo")])).await;
    let r = w.reply(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert!(r.body.contains("in 1 second."), "{}", r.body);
}
