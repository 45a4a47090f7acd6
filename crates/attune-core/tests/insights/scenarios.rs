//! Synthetic histories with known answers.

use attune_core::insights::{
    DayPart, Direction, Exposure, HelpReason, Insights, Measure, Verdict, Window, insights, insights_with_exposures,
    stats,
};
use attune_core::{Checkin, Consequence, Entry, Sign, Source};

use crate::common::{E, Lcg, assert_clean_json, at, cfg, checkin, entry, now};

pub struct History {
    pub entries: Vec<Entry>,
    pub checkins: Vec<Checkin>,
}

impl History {
    fn insights(&self, window: Window) -> Insights {
        let out = insights(&self.entries, &self.checkins, &now(), window, &cfg());
        assert_clean_json(&serde_json::to_string(&out).unwrap());
        out
    }
}

/// Twelve weeks: "late-reply" dominates (frequent, strong, in the evening),
/// felt security climbs from about 3 to 7.5, and the last 7 days drop back to
/// about 4. One lone "past-reminder" at intensity 10 must not top the list.
pub fn twelve_weeks(seed: u64) -> History {
    let mut rng = Lcg::new(seed);
    let (mut entries, mut checkins) = (Vec::new(), Vec::new());
    let mut n = 0u128;
    let mut next = || {
        n += 1;
        n
    };
    for back in 0..84i64 {
        let week = back / 7;
        if rng.chance(0.75) {
            let r = rng.below(100);
            let e = if r < 45 {
                let i = rng.around(8.0, 1.5);
                entry(
                    next(),
                    at(back, 21),
                    E {
                        triggers: &["late-reply"],
                        feelings: &["anxious", "afraid"],
                        intensity: Some(i),
                        signs: &[Sign::OverInterpreting, Sign::FearOfAbandonment],
                        sources: &[Source::Attachment],
                    },
                )
            } else if r < 60 {
                entry(
                    next(),
                    at(back, 22),
                    E {
                        triggers: &["social-media"],
                        feelings: &["jealous"],
                        intensity: Some(rng.around(5.0, 1.5)),
                        sources: &[Source::Comparison],
                        ..E::default()
                    },
                )
            } else if r < 80 {
                entry(
                    next(),
                    at(back, 13),
                    E {
                        triggers: &["cancelled-plan"],
                        feelings: &["sad"],
                        intensity: Some(rng.around(5.0, 2.0)),
                        signs: &[Sign::FearOfRejection],
                        ..E::default()
                    },
                )
            } else {
                entry(
                    next(),
                    at(back, 9),
                    E {
                        triggers: &["change-of-tone"],
                        feelings: &["anxious"],
                        intensity: Some(rng.around(4.5, 2.0)),
                        ..E::default()
                    },
                )
            };
            entries.push(e);
        }
        let base = if week == 0 { 4.0 } else { 3.0 + (11 - week) as f64 * 0.45 };
        let security = rng.around(base, 1.0);
        let blame = if week >= 8 { 2 } else { 0 };
        checkins.push(checkin(next(), at(back, 20), security, Some(security), &[(Consequence::Blame, blame)]));
    }
    entries.push(entry(next(), at(30, 23), E { triggers: &["past-reminder"], intensity: Some(10), ..E::default() }));
    History { entries, checkins }
}

/// Eight calm weeks with check-ins, and one bad week (two weeks ago).
fn one_bad_week() -> History {
    let mut rng = Lcg::new(7);
    let mut entries = Vec::new();
    let mut checkins = Vec::new();
    for back in 0..56i64 {
        checkins.push(checkin(1000 + back as u128, at(back, 20), rng.around(6.5, 1.0), Some(7), &[]));
    }
    for (k, back) in [14i64, 15, 17, 18, 20].into_iter().enumerate() {
        entries.push(entry(
            k as u128,
            at(back, 22),
            E { triggers: &["conflict"], intensity: Some(rng.around(7.5, 1.0)), ..E::default() },
        ));
    }
    // A light moment last week does not count toward the pattern.
    entries.push(entry(99, at(2, 12), E { triggers: &["late-reply"], intensity: Some(2), ..E::default() }));
    History { entries, checkins }
}

/// Eight weeks; in each of the last four, several episodes, and check-ins
/// that show blame and less trust.
fn keeps_coming_back() -> History {
    let mut rng = Lcg::new(11);
    let mut entries = Vec::new();
    let mut checkins = Vec::new();
    for back in (0..56i64).step_by(2) {
        let cons = if back < 28 { vec![(Consequence::Blame, 2), (Consequence::LessTrust, 2)] } else { vec![] };
        checkins.push(checkin(1000 + back as u128, at(back, 20), rng.around(4.5, 0.5), None, &cons));
    }
    for back in [1i64, 3, 5, 8, 10, 12, 15, 16, 19, 22, 24, 26, 40] {
        entries.push(entry(
            back as u128,
            at(back, 21),
            E { triggers: &["late-reply"], intensity: Some(rng.around(7.0, 1.0)), ..E::default() },
        ));
    }
    History { entries, checkins }
}

#[test]
fn twelve_weeks_name_the_trigger_the_trend_and_the_setback() {
    for seed in [1, 2, 3] {
        let h = twelve_weeks(seed);
        let out = h.insights(Window::LastWeeks(12));

        let top = &out.triggers.ranked[0];
        assert_eq!(top.trigger.as_str(), "late-reply", "seed {seed}: {:#?}", out.triggers);
        assert_eq!(top.examples.len(), 2);
        let lone = out.triggers.ranked.iter().find(|t| t.trigger.as_str() == "past-reminder").unwrap();
        assert_eq!(lone.mean_intensity, Some(10.0));
        assert!(lone.score.unwrap() < top.score.unwrap(), "one episode at 10 does not top the list");
        // The examples are the entries the trigger is about, the most intense first.
        let ex: Vec<&Entry> = top.examples.iter().map(|id| h.entries.iter().find(|e| e.id == *id).unwrap()).collect();
        assert!(ex.iter().all(|e| e.triggers[0].as_str() == "late-reply"));
        assert!(ex[0].intensity >= ex[1].intensity);

        let security = out.progress.trends.iter().find(|t| t.measure == Measure::Security).unwrap();
        assert_eq!(security.direction, Direction::Improving, "seed {seed}: {security:#?}");
        let mk = security.mann_kendall.unwrap();
        assert!(mk.p < 0.05 && security.slope_per_week.unwrap() > 0.0);
        assert!(security.text.contains("rising") && security.text.contains("p "), "{}", security.text);

        let setback = out.progress.setback.as_ref().expect("the last week is a setback");
        assert!(setback.drop >= 1.5);
        assert!(setback.text.contains("chance to practise"), "{}", setback.text);
        assert!(setback.text.contains("not a failure"));

        assert_eq!(out.progress.weeks.len(), 12);
        assert_eq!(out.pattern.verdict, Verdict::Recurring);
        assert_eq!(out.contexts.peak.as_ref().unwrap().part, DayPart::Evening);
        let feelings = &out.contexts.feelings_by_trigger[0];
        assert_eq!(feelings.trigger.as_str(), "late-reply");
        assert_eq!(feelings.feelings.len(), 2);
        assert_eq!(feelings.feelings[0].share, 1.0);
        assert!(out.contexts.social.share > 0.05 && out.contexts.social.share < 0.3);
        assert!(out.contexts.social.text.is_some());
        let over = out.contexts.signs.iter().find(|s| s.id == Sign::OverInterpreting).unwrap();
        assert!(over.share > 0.5, "most sign-tagged entries are late replies");
    }
}

#[test]
fn one_bad_week_is_passing_and_suggests_no_help() {
    let out = one_bad_week().insights(Window::LastWeeks(8));
    assert_eq!(out.pattern.verdict, Verdict::Passing, "{:#?}", out.pattern);
    assert_eq!(out.pattern.evidence.weeks_with_episodes, 1);
    assert_eq!(out.pattern.evidence.episodes, 5, "the intensity-2 entry is not counted");
    assert!(!out.pattern.spill_over);
    assert!(out.pattern.text.contains("passing"), "{}", out.pattern.text);
    assert!(out.pattern.rule.contains("at least 3 of them"), "{}", out.pattern.rule);
    assert!(out.professional_help.is_none());
    assert!(out.progress.setback.is_none());
}

#[test]
fn a_recurring_history_is_recurring_and_suggests_help() {
    let out = keeps_coming_back().insights(Window::LastWeeks(8));
    assert_eq!(out.pattern.verdict, Verdict::Recurring, "{:#?}", out.pattern);
    assert_eq!(out.pattern.evidence.weeks_with_episodes, 4);
    assert!(out.pattern.spill_over);
    let spill = out.pattern.spill_over_text.as_deref().unwrap();
    assert!(spill.contains("blame") && spill.contains("less trust"), "{spill}");
    let help = out.professional_help.expect("help is suggested");
    assert_eq!(help.reasons, vec![HelpReason::RecurringWithConsequences]);
    assert!(help.not_diagnosis.contains("not a diagnosis"));
    assert!(help.rule.contains("at least 3"), "{}", help.rule);
    for text in [&help.text, &help.rule, &out.pattern.text] {
        let lower = text.to_lowercase();
        for word in ["disorder", "you have anxious attachment", "diagnos"] {
            if word == "diagnos" && text == &help.not_diagnosis {
                continue;
            }
            assert!(!lower.contains(word), "{text}");
        }
    }
}

#[test]
fn low_security_alone_suggests_help() {
    let checkins: Vec<Checkin> = (0..28).map(|b| checkin(b as u128, at(b, 20), 2 + (b % 2) as u8, None, &[])).collect();
    let out = insights(&[], &checkins, &now(), Window::LastWeeks(4), &cfg());
    assert_eq!(out.pattern.verdict, Verdict::Quiet);
    assert_eq!(out.professional_help.unwrap().reasons, vec![HelpReason::LowSecurity]);
    assert_eq!(out.progress.weeks[3].dominated_days, 7, "security ≤ 3 every day");
    assert_eq!(out.progress.weeks[3].dominated_share, Some(1.0));
}

#[test]
fn little_data_says_how_much_is_missing() {
    let checkins: Vec<Checkin> = (0..5).map(|b| checkin(b as u128, at(b * 3, 20), 5, None, &[])).collect();
    let out = insights(&[], &checkins, &now(), Window::LastWeeks(12), &cfg());
    let t = &out.progress.trends[0];
    assert_eq!(t.direction, Direction::NotEnoughData);
    assert_eq!(t.text, "Not enough check-ins yet to call a trend: 5 of the 14 needed.");
    let needed = t.needed.as_ref().unwrap();
    assert_eq!((needed.what, needed.have, needed.need), ("checkins", 5, 14));
    assert!(out.progress.trends[1].text.contains("0 of the 14"), "seen was never rated");

    // Enough check-ins, but all in two weeks.
    let checkins: Vec<Checkin> = (0..14).map(|b| checkin(b as u128, at(b, 20), 5, None, &[])).collect();
    let out = insights(&[], &checkins, &now(), Window::LastWeeks(12), &cfg());
    assert_eq!(out.progress.trends[0].text, "Not enough weeks with check-ins yet to call a trend: 2 of the 4 needed.");
}

#[test]
fn a_new_journal_is_too_early_to_call() {
    let entries: Vec<Entry> = (0..4)
        .map(|b| entry(b as u128, at(b, 21), E { triggers: &["late-reply"], intensity: Some(8), ..E::default() }))
        .collect();
    let out = insights(&entries, &[], &now(), Window::All, &cfg());
    assert_eq!(out.pattern.verdict, Verdict::TooEarly);
    assert!(out.pattern.text.contains("4 days"), "{}", out.pattern.text);
    assert_eq!(out.window.weeks, 1);
}

#[test]
fn empty_input_gives_a_calm_empty_answer() {
    for window in [Window::All, Window::LastWeeks(0), Window::LastWeeks(u32::MAX)] {
        let out = insights(&[], &[], &now(), window, &cfg());
        assert!(out.triggers.ranked.is_empty());
        assert_eq!(out.pattern.verdict, Verdict::Quiet);
        assert!(out.professional_help.is_none());
        assert!(out.contexts.peak.is_none());
        assert_clean_json(&serde_json::to_string(&out).unwrap());
    }
    let out = insights(&[], &[], &now(), Window::LastWeeks(u32::MAX), &cfg());
    assert!(out.window.capped);
    assert_eq!(out.window.weeks, 520);
}

#[test]
fn the_window_limits_triggers_but_not_the_recent_verdict() {
    let h = twelve_weeks(5);
    let out = h.insights(Window::LastWeeks(2));
    let inside = h.entries.iter().filter(|e| e.occurred.unix_ms() >= at(13, 0).unix_ms()).count();
    assert_eq!(out.window.entries, inside);
    assert_eq!(out.triggers.ranked.iter().map(|t| t.episodes as usize).sum::<usize>(), inside);
    assert_eq!(out.pattern.evidence.weeks.len(), 4, "the verdict always looks at the recent weeks");
    assert_eq!(out.progress.weeks.len(), 2);
}

#[test]
fn future_records_are_left_out() {
    let e = entry(1, at(-3, 12), E { triggers: &["late-reply"], intensity: Some(9), ..E::default() });
    let out = insights(&[e], &[], &now(), Window::All, &cfg());
    assert_eq!(out.window.future_ignored, 1);
    assert!(out.triggers.ranked.is_empty());
}

#[test]
fn what_seems_to_help_compares_next_day_security() {
    let mut rng = Lcg::new(3);
    // Exposed on even days; the following day feels about 2 points safer.
    let days: Vec<(jiff::civil::Date, bool)> = (1..60i64).map(|b| (at(b, 12).local().date(), b % 2 == 0)).collect();
    let checkins: Vec<Checkin> = (0..60i64)
        .map(|b| {
            let after_exposure = (b + 1) % 2 == 0;
            let s = rng.around(if after_exposure { 7.0 } else { 5.0 }, 1.0);
            checkin(b as u128, at(b, 20), s, None, &[])
        })
        .collect();
    let exposures = [
        Exposure { name: "a self-worth activity".into(), days: days.clone() },
        Exposure { name: "a run".into(), days: days[..6].to_vec() },
    ];
    let out = insights_with_exposures(&[], &checkins, &exposures, &now(), Window::LastWeeks(12), &cfg());
    assert_clean_json(&serde_json::to_string(&out).unwrap());
    let a = &out.what_helps[0];
    let w = a.comparison.expect("both groups are large enough");
    assert!(w.low > 0.5 && w.difference > 1.5, "{w:?}");
    assert_eq!(a.with_days + a.without_days, 59);
    assert!(a.text.contains("not what causes what"), "{}", a.text);
    // The same numbers as the plain helper on the same vectors.
    let with: Vec<f64> = days
        .iter()
        .filter(|(_, y)| *y)
        .filter_map(|(d, _)| checkins.iter().find(|c| c.at.local().date() == d.tomorrow().unwrap()))
        .map(|c| f64::from(c.security))
        .collect();
    let without: Vec<f64> = days
        .iter()
        .filter(|(_, y)| !*y)
        .filter_map(|(d, _)| checkins.iter().find(|c| c.at.local().date() == d.tomorrow().unwrap()))
        .map(|c| f64::from(c.security))
        .collect();
    let direct = stats::welch(&with, &without, 0.95).unwrap();
    assert!((direct.difference - w.difference).abs() < 1e-12 && (direct.low - w.low).abs() < 1e-12);

    let b = &out.what_helps[1];
    assert!(b.comparison.is_none());
    assert_eq!(b.text, "Not enough days yet to compare a run: 3 with and 3 without, 5 of each needed.");
}

#[test]
fn next_steps_leave_out_the_partner_in_safety_mode_and_put_safety_first() {
    use attune_core::insights::{NextKind, next_steps};
    use attune_core::safety::SafetyPolicy;
    let ins = twelve_weeks(7).insights(Window::LastWeeks(12));
    let kinds = |p| next_steps(&ins, &cfg(), p).into_iter().map(|s| s.kind).collect::<Vec<_>>();
    assert_eq!(kinds(SafetyPolicy::NORMAL), [NextKind::Yourself, NextKind::Partner]);
    assert_eq!(kinds(SafetyPolicy::SAFETY_MODE), [NextKind::SafetyFirst, NextKind::Yourself]);
    let safe = next_steps(&ins, &cfg(), SafetyPolicy::SAFETY_MODE);
    assert!(safe[0].text.starts_with("Safety comes first"), "{}", safe[0].text);
    assert!(safe.iter().all(|s| !s.text.contains("tell your partner")), "{safe:?}");
    // No triggers yet: only the partner step, or only the safety line.
    let empty = History { entries: Vec::new(), checkins: Vec::new() }.insights(Window::LastWeeks(12));
    assert_eq!(next_steps(&empty, &cfg(), SafetyPolicy::NORMAL).len(), 1);
    assert_eq!(next_steps(&empty, &cfg(), SafetyPolicy::SAFETY_MODE)[0].kind, NextKind::SafetyFirst);
}
