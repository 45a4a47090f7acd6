//! Safety first, end to end (issue 3): crisis words after a save, the
//! relationship-safety check and safety mode, and the country setting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Sandbox;
use serde_json::Value;

/// Text with line breaks and runs of spaces folded, so wrapped paragraphs
/// can be searched for whole sentences.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn mode_is_on(s: &Sandbox) -> bool {
    s.json(&["safety", "mode", "--json"])["safety_mode"].as_bool().unwrap()
}

#[test]
fn crisis_words_are_saved_first_then_answered_with_crisis_services() {
    let s = Sandbox::new();
    s.init();
    s.run(&["safety", "country", "gb"]);

    let out = s.run(&["log", "I can't do this anymore. I want to die.", "-t", "late-reply", "-i", "9"]);
    let saved = out.find("Saved entry 1").expect("the save is reported");
    let services = out.find("Samaritans: call 116 123").expect("crisis services for the UK");
    assert!(saved < services, "the save comes first: {out}");
    assert!(out.contains("999: call 999"), "the emergency number: {out}");
    assert!(flat(&out).contains("Your safety matters most right now"));
    assert!(flat(&out).contains("this is not a diagnosis"));
    assert!(flat(&out).contains("“I want to die”. It only reads words"), "{out}");
    insta::assert_snapshot!("crisis_after_log", out);
    // The entry is there, whole.
    assert_eq!(s.json(&["show", "1", "--json"])["situation"], "I can't do this anymore. I want to die.");

    // An ordinary figure of speech: saved, and nothing else.
    let out = s.run(&["log", "this deadline is killing me"]);
    assert!(out.contains("Saved entry 2"));
    assert!(!out.contains("Samaritans") && !out.contains("──"), "{out}");
    let json = s.json(&["log", "my feet are killing me after the hike", "--json"]);
    assert!(json.get("safety").is_none(), "{json}");
    assert_eq!(json["seq"], 3);

    // JSON carries the same, as a "safety" field next to the entry.
    let json = s.json(&["log", "Everyone would be better off without me", "--json"]);
    assert_eq!(json["seq"], 4);
    let safety = &json["safety"];
    assert_eq!(safety["reasons"], serde_json::json!(["crisis-language"]));
    assert!(["concern", "urgent"].contains(&safety["crisis"]["level"].as_str().unwrap()));
    assert_eq!(safety["country"], "gb");
    assert_eq!(safety["resources"][0]["purpose"], "crisis");
    assert_eq!(safety["resources"][0]["resources"][0]["phone"], "116 123");

    // Editing words in: the same answer after the edit is saved.
    let out = s.run(&["edit", "2", "--thoughts", "maybe I should just end it all"]);
    assert!(out.contains("Saved your changes to entry 2"));
    assert!(out.contains("Samaritans"), "{out}");
    assert_eq!(s.json(&["show", "2", "--json"])["thoughts"], "maybe I should just end it all");

    // A check-in note.
    let out = s.run(&["checkin", "-s", "5", "--note", "I feel like such a burden, I just want to disappear"]);
    assert!(out.contains("Saved check-in c1"));
    assert!(out.contains("Samaritans"), "{out}");
    let out = s.run(&["checkin", "-s", "6", "--note", "a calm evening, we laughed a lot"]);
    assert!(!out.contains("Samaritans"), "{out}");
}

#[test]
fn a_very_low_rating_offers_the_safety_check() {
    let s = Sandbox::new();
    s.init();
    let out = s.run(&["checkin", "-s", "1"]);
    assert!(out.contains("Saved check-in c1"));
    assert!(flat(&out).contains("`attune safety check`"), "{out}");
    let json = s.json(&["checkin", "-s", "7", "--respected", "0", "--json"]);
    assert_eq!(json["safety"]["reasons"], serde_json::json!(["very-low-rating"]));
    assert_eq!(json["safety"]["checkin"], "offer-check");
    assert_eq!(json["safety"]["offer_check"], true);
    let json = s.json(&["checkin", "-s", "6", "--json"]);
    assert!(json.get("safety").is_none());
    assert!(!mode_is_on(&s), "a low rating alone never switches safety mode on");
}

#[test]
fn the_safety_check_switches_safety_mode_on_and_everything_puts_safety_first() {
    let s = Sandbox::new();
    s.init();
    s.run(&["safety", "country", "us"]);

    // Without a terminal and without answers: a clear error, nothing changed.
    let (code, err) = s.fail(&["safety", "check"]);
    assert_eq!(code, 1);
    assert!(err.contains("--answer") && err.contains("afraid-of-partner"), "{err}");
    let (code, err) = s.fail(&["safety", "check", "--answer", "afraid-of-partnr=yes"]);
    assert_eq!(code, 1);
    assert!(err.contains("afraid-of-partnr") && err.contains("afraid-of-partner"), "{err}");
    let (code, _) = s.fail(&["safety", "check", "--answer", "afraid-of-partner=maybe"]);
    assert_eq!(code, 1);
    assert!(!mode_is_on(&s));

    // All "no": nothing changes.
    let mut all_no: Vec<String> = Vec::new();
    for id in [
        "afraid-of-partner",
        "careful-to-avoid-anger",
        "threatened-to-hurt",
        "threatened-self-harm-to-control",
        "threatened-to-expose",
        "intimidating-damage",
        "physically-hurt",
        "neck-or-breathing",
        "sexual-pressure",
        "controls-money",
        "controls-phone",
        "controls-contacts",
        "monitors-you",
        "keeps-you-in",
    ] {
        all_no.push("--answer".into());
        all_no.push(format!("{id}=no"));
    }
    let mut args: Vec<&str> = vec!["safety", "check"];
    args.extend(all_no.iter().map(String::as_str));
    let out = s.run(&args);
    assert!(out.contains("Thank you for answering"), "{out}");
    assert!(!mode_is_on(&s));

    // One control item: safety mode is offered, not switched on.
    let out = s.run(&["safety", "check", "--answer", "controls-money=yes", "--answer", "afraid-of-partner=no"]);
    assert!(flat(&out).contains("`attune safety mode on`"), "{out}");
    assert!(out.contains("National Domestic Violence Hotline"), "{out}");
    assert!(!mode_is_on(&s));

    // A danger item: safety mode on, abuse services first, explained.
    let json = s.json(&["safety", "check", "--answer", "afraid-of-partner=yes", "--json"]);
    assert_eq!(json["result"]["safety_mode"], true);
    assert_eq!(json["switched_on"], true);
    assert_eq!(json["resources"][0]["purpose"], "abuse");
    assert_eq!(json["resources"][0]["resources"][0]["phone"], "1-800-799-7233");
    assert!(mode_is_on(&s));
    let page = s.run(&["safety"]);
    let abuse = page.find("If your partner frightens, controls or hurts you").unwrap();
    let crisis = page.find("If you are thinking about suicide or self-harm").unwrap();
    assert!(abuse < crisis, "abuse services first in safety mode");
    assert!(flat(&page).contains("Safety mode is on."));
    assert!(flat(&page).contains("attune lock"));
    assert!(flat(&page).contains("You last took it on 26 November 2026."));

    // Insights start with safety, and never suggest talking with the partner.
    let text = s.run(&["insights"]);
    assert!(text.starts_with("──"), "{text}");
    assert!(text.lines().nth(1).unwrap().contains("Safety mode is on"), "{text}");
    assert!(text.contains("1-800-799-7233"));
    let raw = s.run(&["insights", "--json"]);
    assert!(raw.starts_with("{\n  \"safety\""), "safety first in JSON too: {raw}");
    assert!(!raw.contains("null"), "absent contact ways are left out, never null");
    let json: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(json["safety"]["resources"][0]["purpose"], "abuse");
    s.run(&["log", "He went quiet all evening", "-t", "partner-distant", "-i", "7"]);
    let text = s.run(&["insights"]);
    assert!(!flat(&text).contains("your partner what you have noticed"), "{text}");
    assert!(flat(&text).contains("leaves out suggestions to talk things through with your partner"));

    // Every save is followed by the services.
    let out = s.run(&["log", "A quiet evening"]);
    let saved = out.find("Saved entry 2").unwrap();
    let hotline = out.find("National Domestic Violence Hotline").unwrap();
    assert!(saved < hotline, "{out}");
    let json = s.json(&["checkin", "-s", "6", "--json"]);
    assert_eq!(json["safety"]["reasons"], serde_json::json!(["safety-mode"]));
    assert_eq!(json["safety"]["safety_mode"], true);

    // Switching off needs a confirmation; without one nothing changes.
    let (code, err) = s.fail(&["safety", "mode", "off"]);
    assert_eq!(code, 1);
    assert!(err.contains("--yes"), "{err}");
    assert!(mode_is_on(&s));
    let out = s.run(&["safety", "mode", "off", "--yes"]);
    assert!(out.contains("Safety mode is now off"), "{out}");
    assert!(!mode_is_on(&s));
    let text = s.run(&["insights"]);
    assert!(!text.contains("Safety mode is on"));
    assert!(flat(&text).contains("your partner what you have noticed"));
    let out = s.run(&["log", "Another quiet evening"]);
    assert!(!out.contains("Hotline"), "{out}");

    // And on again, by hand.
    let json = s.json(&["safety", "mode", "on", "--json"]);
    assert_eq!(json, serde_json::json!({"safety_mode": true, "changed": true}));
}

#[test]
fn emotional_abuse_answers_inform_and_offer_support_without_safety_mode() {
    let s = Sandbox::new();
    s.init();
    s.run(&["safety", "country", "gb"]);
    // Every question answered: "yes" to `yes`, "no" to the rest.
    let check = |yes: &[&str], json: bool| {
        let mut args: Vec<String> = vec!["safety".into(), "check".into()];
        for item in &attune_core::safety::screen().unwrap().items {
            let answer = if yes.contains(&item.id.as_str()) { "yes" } else { "no" };
            args.extend(["--answer".into(), format!("{}={answer}", item.id)]);
        }
        if json {
            args.push("--json".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if json { s.json(&args).to_string() } else { s.run(&args) }
    };
    let out = check(&["put-downs", "told-you-imagined-it"], false);
    let text = flat(&out);
    assert!(text.contains("What you described matters"), "{out}");
    assert!(text.contains("not a sign that you are too sensitive or too insecure"), "{out}");
    assert!(text.contains("counsellor"), "{out}");
    assert!(out.contains("If your partner frightens, controls or hurts you"), "abuse services: {out}");
    assert!(!mode_is_on(&s), "emotional answers alone never switch safety mode on");

    let json: Value = serde_json::from_str(&check(&["constant-accusations"], true)).unwrap();
    assert_eq!(json["tier"], "support");
    assert_eq!(json["result"]["offer_support"], true);
    assert_eq!(json["result"]["emotional"], serde_json::json!(["constant-accusations"]));
    assert_eq!(json["result"]["safety_mode"], false);
    assert_eq!(json["resources"][0]["purpose"], "abuse");
    assert!(!mode_is_on(&s));

    // With a danger answer, safety mode leads and the support message follows.
    let json: Value = serde_json::from_str(&check(&["put-downs", "physically-hurt"], true)).unwrap();
    assert_eq!(json["tier"], "safety-mode");
    assert_eq!(json["messages"][0]["title"], "Your safety comes first");
    assert_eq!(json["messages"][1]["title"], "What you described matters");
    assert!(mode_is_on(&s));
}

#[test]
fn a_check_saved_by_version_1_still_shows() {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    {
        let mut store = attune_store::Store::open_plain(&s.store()).unwrap();
        let v1 = r#"{"at":"2026-11-20T19:00:00+01:00","answers":{"afraid-of-partner":"no","controls-money":"yes"}}"#;
        store.set_last_safety_check(v1).unwrap();
    }
    let page = flat(&s.run(&["safety"]));
    assert!(page.contains("You last took it on 20 November 2026."), "{page}");
    let json = s.json(&["safety", "--json"]);
    assert_eq!(json["last_check"], "20 November 2026");
}

#[test]
fn the_country_picks_the_services_and_unknown_ones_fall_back() {
    let s = Sandbox::new();
    s.init();
    let out = s.run(&["safety", "country"]);
    assert!(flat(&out).contains("No country is set yet"), "{out}");
    assert!(out.contains("gb, ie"), "the list of codes: {out}");
    let json = s.json(&["safety", "--json"]);
    assert_eq!(json["country"]["code"], "international");
    assert_eq!(json["country"]["set"], false);
    assert!(json["supported_countries"].as_array().unwrap().len() >= 9);

    let before = s.snapshot_files();
    let (code, err) = s.fail(&["safety", "country", "usa"]);
    assert_eq!(code, 1);
    assert!(err.contains("not a two-letter country code") && err.contains("gb"), "{err}");
    assert_eq!(s.snapshot_files().len(), before.len());
    assert_eq!(s.json(&["safety", "--json"])["country"]["set"], false, "nothing changed");

    let out = s.run(&["safety", "country", "UK"]);
    assert!(out.contains("United Kingdom (GB)"), "{out}");
    let json = s.json(&["safety", "--json"]);
    assert_eq!(json["country"]["code"], "gb");
    assert_eq!(json["resources"][0]["purpose"], "crisis");
    assert_eq!(json["resources"][0]["resources"][0]["name"], "Samaritans");

    let out = s.run(&["safety", "country", "es"]);
    assert!(flat(&out).contains("no list for ES yet"), "{out}");
    assert!(out.contains("findahelpline.com"), "{out}");
    let json = s.json(&["safety", "--json"]);
    assert_eq!(json["country"]["code"], "international");
    assert_eq!(json["country"]["set"], true);

    s.run(&["safety", "country", "--clear"]);
    assert_eq!(s.json(&["safety", "--json"])["country"]["set"], false);
}

/// An import reads the words of its recent records and says how many call
/// for support, in one calm sentence with counts: never a note per record,
/// never the words themselves, and nothing for notes older than the window.
#[test]
fn an_import_counts_recent_notes_that_call_for_support_and_quotes_none() {
    let s = Sandbox::new();
    s.init();
    let file = s.dir.path().join("journal.txt");
    std::fs::write(
        &file,
        "[2024-03-01 09:00:00 AM] Back then I wanted to die.\n\n\
         [2026-11-20 09:00:00 PM] I want to die.\n\n\
         [2026-11-21 09:00:00 PM] He grabbed my throat during the argument.\n\n\
         [2026-11-22 09:00:00 PM] A calm walk by the river.\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let out = s.run(&["import", "jrnl", &path]);
    let text = flat(&out);
    assert!(text.contains("Among the imported notes of the last 90 days"), "{out}");
    assert!(text.contains("1 mentions thoughts of not wanting to live"), "the 2024 note is outside the window: {out}");
    assert!(text.contains("1 describes being hurt"), "{out}");
    assert!(!out.contains("I want to die") && !out.contains("grabbed"), "no words are quoted: {out}");
    assert!(!out.contains("Samaritans") && !out.contains("──"), "no note per record: {out}");

    let s = Sandbox::new();
    s.init();
    let json = s.json(&["import", "jrnl", &path, "--json"]);
    assert_eq!(json["safety"], serde_json::json!({"crisis": 1, "abuse": 1, "own_behaviour": 0}));
}
