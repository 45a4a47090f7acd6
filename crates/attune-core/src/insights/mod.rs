//! Insights: what a person's own entries and check-ins show (issue 3).
//!
//! Pure: the caller passes the records, "now" and the configuration; the
//! result is plain data that the CLI renders and `--json` serializes as is.
//! Every threshold and sentence comes from `content/insights.toml`
//! ([`InsightsConfig`]).
//!
//! Weeks are rolling 7-day blocks ending today (in now's time zone); each
//! record sits on its own local day (the offset it was lived in).

mod config;
mod contexts;
mod data;
mod facts;
mod helps;
mod next;
mod pattern;
mod progress;
pub mod special;
pub mod stats;
mod triggers;

use jiff::ZonedDateTime;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use config::{INSIGHTS_TOML, InsightsConfig, Template};
pub use contexts::{
    Contexts, DayPart, FeelingShare, GridCell, GridPeak, ProfileShare, SocialShare, TriggerFeelings, WeekdayRow,
};
pub use facts::{EntryFacts, Facts};
pub use helps::{Association, Exposure, associate, next_day_security};
pub use next::{NextKind, NextStep, next_steps};
pub use pattern::{ConsequenceLevel, HelpReason, HelpSuggestion, Pattern, PatternEvidence, Verdict};
pub use progress::{Direction, Measure, Needed, Progress, Setback, Trend, WeekSummary};
pub use triggers::{TriggerInsights, TriggerStat};

use crate::checkin::Checkin;
use crate::entry::Entry;

/// Which stretch of history to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Window {
    /// From the first record (at most `window.max_weeks`).
    All,
    /// The last n rolling weeks (at least 1).
    LastWeeks(u32),
}

/// The stretch that was looked at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WindowSummary {
    /// First day (inclusive).
    pub start: Date,
    /// Today.
    pub end: Date,
    /// Weeks covered.
    pub weeks: u32,
    /// Entries inside.
    pub entries: usize,
    /// Check-ins inside.
    pub checkins: usize,
    /// True when the request was longer than `window.max_weeks`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
    /// Records dated after today (a wrong clock), left out everywhere.
    #[serde(skip_serializing_if = "is_zero")]
    pub future_ignored: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Everything the insights say. Fields that do not apply are left out of
/// the JSON (never `null`), and no number is NaN or infinite.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Insights {
    /// What was looked at.
    pub window: WindowSummary,
    /// Triggers, ranked.
    pub triggers: TriggerInsights,
    /// When, with what feelings, which signs and sources.
    pub contexts: Contexts,
    /// Passing or recurring, over the last few weeks.
    pub pattern: Pattern,
    /// Weekly measures, trends and setbacks.
    pub progress: Progress,
    /// Present only when the rule for suggesting professional help holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub professional_help: Option<HelpSuggestion>,
    /// "What seems to help", one per exposure given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub what_helps: Vec<Association>,
}

/// The insights for `entries` and `checkins` as of `now`.
pub fn insights(
    entries: &[Entry],
    checkins: &[Checkin],
    now: &ZonedDateTime,
    window: Window,
    cfg: &InsightsConfig,
) -> Insights {
    insights_with_exposures(entries, checkins, &[], now, window, cfg)
}

/// [`insights`], plus "what seems to help" for each named exposure.
pub fn insights_with_exposures(
    entries: &[Entry],
    checkins: &[Checkin],
    exposures: &[Exposure],
    now: &ZonedDateTime,
    window: Window,
    cfg: &InsightsConfig,
) -> Insights {
    insights_of(&Facts::from_entries(entries), checkins, exposures, now, window, cfg)
}

/// The insights from the lean [`Facts`] of the entries (what the store
/// reads for them), plus "what seems to help" for each named exposure.
pub fn insights_of(
    facts: &Facts,
    checkins: &[Checkin],
    exposures: &[Exposure],
    now: &ZonedDateTime,
    window: Window,
    cfg: &InsightsConfig,
) -> Insights {
    let data = data::Data::new(facts, checkins, now.date(), window, cfg);
    let (triggers, feelings) = triggers::analyse(&data, cfg);
    let contexts = contexts::analyse(&data, feelings, cfg);
    let pattern = pattern::analyse(&data, cfg);
    let progress = progress::analyse(&data, cfg);
    let professional_help = pattern::professional_help(&data, &pattern, cfg);
    let what_helps = exposures.iter().map(|x| helps::analyse(&data, x, cfg)).collect();
    Insights { window: data.summary.clone(), triggers, contexts, pattern, progress, professional_help, what_helps }
}
