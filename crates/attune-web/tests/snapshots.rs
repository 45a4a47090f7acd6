//! The HTML of every page for a small, fixed journal (fixed clock), as insta
//! snapshots: a change to any page shows up in review. Tokens, ids and the
//! temporary journal path are replaced by placeholders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{seeded, snapshot_settings};

fn settings() -> insta::Settings {
    let mut s = snapshot_settings();
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
        let (status, _, html) = w.go(w.get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let html = html.replace(&tmp, "[TMP]");
        settings().bind(|| insta::assert_snapshot!(name, html));
    }
}
