//! What comes out: the reasons, what was noticed, the notes, the next steps.

use attune_text::abuse::{self, Tier};
use attune_text::crisis::Level;
use serde::{Deserialize, Serialize};

use crate::safety::{CheckinSignal, ResourceGroup};

/// Why a safety note is shown. Several may apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The words may point to thoughts of suicide or self-harm.
    CrisisLanguage,
    /// The words describe being hurt, threatened or controlled.
    AbuseLanguage,
    /// The words describe the person controlling or hurting their partner.
    OwnBehaviour,
    /// The person said in a check-in that they are afraid right now.
    AfraidNow,
    /// A check-in rated felt security or respect very low.
    VeryLowRating,
    /// Safety mode is on: services come after every save.
    SafetyMode,
}

impl Reason {
    /// Every reason, for tests and documentation.
    pub const ALL: [Reason; 6] = [
        Reason::CrisisLanguage,
        Reason::AbuseLanguage,
        Reason::OwnBehaviour,
        Reason::AfraidNow,
        Reason::VeryLowRating,
        Reason::SafetyMode,
    ];

    /// The stable id ("crisis-language").
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::CrisisLanguage => "crisis-language",
            Reason::AbuseLanguage => "abuse-language",
            Reason::OwnBehaviour => "own-behaviour",
            Reason::AfraidNow => "afraid-now",
            Reason::VeryLowRating => "very-low-rating",
            Reason::SafetyMode => "safety-mode",
        }
    }
}

/// One noticed passage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Noticed {
    /// The lexicon rule.
    pub rule: String,
    /// What the rule notices, in plain words.
    pub about: String,
    /// The words, as written.
    pub words: String,
}

/// What the crisis check noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrisisFound {
    /// "concern" or "urgent".
    pub level: Level,
    /// Raised to urgent because several signs came together.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escalated: bool,
    /// Each noticed passage.
    pub noticed: Vec<Noticed>,
}

/// What the abuse check noticed (about the person, or by them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AbuseFound {
    /// The most serious tier noticed.
    pub tier: Tier,
    /// The kinds noticed, by id ("strangulation").
    pub kinds: Vec<abuse::Kind>,
    /// Each noticed passage.
    pub noticed: Vec<Noticed>,
    /// A note of these kinds was already shown today, so none is shown now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub already_shown_today: bool,
}

/// Something the person can do next. Each front end words it its own way
/// (a command in the terminal, a link in the web app).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NextStep {
    /// Make or read a personal safety plan for a crisis.
    CrisisPlan,
    /// Make or read a plan for staying safe or leaving safely.
    StayingSafePlan,
    /// Take the relationship-safety check.
    SafetyCheck,
    /// Choose a country, for local services.
    SetCountry,
    /// Safety mode is on: how to switch it off (or on again).
    SafetyMode,
}

/// One note, tied to the reason it is shown for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Why.
    pub reason: Reason,
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// What attune noticed in the words, as a sentence, when it noticed words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noticed: Option<String>,
}

/// The whole response after a save: the `"safety"` field of `--json` output
/// (docs/json.md) and what the web app shows before anything else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Why anything is shown; may hold a reason whose note was already shown today.
    pub reasons: Vec<Reason>,
    /// Present when the words may point to a crisis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crisis: Option<CrisisFound>,
    /// Present when the words describe abuse of the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abuse: Option<AbuseFound>,
    /// Present when the words describe the person controlling or hurting their partner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_behaviour: Option<AbuseFound>,
    /// The check-in's safety signal, for check-ins that raised one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkin: Option<CheckinSignal>,
    /// Whether safety mode is on after this save.
    pub safety_mode: bool,
    /// This save switched safety mode on: the caller stores it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub switched_on: bool,
    /// Whose services are listed ("gb", or "international").
    pub country: String,
    /// Whether the person chose a country.
    pub country_set: bool,
    /// What to do in immediate danger (the country's first line).
    pub advice: String,
    /// What to say, in order.
    pub messages: Vec<Note>,
    /// Services, most urgent group first.
    pub resources: Vec<ResourceGroup>,
    /// What the person can do next, most useful first.
    pub next: Vec<NextStep>,
    /// Suggests taking the safety check (kept for older readers of the JSON).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub offer_check: bool,
    /// Note kinds shown now, for the caller to remember with today's date.
    #[serde(skip)]
    pub shown: Vec<String>,
}

impl Decision {
    /// Whether there is anything to show.
    pub fn is_visible(&self) -> bool {
        !self.messages.is_empty()
    }
}
