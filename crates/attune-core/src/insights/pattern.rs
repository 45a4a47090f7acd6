//! Passing or recurring (framework §1), and when to suggest professional
//! help (step 2). Both are plain rules over the last few weeks, stated in
//! words next to their result.

use serde::Serialize;

use super::config::InsightsConfig;
use super::data::{Data, Tally, consequence_at};
use super::progress::{WeekSummary, week_summary};
use crate::fmt;
use crate::vocab::Consequence;

/// What the last few weeks look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No counted episodes.
    Quiet,
    /// Some episodes, but the notes are younger than the weeks looked at.
    TooEarly,
    /// Episodes in fewer weeks than the rule needs.
    Passing,
    /// Episodes in enough of the weeks.
    Recurring,
}

/// The verdict, its rule and its evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pattern {
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict in a sentence.
    pub text: String,
    /// The rule in plain words.
    pub rule: String,
    /// Whether check-ins show consequences present.
    pub spill_over: bool,
    /// A sentence naming them, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spill_over_text: Option<String>,
    /// What the verdict rests on.
    pub evidence: PatternEvidence,
}

/// The numbers behind the verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatternEvidence {
    /// The recent weeks, oldest first.
    pub weeks: Vec<WeekSummary>,
    /// Weeks with at least one counted episode.
    pub weeks_with_episodes: u32,
    /// Counted episodes.
    pub episodes: u32,
    /// Strong entries.
    pub strong_episodes: u32,
    /// Mean intensity of the rated entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_intensity: Option<f64>,
    /// Check-ins.
    pub checkins: u32,
    /// Their mean felt security.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_security: Option<f64>,
    /// Each rated consequence.
    pub consequences: Vec<ConsequenceLevel>,
}

/// One consequence over the recent check-ins.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsequenceLevel {
    /// Which.
    pub consequence: Consequence,
    /// Mean rating, 0–3.
    pub mean: f64,
    /// How many check-ins rated it.
    pub ratings: u32,
    /// Whether it counts as present.
    pub present: bool,
}

pub(crate) fn analyse(data: &Data<'_>, cfg: &InsightsConfig) -> Pattern {
    let p = &cfg.pattern;
    let recent = p.recent_weeks;
    let weeks: Vec<WeekSummary> = (0..recent).rev().map(|back| week_summary(data, back)).collect();
    let aggs = &data.weeks[..recent as usize];
    let weeks_with_episodes = u32::try_from(aggs.iter().filter(|w| w.episodes > 0).count()).unwrap_or(0);
    let episodes: u32 = aggs.iter().map(|w| w.episodes).sum();
    let mut intensity = Tally::default();
    let mut security = Tally::default();
    let mut consequence_tallies = [Tally::default(); Consequence::ALL.len()];
    for w in aggs {
        intensity.merge(&w.intensity);
        security.merge(&w.security);
        for (all, t) in consequence_tallies.iter_mut().zip(&w.consequences) {
            all.merge(t);
        }
    }
    let consequences: Vec<ConsequenceLevel> = consequence_tallies
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let mean = t.mean()?;
            let present = t.n >= p.consequence_min_checkins && mean >= p.consequence_present_mean;
            Some(ConsequenceLevel { consequence: consequence_at(i), mean, ratings: t.n, present })
        })
        .collect();
    let present: Vec<&str> = consequences
        .iter()
        .filter(|c| c.present)
        .filter_map(|c| cfg.texts.consequences.get(&c.consequence).map(String::as_str))
        .collect();
    let spill_over = !present.is_empty();

    let history_days = data.first_day.map_or(0, |f| data.today - f + 1);
    let verdict = if weeks_with_episodes >= p.recurring_min_weeks {
        Verdict::Recurring
    } else if episodes == 0 {
        Verdict::Quiet
    } else if history_days < i64::from(recent) * 7 {
        Verdict::TooEarly
    } else {
        Verdict::Passing
    };
    let t = &cfg.texts.pattern;
    let weekly = [
        ("weeks", recent.to_string()),
        ("weeks_with_episodes", weeks_with_episodes.to_string()),
        ("episodes", episodes.to_string()),
    ];
    let text = match verdict {
        Verdict::Quiet => t.quiet.render(&weekly),
        Verdict::TooEarly => t.too_early.render(&[("weeks", recent.to_string()), ("days", history_days.to_string())]),
        Verdict::Passing => t.passing.render(&weekly),
        Verdict::Recurring => t.recurring.render(&weekly),
    };
    let rule = t.rule.render(&[
        ("weeks", recent.to_string()),
        ("min_weeks", p.recurring_min_weeks.to_string()),
        ("min_intensity", p.counts_from_intensity.to_string()),
    ]);
    Pattern {
        verdict,
        text,
        rule,
        spill_over,
        spill_over_text: spill_over.then(|| t.spill_over.render(&[("consequences", present.join(", "))])),
        evidence: PatternEvidence {
            weeks,
            weeks_with_episodes,
            episodes,
            strong_episodes: aggs.iter().map(|w| w.strong).sum(),
            mean_intensity: intensity.mean(),
            checkins: aggs.iter().map(|w| w.checkins).sum(),
            mean_security: security.mean(),
            consequences,
        },
    }
}

/// Why professional help is suggested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HelpReason {
    /// Recurring for enough weeks, with consequences present.
    RecurringWithConsequences,
    /// Weekly felt security stayed low.
    LowSecurity,
}

/// A gentle suggestion to talk to a professional. Never a diagnosis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HelpSuggestion {
    /// Which parts of the rule held.
    pub reasons: Vec<HelpReason>,
    /// The suggestion.
    pub text: String,
    /// The rule, in plain words.
    pub rule: String,
    /// That this is not a diagnosis.
    pub not_diagnosis: String,
}

pub(crate) fn professional_help(data: &Data<'_>, pattern: &Pattern, cfg: &InsightsConfig) -> Option<HelpSuggestion> {
    let h = &cfg.professional_help;
    let mut reasons = Vec::new();
    if pattern.verdict == Verdict::Recurring
        && pattern.evidence.weeks_with_episodes >= h.recurring_weeks
        && pattern.spill_over
    {
        reasons.push(HelpReason::RecurringWithConsequences);
    }
    let weekly_security: Vec<f64> =
        data.weeks[..cfg.pattern.recent_weeks as usize].iter().filter_map(|w| w.security.mean()).collect();
    if weekly_security.len() >= h.low_security_min_weeks as usize
        && weekly_security.iter().all(|&s| s <= h.low_security_at_most)
    {
        reasons.push(HelpReason::LowSecurity);
    }
    if reasons.is_empty() {
        return None;
    }
    let t = &cfg.texts.help;
    Some(HelpSuggestion {
        reasons,
        text: t.text.render(&[]),
        rule: t.rule.render(&[
            ("weeks", h.recurring_weeks.to_string()),
            ("security", fmt::one(h.low_security_at_most)),
            ("low_weeks", h.low_security_min_weeks.to_string()),
        ]),
        not_diagnosis: t.not_diagnosis.render(&[]),
    })
}
