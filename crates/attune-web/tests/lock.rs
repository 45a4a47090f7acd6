//! Locking locks: the quick exit, the idle lock and `attune lock` close the
//! journal and the kernel key cache; text posted after the lock is sealed,
//! unreadable on disk, and offered back after the next unlock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use attune_store::{DataKey, keycache};
use axum::http::StatusCode;
use common::{PASS, Setup, Web};

impl Web {
    /// Puts a key in the kernel key cache for this journal, as the CLI does
    /// after an unlock; false (with the reason printed) where there is none.
    fn cache_a_key(&self) -> bool {
        match keycache::put(&self.dir, &DataKey::from_bytes([9; 32]), Duration::from_secs(300)) {
            Ok(()) => true,
            Err(why) => {
                eprintln!("skipped the key cache part: {why}");
                false
            }
        }
    }
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p).unwrap().windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(p);
            }
        }
    }
    found
}

#[tokio::test]
async fn quick_exit_clears_the_key_cache_and_keeps_nothing_typed() {
    let w = Web::start(Duration::from_secs(900)).await;
    let cached = w.cache_a_key();
    let (_, loc, _) = w.go(w.post("/exit", &[])).await;
    assert_eq!(loc, "/bye");
    assert!(!w.state.is_unlocked());
    if cached {
        assert!(keycache::get(&w.dir).is_none(), "a terminal must ask for the passphrase after a quick exit");
    }
    // Another tab posting afterwards: nothing of it is kept.
    let marker = "exitmarker 5521";
    let (_, loc, _) = w.go(w.post("/log", &[("situation", marker)])).await;
    assert_eq!(loc, "/unlock");
    assert!(files_holding(&w.dir, marker).is_empty());
    assert!(!w.dir.join(attune_store::SEALED_DIR).exists());
}

#[tokio::test]
async fn the_idle_lock_and_the_lock_button_clear_the_key_cache() {
    let w = Web::start(Duration::from_millis(50)).await;
    let cached = w.cache_a_key();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, loc, _) = w.go(w.get("/")).await;
    assert_eq!(loc, "/unlock");
    if cached {
        assert!(keycache::get(&w.dir).is_none(), "the idle lock leaves the key cache");
    }

    // The page's own idle lock, and the lock button.
    let w = Web::start(Duration::from_secs(900)).await;
    let cached = w.cache_a_key();
    let (_, loc, _) = w.go(w.post("/idle-lock", &[])).await;
    assert_eq!(loc, "/unlock");
    assert!(!w.state.is_unlocked());
    if cached {
        assert!(keycache::get(&w.dir).is_none());
    }
    let (_, _, _) = w.go(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert!(w.state.is_unlocked());
    let cached = w.cache_a_key();
    w.go(w.post("/lock", &[])).await;
    if cached {
        assert!(keycache::get(&w.dir).is_none());
    }
}

#[tokio::test]
async fn attune_lock_locks_a_running_serve_within_a_second() {
    let w = Web::start(Duration::from_secs(900)).await;
    let _watch = w.state.spawn_idle_lock();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(w.state.is_unlocked());
    // What `attune lock` does.
    keycache::request_lock(&w.dir).unwrap();
    let asked = Instant::now();
    while w.state.is_unlocked() {
        assert!(asked.elapsed() < Duration::from_secs(1), "serve did not lock within a second");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn text_posted_after_the_lock_is_sealed_and_offered_back_after_unlock() {
    let w = Web::start(Duration::from_secs(900)).await;
    w.go(w.post("/lock", &[])).await;
    let marker = "sealedmarker 7f3a lighthouse";
    let (status, loc, _) = w.go(w.post("/log", &[("situation", marker), ("intensity", "6")])).await;
    assert_eq!((status, loc.as_str()), (StatusCode::SEE_OTHER, "/unlock?kept=1"));
    assert_eq!(attune_store::sealed::count(&w.dir), 1);
    assert!(files_holding(&w.dir, marker).is_empty(), "no file may hold the text in the clear");
    let (_, _, html) = w.go(w.get("/unlock?kept=1")).await;
    assert!(html.contains("id=\"kept-note\""), "{html}");
    // Without the hint in the address too (a restarted serve, another tab).
    let (_, _, html) = w.go(w.get("/unlock")).await;
    assert!(html.contains("id=\"kept-note\""), "{html}");

    // The page's idle lock seals the form it was given too.
    w.go(w.post("/idle-lock", &[("_form", "/plan/need"), ("need", "quiet evenings together")])).await;
    assert_eq!(attune_store::sealed::count(&w.dir), 2);

    let (_, loc, _) = w.go(w.post("/unlock", &[("passphrase", PASS)])).await;
    assert_eq!(loc, "/");
    assert_eq!(attune_store::sealed::count(&w.dir), 0);
    assert!(files_holding(&w.dir, marker).is_empty(), "offered back still encrypted");
    let (_, _, today) = w.go(w.get("/")).await;
    assert!(today.contains("Kept for you") && today.contains(marker), "{today}");
    assert!(today.contains("quiet evenings together"));
    let id_at = today.find(marker).unwrap();
    let form = &today[id_at..];
    let start = form.find("action=\"/drafts/").unwrap() + "action=\"".len();
    let action = &form[start..start + form[start..].find('"').unwrap()];
    assert!(action.ends_with("/restore"), "{action}");
    let (_, loc, _) = w.go(w.post(action, &[])).await;
    assert!(loc.starts_with("/journal/") && loc.ends_with("?saved=1"), "{loc}");
    let (_, _, entry) = w.go(w.get(&loc)).await;
    assert!(entry.contains(marker), "{entry}");
    let (_, _, today) = w.go(w.get("/")).await;
    assert!(!today.contains(marker));

    // Discard takes the other one away.
    let start = today.find("action=\"/drafts/").unwrap() + "action=\"".len();
    let restore = &today[start..start + today[start..].find('"').unwrap()];
    let discard = restore.replace("/restore", "/discard");
    let (_, loc, _) = w.go(w.post(&discard, &[])).await;
    assert_eq!(loc, "/");
    let (_, _, today) = w.go(w.get("/")).await;
    assert!(!today.contains("Kept for you"));
    // An unknown draft is a calm "not found", not a crash.
    let (status, _, _) = w.go(w.post("/drafts/..%2Fkey/restore", &[])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_plain_journal_keeps_text_posted_after_the_lock_as_a_plain_draft() {
    let w = Web::start_with(Setup { plain: true, allow_plain: true, ..Setup::default() }).await;
    w.go(w.post("/lock", &[])).await;
    let (_, loc, _) = w.go(w.post("/log", &[("situation", "plain words kept")])).await;
    assert_eq!(loc, "/unlock?kept=1");
    let kept = attune_store::drafts::list(&w.dir.join(attune_store::DRAFTS_DIR), None).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].draft.situation, "plain words kept");
    let (_, _, today) = {
        w.go(w.get("/unlock")).await;
        w.go(w.get("/")).await
    };
    assert!(today.contains("plain words kept"), "{today}");
}
