//! Safety mode on every surface that could suggest something with the
//! partner (assess, insights, say, scripts, pause, due, agree), the
//! caveats on the steps that assume a safe relationship, and the gentle
//! questions about agreements that may encode control.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attune_store::Store;
use common::Sandbox;

fn plain() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

fn safety_mode_on(s: &Sandbox) {
    Store::open_plain(&s.store()).unwrap().set_safety_mode(true).unwrap();
}

/// Runs attune with `input` on standard input; returns standard output.
fn with_input(s: &Sandbox, args: &[&str], input: &str) -> String {
    let out = s.cmd().args(args).write_stdin(input.as_bytes().to_vec()).output().unwrap();
    assert!(out.status.success(), "attune {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of `text` from the line starting with `heading` on.
fn from_heading(text: &str, heading: &str) -> String {
    let at = text.find(heading).unwrap_or_else(|| panic!("no '{heading}' in:\n{text}"));
    text[at..].to_string()
}

/// Words that suggest talking with the partner or agreeing things with them.
const PARTNER_PHRASES: &[&str] =
    &["tell your partner", "Telling your partner", "Talk openly", "find each other again", "agreed with your partner"];

fn assert_no_partner_talk(what: &str, text: &str) {
    let text = flat(text);
    for phrase in PARTNER_PHRASES {
        assert!(!text.contains(phrase), "{what} shows '{phrase}' in safety mode:\n{text}");
    }
}

#[test]
fn assess_leaves_out_the_partner_steps_and_says_what_is_offered() {
    let s = plain();
    // Feeling unseen and untrusted suggests talking openly outside safety mode.
    let normal = with_input(&s, &["assess", "seen-trusted-respected", "--plain"], "2\n2\n8\n");
    assert!(flat(&normal).contains("Talk openly with your partner"), "{normal}");
    safety_mode_on(&s);
    let text = with_input(&s, &["assess", "seen-trusted-respected", "--plain"], "2\n2\n8\n");
    assert_no_partner_talk("assess", &text);
    insta::assert_snapshot!("mode_assess_steps", from_heading(&text, "What may help most right now"));
    let json: serde_json::Value =
        serde_json::from_str(&with_input(&s, &["assess", "seen-trusted-respected", "--json"], "2\n2\n8\n")).unwrap();
    assert!(json["safety_first"].as_str().unwrap().starts_with("Safety comes first"), "{json}");
    for step in json["steps"].as_array().unwrap() {
        assert!(step["step"] != "talk-openly" && step["step"] != "boundaries-and-plans", "{json}");
    }
}

#[test]
fn insights_put_safety_first_instead_of_the_partner_step() {
    let s = plain();
    s.run(&["log", "No reply for 5 hours", "--trigger", "late-reply", "--intensity", "7"]);
    let normal = s.run(&["insights"]);
    assert!(flat(&normal).contains("tell your partner"), "{normal}");
    assert_eq!(s.json(&["insights", "--json"])["next_steps"][1]["kind"], "partner");
    safety_mode_on(&s);
    let text = s.run(&["insights"]);
    assert_no_partner_talk("insights", &text);
    insta::assert_snapshot!("mode_insights_next", from_heading(&text, "A next step"));
    let json = s.json(&["insights", "--json"]);
    let kinds: Vec<&str> = json["next_steps"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["safety-first", "yourself"]);
}

#[test]
fn say_scripts_due_and_agree_explain_instead_and_change_nothing() {
    let s = plain();
    s.run(&["agree", "add", "a 20-minute talk", "--review", "today", "--agreed"]);
    assert!(s.run(&["due"]).contains("a 20-minute talk"), "it is due today outside safety mode");
    safety_mode_on(&s);
    s.run(&["plan"]);
    let before = s.snapshot_files();
    let check = s.run(&["say", "--check", "you never listen"]);
    insta::assert_snapshot!("mode_say", check);
    let compose = s.run(&["say", "--when", "a", "--feel", "b", "--need", "c", "--ask", "d"]);
    assert_eq!(compose, check, "checking and composing say the same");
    assert_eq!(s.run(&["scripts"]), check, "scripts say the same");
    assert_eq!(s.json(&["scripts", "--json"])["safety_mode"], true);
    assert_eq!(s.run(&["due"]).trim(), "Nothing due today.");
    assert_eq!(s.json(&["due", "--json"]), serde_json::json!([]));
    let agree = s.run(&["agree", "add", "We always share our location"]);
    assert_eq!(agree, check, "no agreement, and so no question about it");
    assert_no_partner_talk("say", &check);
    assert_eq!(s.snapshot_files(), before, "nothing changed");
    let pause = with_input(&s, &["pause", "--minutes", "1"], "");
    assert_no_partner_talk("pause", &pause);
    assert!(!pause.contains("Pausing and coming back together"), "{pause}");
    s.run(&["safety", "mode", "off", "--yes"]);
    assert_eq!(s.json(&["agree", "--json"]).as_array().unwrap().len(), 1, "nothing was added");
}

#[test]
fn the_steps_that_assume_a_safe_relationship_say_so() {
    let s = plain();
    let steps = flat(&s.run(&["learn", "steps"]));
    assert_eq!(steps.matches("for a relationship where you feel safe").count(), 2, "{steps}");
    assert!(steps.contains("attune safety check"), "{steps}");
    let pause = flat(&with_input(&s, &["pause", "--minutes", "1"], "\n"));
    assert!(pause.contains("Pausing and coming back together are for a relationship where you feel safe"), "{pause}");
    assert!(pause.contains("`attune safety`"), "{pause}");
}

#[test]
fn an_agreement_that_may_encode_control_brings_gentle_questions_and_is_saved() {
    let s = plain();
    let text = s.run(&["agree", "add", "We always share our location and read each other's messages"]);
    insta::assert_snapshot!("mode_agree_control", text);
    let list = s.json(&["agree", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "saved all the same");
    let json = s.json(&["agree", "add", "I ask permission before I see friends", "--json"]);
    assert_eq!(json["seq"], 2);
    assert_eq!(json["control_concerns"][0]["id"], "permission");
    assert_eq!(json["control_concerns"][0]["excerpt"], "ask permission");
    // Ordinary agreements bring no question.
    for ordinary in ["share our calendars", "text when leaving work"] {
        let out = s.run(&["agree", "add", ordinary]);
        assert!(!out.contains("gentle question"), "{out}");
        assert!(s.json(&["agree", "add", ordinary, "--json"])["control_concerns"].is_null());
    }
    // New words are asked about; a new review interval alone is not.
    let revised = s.run(&["agree", "revise", "3", "we check each other's phones"]);
    assert!(flat(&revised).contains("checking the other's phone"), "{revised}");
    let again = s.run(&["agree", "revise", "3", "--review-every", "4w"]);
    assert!(!again.contains("gentle question"), "{again}");
}
