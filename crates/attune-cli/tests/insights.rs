//! `attune insights` end to end, and the professional-help suggestion after
//! a check-in (issue 3). Histories are written straight into the sandbox's
//! encrypted journal through the store, then read by the real binary with a
//! fixed "now" (`common::NOW`, Thursday 26 November 2026, 21:00 at UTC+1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use attune_core::selfworth::{Activity, Category};
use attune_core::{Checkin, Consequence, Entry, Intensity, Moment, RecordId, Sign, Slug, Source};
use attune_store::{Passphrase, Store};
use common::{PASS, Sandbox};
use jiff::Timestamp;
use serde_json::Value;

/// 00:00 on "today" (26 Nov 2026) at UTC+1, in Unix seconds.
const TODAY_MIDNIGHT: i64 = 1_795_647_600;

/// `hour` o'clock local time (UTC+1), `days_back` days before today.
fn at(days_back: i64, hour: i64) -> Moment {
    Moment::with_offset(Timestamp::from_second(TODAY_MIDNIGHT - days_back * 86_400 + hour * 3600).unwrap(), 3600)
}

#[derive(Default)]
struct History {
    entries: Vec<Entry>,
    checkins: Vec<Checkin>,
    activities: Vec<Activity>,
}

struct E<'a> {
    what: &'a str,
    trigger: &'a str,
    intensity: u8,
    feelings: &'a [&'a str],
    signs: &'a [Sign],
    sources: &'a [Source],
}

impl History {
    fn entry(&mut self, days_back: i64, hour: i64, e: E<'_>) {
        let n = self.entries.len() as u128 + 1;
        let when = at(days_back, hour);
        self.entries.push(Entry {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(n)),
            occurred: when.clone(),
            recorded: when,
            situation: e.what.to_string(),
            triggers: vec![Slug::from_name(e.trigger).unwrap()],
            thoughts: String::new(),
            fear: String::new(),
            feelings: e.feelings.iter().map(|f| Slug::from_name(f).unwrap()).collect(),
            intensity: Intensity::new(i64::from(e.intensity)),
            signs: e.signs.to_vec(),
            sources: e.sources.to_vec(),
            helped: String::new(),
            tags: Vec::new(),
            starred: false,
        });
    }

    fn checkin(&mut self, days_back: i64, security: f64, others: f64, consequences: &[(Consequence, u8)]) {
        let n = self.checkins.len() as u128 + 1_000_000;
        let v = |x: f64| x.round().clamp(0.0, 10.0) as u8;
        self.checkins.push(Checkin {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(n)),
            at: at(days_back, 21),
            security: v(security),
            seen: Some(v(others)),
            trusted: Some(v(others + 1.0)),
            respected: Some(v(others)),
            consequences: consequences.iter().copied().collect::<BTreeMap<_, _>>(),
            note: String::new(),
        });
    }

    /// Writes everything into the sandbox's journal, oldest first (so entry
    /// numbers follow time).
    fn write(mut self, s: &Sandbox) {
        self.entries.sort_by_key(|e| e.occurred.unix_ms());
        self.checkins.sort_by_key(|c| c.at.unix_ms());
        let key = Store::unlock(&s.store(), &Passphrase::new(PASS.into())).unwrap();
        let mut store = Store::open(&s.store(), Some(&key)).unwrap();
        store.bulk_insert_entries(&self.entries).unwrap();
        store.bulk_insert_checkins(&self.checkins).unwrap();
        for a in &self.activities {
            store.insert_activity(a).unwrap();
        }
    }
}

/// Twelve weeks: "late or no reply" three strong evenings a week (the
/// dominant trigger), a cancelled plan once a week, social media every
/// other week; a check-in every day with felt security rising from 3 to 7,
/// then one harder week (the setback).
fn twelve_weeks() -> History {
    let mut h = History::default();
    let wobble = [0.0, 1.0, -1.0, 0.0, 1.0, 0.0, -1.0];
    for week in 0..12i64 {
        let d = week * 7;
        let strong = [8, 9, 7];
        for (i, back) in [1, 3, 5].into_iter().enumerate() {
            h.entry(
                d + back,
                20,
                E {
                    what: "No reply for hours after I texted",
                    trigger: "late-reply",
                    intensity: strong[i],
                    feelings: if i == 0 { &["anxious", "sad"] } else { &["anxious"] },
                    signs: &[Sign::FearOfAbandonment, Sign::OverInterpreting],
                    sources: &[Source::Attachment],
                },
            );
        }
        h.entry(
            d + 2,
            13,
            E {
                what: "The plan for Friday was cancelled",
                trigger: "cancelled-plan",
                intensity: 5,
                feelings: &["sad"],
                signs: &[Sign::FearOfRejection],
                sources: &[Source::SelfWorth],
            },
        );
        if week % 2 == 1 {
            h.entry(
                d + 4,
                23,
                E {
                    what: "Photos of a party I was not at",
                    trigger: "social-media",
                    intensity: 6,
                    feelings: &["jealous"],
                    signs: &[],
                    sources: &[Source::Comparison],
                },
            );
        }
        let oldest_first = 11 - week;
        let base = if week == 0 { 4.0 } else { 3.0 + 0.4 * oldest_first as f64 };
        for day in 0..7 {
            let jealousy = if oldest_first < 4 {
                2
            } else if oldest_first < 8 {
                1
            } else {
                0
            };
            let rated: &[(Consequence, u8)] = if day == 3 { &[(Consequence::Jealousy, jealousy)] } else { &[] };
            h.checkin(d + day, base + wobble[day as usize], base + 0.5, rated);
        }
    }
    h
}

/// Six weeks of fairly calm check-ins and one bad week (8 to 14 days ago).
fn passing() -> History {
    let mut h = History::default();
    for back in (0..42).step_by(2) {
        h.checkin(back, 6.5, 6.0, &[]);
    }
    for back in [8, 10, 12] {
        h.entry(
            back,
            21,
            E {
                what: "He was distant all evening",
                trigger: "partner-distant",
                intensity: 8,
                feelings: &["anxious"],
                signs: &[],
                sources: &[],
            },
        );
    }
    h.entry(
        33,
        9,
        E {
            what: "A slow reply, it passed",
            trigger: "late-reply",
            intensity: 2,
            feelings: &[],
            signs: &[],
            sources: &[],
        },
    );
    h
}

/// Six weeks with episodes every week, and check-ins that say it reaches
/// into the relationship (jealousy and blame rated 2 of 3).
fn recurring() -> History {
    let mut h = History::default();
    for week in 0..6 {
        for back in [1, 4] {
            h.entry(
                week * 7 + back,
                22,
                E {
                    what: "No reply again tonight",
                    trigger: "late-reply",
                    intensity: 7,
                    feelings: &["anxious"],
                    signs: &[],
                    sources: &[],
                },
            );
        }
    }
    for back in (0..42).step_by(2) {
        h.checkin(back, 5.0, 5.0, &[(Consequence::Jealousy, 2), (Consequence::Blame, 2)]);
    }
    h
}

fn sandbox_with(h: History) -> Sandbox {
    let s = Sandbox::new();
    s.init();
    h.write(&s);
    s
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

#[test]
fn twelve_weeks_name_the_trigger_the_improving_trend_and_the_setback() {
    let s = sandbox_with(twelve_weeks());
    let text = s.run(&["insights"]);
    let json = s.json(&["insights", "--json"]);

    // The dominant trigger comes first, with two example entries by number.
    let top = &json["triggers"]["ranked"][0];
    assert_eq!(top["trigger"], "late-reply");
    let first_trigger = text.lines().find(|l| l.trim_start().starts_with("1. ")).unwrap();
    assert!(first_trigger.contains("Late or no reply"), "{first_trigger}");
    let score = top["score"].as_f64().unwrap();
    assert!(first_trigger.contains(&format!(" {score:.1} ")), "{first_trigger} vs {score}");
    let examples = top["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 2);
    for id in examples {
        let seq = json["entry_numbers"][id.as_str().unwrap()].as_i64().unwrap();
        assert!(text.contains(&format!("entry {seq} “")), "example {seq} named");
    }

    // Improving, with its p-value, the same in both outputs.
    let trend = &json["progress"]["trends"][0];
    assert_eq!(trend["measure"], "security");
    assert_eq!(trend["direction"], "improving");
    let p = trend["mann_kendall"]["p"].as_f64().unwrap();
    assert!(p < 0.05, "{p}");
    let security = text.lines().find(|l| l.trim_start().starts_with("Felt security")).unwrap();
    assert!(security.contains(&format!("improving ({})", p_text(p))), "{security}");
    assert!(text.contains(trend["text"].as_str().unwrap().split(" points").next().unwrap()));

    // The setback is framed as a chance to practise, not a failure.
    let setback = json["progress"]["setback"]["text"].as_str().unwrap();
    assert!(setback.contains("not a failure") && setback.contains("chance to practise"), "{setback}");
    assert!(text.contains("A harder week"));
    assert!(
        text.split_whitespace().collect::<Vec<_>>().join(" ").contains("Insecurity coming back is part of the way")
    );

    // Every section is there; no streaks; the partner step outside safety mode.
    for heading in [
        "When it happens",
        "Feelings that come with each trigger",
        "Signs you noticed",
        "Where it may come from",
        "Social media and comparison",
        "Passing or recurring?",
        "Days insecurity took over",
        "What it has been costing",
        "A next step",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(flat.matches("streak").count(), 1, "only in \"no streaks\"");
    assert!(flat.contains("no streaks"));
    assert!(text.contains("your partner what you have noticed"));
    assert_eq!(json["pattern"]["verdict"], "recurring");
    assert!(json.get("professional_help").is_none(), "no consequences present, security not low");
    assert!(json.get("safety").is_none());

    insta::assert_snapshot!("twelve_weeks", text);
}

#[test]
fn windows_and_bad_dates() {
    let s = sandbox_with(twelve_weeks());
    let json = s.json(&["insights", "--weeks", "4", "--json"]);
    assert_eq!(json["window"]["weeks"], 4);
    assert_eq!(json["window"]["start"], "2026-10-30");
    // Four weeks: not enough weeks with check-ins to call a trend honestly.
    assert_eq!(json["progress"]["trends"][0]["direction"], "steady", "four weeks with a setback: no clear trend");

    // Looking back from an earlier day leaves the later records out.
    let json = s.json(&["insights", "--until", "2026-11-12", "--since", "2026-10-16", "--json"]);
    assert_eq!(json["window"]["end"], "2026-11-12");
    assert_eq!(json["window"]["weeks"], 4);
    assert!(json["window"].get("future_ignored").is_none());
    assert!(json["progress"].get("setback").is_none(), "the harder week is after --until");

    let (code, err) = s.fail(&["insights", "--since", "next year"]);
    assert_eq!(code, 1);
    assert!(err.contains("--since"), "{err}");
    let (code, err) = s.fail(&["insights", "--since", "2026-11-20", "--until", "2026-11-01"]);
    assert_eq!(code, 1);
    assert!(err.contains("after the last day"), "{err}");
    let (code, _) = s.fail(&["insights", "--weeks", "0"]);
    assert_eq!(code, 2);
}

#[test]
fn a_new_journal_says_so_honestly() {
    let s = Sandbox::new();
    s.init();
    let text = s.run(&["insights"]);
    assert!(text.contains("Nothing to show yet"), "{text}");
    let json = s.json(&["insights", "--json"]);
    assert_eq!(json["pattern"]["verdict"], "quiet");
    assert_eq!(json["progress"]["trends"][0]["direction"], "not-enough-data");

    // Five check-ins: honest about what is missing.
    for day in ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"] {
        s.run(&["checkin", "-s", "6", "--at", &format!("{day} 20:00")]);
    }
    let text = s.run(&["insights"]);
    assert!(text.contains("Not enough check-ins yet to call a trend: 5 of the 14 needed."), "{text}");
}

#[test]
fn passing_and_recurring_get_their_verdicts_and_only_recurring_suggests_help() {
    let calm = sandbox_with(passing());
    let hard = sandbox_with(recurring());

    let json = calm.json(&["insights", "--json"]);
    assert_eq!(json["pattern"]["verdict"], "passing");
    assert!(json.get("professional_help").is_none());
    let text = calm.run(&["insights"]);
    assert!(text.contains("What attune sees: passing"));
    assert!(text.contains("A hard week or two does not make a pattern"));
    assert!(!text.contains("Talking to someone"));

    let json = hard.json(&["insights", "--json"]);
    assert_eq!(json["pattern"]["verdict"], "recurring");
    assert_eq!(json["pattern"]["spill_over"], true);
    assert_eq!(json["professional_help"]["reasons"][0], "recurring-with-consequences");
    let text = hard.run(&["insights"]);
    assert!(text.contains("What attune sees: recurring"));
    assert!(text.contains("Talking to someone"));
    assert!(text.contains("Why attune suggests this:"), "the rule is visible");
    assert!(text.contains("not a diagnosis"));
    assert!(text.contains("What to bring to a first conversation"));
    assert!(text.contains("How to find someone"));

    // After a check-in: only the recurring history, and only once a week.
    let out = calm.run(&["checkin", "-s", "6"]);
    assert!(!out.contains("Talking to someone"), "{out}");
    let out = hard.run(&["checkin", "-s", "5", "-c", "jealousy=2"]);
    assert!(out.contains("Talking to someone"), "{out}");
    assert!(out.contains("Why attune suggests this:"));
    let out = hard.run(&["checkin", "-s", "5"]);
    assert!(!out.contains("Talking to someone"), "no nagging: {out}");
    let json = hard.json(&["checkin", "-s", "5", "--json"]);
    assert!(json.get("professional_help").is_none());
    // A week later it may come again.
    let later =
        hard.cmd().env("ATTUNE_NOW", "2026-12-03T21:00:00+01:00").args(["checkin", "-s", "5", "--json"]).output();
    let later: Value = serde_json::from_slice(&later.unwrap().stdout).unwrap();
    assert_eq!(later["professional_help"]["reasons"][0], "recurring-with-consequences");
    assert!(!later["professional_help"]["bring"].as_array().unwrap().is_empty());
}

#[test]
fn what_seems_to_help_compares_the_day_after_with_an_honest_caveat() {
    // Six weeks of daily check-ins; a pottery class every other day, and the
    // day after one felt safer.
    let mut h = History::default();
    for back in 0..42i64 {
        let after_activity = back % 2 == 0;
        h.checkin(back, if after_activity { 7.0 } else { 4.0 }, 5.0, &[]);
        if back % 2 == 1 {
            h.activities.push(Activity {
                id: RecordId::from_uuid(uuid::Uuid::from_u128(5_000_000 + back as u128)),
                at: at(back, 18),
                what: "pottery class".into(),
                category: Category::Art,
                minutes: Some(90),
                felt: Some(8),
                note: String::new(),
            });
        }
    }
    let s = sandbox_with(h);
    let json = s.json(&["insights", "--json"]);
    let helps = &json["what_helps"][0];
    assert_eq!(helps["exposure"], "a self-worth activity");
    let difference = helps["comparison"]["difference"].as_f64().unwrap();
    assert!((difference - 3.0).abs() < 1e-9, "{helps}");
    assert!(helps["with_days"].as_u64().unwrap() >= 5 && helps["without_days"].as_u64().unwrap() >= 5);
    let text = s.run(&["insights"]);
    assert!(text.contains("What seems to help"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("On the day after a self-worth activity"), "{text}");
    assert!(flat.contains("not what causes what"));
}
