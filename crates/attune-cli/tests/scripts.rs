//! End-to-end tests of `attune scripts`: conversation starters filled in
//! from the plan.
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
fn placeholders_come_from_the_plan_or_show_what_to_fill_in() {
    let s = plain();
    let before = s.json(&["scripts", "naming-a-trigger", "--json"]);
    let text = before[0]["variants"][0].as_str().unwrap();
    assert!(text.starts_with("[name], I've noticed that [what sets me off]"), "{text}");
    assert_eq!(before[0]["missing"], serde_json::json!(["partner", "trigger", "need_looks_like"]));
    assert!(s.run(&["scripts", "naming-a-trigger"]).contains("attune plan partner"));

    s.run(&["plan", "partner", "Sam"]);
    s.run(&["plan", "need", "transparency", "--looks-like", "a quick text when plans change"]);
    s.run(&["plan", "trigger", "late-reply", "--myself", "breathe"]);
    insta::assert_snapshot!("scripts_naming_a_trigger", s.run(&["scripts", "naming-a-trigger"]));
    let after = s.json(&["scripts", "naming", "--json"]);
    assert!(after[0]["missing"].as_array().unwrap().is_empty());
    assert!(after[0]["variants"][1].as_str().unwrap().contains("a quick text when plans change"));
    let other = s.json(&["scripts", "naming-a-trigger", "--trigger", "cancelled-plan", "--json"]);
    assert!(other[0]["variants"][0].as_str().unwrap().contains("a cancelled or changed plan"));
}

#[test]
fn every_purpose_is_listed_with_one_example() {
    let s = plain();
    let all = s.json(&["scripts", "--json"]);
    let ids: Vec<&str> = all.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "asking-to-be-seen",
            "showing-vulnerability",
            "asking-for-directness",
            "proposing-a-cool-down",
            "naming-a-trigger",
            "repairing-after-a-fight",
            "asking-for-reassurance"
        ]
    );
    assert!(all.as_array().unwrap().iter().all(|p| p["variants"].as_array().unwrap().len() >= 2));
    let cool = all[3]["variants"][0].as_str().unwrap();
    assert!(cool.contains("10-minute break"), "the pause length fills in: {cool}");
    let (code, err) = s.fail(&["scripts", "asking-to-be-sen"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean 'asking-to-be-seen'"), "{err}");
}

#[test]
fn in_safety_mode_scripts_explain_instead() {
    let s = plain();
    Store::open_plain(&s.store()).unwrap().set_setting("safety_mode", Some("on")).unwrap();
    let text = s.run(&["scripts"]);
    assert!(text.contains("attune safety") && !text.contains("Asking to be seen"), "{text}");
}
