//! End-to-end tests of `attune pause`. With ATTUNE_NOW set, time stands
//! still and the countdown runs on a simulated clock, so nothing sleeps
//! (the key-driven terminal clock and Ctrl-C are tested in the binary's
//! unit tests, with a scripted clock).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use attune_store::Store;
use common::Sandbox;

fn plain() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

/// Runs `attune pause ARGS` with `answer` on standard input.
fn pause(s: &Sandbox, args: &[&str], answer: &str) -> String {
    let out = s.cmd().arg("pause").args(args).write_stdin(answer.as_bytes().to_vec()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_pause_runs_without_sleeping_and_is_logged() {
    let s = plain();
    let start = Instant::now();
    let text = pause(&s, &["--minutes", "30", "--breathe"], "y\n");
    assert!(start.elapsed() < Duration::from_secs(20), "a 30-minute pause must not take real time here");
    insta::assert_snapshot!("pause_end", text);
    pause(&s, &[], "n\n");
    pause(&s, &[], "");
    let list = s.json(&["pause", "list", "--json"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    // Newest first: the same "now", so by number.
    let by_seq = |n: i64| rows.iter().find(|r| r["seq"] == n).unwrap();
    assert_eq!(by_seq(1)["planned_secs"], 1800);
    assert_eq!(by_seq(1)["actual_secs"], 1800);
    assert_eq!(by_seq(1)["ended_early"], false);
    assert_eq!(by_seq(1)["reconvened"], true);
    assert_eq!(by_seq(1)["started"], "2026-11-26T21:00:00+01:00");
    assert_eq!(by_seq(2)["planned_secs"], 600, "the framework's default is 10 minutes");
    assert_eq!(by_seq(2)["reconvened"], false);
    assert!(by_seq(3)["reconvened"].is_null(), "no answer stays unknown");
    let human = s.run(&["pause", "list"]);
    assert!(human.contains("came back together") && human.contains("planned 30:00"), "{human}");
}

#[test]
fn the_default_length_comes_from_the_agreed_pause_rule() {
    let s = plain();
    s.run(&["agree", "add", "a break when flooded", "--kind", "pause-rule", "--minutes", "25"]);
    pause(&s, &[], "");
    s.run(&["agree", "agreed", "1"]);
    let text = pause(&s, &[], "");
    assert!(text.contains("25 minutes"), "{text}");
    let list = s.json(&["pause", "list", "--json"]);
    let planned: Vec<i64> = list.as_array().unwrap().iter().map(|r| r["planned_secs"].as_i64().unwrap()).collect();
    assert!(planned.contains(&600) && planned.contains(&1500), "a proposal does not count yet: {planned:?}");
}

#[test]
fn bad_lengths_are_refused() {
    let s = plain();
    let (code, err) = s.fail(&["pause", "--minutes", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("outside 1 to 120"), "{err}");
    assert!(s.json(&["pause", "list", "--json"]).as_array().unwrap().is_empty());
}

#[test]
fn in_safety_mode_the_pause_is_for_yourself() {
    let s = plain();
    Store::open_plain(&s.store()).unwrap().set_setting("safety_mode", Some("on")).unwrap();
    let text = pause(&s, &[], "y\n").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("`attune safety`") && !text.contains("find each other"), "{text}");
    let list = s.json(&["pause", "list", "--json"]);
    assert!(list[0]["reconvened"].is_null(), "no question about reconvening");
}
