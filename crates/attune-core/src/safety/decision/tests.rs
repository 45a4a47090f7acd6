use std::collections::BTreeSet;

use attune_text::abuse::{self, Tier};
use attune_text::crisis::Level;

use super::*;
use crate::checkin::Checkin;
use crate::checkin::CheckinDraft;
use crate::ids::RecordId;
use crate::moment::Moment;
use crate::safety::{Answer, CheckinSignal, Purpose};
use proptest::prelude::*;

fn content() -> &'static SafetyContent {
    SafetyContent::embedded().unwrap()
}

fn settings(mode: bool, country: Option<&str>) -> SafetySettings {
    SafetySettings { mode, country: country.map(str::to_string) }
}

fn decide_text(s: &SafetySettings, text: &str, shown: &BTreeSet<String>) -> Decision {
    decide(content(), s, Saved { texts: &[text], checkin: None }, shown)
}

fn purposes(d: &Decision) -> Vec<Purpose> {
    d.resources.iter().map(|g| g.purpose).collect()
}

const STRANGLED: &str = "He grabbed my throat during the argument and said nobody would believe me";
const CONTROLLED: &str = "She reads all my messages and I'm not allowed to see my friends";

#[test]
fn quiet_saves_need_no_texts_and_decide_nothing() {
    let calm = Found::read(Saved { texts: &["we cooked together"], checkin: None });
    assert!(calm.is_quiet(false));
    assert!(!calm.is_quiet(true), "in safety mode every save gets its services");
    assert!(decide_from(content(), &settings(false, None), calm, &BTreeSet::new()).reasons.is_empty());
    assert!(!Found::read(Saved { texts: &[STRANGLED], checkin: None }).is_quiet(false));
    let low = checkin(1);
    let answers = CheckinAnswers { checkin: &low, afraid_now: None };
    assert!(!Found::read(Saved { texts: &[""], checkin: Some(answers) }).is_quiet(false));
}

#[test]
fn ordinary_words_notice_nothing() {
    let d = decide_text(&settings(false, Some("gb")), "we argued about whose turn it was to call", &BTreeSet::new());
    assert!(d.reasons.is_empty() && !d.is_visible() && d.resources.is_empty() && d.next.is_empty());
}

#[test]
fn crisis_words_put_crisis_services_first_and_offer_a_plan() {
    let d = decide_text(&settings(false, Some("gb")), "I want to die", &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::CrisisLanguage]);
    assert_eq!(d.crisis.as_ref().map(|c| c.level), Some(Level::Urgent));
    assert_eq!(purposes(&d), vec![Purpose::Crisis, Purpose::Emergency]);
    assert_eq!(d.messages[0].title, content().notes.crisis.urgent_title);
    assert!(d.messages[0].noticed.as_deref().is_some_and(|n| n.contains("“I want to die”")));
    assert_eq!(d.next, vec![NextStep::CrisisPlan]);
    assert!(!d.safety_mode && !d.switched_on);
}

#[test]
fn strangulation_is_danger_switches_safety_mode_on_and_leads_with_abuse_services() {
    let d = decide_text(&settings(false, Some("us")), STRANGLED, &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::AbuseLanguage, Reason::SafetyMode]);
    let found = d.abuse.as_ref().unwrap();
    assert_eq!(found.tier, Tier::Danger);
    assert!(found.kinds.contains(&abuse::Kind::Strangulation));
    assert!(d.switched_on && d.safety_mode);
    assert_eq!(d.messages[0].title, content().notes.abuse.danger_title);
    assert_eq!(d.messages[1].text, content().notes.safety_mode.switched_on);
    assert_eq!(purposes(&d), vec![Purpose::Abuse, Purpose::Emergency]);
    assert_eq!(d.next[..2], [NextStep::StayingSafePlan, NextStep::SafetyCheck]);
    assert!(d.shown.iter().any(|k| k == "abuse:strangulation"));
}

#[test]
fn danger_the_sentence_reader_alone_noticed_informs_without_switching_the_mode_on() {
    let read = |rule: &str| Found {
        abuse: Some(AbuseFound {
            tier: Tier::Danger,
            kinds: vec![abuse::Kind::PhysicalViolence],
            noticed: vec![Noticed { rule: rule.into(), about: "a sentence".into(), words: "the sentence".into() }],
            already_shown_today: false,
        }),
        ..Found::default()
    };
    let d = decide_from(content(), &settings(false, Some("us")), read(attune_text::reader::RULE), &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::AbuseLanguage]);
    assert!(!d.switched_on && !d.safety_mode);
    assert_eq!(d.messages[0].title, content().notes.abuse.danger_title);
    assert_eq!(d.next[..2], [NextStep::SafetyCheck, NextStep::StayingSafePlan]);
    let d = decide_from(content(), &settings(false, Some("us")), read("hit"), &BTreeSet::new());
    assert!(d.switched_on, "a phrase rule's danger still switches the mode on");
}

#[test]
fn two_kinds_of_control_switch_safety_mode_on_one_informs() {
    let d = decide_text(&settings(false, Some("gb")), CONTROLLED, &BTreeSet::new());
    assert_eq!(d.abuse.as_ref().map(|a| a.tier), Some(Tier::Control));
    assert!(d.switched_on, "{:?}", d.abuse);
    let d = decide_text(&settings(false, Some("gb")), "She reads all my messages.", &BTreeSet::new());
    assert!(!d.switched_on && !d.safety_mode);
    assert_eq!(d.messages[0].title, content().notes.abuse.control_title);
    assert_eq!(purposes(&d), vec![Purpose::Abuse]);
    assert_eq!(d.next, vec![NextStep::SafetyCheck, NextStep::StayingSafePlan]);
}

#[test]
fn emotional_abuse_alone_informs_and_never_switches_the_mode_on() {
    let d = decide_text(&settings(false, Some("gb")), "He calls me stupid in front of everyone.", &BTreeSet::new());
    assert_eq!(d.abuse.as_ref().map(|a| a.tier), Some(Tier::Emotional));
    assert!(!d.switched_on && !d.safety_mode);
    assert_eq!(d.messages[0].title, content().notes.abuse.emotional_title);
    assert_eq!(d.reasons, vec![Reason::AbuseLanguage]);
    // Every abuse note, whatever its tier, reaches the staying-safe plan.
    assert!(d.next.contains(&NextStep::StayingSafePlan));
}

#[test]
fn an_abuse_note_is_shown_once_a_day_per_kind_but_crisis_every_time() {
    let s = settings(true, Some("gb"));
    let first = decide_text(&s, STRANGLED, &BTreeSet::new());
    let shown: BTreeSet<String> = first.shown.iter().cloned().collect();
    let again = decide_text(&s, STRANGLED, &shown);
    assert!(again.reasons.contains(&Reason::AbuseLanguage), "the reason stays in the JSON");
    assert!(again.abuse.as_ref().unwrap().already_shown_today);
    assert!(again.messages.iter().all(|m| m.reason != Reason::AbuseLanguage));
    assert!(again.shown.is_empty());
    // Crisis words get their note and services every time.
    let both = format!("{STRANGLED}. I want to die.");
    let d = decide_text(&s, &both, &shown);
    assert!(d.messages.iter().any(|m| m.reason == Reason::CrisisLanguage));
    assert_eq!(purposes(&d)[0], Purpose::Crisis);
    // Outside safety mode a danger note is shown again until the mode is on.
    let off = decide_text(&settings(false, Some("gb")), STRANGLED, &shown);
    assert!(off.messages.iter().any(|m| m.reason == Reason::AbuseLanguage));
}

#[test]
fn the_writers_own_controlling_behaviour_gets_its_own_calm_note() {
    let d = decide_text(&settings(false, Some("gb")), "I checked his phone again last night.", &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::OwnBehaviour]);
    assert!(d.abuse.is_none() && !d.switched_on);
    assert_eq!(d.messages[0].title, content().notes.own_behaviour.title);
}

fn checkin(security: i64) -> Checkin {
    let at = Moment::with_offset(jiff::Timestamp::from_second(1_700_000_000).unwrap(), 0);
    CheckinDraft { security: Some(security), ..Default::default() }
        .into_checkin(RecordId::from_uuid(uuid::Uuid::nil()), at)
        .unwrap()
}

#[test]
fn afraid_right_now_comes_first_with_emergency_numbers_and_switches_the_mode_on() {
    let c = checkin(1);
    let saved = Saved { texts: &[""], checkin: Some(CheckinAnswers { checkin: &c, afraid_now: Some(Answer::Yes) }) };
    let d = decide(content(), &settings(false, Some("us")), saved, &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::AfraidNow, Reason::SafetyMode]);
    assert_eq!(d.checkin, Some(CheckinSignal::Danger));
    assert!(d.switched_on);
    assert_eq!(d.messages[0].title, content().screen.checkin.danger_title);
    assert_eq!(purposes(&d), vec![Purpose::Emergency, Purpose::Abuse]);
    assert!(!d.offer_check, "no offer of a check on top of danger");
}

#[test]
fn a_very_low_rating_offers_the_check_outside_safety_mode_only() {
    let c = checkin(1);
    let saved = Saved { texts: &[""], checkin: Some(CheckinAnswers { checkin: &c, afraid_now: None }) };
    let d = decide(content(), &settings(false, None), saved, &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::VeryLowRating]);
    assert!(d.offer_check && d.resources.is_empty());
    assert_eq!(d.next, vec![NextStep::SafetyCheck]);
    let d = decide(content(), &settings(true, None), saved, &BTreeSet::new());
    assert_eq!(d.reasons, vec![Reason::SafetyMode]);
    assert!(d.next.contains(&NextStep::SetCountry));
}

#[test]
fn the_json_names_reasons_and_steps_by_id() {
    let d = decide_text(&settings(false, None), STRANGLED, &BTreeSet::new());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["reasons"], serde_json::json!(["abuse-language", "safety-mode"]));
    assert_eq!(json["abuse"]["tier"], "danger");
    assert_eq!(json["next"][0], "staying-safe-plan");
    assert_eq!(json["country"], "international");
    for r in Reason::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
    }
}

#[test]
fn import_counts_records_and_shows_no_note() {
    let records: Vec<Vec<&str>> = vec![vec!["I want to die"], vec![STRANGLED], vec!["a calm day"]];
    let counts = ImportSafety::count(records.iter().map(Vec::as_slice));
    assert_eq!(counts, ImportSafety { crisis: 1, abuse: 1, own_behaviour: 0 });
    assert!(counts.any());
    let t = &content().notes.import;
    let said = counts.sentence(t).unwrap();
    assert!(said.contains("1 mentions thoughts") && said.contains("1 describes being hurt"), "{said}");
    assert!(!said.contains('{'), "{said}");
    let many = ImportSafety { crisis: 0, abuse: 0, own_behaviour: 3 }.sentence(t).unwrap();
    assert!(many.contains("3 describe checking on"), "{many}");
    assert_eq!(ImportSafety::default().sentence(t), None);
}

proptest! {
    /// Whatever is written: safety mode after the save is the mode before
    /// or a switch the caller is told about, services come only with a
    /// note, and crisis words always bring crisis services.
    #[test]
    fn decisions_hold_together(text in "\\PC{0,200}", mode in any::<bool>(), gb in any::<bool>()) {
        let s = settings(mode, gb.then_some("gb"));
        let d = decide_text(&s, &text, &BTreeSet::new());
        prop_assert_eq!(d.safety_mode, mode || d.switched_on);
        prop_assert!(!d.switched_on || !mode);
        prop_assert!(d.is_visible() || d.resources.is_empty());
        prop_assert_eq!(d.reasons.contains(&Reason::SafetyMode), d.safety_mode);
        if d.crisis.is_some() {
            prop_assert!(purposes(&d).contains(&Purpose::Crisis));
        }
    }
}
