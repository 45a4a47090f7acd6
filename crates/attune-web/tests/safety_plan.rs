//! The safety plans in the web app: both pages through the real router,
//! saving, a refused form drawn again with the error beside its section,
//! deleting, and insta snapshots of the plan and its form.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{Web, flat, snapshot_settings as settings};

#[tokio::test]
async fn the_safety_page_links_both_plans_and_both_pages_open() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, html) = w.go(w.get("/safety")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/safety/plan/crisis\"") && html.contains("href=\"/safety/plan/staying-safe\""));

    for (uri, must) in [
        ("/safety/plan/crisis", "call <a href=\"tel:"),
        ("/safety/plan/crisis/edit", "name=\"warning-signs\""),
        ("/safety/plan/staying-safe", "Escape three times"),
        ("/safety/plan/staying-safe/edit", "name=\"children-pets\""),
    ] {
        let (status, _, html) = w.go(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(html.contains(must), "{uri}: {must}");
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap()];
            assert!(
                tag.contains("autocomplete=\"off\"") || tag.contains("/exit") || tag.contains("/lock"),
                "{uri}: {tag}"
            );
        }
        assert!(!html.contains(" style=\""), "{uri}");
    }
    // Said first on the staying-safe plan: keep it elsewhere, and the quick exit.
    let (_, _, html) = w.go(w.get("/safety/plan/staying-safe")).await;
    let main = &html[html.find("<main").unwrap()..];
    let first = main.find("If your partner may look at this device").unwrap();
    assert!(first < main.find("<h2").unwrap(), "before any section");
    assert!(first < main.find("a plan made ahead").unwrap(), "before the introduction");

    let (status, _, _) = w.go(w.get("/safety/plan/leaving")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_plan_is_saved_shown_and_deleted() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    let (status, to, html) = w
        .go(w.post(
            "/safety/plan/crisis/edit",
            &[
                ("warning-signs", "- not sleeping\r\n\r\nstaying in bed\r\n"),
                ("people", "My sister Ana"),
                ("reasons", "my niece <b>Lu</b>"),
                ("unknown-field", "ignored"),
            ],
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(to, "/safety/plan/crisis?saved=1");
    let (_, _, html) = w.go(w.get(&to)).await;
    assert!(html.contains("Saved in your journal on 26 November 2026"));
    assert!(html.contains("<li>not sleeping</li>") && html.contains("<li>staying in bed</li>"));
    assert!(
        html.contains("my niece &#60;b&#62;Lu&#60;/b&#62;") || html.contains("my niece &lt;b&gt;Lu&lt;/b&gt;"),
        "escaped"
    );
    assert!(!html.contains("<b>Lu</b>"));
    let (_, _, form) = w.go(w.get("/safety/plan/crisis/edit")).await;
    assert!(form.contains(">not sleeping\nstaying in bed</textarea>"), "the form holds what is saved");

    let (status, to, _) = w.go(w.post("/safety/plan/crisis/delete", &[])).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/safety#plans"));
    let (_, _, html) = w.go(w.get("/safety/plan/crisis")).await;
    assert!(!html.contains("not sleeping"));
    assert!(!html.contains("Delete this plan"), "nothing left to delete");

    // Without the CSRF token nothing is saved.
    w.csrf = "0".repeat(64);
    let (status, _, _) = w.go(w.post("/safety/plan/crisis/edit", &[("people", "x")])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_refused_plan_comes_back_as_typed_with_the_error_beside_its_section() {
    let w = Web::start(Duration::from_secs(900)).await;
    let long = "y".repeat(301);
    let many: String = (1..=13).map(|i| format!("place {i}\n")).collect();
    let (status, _, html) = w
        .go(w.post(
            "/safety/plan/staying-safe/edit",
            &[("ready", &long), ("places", &many), ("contacts", "Mia, code word kettle")],
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nothing was saved yet"));
    let f = flat(&html);
    assert!(f.contains("id=\"err-ready\" role=\"alert\">Line 1 is 301 characters long; the most is 300"), "{f}");
    assert!(f.contains("id=\"err-places\" role=\"alert\">Has 13 lines; the most is 12"), "{f}");
    assert!(!html.contains("id=\"err-contacts\""));
    assert!(html.contains(&format!(">{long}</textarea>")), "kept as typed");
    assert!(html.contains(">Mia, code word kettle</textarea>"));
    assert!(html.contains("aria-describedby=\"g-ready err-ready\" aria-invalid=\"true\""));
    let (_, _, html) = w.go(w.get("/safety/plan/staying-safe")).await;
    assert!(!html.contains("kettle"), "nothing was saved");
}

#[tokio::test]
async fn snapshots_of_both_pages() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, _, _) = w
        .go(w.post(
            "/safety/plan/staying-safe/edit",
            &[("ready", "Copies of passports at Mia's\nSpare keys"), ("contacts", "Mia: code word 'blue kettle'")],
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for (name, uri) in [
        ("staying_safe", "/safety/plan/staying-safe"),
        ("staying_safe_edit", "/safety/plan/staying-safe/edit"),
        ("crisis", "/safety/plan/crisis"),
        ("crisis_edit", "/safety/plan/crisis/edit"),
    ] {
        let (status, _, html) = w.go(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        settings().bind(|| insta::assert_snapshot!(name, html));
    }
}
