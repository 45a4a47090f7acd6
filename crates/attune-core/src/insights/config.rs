//! `content/insights.toml`: the thresholds and sentences of the insights,
//! parsed into typed settings and checked once, so the rules are data a
//! counsellor can read and not constants buried in code.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::content::ContentError;
use crate::label::Slug;
use crate::template::{self, Piece};
use crate::vocab::Consequence;

/// `content/insights.toml`, embedded.
pub const INSIGHTS_TOML: &str = include_str!("../../../../content/insights.toml");

const FILE: &str = "insights.toml";

/// Every setting and text of the insights.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightsConfig {
    /// What counts as a strong episode.
    pub episodes: EpisodesConfig,
    /// Look-back limits.
    pub window: WindowConfig,
    /// Trigger ranking.
    pub triggers: TriggersConfig,
    /// Weekday and time-of-day patterns.
    pub contexts: ContextsConfig,
    /// The "insecurity dominated this day" rule.
    pub dominated_day: DominatedDayConfig,
    /// Passing or recurring.
    pub pattern: PatternConfig,
    /// Trends and setbacks.
    pub progress: ProgressConfig,
    /// When to suggest professional help.
    pub professional_help: HelpConfig,
    /// "What seems to help".
    pub associations: AssociationsConfig,
    /// Sentences.
    pub texts: Texts,
}

/// `[episodes]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodesConfig {
    /// Intensity from which an episode is strong.
    pub strong_intensity: u8,
}

/// `[window]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// The longest look-back in weeks.
    pub max_weeks: u32,
}

/// `[triggers]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggersConfig {
    /// Least weight of the overall mean, in episodes.
    pub prior_episodes_min: f64,
    /// Most weight of the overall mean, in episodes.
    pub prior_episodes_max: f64,
    /// Least within-trigger variance.
    pub within_variance_floor: f64,
    /// Within-trigger variance when it cannot be estimated.
    pub within_variance_fallback: f64,
    /// Coverage of the score range.
    pub interval_confidence: f64,
    /// How many top triggers get example entries.
    pub with_examples: usize,
    /// Examples per trigger.
    pub examples_each: usize,
    /// Feelings listed per trigger.
    pub feelings_each: usize,
}

/// `[contexts]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextsConfig {
    /// Start hours of night, morning, afternoon, evening.
    pub day_parts: [u8; 4],
    /// The trigger that means social media.
    pub social_trigger: Slug,
}

/// `[dominated_day]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DominatedDayConfig {
    /// An entry at least this intense marks the day.
    pub intensity_at_least: u8,
    /// A check-in at most this secure marks the day.
    pub security_at_most: u8,
}

/// `[pattern]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternConfig {
    /// Weeks looked at (2–4).
    pub recent_weeks: u32,
    /// Weeks with episodes needed to call it recurring.
    pub recurring_min_weeks: u32,
    /// Entries below this intensity do not count.
    pub counts_from_intensity: u8,
    /// Mean consequence rating (0–3) from which it is present.
    pub consequence_present_mean: f64,
    /// Ratings needed before a consequence can be present.
    pub consequence_min_checkins: u32,
}

/// `[progress]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressConfig {
    /// Check-ins needed for a trend.
    pub min_checkins: u32,
    /// Weeks with check-ins needed for a trend.
    pub min_weeks: u32,
    /// Most recent weeks fed to the trend test.
    pub max_trend_weeks: u32,
    /// p below which a trend is called.
    pub significance: f64,
    /// Coverage of the slope interval.
    pub slope_confidence: f64,
    /// Points below the usual level that make a setback.
    pub setback_drop: f64,
    /// Weeks before the last that set the usual level.
    pub setback_weeks: u32,
    /// Of those, how many need check-ins.
    pub setback_min_weeks: u32,
}

/// `[professional_help]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpConfig {
    /// Recurring in at least this many recent weeks (with consequences).
    pub recurring_weeks: u32,
    /// Weekly felt security at or below this is low.
    pub low_security_at_most: f64,
    /// Weeks of low security needed.
    pub low_security_min_weeks: u32,
}

/// `[associations]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssociationsConfig {
    /// Days needed in each group.
    pub min_group_days: usize,
    /// Coverage of the interval.
    pub confidence: f64,
}

/// `[texts]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// Names of the four measures.
    pub measures: MeasureNames,
    /// Consequence names as used inside sentences.
    pub consequences: BTreeMap<Consequence, String>,
    /// Trigger texts.
    pub triggers: TriggerTexts,
    /// Context texts.
    pub contexts: ContextTexts,
    /// Day texts.
    pub days: DayTexts,
    /// Passing or recurring.
    pub pattern: PatternTexts,
    /// Trends.
    pub trend: TrendTexts,
    /// Setbacks.
    pub setback: SetbackTexts,
    /// Professional help.
    pub help: HelpTexts,
    /// What seems to help.
    pub associations: AssociationTexts,
    /// The next step at the end.
    pub next: NextTexts,
}

/// `[texts.next]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextTexts {
    /// Something to try on one's own, when there are triggers.
    pub yourself: Template,
    /// Talking with the partner (outside safety mode only).
    pub partner: Template,
    /// In safety mode, first: safety comes first.
    pub safety_first: Template,
}

/// `[texts.measures]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureNames {
    pub security: String,
    pub seen: String,
    pub trusted: String,
    pub respected: String,
}

/// `[texts.triggers]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerTexts {
    pub method: Template,
}

/// `[texts.contexts]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextTexts {
    pub social: Template,
}

/// `[texts.days]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayTexts {
    pub dominated_rule: Template,
}

/// `[texts.pattern]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternTexts {
    pub rule: Template,
    pub quiet: Template,
    pub too_early: Template,
    pub passing: Template,
    pub recurring: Template,
    pub spill_over: Template,
}

/// `[texts.trend]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendTexts {
    pub rising: Template,
    pub falling: Template,
    pub steady: Template,
    pub not_enough_checkins: Template,
    pub not_enough_weeks: Template,
}

/// `[texts.setback]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetbackTexts {
    pub text: Template,
    pub rule: Template,
}

/// `[texts.help]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpTexts {
    pub text: Template,
    pub rule: Template,
    pub not_diagnosis: Template,
}

/// `[texts.associations]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssociationTexts {
    pub compared: Template,
    pub not_enough: Template,
}

/// A sentence with `{name}` placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Template(String);

impl Template {
    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Fills in the placeholders; one without a value stays as written
    /// (cannot happen for a validated config).
    pub fn render(&self, vars: &[(&str, String)]) -> String {
        template::render(&self.0, vars)
    }

    /// The placeholder names, or why the braces do not parse.
    fn placeholders(&self) -> Result<Vec<&str>, String> {
        let mut names = Vec::new();
        for piece in template::pieces(&self.0) {
            match piece {
                Piece::Text(words) if words.contains('}') => return Err("has a '}' without a '{'".into()),
                Piece::Text(_) => {}
                Piece::Unclosed(_) => return Err("has a '{' without a '}'".into()),
                Piece::Name(name) => {
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        return Err(format!("has a malformed placeholder '{{{name}}}'"));
                    }
                    names.push(name);
                }
            }
        }
        Ok(names)
    }
}

impl InsightsConfig {
    /// The shipped configuration.
    pub fn embedded() -> Result<Self, ContentError> {
        Self::from_toml(INSIGHTS_TOML)
    }

    /// Parses and checks a configuration.
    pub fn from_toml(text: &str) -> Result<Self, ContentError> {
        let cfg: Self = toml::from_str(text).map_err(|e| ContentError { file: FILE.into(), message: e.to_string() })?;
        let problems = cfg.problems();
        if problems.is_empty() {
            Ok(cfg)
        } else {
            Err(ContentError { file: FILE.into(), message: problems.join("; ") })
        }
    }

    /// Everything wrong with the values (empty when valid).
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let mut need = |ok: bool, what: &str| {
            if !ok {
                p.push(what.to_string());
            }
        };
        let unit = |x: f64| x > 0.0 && x < 1.0;
        need(self.episodes.strong_intensity <= 10, "episodes.strong_intensity must be 0–10");
        need((1..=5200).contains(&self.window.max_weeks), "window.max_weeks must be 1–5200");
        let t = &self.triggers;
        need(
            t.prior_episodes_min > 0.0 && t.prior_episodes_max >= t.prior_episodes_min && t.prior_episodes_max < 1e6,
            "triggers.prior_episodes_min must be above 0 and at most prior_episodes_max",
        );
        need(
            t.within_variance_floor > 0.0 && t.within_variance_fallback > 0.0 && t.within_variance_fallback < 1e6,
            "triggers.within_variance_floor and within_variance_fallback must be above 0",
        );
        need(unit(t.interval_confidence), "triggers.interval_confidence must be between 0 and 1");
        need(
            t.with_examples <= 50 && t.examples_each <= 50 && t.feelings_each <= 50,
            "triggers.with_examples, examples_each and feelings_each must be at most 50",
        );
        let parts = self.contexts.day_parts;
        need(
            parts[0] == 0 && parts.windows(2).all(|w| w[0] < w[1]) && parts[3] < 24,
            "contexts.day_parts must start at 0 and rise, below 24",
        );
        need(
            self.dominated_day.intensity_at_least <= 10 && self.dominated_day.security_at_most <= 10,
            "dominated_day values must be 0–10",
        );
        let pat = &self.pattern;
        need((2..=4).contains(&pat.recent_weeks), "pattern.recent_weeks must be 2–4");
        need(
            (1..=pat.recent_weeks).contains(&pat.recurring_min_weeks),
            "pattern.recurring_min_weeks must be 1 to recent_weeks",
        );
        need(pat.counts_from_intensity <= 10, "pattern.counts_from_intensity must be 0–10");
        need((0.0..=3.0).contains(&pat.consequence_present_mean), "pattern.consequence_present_mean must be 0–3");
        need(pat.consequence_min_checkins >= 1, "pattern.consequence_min_checkins must be at least 1");
        let pr = &self.progress;
        need(pr.min_checkins >= 2, "progress.min_checkins must be at least 2");
        need(pr.min_weeks >= 3, "progress.min_weeks must be at least 3");
        need(
            pr.max_trend_weeks >= pr.min_weeks && pr.max_trend_weeks <= 1000,
            "progress.max_trend_weeks must be min_weeks to 1000",
        );
        need(
            unit(pr.significance) && unit(pr.slope_confidence),
            "progress.significance and slope_confidence must be between 0 and 1",
        );
        need(pr.setback_drop > 0.0 && pr.setback_drop <= 10.0, "progress.setback_drop must be above 0 and at most 10");
        need(
            (1..=52).contains(&pr.setback_weeks) && (1..=pr.setback_weeks).contains(&pr.setback_min_weeks),
            "progress.setback_weeks must be 1–52 and setback_min_weeks 1 to setback_weeks",
        );
        let h = &self.professional_help;
        need(
            (1..=pat.recent_weeks).contains(&h.recurring_weeks),
            "professional_help.recurring_weeks must be 1 to pattern.recent_weeks",
        );
        need((0.0..=10.0).contains(&h.low_security_at_most), "professional_help.low_security_at_most must be 0–10");
        need(
            (1..=pat.recent_weeks).contains(&h.low_security_min_weeks),
            "professional_help.low_security_min_weeks must be 1 to pattern.recent_weeks",
        );
        need(self.associations.min_group_days >= 2, "associations.min_group_days must be at least 2");
        need(unit(self.associations.confidence), "associations.confidence must be between 0 and 1");
        for c in Consequence::ALL {
            need(
                self.texts.consequences.get(c).is_some_and(|s| !s.trim().is_empty()),
                &format!("texts.consequences.{c} is missing"),
            );
        }
        let m = &self.texts.measures;
        need(
            [&m.security, &m.seen, &m.trusted, &m.respected].iter().all(|s| !s.trim().is_empty()),
            "texts.measures must all be non-empty",
        );
        for (name, template, allowed) in self.texts.templates() {
            if template.as_str().trim().is_empty() {
                p.push(format!("texts.{name} is empty"));
                continue;
            }
            match template.placeholders() {
                Err(e) => p.push(format!("texts.{name} {e}")),
                Ok(used) => {
                    for u in used {
                        if !allowed.contains(&u) {
                            p.push(format!("texts.{name} uses {{{u}}}; it may use {}", list(allowed)));
                        }
                    }
                }
            }
        }
        p
    }
}

fn list(allowed: &[&str]) -> String {
    if allowed.is_empty() {
        return "none".into();
    }
    allowed.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(" ")
}

impl Texts {
    /// Each template with the placeholders it may use.
    fn templates(&self) -> Vec<(&'static str, &Template, &'static [&'static str])> {
        const TREND: &[&str] = &["measure", "slope", "weeks", "p"];
        const SHORT: &[&str] = &["measure", "have", "need"];
        const WEEKLY: &[&str] = &["weeks", "weeks_with_episodes", "episodes"];
        vec![
            ("triggers.method", &self.triggers.method, &["confidence"]),
            ("contexts.social", &self.contexts.social, &["share"]),
            ("days.dominated_rule", &self.days.dominated_rule, &["intensity", "security"]),
            ("pattern.rule", &self.pattern.rule, &["weeks", "min_weeks", "min_intensity"]),
            ("pattern.quiet", &self.pattern.quiet, &["weeks"]),
            ("pattern.too_early", &self.pattern.too_early, &["weeks", "days"]),
            ("pattern.passing", &self.pattern.passing, WEEKLY),
            ("pattern.recurring", &self.pattern.recurring, WEEKLY),
            ("pattern.spill_over", &self.pattern.spill_over, &["consequences"]),
            ("trend.rising", &self.trend.rising, TREND),
            ("trend.falling", &self.trend.falling, TREND),
            ("trend.steady", &self.trend.steady, TREND),
            ("trend.not_enough_checkins", &self.trend.not_enough_checkins, SHORT),
            ("trend.not_enough_weeks", &self.trend.not_enough_weeks, SHORT),
            ("setback.text", &self.setback.text, &["last", "usual"]),
            ("setback.rule", &self.setback.rule, &["drop", "weeks"]),
            ("help.text", &self.help.text, &[]),
            ("help.rule", &self.help.rule, &["weeks", "security", "low_weeks"]),
            ("help.not_diagnosis", &self.help.not_diagnosis, &[]),
            (
                "associations.compared",
                &self.associations.compared,
                &["exposure", "difference", "low", "high", "with", "without"],
            ),
            ("associations.not_enough", &self.associations.not_enough, &["exposure", "with", "without", "need"]),
            ("next.yourself", &self.next.yourself, &[]),
            ("next.partner", &self.next.partner, &[]),
            ("next.safety_first", &self.next.safety_first, &[]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_is_valid() {
        let cfg = InsightsConfig::embedded().unwrap();
        assert_eq!(cfg.dominated_day.intensity_at_least, 7);
        assert_eq!(cfg.contexts.social_trigger.as_str(), "social-media");
    }

    #[test]
    fn unknown_placeholders_and_bad_values_are_refused() {
        let bad = INSIGHTS_TOML.replace("{have} of the {need} needed", "{have} of {needed}");
        let err = InsightsConfig::from_toml(&bad).unwrap_err();
        assert!(err.message.contains("uses {needed}"), "{err}");

        let bad = INSIGHTS_TOML.replace("recent_weeks = 4", "recent_weeks = 9");
        let err = InsightsConfig::from_toml(&bad).unwrap_err();
        assert!(err.message.contains("pattern.recent_weeks must be 2–4"), "{err}");

        let bad = INSIGHTS_TOML.replace("day_parts = [0, 6, 12, 18]", "day_parts = [0, 12, 6, 18]");
        assert!(InsightsConfig::from_toml(&bad).is_err());

        let bad = INSIGHTS_TOML.replace("spill-over = \"spill-over into work or health\"\n", "");
        let err = InsightsConfig::from_toml(&bad).unwrap_err();
        assert!(err.message.contains("texts.consequences.spill-over"), "{err}");

        let bad = INSIGHTS_TOML.replace("[episodes]", "[episodes]\nsurprise = 1");
        assert!(InsightsConfig::from_toml(&bad).is_err(), "unknown keys are refused");

        let bad = INSIGHTS_TOML.replace("over {weeks} weeks so far", "over {weeks weeks so far");
        let err = InsightsConfig::from_toml(&bad).unwrap_err();
        assert!(err.message.contains("texts.trend.steady"), "{err}");
    }

    #[test]
    fn templates_render_known_and_keep_unknown() {
        let t = Template("a {x} b {y} c".into());
        assert_eq!(t.render(&[("x", "1".into())]), "a 1 b {y} c");
        assert_eq!(t.placeholders().unwrap(), vec!["x", "y"]);
        assert!(Template("}{".into()).placeholders().is_err());
    }
}
