//! The product texts the pages use, parsed once when the server starts.

use attune_core::content::{ContentError, Library};
use attune_core::insights::InsightsConfig;
use attune_core::pause::PauseTexts;
use attune_core::plan::PlanTexts;
use attune_core::safety::{Purpose, Resource, ResourceGroup, SafetyContent, SafetySettings};
use attune_core::scripts::ComposerTexts;
use attune_core::selfworth::{Suggestion, suggestions};
use attune_text::statement::Lexicon;
use serde::Deserialize;

use crate::advice;
use crate::error::WebError;

/// The product texts the pages use, parsed once when the server starts:
/// parsing them (TOML) on every request cost more than the rest of a page.
/// They are built in and tested, so a failure here is a bug, reported at
/// start instead of on a page.
#[derive(Debug)]
pub struct Texts {
    /// Safety messages and services.
    pub safety: SafetyTexts,
    /// Plan and "what is due" texts.
    pub plan: PlanTexts,
    /// The shipped affirmation suggestions.
    pub suggestions: Vec<Suggestion>,
    /// The statement helper's texts.
    pub composer: ComposerTexts,
    /// The statement check's words.
    pub lexicon: Lexicon,
    /// The pause's texts.
    pub pause: PauseTexts,
    /// The insights' thresholds and texts.
    pub insights: InsightsConfig,
}

impl Texts {
    /// Parses them all, the error pages' advice included.
    pub(crate) fn parse(lib: &Library) -> Result<Texts, WebError> {
        advice::built_in().map_err(|e| bad(e.clone()))?;
        Ok(Texts {
            safety: SafetyTexts::load(lib)?,
            plan: PlanTexts::load(lib).map_err(bad)?,
            suggestions: suggestions(lib).map_err(bad)?,
            composer: ComposerTexts::load(lib).map_err(bad)?,
            lexicon: Lexicon::parse(lib.text("say/statement_lexicon.toml").map_err(bad)?)
                .map_err(|e| WebError::Internal(e.to_string()))?,
            pause: PauseTexts::load(lib).map_err(bad)?,
            insights: InsightsConfig::from_toml(lib.text("insights.toml").map_err(bad)?).map_err(bad)?,
        })
    }
}

/// The parts of `content/safety/messages.toml` the pages use (the rest is
/// the terminal's).
#[derive(Clone, Debug, Deserialize)]
pub struct Messages {
    resources: ResourceTexts,
    pub(crate) page: PageTexts,
}

#[derive(Clone, Debug, Deserialize)]
struct ResourceTexts {
    crisis: String,
    abuse: String,
    emergency: String,
    own_behaviour: String,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PageTexts {
    pub(crate) title: String,
    pub(crate) intro: String,
}

/// Core's safety content and the pages' own words.
#[derive(Clone, Debug)]
pub struct SafetyTexts {
    /// The notes, the check and the services.
    pub core: SafetyContent,
    pub(crate) messages: Messages,
}

impl SafetyTexts {
    /// Loads the safety texts; they are built in and tested, so a failure here is a bug.
    pub fn load(lib: &Library) -> Result<Self, WebError> {
        Ok(Self {
            core: SafetyContent::from_library(lib).map_err(bad)?,
            messages: lib.toml("safety/messages.toml").map_err(bad)?,
        })
    }

    fn heading(&self, purpose: Purpose) -> &str {
        let r = &self.messages.resources;
        match purpose {
            Purpose::Crisis => &r.crisis,
            Purpose::Abuse => &r.abuse,
            Purpose::Emergency => &r.emergency,
            Purpose::OwnBehaviour => &r.own_behaviour,
        }
    }

    /// Core's groups with the pages' headings.
    pub fn groups(&self, groups: &[ResourceGroup]) -> Vec<Group> {
        groups
            .iter()
            .map(|g| Group {
                purpose: purpose_id(g.purpose),
                heading: self.heading(g.purpose).to_string(),
                resources: g.resources.clone(),
            })
            .collect()
    }

    /// The services for `purposes` in the person's country, as groups.
    pub fn groups_for(&self, s: &SafetySettings, purposes: &[Purpose]) -> Vec<Group> {
        self.groups(&self.core.resources.groups(s.country_code(), purposes))
    }

    /// The country's first line (what to do in immediate danger).
    pub fn advice(&self, s: &SafetySettings) -> String {
        self.core.resources.for_country(s.country_code()).advice.clone()
    }
}

fn purpose_id(p: Purpose) -> &'static str {
    match p {
        Purpose::Crisis => "crisis",
        Purpose::Abuse => "abuse",
        Purpose::Emergency => "emergency",
        Purpose::OwnBehaviour => "own-behaviour",
    }
}

/// Services for one purpose.
#[derive(Clone, Debug)]
pub struct Group {
    /// "crisis", "abuse", … (a data attribute, for tests).
    pub purpose: &'static str,
    /// "If you are thinking about suicide or self-harm".
    pub heading: String,
    /// The services.
    pub resources: Vec<Resource>,
}

/// A built-in text that does not parse: a bug, reported at start.
fn bad(e: ContentError) -> WebError {
    WebError::Internal(format!("content file {} is invalid: {}", e.file, e.message))
}
