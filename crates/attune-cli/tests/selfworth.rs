//! End-to-end tests of self-worth: the activity log (`attune did`), the
//! support map (`attune support`) and affirmations (`attune affirm`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{Sandbox, UUID};

fn plain() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

#[test]
fn activities_are_logged_listed_and_removed() {
    let s = Sandbox::new();
    s.init();
    let a = s.json(&["did", "pottery class", "--category", "art", "--minutes", "90", "--felt", "8", "--json"]);
    assert_eq!(a["seq"], 1);
    assert_eq!(a["category"], "art");
    assert_eq!(a["minutes"], 90);
    assert_eq!(a["felt"], 8);
    s.run(&["did", "helped at the food bank", "-c", "volunteering", "--at", "yesterday 10:00"]);
    s.run(&["did", "ran 5 km", "-c", "sport", "-m", "35", "--at", "2026-09-01"]);
    insta::with_settings!({filters => vec![(UUID, "[uuid]")]}, {
        insta::assert_snapshot!("did_list", s.run(&["did"]));
    });
    let all = s.json(&["did", "--since", "2026-01-01", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 3);
    s.run(&["did", "--remove", "2"]);
    assert_eq!(s.json(&["did", "--json"]).as_array().unwrap().len(), 1);
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["did", "napping", "--category", "naps", "--felt", "11"]);
    assert_eq!(code, 1);
    assert!(err.contains("category") && err.contains("felt"), "{err}");
    let (_, err) = s.fail(&["did", "--remove", "9"]);
    assert!(err.contains("attune did"), "{err}");
    assert_eq!(s.snapshot_files(), before);
}

#[test]
fn the_support_map_says_gently_when_the_partner_is_the_only_support() {
    let s = plain();
    let empty = s.run(&["support"]);
    assert!(
        empty.contains("your partner is the only person on your map") && empty.contains("One small step"),
        "{empty}"
    );
    let j = s.json(&["support", "--json"]);
    assert_eq!(j["note"], "partner-only");
    assert!(j["step"].is_string());
    s.run(&["support", "add", "Mia", "--relation", "sister"]);
    assert_eq!(s.json(&["support", "--json"])["note"], "no-one-to-call");
    s.run(&["support", "edit", "mia", "--can-call"]);
    s.run(&["support", "add", "Jo", "--relation", "friend from work", "--contact", "2026-11-01"]);
    s.run(&["support", "contact", "Mia", "--on", "yesterday"]);
    let j = s.json(&["support", "--json"]);
    assert_eq!(j["note"], "fine");
    assert!(j["step"].is_null());
    assert_eq!(j["people"][0]["last_contact"], "2026-11-25");
    assert_eq!(j["people"][0]["can_call"], true);
    insta::assert_snapshot!("support_map", s.run(&["support"]));
    s.run(&["support", "remove", "2"]);
    assert_eq!(s.json(&["support", "--json"])["people"].as_array().unwrap().len(), 1);
    let (code, err) = s.fail(&["support", "contact", "Nobody"]);
    assert_eq!(code, 1);
    assert!(err.contains("not on your support map"), "{err}");
}

#[test]
fn affirmations_do_not_repeat_until_all_were_shown() {
    let s = plain();
    s.run(&["affirm", "add", "I am worth listening to"]);
    let total = s.json(&["affirm", "list", "--json"]).as_array().unwrap().len();
    assert!(total >= 10, "suggestions from content plus my own");
    let mut seen = BTreeSet::new();
    for _ in 0..total {
        let a = s.json(&["affirm", "--json"]);
        assert!(seen.insert(a["seq"].as_i64().unwrap()), "{} came again before all were shown", a["seq"]);
    }
    assert_eq!(seen.len(), total);
    // The next round starts again.
    let again = s.json(&["affirm", "--json"]);
    assert_eq!(again["shown"], 2);
}

#[test]
fn affirmations_can_be_starred_edited_and_removed() {
    let s = plain();
    s.run(&["affirm", "star", "3"]);
    s.run(&["affirm", "edit", "4", "A slow reply is just a slow reply."]);
    let list = s.json(&["affirm", "list", "--json"]);
    let by_seq = |n: i64| list.as_array().unwrap().iter().find(|a| a["seq"] == n).unwrap().clone();
    assert_eq!(by_seq(3)["starred"], true);
    assert_eq!(by_seq(4)["text"], "A slow reply is just a slow reply.");
    assert_eq!(by_seq(4)["own"], true);
    assert_eq!(by_seq(4)["suggestion"], "silence-not-verdict");
    // Only starred ones with --starred.
    for _ in 0..3 {
        assert_eq!(s.json(&["affirm", "--starred", "--json"])["seq"], 3);
    }
    s.run(&["affirm", "remove", "3"]);
    assert!(s.json(&["affirm", "--starred", "--json"]).is_null());
    assert!(s.run(&["affirm", "--starred"]).contains("No starred affirmations yet"));
    let (code, err) = s.fail(&["affirm", "star", "999"]);
    assert_eq!(code, 1);
    assert!(err.contains("attune affirm list"), "{err}");
    let (_, err) = s.fail(&["affirm", "add", "  "]);
    assert!(err.contains("affirmation is empty"), "{err}");
}
