//! Every route through the real router with `oneshot`: status, key content,
//! the security headers, the Host and CSRF checks, locked and unlocked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{HOST, PASS, Setup, Web, location};
use http_body_util::BodyExt;
use tower::ServiceExt;

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
    let w = Web::new(Duration::from_secs(900));
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
    let w = Web::new(Duration::from_secs(900));
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
    // After a wrong passphrase the next try waits (the throttle).
    tokio::time::sleep(attune_web::wait_after(1) + Duration::from_millis(50)).await;
    let (status, resp, _) = w.call(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/");
    assert_eq!(w.call(w.get("/journal")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_journal_from_a_newer_attune_says_to_update_and_changes_nothing() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/lock", &[])).await;
    let key_file = w.dir.join("key.json");
    let text = std::fs::read_to_string(&key_file).unwrap();
    let newer = text.replacen("\"version\": 3,", "\"version\": 99,", 1);
    assert_ne!(newer, text, "the key file names its version: {text}");
    std::fs::write(&key_file, &newer).unwrap();
    let (status, _, html) = w.call(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(html.contains("newer attune"), "{html}");
    assert!(html.contains("Update attune to its newest version"), "{html}");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), newer, "the key file is left as it was");
}

#[tokio::test]
async fn restore_puts_a_backup_back_even_while_locked() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "Written before the backup")])).await;
    let folder = w.dir.parent().unwrap().join("copies");
    w.call(w.post("/settings/backup", &[("folder", folder.to_str().unwrap())])).await;
    let backup = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .unwrap();
    w.call(w.post("/log", &[("situation", "Written after the backup")])).await;
    let (_, _, html) = w.call(w.get("/settings")).await;
    assert!(html.contains("href=\"/restore\""), "settings link to the restore page");

    // Reachable while locked: a journal that no longer opens needs it most.
    w.call(w.post("/lock", &[])).await;
    let (status, _, html) = w.call(w.get("/restore")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Restore a backup") && html.contains("is not deleted"), "{html}");
    let (_, _, html) = w.call(w.get("/unlock")).await;
    assert!(html.contains("href=\"/restore\""), "{html}");

    let file = backup.to_str().unwrap();
    let (status, _, html) = w.call(w.post("/restore", &[("file", "copies/b.db"), ("passphrase", PASS)])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("not a full path") && html.contains("value=\"copies/b.db\""), "{html}");
    let long = "y".repeat(5000);
    let (_, _, html) = w.call(w.post("/restore", &[("file", long.as_str()), ("passphrase", PASS)])).await;
    assert!(
        html.contains("yyy…") && html.contains("is not a full path"),
        "a pasted page is not repeated in the message"
    );
    let (status, _, html) = w.call(w.post("/restore", &[("file", "/no/such/backup.db"), ("passphrase", PASS)])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("There is no backup at /no/such/backup.db"), "{html}");
    let (status, _, html) = w.call(w.post("/restore", &[("file", file), ("passphrase", "not the one")])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("does not open this backup"), "{html}");
    assert!(!html.contains("not the one"), "the passphrase must not be echoed");

    // After a wrong passphrase the next try waits (the throttle).
    tokio::time::sleep(attune_web::wait_after(1) + Duration::from_millis(50)).await;
    let (status, resp, _) = w.call(w.post("/restore", &[("file", file), ("passphrase", PASS)])).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", location(&resp));
    assert!(location(&resp).starts_with("/settings?done=restore"), "{}", location(&resp));
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    assert!(html.contains("The backup is your journal now") && html.contains("journal.before-restore-"), "{html}");
    let (_, _, html) = w.call(w.get("/journal")).await;
    assert!(html.contains("Written before the backup"), "{html}");
    assert!(!html.contains("Written after the backup"), "{html}");
    let aside = std::fs::read_dir(w.dir.parent().unwrap())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("journal.before-restore-"))
        .count();
    assert_eq!(aside, 1, "the replaced journal is kept beside it");
}

#[tokio::test]
async fn first_start_refuses_short_or_differing_passphrases() {
    let mut w = Web::new(Duration::from_secs(900));
    w.open().await;
    w.unlock_page().await;
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
    assert!(
        html.contains("This part is resting while safety mode is on") && !html.contains("Check my words"),
        "{html}"
    );
    let (_, _, html) = w.call(w.get("/pause")).await;
    assert!(!html.contains("reconvened"), "no reconnect prompt in safety mode");
    // Saving anything shows the abuse and emergency services first.
    let (_, resp, _) = w.call(w.post("/log", &[("situation", "An ordinary day")])).await;
    assert_eq!(location(&resp), "/journal/1?saved=1");
    let (_, _, html) = w.call(w.get("/journal/1?saved=1")).await;
    assert!(html.contains("class=\"notice\""));
    // Read again later, the entry is only the entry.
    let (_, _, html) = w.call(w.get("/journal/1")).await;
    assert!(!html.contains("class=\"notice\""));
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
    // Guesses here go through the unlock's gate: the next try right away waits.
    let right = [("passphrase", PASS), ("new_passphrase", "a new passphrase"), ("new_passphrase2", "a new passphrase")];
    let (_, _, html) = w.call(w.post("/settings/passphrase", &right)).await;
    assert!(html.contains("Please try again in 1 second") && html.contains("Nothing was changed"), "{html}");
    assert!(attune_store::Store::unlock(&w.dir, &attune_store::Passphrase::new(PASS.into())).is_ok(), "unchanged");
    tokio::time::sleep(attune_web::wait_after(1) + Duration::from_millis(50)).await;
    let (_, resp, _) = w.call(w.post("/settings/passphrase", &right)).await;
    assert_eq!(location(&resp), "/settings?done=passphrase");
    w.call(w.post("/lock", &[])).await;
    assert_eq!(w.call(w.post("/unlock", &[("passphrase", PASS)])).await.0, StatusCode::UNAUTHORIZED);
    // After a wrong passphrase the next try waits (the throttle).
    tokio::time::sleep(attune_web::wait_after(1) + Duration::from_millis(50)).await;
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
    // The folder it made and the files in it are the owner's alone, whatever the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        for f in &files {
            assert_eq!(mode(&folder.join(f)), 0o600, "{f:?}");
        }
    }
    assert_eq!(w.call(w.post("/settings/backup", &[("folder", "relative/path")])).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn assets_are_embedded() {
    let w = Web::new(Duration::from_secs(900));
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
    // Discreet by default: a calendar is often seen by others.
    assert!(!ics.contains("We pause for 20 minutes"), "{ics}");
    let (_, _, worded) = w.call(w.get("/plan/calendar.ics?words=1")).await;
    assert!(worded.contains("We pause for 20 minutes"), "{worded}");
    // The Settings export offers the same choice, discreet unless ticked.
    let (_, _, _, body) = w.download("/settings/export", &[("format", "ics")]).await;
    assert!(!String::from_utf8(body).unwrap().contains("We pause for 20 minutes"));
    let (_, _, _, body) = w.download("/settings/export", &[("format", "ics"), ("ics_words", "yes")]).await;
    assert!(String::from_utf8(body).unwrap().contains("We pause for 20 minutes"));
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

// ---- Settings: export, import, report ---------------------------------------

const JRNL: &[u8] = include_bytes!("../../attune-formats/tests/fixtures/jrnl/journal.txt");
const DAYLIO_BAD_DATE: &[u8] = include_bytes!("../../attune-formats/tests/fixtures/daylio/bad-date.csv");

impl Web {
    /// A POST whose answer is a file: status, Content-Disposition, Content-Type, the bytes.
    async fn download(&self, uri: &str, form: &[(&str, &str)]) -> (StatusCode, String, String, Vec<u8>) {
        let resp = self.app.clone().oneshot(self.post(uri, form)).await.unwrap();
        let status = resp.status();
        let header_of = |h| resp.headers().get(h).map(|v: &header::HeaderValue| v.to_str().unwrap().to_string());
        let disposition = header_of(header::CONTENT_DISPOSITION).unwrap_or_default();
        let ctype = header_of(header::CONTENT_TYPE).unwrap_or_default();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, disposition, ctype, bytes)
    }
}

#[tokio::test]
async fn settings_offers_export_import_and_report() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.call(w.get("/settings")).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "action=\"/settings/export\"",
        "action=\"/settings/import\" enctype=\"multipart/form-data\"",
        "action=\"/settings/report\"",
        "value=\"daylio\"",
        "value=\"questionnaires\"",
    ] {
        assert!(html.contains(needle), "{needle} missing");
    }
}

#[tokio::test]
async fn export_downloads_every_format() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "The message I waited for came late"), ("intensity", "6")])).await;
    let (status, disp, ctype, body) = w.download("/settings/export", &[("format", "json")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disp, "attachment; filename=\"attune-json-2026-11-26.json\"");
    assert_eq!(ctype, "application/json");
    let doc = attune_formats::attune_json::parse(&body).expect("a valid attune export");
    assert_eq!(doc.entries.len(), 1);
    assert_eq!(doc.entries[0].situation, "The message I waited for came late");

    let (_, disp, _, body) = w.download("/settings/export", &[("format", "csv")]).await;
    assert!(disp.ends_with(".zip\""), "{disp}");
    assert!(body.starts_with(b"PK"), "a zip file");
    let (_, _, _, body) = w.download("/settings/export", &[("format", "markdown")]).await;
    assert!(String::from_utf8(body).unwrap().contains("The message I waited for came late"));
    let (_, disp, _, body) = w.download("/settings/export", &[("format", "jrnl")]).await;
    assert!(disp.ends_with(".txt\""), "{disp}");
    let text = String::from_utf8(body).unwrap();
    assert!(text.starts_with("[2026-11-26 "), "{text}");
    let (_, _, ctype, body) = w.download("/settings/export", &[("format", "ics")]).await;
    assert!(ctype.starts_with("text/calendar"));
    assert!(String::from_utf8(body).unwrap().starts_with("BEGIN:VCALENDAR"));
}

#[tokio::test]
async fn encrypted_export_opens_only_with_its_passphrase() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "Private words"), ("intensity", "4")])).await;
    let pass = "another long passphrase";
    let form = [("format", "json"), ("export_passphrase", pass), ("export_passphrase2", pass)];
    let (status, disp, _, body) = w.download("/settings/export", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disp.ends_with(".json.age\""), "{disp}");
    assert!(attune_formats::crypt::is_age(&body));
    assert!(!String::from_utf8_lossy(&body).contains("Private words"));
    let plain = attune_formats::crypt::decrypt(&body, pass).unwrap();
    assert_eq!(attune_formats::attune_json::parse(&plain).unwrap().entries[0].situation, "Private words");

    // Two different passphrases: the page again, with the choice kept and the error beside it.
    let form = [("format", "markdown"), ("export_passphrase", pass), ("export_passphrase2", "something else")];
    let (status, disp, _, body) = w.download("/settings/export", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disp.is_empty(), "no file: {disp}");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("id=\"export-err\""), "{html}");
    assert!(html.contains("The two passphrases for the file differ"));
    assert!(html.contains("<option value=\"markdown\" selected>"));
}

#[tokio::test]
async fn import_previews_first_then_confirms_once() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, before) = w.call(w.get("/journal")).await;
    let (status, _, html) =
        w.call(w.upload("/settings/import", &[("format", "jrnl")], Some(("journal.txt", JRNL)))).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Check before it is saved"), "{html}");
    assert!(html.contains("Nothing has been changed yet"));
    assert!(html.contains("Importing would add"), "{html}");
    let (_, _, during) = w.call(w.get("/journal")).await;
    assert_eq!(before, during, "a preview writes nothing");
    let read = attune_formats::jrnl::parse(JRNL, &Default::default(), &jiff::tz::TimeZone::UTC).unwrap();
    assert!(html.contains(&format!("Read: {} entries", read.records.len())), "{html}");

    let at = html.find("name=\"token\" value=\"").unwrap() + 20;
    let token = html[at..at + 64].to_string();
    let (status, resp, _) = w.call(w.post("/settings/import/confirm", &[("token", &token)])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with("/settings?done=import"), "{}", location(&resp));
    let (_, _, settings) = w.call(w.get(&location(&resp))).await;
    assert!(settings.contains(&format!("Imported from journal.txt: {} entries", read.records.len())), "{settings}");

    // The same token again does nothing; the same file again adds nothing.
    let (status, _, html) = w.call(w.post("/settings/import/confirm", &[("token", &token)])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("That preview is no longer open"));
    let (_, _, html) = w.call(w.upload("/settings/import", &[("format", "jrnl")], Some(("journal.txt", JRNL)))).await;
    assert!(html.contains("Importing would add nothing new."), "{html}");
    assert!(html.contains("are already in your journal"));
}

#[tokio::test]
async fn malformed_import_names_the_row_keeps_the_form_and_changes_nothing() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, before) = w.call(w.get("/journal")).await;
    let fields = [("format", "daylio"), ("tz", "Europe/Berlin"), ("mood_map", "meh=4")];
    let (status, _, html) = w.call(w.upload("/settings/import", &fields, Some(("daylio.csv", DAYLIO_BAD_DATE)))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"import-file-err\""), "{html}");
    assert!(html.contains("daylio.csv: row 3, full_date"), "{html}");
    assert!(html.contains("Nothing was imported."));
    assert!(html.contains("value=\"Europe/Berlin\""), "the zone typed is kept");
    assert!(html.contains("value=\"meh=4\""), "the moods typed are kept");
    assert!(html.contains("<option value=\"daylio\" selected>"));
    let (_, _, after) = w.call(w.get("/journal")).await;
    assert_eq!(before, after);

    let (_, _, html) = w
        .call(w.upload("/settings/import", &[("format", "jrnl"), ("tz", "Mars/Olympus")], Some(("j.txt", JRNL))))
        .await;
    assert!(html.contains("id=\"import-tz-err\""), "{html}");
    assert!(
        html.contains("&#39;Mars/Olympus&#39; is not a known time zone")
            || html.contains("'Mars/Olympus' is not a known time zone"),
        "{html}"
    );
    let (_, _, html) = w.call(w.upload("/settings/import", &[("format", "jrnl")], None)).await;
    assert!(html.contains("Choose a file to import."), "{html}");
}

#[tokio::test]
async fn upload_without_the_csrf_token_is_refused() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    w.csrf = "0".repeat(64);
    let (status, _, _) = w.call(w.upload("/settings/import", &[("format", "jrnl")], Some(("journal.txt", JRNL)))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn report_downloads_one_html_file_with_the_chosen_sections() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "He was quiet at dinner"), ("intensity", "5")])).await;
    let form = [
        ("weeks", "8"),
        ("section", "pattern"),
        ("section", "questions"),
        ("section", "entries"),
        ("questions", "Why do I check his phone?\nHow do I calm down at night?"),
        ("entries", "1"),
    ];
    let (status, disp, ctype, body) = w.download("/settings/report", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disp, "attachment; filename=\"attune-report-2026-11-26.html\"");
    assert!(ctype.starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    assert!(!html.contains("<script"), "no scripts in the report");
    assert!(html.contains("Why do I check his phone?"));
    assert!(html.contains("He was quiet at dinner"), "the chosen entry is in");
    assert!(html.contains("id=\"pattern\""), "{html}");
    assert!(!html.contains("id=\"wellbeing\""), "a section left out stays out");

    // No section: the form again, with the questions kept and the error beside the sections.
    let form = [("weeks", "8"), ("questions", "My own question")];
    let (_, disp, _, body) = w.download("/settings/report", &form).await;
    assert!(disp.is_empty());
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("id=\"report-sections-err\""), "{html}");
    assert!(html.contains(">My own question</textarea>"));
    // An entry number that does not exist is named.
    let form = [("weeks", "8"), ("section", "entries"), ("entries", "99")];
    let (_, _, _, body) = w.download("/settings/report", &form).await;
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("id=\"report-entries-err\""), "{html}");
    assert!(html.contains("value=\"99\""));
}

// ---- Questionnaires -----------------------------------------------------------

const STR: &str = "/assess/seen-trusted-respected";

#[tokio::test]
async fn questionnaire_one_step_at_a_time_stops_and_resumes() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.call(w.get(STR)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1 of 3"), "{html}");
    assert!(html.contains("how seen do you feel by your partner?"));
    assert_eq!(html.matches("type=\"radio\" name=\"answer\"").count(), 11, "0 to 10");

    // No answer chosen: the same question with the error next to it.
    let (status, _, html) = w.call(w.post(STR, &[("action", "next")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"err-seen\""), "{html}");
    assert!(html.contains("1 of 3"));

    let (status, resp, _) = w.call(w.post(STR, &[("action", "next"), ("answer", "7")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), STR);
    // Stopping with an answer chosen keeps that answer too.
    let (_, resp, _) = w.call(w.post(STR, &[("action", "stop"), ("answer", "4")])).await;
    assert!(location(&resp).starts_with("/understand?paused=seen-trusted-respected"));
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    assert!(html.contains("is kept as far as you got"), "{html}");
    assert!(html.contains("Carry on: Seen, trusted, respected"), "{html}");
    assert!(html.contains("(2 of 3 answered)"));

    let (_, _, html) = w.call(w.get(STR)).await;
    assert!(html.contains("3 of 3"), "{html}");
    assert!(html.contains("You answered 2 of 3 before"));
    let (_, resp, _) = w.call(w.post(STR, &[("action", "next"), ("answer", "9")])).await;
    assert!(location(&resp).starts_with("/understand?done=seen-trusted-respected"), "{}", location(&resp));
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    assert!(html.contains("Seen, trusted, respected is saved"), "{html}");
    assert!(html.contains("seen: 7.0") && html.contains("trusted: 4.0") && html.contains("respected: 9.0"), "{html}");
    assert!(!html.contains("Carry on:"), "the finished session is gone");
}

#[tokio::test]
async fn questionnaire_on_one_page_keeps_answers_and_marks_bad_ones() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get(&format!("{STR}?all=1"))).await;
    assert_eq!(html.matches("name=\"item-").count(), 33, "three questions, 11 answers each");
    let (status, _, html) =
        w.call(w.post(STR, &[("action", "finish"), ("item-seen", "12"), ("item-trusted", "6")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"err-seen\""), "{html}");
    assert!(html.contains("name=\"item-trusted\" value=\"6\" checked"), "the other answer is kept");
    let (_, resp, _) = w.call(w.post(STR, &[("action", "save"), ("item-trusted", "6")])).await;
    assert!(location(&resp).starts_with("/understand?paused="));
    let (_, _, html) = w.call(w.get(&format!("{STR}?all=1"))).await;
    assert!(html.contains("name=\"item-trusted\" value=\"6\" checked"), "{html}");
    let (_, resp, _) = w.call(w.post(STR, &[("action", "finish"), ("item-trusted", "6"), ("item-seen", "3")])).await;
    assert!(location(&resp).starts_with("/understand?done="));
    let (_, _, html) = w.call(w.get("/understand")).await;
    assert!(html.contains("seen: 3.0") && html.contains("trusted: 6.0"), "{html}");
    let (status, _, _) = w.call(w.get("/assess/no-such-thing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// ---- Plan: trigger plans --------------------------------------------------------

#[tokio::test]
async fn trigger_plans_are_added_changed_and_retired() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(html.contains("No trigger plans yet."));
    assert!(html.contains("<option value=\"late-reply\">Late or no reply</option>"), "{html}");
    let form = [
        ("trigger", "late-reply"),
        ("myself", "Breathe and wait an hour"),
        ("ask", "A short text"),
        ("status", "proposed"),
    ];
    let (status, resp, _) = w.call(w.post("/plan/trigger", &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/plan#plans");
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(
        html.contains("<strong>Late or no reply</strong>: Breathe and wait an hour · I ask: A short text"),
        "{html}"
    );

    // Edit: the form comes filled with the saved plan; saving changes it in place.
    let (_, _, html) = w.call(w.get("/plan?edit=late-reply")).await;
    assert!(html.contains("value=\"Breathe and wait an hour\""), "{html}");
    assert!(html.contains("<option value=\"late-reply\" selected>"));
    let form =
        [("trigger", "late-reply"), ("myself", "Go for a walk first"), ("status", "agreed"), ("on", "2026-11-20")];
    w.call(w.post("/plan/trigger", &form)).await;
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(html.contains("Go for a walk first") && !html.contains("Breathe and wait an hour"), "{html}");
    assert!(html.contains("agreed on 2026-11-20"));

    // Refused: what was typed stays, the error sits next to the field.
    let form = [("trigger", "late-reply"), ("myself", "Call my sister"), ("status", "revisit")];
    let (status, _, html) = w.call(w.post("/plan/trigger", &form)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"tp-on-err\""), "{html}");
    assert!(html.contains("value=\"Call my sister\""));
    let form = [("trigger", "no-such-trigger"), ("myself", "Something")];
    let (_, _, html) = w.call(w.post("/plan/trigger", &form)).await;
    assert!(html.contains("id=\"tp-trigger-err\""), "{html}");
    let (_, _, html) = w.call(w.post("/plan/trigger", &[("trigger", "late-reply")])).await;
    assert!(html.contains("id=\"tp-myself-err\""), "{html}");
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(html.contains("Go for a walk first"), "refused forms changed nothing");

    let (_, resp, _) = w.call(w.post("/plan/trigger/remove", &[("trigger", "late-reply")])).await;
    assert_eq!(location(&resp), "/plan#plans");
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(html.contains("No trigger plans yet."));
}

// ---- Plan: refused needs and agreements -----------------------------------------

#[tokio::test]
async fn a_refused_need_comes_back_as_typed_with_the_error_beside_the_field() {
    let w = Web::start(Duration::from_secs(900)).await;
    // A name without a letter or digit; what it looks like stays as typed.
    let (status, _, html) = w.call(w.post("/plan/need", &[("name", "--"), ("looks_like", "a text at lunch")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<p class=\"error\" id=\"need-name-err\" role=\"alert\">A need: a name needs"), "{html}");
    assert!(html.contains("aria-describedby=\"need-name-err\""));
    assert!(html.contains("id=\"need-name\" name=\"name\" value=\"--\""), "{html}");
    assert!(html.contains("value=\"a text at lunch\""), "{html}");
    let long = "x".repeat(41);
    let (_, _, html) = w.call(w.post("/plan/need", &[("name", long.as_str())])).await;
    assert!(html.contains("keep the name short"), "{html}");
    assert!(html.contains(&format!("value=\"{long}\"")));
    let (_, _, html) = w.call(w.post("/plan/need", &[("name", "Honesty"), ("looks_like", "a\u{7}b")])).await;
    assert!(html.contains("id=\"need-looks-err\"") && html.contains("invisible control character"), "{html}");
    assert!(html.contains("value=\"Honesty\""));
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(html.contains("No needs written down yet"), "refused needs saved nothing");
}

#[tokio::test]
async fn a_refused_agreement_comes_back_as_typed_with_the_error_beside_the_field() {
    let w = Web::start(Duration::from_secs(900)).await;
    let typed = |kind, review_on, minutes| {
        [("kind", kind), ("text", "We pause when it gets loud"), ("review_on", review_on), ("pause_minutes", minutes)]
    };
    // Not a date: the review field says so, the words and the kind stay.
    let (status, _, html) = w.call(w.post("/plan/agreement", &typed("pause-rule", "next spring", "20"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "id=\"agree-review-err\" role=\"alert\">Look at it again on: &#39;next spring&#39; is not a date"
        ),
        "{html}"
    );
    assert!(html.contains("value=\"We pause when it gets loud\"") && html.contains("value=\"next spring\""));
    assert!(html.contains("<option value=\"pause-rule\" selected>"), "{html}");
    assert!(html.contains("value=\"20\""));
    // A pause rule without a length, and a length that is no number.
    let (_, _, html) = w.call(w.post("/plan/agreement", &typed("pause-rule", "", ""))).await;
    assert!(html.contains("id=\"agree-minutes-err\"") && html.contains("a pause rule needs one"), "{html}");
    let (_, _, html) = w.call(w.post("/plan/agreement", &typed("pause-rule", "", "ten"))).await;
    assert!(html.contains("Pause length: &#39;ten&#39; is not a whole number"), "{html}");
    assert!(html.contains("value=\"ten\""));
    let (_, _, html) = w.call(w.post("/plan/agreement", &typed("pause-rule", "", "500"))).await;
    assert!(html.contains("Pause length: 500 is outside 1 to"), "{html}");
    // An unknown kind, and no words at all.
    let (_, _, html) = w.call(w.post("/plan/agreement", &typed("promise", "", ""))).await;
    assert!(html.contains("id=\"agree-kind-err\"") && html.contains("not a kind of agreement"), "{html}");
    let (_, _, html) = w.call(w.post("/plan/agreement", &[("kind", "other"), ("review_on", "2026-12-24")])).await;
    assert!(html.contains("id=\"agree-text-err\"") && html.contains("write it in a sentence"), "{html}");
    assert!(html.contains("value=\"2026-12-24\""));
    let (_, _, html) = w.call(w.get("/plan")).await;
    assert!(html.contains("No agreements yet."), "refused agreements saved nothing");
}

// ---- Self-worth: the support map ------------------------------------------------

#[tokio::test]
async fn support_map_add_change_contact_and_remove() {
    let w = Web::start(Duration::from_secs(900)).await;
    let form = [("name", "Mara"), ("relation", "sister"), ("can_call", "1"), ("note", "Sunday calls")];
    let (status, resp, _) = w.call(w.post("/self-worth/support", &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/self-worth#support");
    let (_, _, html) = w.call(w.get("/self-worth")).await;
    assert!(html.contains("<strong>Mara</strong>, sister · could call when upset"), "{html}");

    let (_, _, html) = w.call(w.get("/self-worth?edit=1")).await;
    assert!(html.contains("name=\"seq\" value=\"1\"") && html.contains("value=\"Sunday calls\""), "{html}");
    w.call(w.post("/self-worth/support", &[("seq", "1"), ("name", "Mara"), ("relation", "my sister")])).await;
    w.call(w.post("/self-worth/support/1/contact", &[])).await;
    let (_, _, html) = w.call(w.get("/self-worth")).await;
    assert!(
        html.contains("<strong>Mara</strong>, my sister <span class=\"small\">(last in touch 2026-11-26)</span>"),
        "{html}"
    );

    // Refused: the typed words stay and the error is beside the field; nothing changes.
    let (status, _, html) =
        w.call(w.post("/self-worth/support", &[("relation", "old friend"), ("note", "met at school")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"sup-name-err\""), "{html}");
    assert!(html.contains("value=\"old friend\"") && html.contains("value=\"met at school\""));
    let (_, _, html) = w.call(w.post("/self-worth/support", &[("name", "Jo"), ("contact", "last week")])).await;
    assert!(html.contains("id=\"sup-contact-err\""), "{html}");
    assert!(html.contains("value=\"Jo\""));
    let (_, _, html) = w.call(w.get("/self-worth")).await;
    assert!(!html.contains("<strong>Jo</strong>") && !html.contains("old friend"));

    w.call(w.post("/self-worth/support/1/remove", &[])).await;
    let (_, _, html) = w.call(w.get("/self-worth")).await;
    assert!(html.contains("No one on your support map yet."));
}

/// The safety net in the web app: the check-in's "afraid right now" question
/// has no answer chosen, a "yes" puts emergency and abuse services first and
/// switches safety mode on, abuse described in an entry is answered after the
/// save, and the country chooses whose services are shown.
#[tokio::test]
async fn the_web_safety_net_answers_danger_abuse_and_the_country() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = w.call(w.get("/")).await;
    assert!(html.contains("name=\"afraid_now\" value=\"yes\""), "the question is asked");
    assert!(!html.contains("name=\"afraid_now\" value=\"yes\" checked"), "nothing is chosen for the person");

    // The country: only listed codes, then its services.
    let (status, _, html) = w.call(w.post("/safety/country", &[("country", "zz")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("choose a country from the list"), "{html}");
    let (status, resp, _) = w.call(w.post("/safety/country", &[("country", "us")])).await;
    assert_eq!((status, location(&resp).as_str()), (StatusCode::SEE_OTHER, "/safety#country"));
    let (_, _, html) = w.call(w.get("/safety")).await;
    assert!(html.contains("<option value=\"us\" selected>"), "the choice is shown");
    assert!(html.contains("988"), "US crisis line");

    // Afraid right now: emergency first, then abuse services; safety mode on.
    let (_, resp, _) = w.call(w.post("/checkin", &[("security", "2"), ("afraid_now", "yes")])).await;
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    let notice = &html[html.find("class=\"notice\"").expect("a safety notice")..];
    assert!(notice.contains("data-reasons=\"afraid-now safety-mode\""), "{notice}");
    let emergency = notice.find("data-purpose=\"emergency\"").unwrap();
    let abuse = notice.find("data-purpose=\"abuse\"").unwrap();
    assert!(emergency < abuse, "emergency numbers first");
    assert!(notice.contains("href=\"/safety/plan/staying-safe\""));
    let (_, _, safety) = w.call(w.get("/safety")).await;
    assert!(safety.contains("Safety mode is on"), "switched on by the answer");
    let (status, _, _) = w.call(w.post("/checkin", &[("security", "5"), ("afraid_now", "maybe")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Abuse described in an entry: saved, then answered.
    w.call(w.post("/safety/mode", &[("mode", "off")])).await;
    let text = "He grabbed my throat during the argument and said nobody would believe me";
    let (_, resp, _) = w.call(w.post("/log", &[("situation", text)])).await;
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    assert!(html.contains("data-reasons=\"abuse-language safety-mode\""), "{html}");
    assert!(html.contains(text), "the entry itself is shown, whole");
    assert!(html.contains("href=\"/safety/check\""));
}

// ---- Safety mode everywhere -----------------------------------------------------

/// Words that suggest talking with the partner, agreeing things with them,
/// or coming back together: none of them may be on any page in safety mode.
const PARTNER_PHRASES: &[&str] = &[
    "tell your partner",
    "Telling your partner",
    "talk this through with your partner",
    "find each other again",
    "Come back together",
    "Check my words",
    "What we agreed",
    "Add this agreement",
    "What I ask of my partner",
    "I ask:",
    "agreed together",
    "Agreeing together",
    "agree with your partner",
    "calendar.ics",
    "href=\"/say\"",
    "We read each other",
];

#[tokio::test]
async fn in_safety_mode_no_page_suggests_talking_or_agreeing_with_the_partner() {
    let w = Web::start(Duration::from_secs(900)).await;
    // A journal with everything the partner features show, made outside safety mode.
    w.call(w.post("/log", &[("situation", "No reply all evening"), ("trigger", "late-reply"), ("intensity", "7")]))
        .await;
    w.call(w.post("/checkin", &[("security", "5")])).await;
    w.call(w.post("/plan/need", &[("name", "Being told about plans")])).await;
    let plan = [("trigger", "late-reply"), ("myself", "Breathe"), ("ask", "A short text"), ("status", "proposed")];
    w.call(w.post("/plan/trigger", &plan)).await;
    w.call(w.post("/plan/agreement", &[("kind", "other"), ("text", "We read each other's messages")])).await;
    let (_, resp, _) = w
        .call(w.post(STR, &[("action", "finish"), ("item-seen", "2"), ("item-trusted", "2"), ("item-respected", "8")]))
        .await;
    let done = location(&resp);
    assert!(done.starts_with("/understand?done="), "{done}");
    // Outside safety mode the result suggests talking openly.
    let (_, _, html) = w.call(w.get(&done)).await;
    assert!(html.contains("Talk openly with your partner") && !html.contains("Safety comes first"), "{html}");

    w.call(w.post("/safety/mode", &[("mode", "on")])).await;
    let mut pages: Vec<String> = [
        "/",
        "/journal",
        "/journal/1",
        "/journal/1/edit",
        "/insights",
        "/insights?weeks=all",
        "/understand",
        "/plan",
        "/plan?saved=1",
        "/self-worth",
        "/pause",
        "/say",
        "/safety",
        "/settings",
        done.as_str(),
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let (_, _, understand) = w.call(w.get("/understand")).await;
    for link in understand.split("href=\"").skip(1).filter_map(|l| l.split('"').next()) {
        // The steps explain the framework, with their caveat (checked below).
        if (link.starts_with("/understand/") && link != "/understand/steps") || link.starts_with("/assess/") {
            pages.push(link.replace("&amp;", "&"));
        }
    }
    assert!(pages.len() > 20, "{pages:?}");
    for uri in &pages {
        let (status, _, html) = w.call(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        for phrase in PARTNER_PHRASES {
            assert!(!html.contains(phrase), "{uri} shows '{phrase}' in safety mode:\n{html}");
        }
    }
    // Where a partner step was, safety comes first.
    let (_, _, html) = w.call(w.get(&done)).await;
    assert!(html.contains("Safety comes first") && html.contains("Reflect"), "{html}");
    let (_, _, html) = w.call(w.get("/insights")).await;
    assert!(html.contains("Safety comes first"), "{html}");
    let (_, _, html) = w.call(w.get("/understand/steps")).await;
    assert!(html.contains("for a relationship where you feel safe"), "{html}");
    // A saved agreement's question is not asked in safety mode, and nothing is added.
    let (_, resp, _) = w.call(w.post("/plan/agreement", &[("kind", "other"), ("text", "share our location")])).await;
    assert_eq!(location(&resp), "/plan#agreements");
}

#[tokio::test]
async fn an_agreement_that_may_encode_control_brings_a_gentle_question_and_is_saved() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (_, resp, _) =
        w.call(w.post("/plan/agreement", &[("kind", "other"), ("text", "We always share our location")])).await;
    assert_eq!(location(&resp), "/plan?saved=1#control");
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    assert!(html.contains("A gentle question about this agreement"), "{html}");
    assert!(html.contains("knowing where the other is at all times") && html.contains("href=\"/safety\""));
    assert!(html.contains("<strong>We always share our location</strong>"), "it is saved: {html}");
    // Ordinary agreements go straight back to the list.
    let (_, resp, _) = w.call(w.post("/plan/agreement", &[("kind", "other"), ("text", "share our calendars")])).await;
    assert_eq!(location(&resp), "/plan#agreements");
    let (_, _, html) = w.call(w.get("/plan?saved=2")).await;
    assert!(!html.contains("A gentle question"), "{html}");
    // Outside safety mode the pause says who coming back together is for.
    let (_, _, html) = w.call(w.get("/pause")).await;
    assert!(html.contains("for a relationship where you feel safe"), "{html}");
}

#[tokio::test]
async fn an_entry_deleted_for_good_is_gone_and_undo_cannot_bring_it_back() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "kept entry")])).await;
    w.call(w.post("/log", &[("situation", "he read my phone zebraquokka")])).await;
    let (_, _, html) = w.call(w.get("/journal/2")).await;
    assert!(html.contains("action=\"/journal/2/delete-for-good\"") && html.contains("30 days"), "{html}");
    let good = w.csrf.clone();
    w.csrf = String::new();
    assert_eq!(w.call(w.post("/journal/2/delete-for-good", &[])).await.0, StatusCode::FORBIDDEN);
    w.csrf = good;
    assert_eq!(w.call(w.get("/journal/2")).await.0, StatusCode::OK, "a refused post changes nothing");
    let (status, resp, _) = w.call(w.post("/journal/2/delete-for-good", &[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/journal?gone=2");
    let (_, _, html) = w.call(w.get("/journal?gone=2")).await;
    assert!(html.contains("Entry 2 was deleted for good") && html.contains("Backups and exports made before now"));
    assert_eq!(w.call(w.get("/journal/2")).await.0, StatusCode::NOT_FOUND);
    // Undo reaches only the first entry's creation.
    w.call(w.post("/undo", &[])).await;
    assert_eq!(w.call(w.get("/journal/1")).await.0, StatusCode::NOT_FOUND);
    let (_, resp, _) = w.call(w.post("/undo", &[])).await;
    assert_eq!(location(&resp), "/journal");
    assert_eq!(w.call(w.get("/journal/2")).await.0, StatusCode::NOT_FOUND);
    let (_, _, html) = w.call(w.get("/journal?q=zebraquokka")).await;
    assert!(html.contains("Nothing matches"));
    assert_eq!(w.call(w.post("/journal/99/delete-for-good", &[])).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_removes_everything_deleted_for_good() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "first")])).await;
    w.call(w.post("/log", &[("situation", "second")])).await;
    w.call(w.post("/journal/2/delete", &[])).await;
    let (_, _, html) = w.call(w.get("/journal?deleted=2")).await;
    assert!(html.contains("Undo brings it back within 30 days"), "{html}");
    let (_, _, html) = w.call(w.get("/settings")).await;
    assert!(html.contains("Waiting now: 1 entry.") && html.contains("action=\"/settings/purge\""), "{html}");
    let good = w.csrf.clone();
    w.csrf = String::new();
    assert_eq!(w.call(w.post("/settings/purge", &[])).await.0, StatusCode::FORBIDDEN);
    w.csrf = good;
    let (status, resp, _) = w.call(w.post("/settings/purge", &[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = w.call(w.get(&location(&resp))).await;
    assert!(html.contains("Removed for good: 1 entry.") && html.contains("Nothing deleted is waiting now"), "{html}");
    // Undo skips what is gone: the next undo removes entry 1's creation.
    w.call(w.post("/undo", &[])).await;
    assert_eq!(w.call(w.get("/journal/2")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn erase_needs_the_word_then_shows_the_checklist_and_the_set_up_page() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "something private")])).await;
    let (_, _, html) = w.call(w.get("/settings")).await;
    assert!(html.contains("href=\"/settings/erase\""));
    let (status, _, html) = w.call(w.get("/settings/erase")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("type <strong>erase</strong>") && html.contains("cannot be undone"), "{html}");
    let good = w.csrf.clone();
    w.csrf = String::new();
    assert_eq!(w.call(w.post("/settings/erase", &[("confirm", "erase")])).await.0, StatusCode::FORBIDDEN);
    w.csrf = good;
    assert!(w.dir.join("key.json").exists());
    let (status, _, html) = w.call(w.post("/settings/erase", &[("confirm", "yes")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Nothing was erased"), "{html}");
    assert!(w.dir.join("key.json").exists() && w.dir.join("attune.db").exists());

    let (status, _, html) = w.call(w.post("/settings/erase", &[("confirm", " Erase ")])).await;
    assert_eq!(status, StatusCode::OK);
    for trace in ["Backups", "Exports and reports", "Shell history", "Browser history", "The program itself"] {
        assert!(html.contains(trace), "{trace}: {html}");
    }
    assert!(html.contains("domestic abuse helpline"));
    assert!(!w.dir.exists(), "the journal's folder is gone");
    let (_, resp, _) = w.call(w.get("/journal")).await;
    assert_eq!(location(&resp), "/unlock");
    let (_, _, html) = w.call(w.get("/unlock")).await;
    assert!(html.contains("Welcome to attune"), "the set-up page: {html}");
}

/// A web app over a plain journal made beforehand, with or without the
/// person's `allow_plain`, its session opened.
async fn plain_web(allow_plain: bool) -> Web {
    let mut w = Web::with(Setup { plain: true, allow_plain, ..Setup::default() });
    w.open().await;
    w
}

#[tokio::test]
async fn a_plain_journal_is_refused_unless_allowed_and_then_shown_loudly_on_every_page() {
    // Not chosen: it may have been put in place of the encrypted one.
    let w = plain_web(false).await;
    let (status, _, html) = w.call(w.get("/unlock")).await;
    assert_ne!(status, StatusCode::SEE_OTHER);
    assert!(html.contains("not encrypted") && html.contains("/restore"), "{html}");
    let (status, resp, _) = w.call(w.get("/journal")).await;
    assert!(status == StatusCode::SEE_OTHER && location(&resp).starts_with("/unlock"), "still locked");

    // Chosen: it opens, and every page says so.
    let w = plain_web(true).await;
    let (_, resp, _) = w.call(w.get("/unlock")).await;
    assert_eq!(location(&resp), "/");
    for uri in ["/", "/journal", "/settings", "/safety", "/plan"] {
        let (status, _, html) = w.call(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(html.contains("class=\"plain-banner\"") && html.contains("This journal is not encrypted"), "{uri}");
        assert!(!html.contains("on this device, encrypted"), "{uri}: the footer must not say encrypted");
    }
    // An encrypted journal shows no banner.
    let e = Web::start(Duration::from_secs(900)).await;
    let (_, _, html) = e.call(e.get("/")).await;
    assert!(!html.contains("plain-banner"));
}

#[tokio::test]
async fn the_locked_restore_page_refuses_a_plain_backup_over_an_encrypted_journal() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.call(w.post("/log", &[("situation", "My own words")])).await;
    // A plain journal and its backup, made by someone else.
    let other = w.dir.parent().unwrap().join("other");
    let (plain, _) = attune_store::Store::create(&other, attune_store::Protection::None).unwrap();
    let backup = w.dir.parent().unwrap().join("plain-backup.db");
    plain.backup(&backup).unwrap();
    drop(plain);
    w.call(w.post("/lock", &[])).await;
    let (status, _, html) = w.call(w.post("/restore", &[("file", backup.to_str().unwrap()), ("passphrase", "")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("not encrypted") && html.contains("Nothing was changed"), "{html}");
    // The encrypted journal is still there and still asks for its passphrase.
    assert_eq!(attune_store::Store::probe(&w.dir).unwrap(), Some(true));
    let (_, resp, _) = w.call(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!(location(&resp), "/");
    let (_, _, html) = w.call(w.get("/journal")).await;
    assert!(html.contains("My own words"));
}
