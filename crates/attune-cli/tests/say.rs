//! End-to-end tests of `attune say`: the composer and `--check`. (The
//! accuracy on 80 written sentences is measured in attune-text's tests:
//! `cargo test -p attune-text --test statement -- --nocapture`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attune_store::Store;
use common::Sandbox;

fn plain() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

#[test]
fn check_marks_spans_with_reasons_and_offers_a_skeleton() {
    let s = plain();
    s.run(&["plan", "need", "regular contact"]);
    let text = s.run(&["say", "--check", "you never answer me, you clearly don't care"]);
    insta::assert_snapshot!("say_check", text);
    let j = s.json(&["say", "--check", "you never answer me, you clearly don't care", "--json"]);
    assert_eq!(j["blaming"], true);
    let f = j["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["kind"], "absolute");
    assert_eq!((f[0]["start"].as_u64(), f[0]["end"].as_u64()), (Some(0), Some(9)));
    assert_eq!(f[0]["excerpt"], "you never");
    assert_eq!(f[1]["kind"], "mind-reading");
    assert_eq!(f[1]["excerpt"], "you clearly don't");
    assert!(f.iter().all(|x| !x["reason"].as_str().unwrap().is_empty()));
    assert_eq!(j["tips"].as_array().unwrap().len(), 2);
    assert!(j["rewrite"].as_str().unwrap().contains("because I need [regular contact]"));
}

#[test]
fn a_kind_sentence_is_not_flagged() {
    let s = plain();
    let j = s.json(&["say", "--check", "you look tired, can I help?", "--json"]);
    assert_eq!(j["blaming"], false);
    assert!(j["findings"].as_array().unwrap().is_empty());
    assert!(j["rewrite"].is_null());
    assert!(s.run(&["say", "--check", "You always make me laugh"]).contains("Nothing here sounds like blame"));
}

#[test]
fn check_reads_standard_input() {
    let s = plain();
    let out = s
        .cmd()
        .args(["say", "--check", "-", "--json"])
        .write_stdin("It's your fault we missed the train.\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["findings"][0]["kind"], "you-accusation");
    let (code, err) = s.fail(&["say", "--check", "   "]);
    assert_eq!(code, 1);
    assert!(err.contains("nothing to check"), "{err}");
}

#[test]
fn the_composer_builds_a_message_without_blame() {
    let s = plain();
    let args = [
        "say",
        "--when",
        "When you didn't reply for five hours.",
        "--feel",
        "I felt anxious",
        "--need",
        "I need to know we're okay",
        "--ask",
        "Would you be willing to send a two-word text when you're busy?",
    ];
    insta::assert_snapshot!("say_compose", s.run(&args));
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let j = s.json(&json_args);
    assert_eq!(
        j["message"],
        "When you didn't reply for five hours, I feel anxious, because I need to know we're okay. \
         Would you be willing to send a two-word text when you're busy?"
    );
    assert_eq!(j["check"]["blaming"], false);
    // Blame typed into the parts is pointed out.
    let out = s.run(&[
        "say",
        "--when",
        "you ignored me all evening",
        "--feel",
        "hurt",
        "--need",
        "attention",
        "--ask",
        "put the phone away at dinner",
    ]);
    assert!(out.contains("you ignored me") && out.contains("You could try"), "{out}");
}

#[test]
fn without_a_terminal_the_composer_asks_for_all_four_parts() {
    let s = plain();
    let (code, err) = s.fail(&["say", "--when", "x"]);
    assert_eq!(code, 1);
    assert!(err.contains("--feel") && err.contains("--check"), "{err}");
}

#[test]
fn in_safety_mode_say_explains_instead() {
    let s = plain();
    Store::open_plain(&s.store()).unwrap().set_setting("safety_mode", Some("2026-11-26")).unwrap();
    let text = s.run(&["say", "--check", "you never listen"]);
    assert!(text.contains("attune safety") && !text.contains("you never listen"), "{text}");
    assert_eq!(s.json(&["say", "--check", "you never listen", "--json"])["safety_mode"], true);
}
