//! `content/insights/terminal.toml`: this screen's headings and legends.

use std::collections::BTreeMap;

use attune_core::content::ContentError;
use attune_core::insights::Template;
use attune_core::vocab::{Sign, Source};
use serde::Deserialize;

/// The content file with this screen's headings and legends.
pub const TEXTS_FILE: &str = "insights/terminal.toml";
/// The rules and numbered sentences.
pub const CONFIG_FILE: &str = "insights.toml";

/// `content/insights/terminal.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub page: PageTexts,
    pub triggers: TriggerTexts,
    pub contexts: ContextTexts,
    pub pattern: PatternTexts,
    pub progress: ProgressTexts,
    pub help: HelpTexts,
    pub helps: HelpsTexts,
    pub next: NextTexts,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageTexts {
    pub title: String,
    pub window: Template,
    pub capped: Template,
    pub future: Template,
    pub not_diagnosis: String,
    pub empty: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerTexts {
    pub title: String,
    pub line: Template,
    pub range: Template,
    pub unrated: String,
    pub examples: Template,
    pub example: Template,
    pub none: String,
    pub scale: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextTexts {
    pub title: String,
    pub caption: String,
    pub weekdays: [String; 7],
    pub day_parts: [String; 4],
    pub legend: Template,
    pub peak: Template,
    pub feelings_title: String,
    pub feeling: Template,
    pub profile_title: String,
    pub profile_caption: Template,
    pub sources_title: String,
    pub no_signs: String,
    pub no_sources: String,
    pub social_title: String,
    pub signs: BTreeMap<Sign, String>,
    pub sources: BTreeMap<Source, String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternTexts {
    pub title: String,
    pub verdict_quiet: String,
    pub verdict_too_early: String,
    pub verdict_passing: String,
    pub verdict_recurring: String,
    pub verdict: Template,
    pub rule: String,
    pub evidence: String,
    pub week: Template,
    pub week_intensity: Template,
    pub week_security: Template,
    pub week_no_checkins: String,
    pub consequences: Template,
    pub consequence: Template,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressTexts {
    pub title: String,
    pub caption: String,
    pub direction_improving: String,
    pub direction_declining: String,
    pub direction_steady: String,
    pub direction_not_enough: String,
    pub span: Template,
    pub shortened: Template,
    pub dominated_title: String,
    pub dominated_caption: String,
    pub dominated_last: Template,
    pub dominated_none: String,
    pub consequences_title: String,
    pub consequences_caption: String,
    pub consequences_none: String,
    pub setback_title: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpTexts {
    pub title: String,
    pub why: String,
    pub bring_title: String,
    pub bring: Vec<String>,
    pub find_title: String,
    pub find: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpsTexts {
    pub title: String,
    pub caption: String,
    pub activity: String,
    pub pause: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextTexts {
    pub title: String,
}

impl Texts {
    /// Parses the file; every sign and source needs a name.
    pub fn parse(text: &str) -> Result<Self, ContentError> {
        let err = |message: String| ContentError { file: TEXTS_FILE.into(), message };
        let t: Self = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if let Some(s) = Sign::ALL.iter().find(|s| !t.contexts.signs.contains_key(s)) {
            return Err(err(format!("contexts.signs.{s} is missing")));
        }
        if let Some(s) = Source::ALL.iter().find(|s| !t.contexts.sources.contains_key(s)) {
            return Err(err(format!("contexts.sources.{s} is missing")));
        }
        Ok(t)
    }
}
