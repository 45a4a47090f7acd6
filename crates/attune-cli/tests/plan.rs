//! End-to-end tests of the plan: needs, trigger plans, the partner's name,
//! agreements (with history), the calendar export and `attune due`, and
//! what safety mode leaves out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::str::FromStr;

use attune_store::Store;
use common::{Sandbox, UUID};
use icalendar::{Calendar, CalendarComponent, Component, EventLike};

/// A journal without encryption, so a test can also open it directly.
fn plain() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

fn set_safety_mode(s: &Sandbox, value: Option<&str>) {
    let mut store = Store::open_plain(&s.store()).unwrap();
    store.set_setting("safety_mode", value).unwrap();
}

fn sample_plan(s: &Sandbox) {
    s.run(&["plan", "need", "transparency", "--looks-like", "tell me when plans change"]);
    s.run(&["plan", "need", "Feeling chosen"]);
    s.run(&["plan", "partner", "Sam"]);
    s.run(&[
        "plan",
        "trigger",
        "late-reply",
        "--myself",
        "breathe, and wait an hour before asking",
        "--ask",
        "if you're busy, a two-word text so I'm not guessing",
        "--status",
        "agreed",
        "--on",
        "2026-11-20",
    ]);
    s.run(&[
        "plan",
        "trigger",
        "cancelled-plan",
        "--myself",
        "call my sister",
        "--status",
        "revisit",
        "--on",
        "2026-12-01",
    ]);
}

fn sample_agreements(s: &Sandbox) {
    s.run(&[
        "agree",
        "add",
        "a 20-minute talk on Sundays",
        "--every",
        "sunday",
        "--at",
        "19:00",
        "--minutes",
        "20",
        "--agreed",
        "2026-11-22",
        "--review-every",
        "4w",
    ]);
    s.run(&[
        "agree",
        "add",
        "a short text at lunch",
        "--every",
        "weekdays",
        "--at",
        "12:30",
        "--minutes",
        "5",
        "--by",
        "partner",
    ]);
    s.run(&[
        "agree",
        "add",
        "a break when one of us is flooded",
        "--kind",
        "pause-rule",
        "--minutes",
        "20",
        "--agreed",
    ]);
}

#[test]
fn the_whole_plan_in_text_and_json() {
    let s = plain();
    sample_plan(&s);
    sample_agreements(&s);
    insta::with_settings!({filters => vec![(UUID, "[uuid]")]}, {
        insta::assert_snapshot!("plan", s.run(&["plan"]));
    });
    let j = s.json(&["plan", "--json"]);
    assert_eq!(j["safety_mode"], false);
    assert_eq!(j["partner_name"], "Sam");
    assert_eq!(j["pause_minutes"], 20);
    assert_eq!(j["needs"][0]["slug"], "transparency");
    assert_eq!(j["needs"][0]["known"], true);
    assert_eq!(j["needs"][1]["slug"], "feeling-chosen");
    assert_eq!(j["needs"][1]["known"], false);
    let plans = j["trigger_plans"].as_array().unwrap();
    assert_eq!(plans[0]["trigger"]["slug"], "late-reply");
    assert_eq!(plans[0]["status"], serde_json::json!({"state": "agreed", "on": "2026-11-20"}));
    assert_eq!(plans[1]["status"]["state"], "revisit");
    assert_eq!(j["agreements"].as_array().unwrap().len(), 3);
}

#[test]
fn a_trigger_plan_follows_a_renamed_trigger() {
    let s = plain();
    sample_plan(&s);
    s.run(&["triggers", "rename", "late-reply", "Left on read"]);
    let p = s.json(&["plan", "trigger", "left-on-read", "--json"]);
    assert_eq!(p["trigger"]["name"], "Left on read");
    assert_eq!(p["for_myself"], "breathe, and wait an hour before asking");
    let (code, err) = s.fail(&["plan", "trigger", "left-on-reed", "--myself", "x"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean 'left-on-read'"), "{err}");
    // Editing keeps the other fields.
    s.run(&["plan", "trigger", "left-on-read", "--ask", "a heart emoji is enough"]);
    let p = s.json(&["plan", "trigger", "left-on-read", "--json"]);
    assert_eq!(p["for_myself"], "breathe, and wait an hour before asking");
    assert_eq!(p["ask_partner"], "a heart emoji is enough");
    s.run(&["plan", "trigger", "left-on-read", "--remove"]);
    assert!(s.json(&["plan", "trigger", "left-on-read", "--json"]).is_null());
}

#[test]
fn bad_plan_input_is_refused_and_changes_nothing() {
    let s = plain();
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["plan", "trigger", "late-reply", "--status", "revisit"]);
    assert_eq!(code, 1);
    assert!(err.contains("--status revisit needs a day"), "{err}");
    let (_, err) = s.fail(&["plan", "trigger", "late-reply", "--myself", ""]);
    assert!(err.contains("plan is empty"), "{err}");
    let (_, err) = s.fail(&["agree", "add", "a break", "--kind", "pause-rule"]);
    assert!(err.contains("minutes is missing"), "{err}");
    let (_, err) = s.fail(&["agree", "add", "talk", "--every", "fooday", "--at", "19:00"]);
    assert!(err.contains("not a rhythm attune understands") && err.contains("2 weeks on sunday"), "{err}");
    let (_, err) = s.fail(&["agree", "add", "talk", "--every", "sunday"]);
    assert!(err.contains("--at"), "{err}");
    let (_, err) = s.fail(&["agree", "show", "7"]);
    assert!(err.contains("no agreement matches '7'") && err.contains("attune agree --all"), "{err}");
    assert_eq!(s.snapshot_files(), before);
}

#[test]
fn an_agreement_is_proposed_revised_agreed_reviewed_retired_and_restored() {
    let s = plain();
    let a = s.json(&[
        "agree",
        "add",
        "a short text at lunch",
        "--every",
        "weekdays",
        "--at",
        "12:30",
        "--by",
        "me",
        "--json",
    ]);
    assert_eq!(a["seq"], 1);
    assert_eq!(a["proposed_by"], "me");
    assert!(a["agreed_on"].is_null());
    assert_eq!(
        a["rhythm"]["every"],
        serde_json::json!({"freq": "weekly", "interval": 1, "days": ["monday", "tuesday", "wednesday", "thursday", "friday"]})
    );
    assert_eq!(a["rhythm"]["at"], "12:30:00");
    s.run(&["agree", "agreed", "1", "--on", "yesterday"]);
    s.run(&["agree", "revise", "1", "a short call at lunch", "--note", "texts felt cold", "--review-every", "6w"]);
    let a = s.json(&["agree", "show", "1", "--json"]);
    assert!(a["agreed_on"].is_null(), "new words need agreeing again");
    assert_eq!(a["review_every"], serde_json::json!({"n": 6, "unit": "weeks"}));
    assert_eq!(a["review_on"], "2027-01-07");
    s.run(&["agree", "agreed", "1"]);
    s.run(&["agree", "review", "1", "--note", "still works for us"]);
    s.run(&["agree", "retire", "1", "--note", "new jobs"]);
    assert!(s.json(&["agree", "--json"]).as_array().unwrap().is_empty());
    assert_eq!(s.json(&["agree", "--all", "--json"]).as_array().unwrap().len(), 1);
    let (code, err) = s.fail(&["agree", "agreed", "1"]);
    assert_eq!(code, 1);
    assert!(err.contains("retired"), "{err}");
    s.run(&["agree", "restore", "1"]);
    let a = s.json(&["agree", "show", "1", "--json"]);
    let changes: Vec<&str> = a["history"].as_array().unwrap().iter().map(|h| h["change"].as_str().unwrap()).collect();
    assert_eq!(changes, ["created", "agreed", "revised", "agreed", "reviewed", "retired", "restored"]);
    assert_eq!(a["history"][0]["text"], "a short text at lunch");
    assert_eq!(a["history"][2]["text"], "a short call at lunch");
    assert_eq!(a["history"][2]["note"], "texts felt cold");
    insta::with_settings!({filters => vec![(UUID, "[uuid]")]}, {
        insta::assert_snapshot!("agree_show", s.run(&["agree", "show", "1"]));
    });
}

#[test]
fn the_calendar_export_parses_back_with_the_right_rrules() {
    let s = plain();
    sample_plan(&s);
    sample_agreements(&s);
    s.run(&[
        "agree",
        "add",
        "our monthly date night",
        "--kind",
        "ritual",
        "--every",
        "month on the 5th",
        "--at",
        "8pm",
        "--minutes",
        "180",
    ]);
    s.run(&[
        "agree",
        "add",
        "walk together",
        "--every",
        "2 weeks on sat",
        "--at",
        "10:00",
        "--review",
        "2027-01-10",
        "--review-every",
        "3 months",
    ]);
    let text = s.run(&["agree", "export", "--ics"]);
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'), "lines end in CRLF");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line}");
    }

    let cal = Calendar::from_str(&text).unwrap();
    let events: Vec<&icalendar::Event> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    let by_summary =
        |s: &str| *events.iter().find(|e| e.get_summary() == Some(s)).unwrap_or_else(|| panic!("no event {s}"));
    let rrule = |e: &icalendar::Event| e.property_value("RRULE").unwrap().to_string();
    let first = |e: &icalendar::Event, n: u16| -> Vec<String> {
        let set = e.get_recurrence().unwrap();
        set.all(n).dates.iter().map(|d| d.format("%Y-%m-%d %H:%M %a").to_string()).collect()
    };

    // Sundays at 19:00 for 20 minutes, from the first Sunday after it was agreed.
    let talk = by_summary("a 20-minute talk on Sundays");
    assert_eq!(rrule(talk), "FREQ=WEEKLY;BYDAY=SU");
    assert_eq!(talk.property_value("DURATION"), Some("PT20M"));
    assert_eq!(first(talk, 3), ["2026-11-29 19:00 Sun", "2026-12-06 19:00 Sun", "2026-12-13 19:00 Sun"]);
    // Weekdays at lunch.
    let lunch = by_summary("a short text at lunch");
    assert_eq!(rrule(lunch), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    assert_eq!(first(lunch, 3), ["2026-11-26 12:30 Thu", "2026-11-27 12:30 Fri", "2026-11-30 12:30 Mon"]);
    // Monthly on the 5th, every other Saturday.
    let date_night = by_summary("our monthly date night");
    assert_eq!(rrule(date_night), "FREQ=MONTHLY;BYMONTHDAY=5");
    assert_eq!(first(date_night, 2), ["2026-12-05 20:00 Sat", "2027-01-05 20:00 Tue"]);
    let walk = by_summary("walk together");
    assert_eq!(rrule(walk), "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;WKST=MO");
    assert_eq!(first(walk, 3), ["2026-11-28 10:00 Sat", "2026-12-12 10:00 Sat", "2026-12-26 10:00 Sat"]);
    // Review dates: all-day, recurring with the review interval.
    let review = by_summary("Look again at our agreement: a 20-minute talk on Sundays");
    assert_eq!(rrule(review), "FREQ=WEEKLY;INTERVAL=4");
    assert_eq!(first(review, 2), ["2026-12-24 00:00 Thu", "2027-01-21 00:00 Thu"]);
    let walk_review = by_summary("Look again at our agreement: walk together");
    assert_eq!(rrule(walk_review), "FREQ=MONTHLY;INTERVAL=3");
    assert_eq!(first(walk_review, 2), ["2027-01-10 00:00 Sun", "2027-04-10 00:00 Sat"]);
    // A trigger plan to revisit: one all-day event, no rule.
    let revisit = by_summary("Look again at my plan for: A cancelled or changed plan");
    assert!(revisit.property_value("RRULE").is_none());
    // The pause rule has no date: no event.
    assert_eq!(events.len(), 7);
    let uids: std::collections::BTreeSet<_> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    assert_eq!(uids.len(), events.len());

    // Discreet titles leave the words out; --out writes a file.
    let file = s.dir.path().join("attune.ics");
    s.run(&["agree", "export", "--ics", "--discreet", "--out", file.to_str().unwrap()]);
    let discreet = std::fs::read_to_string(&file).unwrap();
    Calendar::from_str(&discreet).unwrap();
    assert!(!discreet.contains("Sundays") && discreet.contains("SUMMARY:Check-in"));
}

#[test]
fn due_is_short_enough_for_a_prompt() {
    let s = plain();
    sample_plan(&s);
    sample_agreements(&s);
    // Thursday evening: nothing (lunch is over).
    assert_eq!(s.run(&["due", "--short"]), "");
    assert_eq!(s.run(&["due"]), "Nothing due today.\n");
    // Sunday 29 Nov, 18:00: the talk.
    let sunday = |args: &[&str]| {
        let out = s.cmd().env("ATTUNE_NOW", "2026-11-29T18:00:00+01:00").args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    // A prompt line is discreet by default: counts and times, never the words.
    assert_eq!(sunday(&["due", "--short"]), "1 ritual at 19:00\n");
    let noon = |args: &[&str], config: &str| {
        // This sandbox's journal is plain by choice, as its own config file says.
        let file = s.dir.path().join("due-config.toml");
        std::fs::write(&file, format!("allow_plain = true\n{config}")).unwrap();
        let out = s
            .cmd()
            .env("ATTUNE_NOW", "2026-12-24T12:00:00+01:00")
            .env("ATTUNE_CONFIG", &file)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let discreet = noon(&["due", "--short"], "");
    insta::assert_snapshot!("due_short_discreet", discreet);
    assert!(!discreet.contains("lunch") && !discreet.contains("Sundays"), "{discreet}");
    // The words only with the setting, which `attune config` shows.
    let worded = noon(&["due", "--short"], "due_words = true\n");
    insta::assert_snapshot!("due_short_words", worded);
    assert!(noon(&["config"], "due_words = true\n").contains("due_words = true  # config file"));
    // Thursday 24 Dec, noon: lunch text, the review, and the trigger plan to revisit since 1 Dec.
    let out = s.cmd().env("ATTUNE_NOW", "2026-12-24T12:00:00+01:00").args(["due", "--json"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = j.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["rhythm", "review", "revisit"]);
    assert_eq!(j[0]["time"], "12:30");
    assert_eq!(j[0]["agreement"], 2);
    assert_eq!(j[1]["since"], "2026-12-24");
    assert_eq!(j[2]["trigger"], "cancelled-plan");
    let out = s.cmd().env("ATTUNE_NOW", "2026-12-24T12:00:00+01:00").args(["due"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("due", text);
    // No streaks, no guilt: nothing says "missed" or "overdue".
    let text = text.to_lowercase();
    assert!(!text.contains("missed") && !text.contains("overdue") && !text.contains("streak"));
}

#[test]
fn due_short_on_a_locked_journal_prints_nothing_and_never_asks() {
    let s = Sandbox::new();
    s.init();
    let out = s.cmd().env_remove("ATTUNE_PASSPHRASE_COMMAND").args(["due", "--short"]).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    // With the passphrase command it works as usual.
    assert_eq!(s.run(&["due", "--short"]), "");
}

#[test]
fn safety_mode_leaves_out_agreements_and_partner_asks() {
    let s = plain();
    sample_plan(&s);
    sample_agreements(&s);
    set_safety_mode(&s, Some("on"));
    // A first read settles the database files after the direct write above.
    s.run(&["plan"]);
    let before = s.snapshot_files();
    let note = s.run(&["agree", "add", "another", "--kind", "words"]);
    assert!(note.contains("safety mode is on") || note.contains("Safety mode is on"), "{note}");
    assert!(note.contains("attune safety"), "{note}");
    let j = s.json(&["agree", "--json"]);
    assert_eq!(j["safety_mode"], true);
    assert!(s.run(&["agree", "export", "--ics"]).contains("attune safety"));
    let plan = s.run(&["plan"]);
    assert!(
        !plan.contains("two-word text") && !plan.contains("What we agreed") && plan.contains("attune safety"),
        "{plan}"
    );
    assert!(plan.contains("breathe, and wait an hour"), "your own part stays: {plan}");
    let j = s.json(&["plan", "--json"]);
    assert!(j["agreements"].is_null());
    assert_eq!(j["trigger_plans"][0]["ask_partner"], "");
    let (code, err) = s.fail(&["plan", "trigger", "late-reply", "--ask", "text me"]);
    assert_eq!(code, 1);
    assert!(err.contains("attune safety"), "{err}");
    let out = s.cmd().env("ATTUNE_NOW", "2026-11-29T18:00:00+01:00").args(["due", "--short"]).output().unwrap();
    assert!(out.stdout.is_empty());
    assert_eq!(s.snapshot_files(), before, "nothing changed");
    // "off" (or no value) means off.
    set_safety_mode(&s, Some("off"));
    assert!(s.run(&["agree"]).contains("a 20-minute talk on Sundays"));
}
