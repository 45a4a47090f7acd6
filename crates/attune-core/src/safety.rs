//! Safety first: the relationship-safety check, safety mode, the check-in
//! safety question and the support resources per country.
//!
//! The framework's steps (talk openly with the partner, agree things
//! together) assume a relationship that is safe. This module decides, from
//! the person's own answers, when that may not be so, and what attune then
//! does differently ([`SafetyPolicy`]). The wording lives in
//! `content/safety/screen.toml` and `content/safety/resources/*.toml`, both
//! embedded and checked here. Noticing crisis language in free text is
//! `attune-text`'s job; the caller combines the two.
//!
//! # The scoring rule
//!
//! Each item of the check belongs to a [`Topic`], and each topic is either a
//! danger topic (fear, threats, physical harm, sexual coercion) or a control
//! topic (money, phone, contacts, being monitored, isolation):
//!
//! - any "yes" on a danger item switches safety mode on;
//! - "yes" on [`CONTROL_ITEMS_FOR_SAFETY_MODE`] or more control items
//!   switches it on;
//! - otherwise, a single control "yes", or "prefer not to say" on a danger
//!   item, means safety mode is *offered*;
//! - otherwise nothing changes.
//!
//! This is not a diagnosis or a risk assessment: it only decides which
//! screens to show first. The person can switch safety mode on or off at
//! any time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::checkin::Checkin;
use crate::content::ContentError;
use crate::error::ValidationError;

/// `content/safety/screen.toml`, embedded.
pub const SCREEN_TOML: &str = include_str!("../../../content/safety/screen.toml");

/// Every file of `content/safety/resources/`, embedded, as (country code,
/// text). A test checks that this list matches the directory.
pub const RESOURCE_FILES: &[(&str, &str)] = &[
    ("au", include_str!("../../../content/safety/resources/au.toml")),
    ("ca", include_str!("../../../content/safety/resources/ca.toml")),
    ("de", include_str!("../../../content/safety/resources/de.toml")),
    ("fr", include_str!("../../../content/safety/resources/fr.toml")),
    ("gb", include_str!("../../../content/safety/resources/gb.toml")),
    ("ie", include_str!("../../../content/safety/resources/ie.toml")),
    ("international", include_str!("../../../content/safety/resources/international.toml")),
    ("nl", include_str!("../../../content/safety/resources/nl.toml")),
    ("nz", include_str!("../../../content/safety/resources/nz.toml")),
    ("us", include_str!("../../../content/safety/resources/us.toml")),
];

/// The code of the fallback file.
pub const INTERNATIONAL: &str = "international";

/// How many control items answered "yes" switch safety mode on.
pub const CONTROL_ITEMS_FOR_SAFETY_MODE: usize = 2;

// ---------------------------------------------------------------------------
// Answers and topics

/// An answer to one item of the check (or to the check-in safety question).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
    /// The person chose not to answer. Never counted as "yes".
    PreferNotToSay,
}

impl Answer {
    /// Every answer, in the order they are offered.
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::PreferNotToSay];

    /// The stable id ("yes", "no", "prefer-not-to-say").
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::PreferNotToSay => "prefer-not-to-say",
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text that is not an answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an answer; use yes, no or prefer-not-to-say")]
pub struct BadAnswer(pub String);

impl FromStr for Answer {
    type Err = BadAnswer;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace([' ', '_'], "-").as_str() {
            "yes" | "y" => Ok(Answer::Yes),
            "no" | "n" => Ok(Answer::No),
            "prefer-not-to-say" | "prefer-not" | "skip" | "pass" => Ok(Answer::PreferNotToSay),
            _ => Err(BadAnswer(s.to_string())),
        }
    }
}

/// Whether an item is about danger or about control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// Fear, threats, physical harm, sexual coercion: one "yes" is enough.
    Danger,
    /// Control of money, phone, contacts, monitoring, isolation: two are.
    Control,
}

/// What an item of the check asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// Being afraid of the partner.
    Fear,
    /// Threats to the person, others, pets, or to self-harm as leverage.
    Threats,
    /// Being physically hurt.
    PhysicalHarm,
    /// Sexual pressure or force.
    SexualCoercion,
    /// Control of money.
    ControlMoney,
    /// Control of the phone and who one may contact by it.
    ControlPhone,
    /// Being kept from friends and family.
    ControlContacts,
    /// Being watched: messages, accounts, location.
    Monitoring,
    /// Being kept in, from work, study or going out.
    Isolation,
}

impl Topic {
    /// Every topic; the check must ask about each.
    pub const ALL: [Topic; 9] = [
        Topic::Fear,
        Topic::Threats,
        Topic::PhysicalHarm,
        Topic::SexualCoercion,
        Topic::ControlMoney,
        Topic::ControlPhone,
        Topic::ControlContacts,
        Topic::Monitoring,
        Topic::Isolation,
    ];

    /// Danger or control (see the module's scoring rule).
    pub fn kind(self) -> ItemKind {
        match self {
            Topic::Fear | Topic::Threats | Topic::PhysicalHarm | Topic::SexualCoercion => ItemKind::Danger,
            Topic::ControlMoney
            | Topic::ControlPhone
            | Topic::ControlContacts
            | Topic::Monitoring
            | Topic::Isolation => ItemKind::Control,
        }
    }
}

// ---------------------------------------------------------------------------
// The check

/// One question of the check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenItem {
    /// Stable id; answers are stored by it.
    pub id: String,
    /// What it asks about.
    pub topic: Topic,
    /// The question.
    pub text: String,
}

/// The texts around the questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenTexts {
    /// Heading.
    pub title: String,
    /// Why attune asks.
    pub intro: String,
    /// Where the answers go (nowhere).
    pub privacy: String,
    /// Self-help, not therapy, not emergency care.
    pub not_a_diagnosis: String,
}

/// The words for each answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerTexts {
    /// For [`Answer::Yes`].
    pub yes: String,
    /// For [`Answer::No`].
    pub no: String,
    /// For [`Answer::PreferNotToSay`].
    pub prefer_not_to_say: String,
}

impl AnswerTexts {
    /// The words for `answer`.
    pub fn get(&self, answer: Answer) -> &str {
        match answer {
            Answer::Yes => &self.yes,
            Answer::No => &self.no,
            Answer::PreferNotToSay => &self.prefer_not_to_say,
        }
    }
}

/// A heading and a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
}

/// What the person reads after the check, per outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeTexts {
    /// Safety mode was switched on.
    pub safety_mode: Message,
    /// Safety mode is offered.
    pub offer: Message,
    /// Nothing suggests danger.
    pub clear: Message,
}

/// The explanation of safety mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyModeTexts {
    /// Heading.
    pub title: String,
    /// What it is for.
    pub summary: String,
    /// What changes, one line each.
    pub changes: Vec<String>,
    /// How to keep attune private, one tip each.
    pub keeping_private: Vec<String>,
    /// How to switch it off again.
    pub switch_off: String,
}

/// The optional safety question of a check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinTexts {
    /// The question; "yes" means danger.
    pub question: String,
    /// Heading shown after a "yes".
    pub danger_title: String,
    /// Text shown after a "yes".
    pub danger_text: String,
    /// Text shown when felt security is rated very low.
    pub offer_text: String,
}

/// The relationship-safety check with all its texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screen {
    /// Format version (1).
    pub version: u32,
    /// Texts around the questions.
    pub texts: ScreenTexts,
    /// Words for the answers.
    pub answers: AnswerTexts,
    /// The questions, in the order they are asked.
    #[serde(rename = "item")]
    pub items: Vec<ScreenItem>,
    /// What the person reads afterwards.
    pub outcome: OutcomeTexts,
    /// The explanation of safety mode.
    pub safety_mode: SafetyModeTexts,
    /// The check-in safety question.
    pub checkin: CheckinTexts,
}

/// What the answers mean.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenResult {
    /// Switch safety mode on.
    pub safety_mode: bool,
    /// Offer safety mode (only when `safety_mode` is false).
    pub offer_safety_mode: bool,
    /// Danger items answered "yes", in check order.
    pub danger: Vec<String>,
    /// Control items answered "yes", in check order.
    pub control: Vec<String>,
    /// Items not answered or answered "prefer not to say", in check order.
    pub unanswered: Vec<String>,
}

fn copy_error(e: &ContentError) -> ContentError {
    e.clone()
}

fn is_item_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 60
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// The embedded check, parsed once.
pub fn screen() -> Result<&'static Screen, ContentError> {
    static SCREEN: OnceLock<Result<Screen, ContentError>> = OnceLock::new();
    SCREEN.get_or_init(|| Screen::parse(SCREEN_TOML)).as_ref().map_err(copy_error)
}

impl Screen {
    /// Parses and checks a check in the format of `content/safety/screen.toml`.
    pub fn parse(text: &str) -> Result<Self, ContentError> {
        let err = |message: String| ContentError { file: "safety/screen.toml".into(), message };
        let screen: Screen = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if screen.version != 1 {
            return Err(err(format!("version {} is not supported (expected 1)", screen.version)));
        }
        let mut texts: Vec<(&str, &str)> = vec![
            ("texts.title", &screen.texts.title),
            ("texts.intro", &screen.texts.intro),
            ("texts.privacy", &screen.texts.privacy),
            ("texts.not_a_diagnosis", &screen.texts.not_a_diagnosis),
            ("answers.yes", &screen.answers.yes),
            ("answers.no", &screen.answers.no),
            ("answers.prefer_not_to_say", &screen.answers.prefer_not_to_say),
            ("safety_mode.title", &screen.safety_mode.title),
            ("safety_mode.summary", &screen.safety_mode.summary),
            ("safety_mode.switch_off", &screen.safety_mode.switch_off),
            ("checkin.question", &screen.checkin.question),
            ("checkin.danger_title", &screen.checkin.danger_title),
            ("checkin.danger_text", &screen.checkin.danger_text),
            ("checkin.offer_text", &screen.checkin.offer_text),
        ];
        for (name, m) in [
            ("outcome.safety_mode", &screen.outcome.safety_mode),
            ("outcome.offer", &screen.outcome.offer),
            ("outcome.clear", &screen.outcome.clear),
        ] {
            texts.push((name, &m.title));
            texts.push((name, &m.text));
        }
        for line in screen.safety_mode.changes.iter().chain(&screen.safety_mode.keeping_private) {
            texts.push(("safety_mode lists", line));
        }
        if let Some((name, _)) = texts.iter().find(|(_, t)| t.trim().is_empty()) {
            return Err(err(format!("{name} is empty")));
        }
        if screen.safety_mode.changes.is_empty() || screen.safety_mode.keeping_private.is_empty() {
            return Err(err("safety_mode.changes and safety_mode.keeping_private need at least one line".into()));
        }
        let mut ids = BTreeSet::new();
        for item in &screen.items {
            if !is_item_id(&item.id) {
                return Err(err(format!("item id '{}' must be lower-case letters, digits and single dashes", item.id)));
            }
            if !ids.insert(item.id.as_str()) {
                return Err(err(format!("item '{}' is listed twice", item.id)));
            }
            if item.text.trim().is_empty() {
                return Err(err(format!("item '{}' has no text", item.id)));
            }
        }
        if let Some(missing) = Topic::ALL.iter().find(|t| !screen.items.iter().any(|i| i.topic == **t)) {
            return Err(err(format!("no item asks about {missing:?}")));
        }
        Ok(screen)
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&ScreenItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Applies the scoring rule (see the module docs) to the answers given,
    /// keyed by item id. Items without an answer count as not answered. An
    /// id that is not an item is refused, so a typo cannot hide a "yes".
    pub fn score(&self, answers: &BTreeMap<String, Answer>) -> Result<ScreenResult, ValidationError> {
        if let Some(unknown) = answers.keys().find(|id| self.item(id).is_none()) {
            return Err(ValidationError::one(
                "answers",
                format!("'{unknown}' is not a question of the safety check"),
                Some(format!("known: {}", self.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", "))),
            ));
        }
        let mut result = ScreenResult::default();
        let mut danger_unanswered = false;
        for item in &self.items {
            match answers.get(&item.id).copied() {
                Some(Answer::Yes) => match item.topic.kind() {
                    ItemKind::Danger => result.danger.push(item.id.clone()),
                    ItemKind::Control => result.control.push(item.id.clone()),
                },
                Some(Answer::No) => {}
                Some(Answer::PreferNotToSay) | None => {
                    danger_unanswered |= item.topic.kind() == ItemKind::Danger;
                    result.unanswered.push(item.id.clone());
                }
            }
        }
        result.safety_mode = !result.danger.is_empty() || result.control.len() >= CONTROL_ITEMS_FOR_SAFETY_MODE;
        result.offer_safety_mode = !result.safety_mode && (!result.control.is_empty() || danger_unanswered);
        Ok(result)
    }

    /// What to tell the person about `result`.
    pub fn outcome_message(&self, result: &ScreenResult) -> &Message {
        if result.safety_mode {
            &self.outcome.safety_mode
        } else if result.offer_safety_mode {
            &self.outcome.offer
        } else {
            &self.outcome.clear
        }
    }
}

// ---------------------------------------------------------------------------
// Safety mode

/// What attune offers, depending on safety mode. Every surface asks this
/// rather than testing the flag itself, so the rule lives in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SafetyPolicy {
    /// Show support services before anything else.
    pub resources_first: bool,
    /// Suggest talking openly with the partner (framework step 3), statement
    /// scripts meant for the partner, and healthy-conversation prompts.
    pub suggest_partner_talk: bool,
    /// Allow sharing anything to a partner space.
    pub partner_sharing: bool,
    /// Offer agreements, shared trigger plans and a shared pause rule.
    pub partner_agreements: bool,
}

impl SafetyPolicy {
    /// Outside safety mode.
    pub const NORMAL: SafetyPolicy = SafetyPolicy {
        resources_first: false,
        suggest_partner_talk: true,
        partner_sharing: true,
        partner_agreements: true,
    };

    /// In safety mode: resources first, nothing that involves the partner.
    pub const SAFETY_MODE: SafetyPolicy = SafetyPolicy {
        resources_first: true,
        suggest_partner_talk: false,
        partner_sharing: false,
        partner_agreements: false,
    };

    /// The policy for safety mode on or off.
    pub fn for_mode(safety_mode: bool) -> SafetyPolicy {
        if safety_mode { Self::SAFETY_MODE } else { Self::NORMAL }
    }
}

// ---------------------------------------------------------------------------
// Check-ins

/// Felt security at or below this (on the 0–10 scale) offers the safety
/// check. A low rating is about feeling insecure, not proof of danger, so it
/// only leads to an offer.
pub const VERY_LOW_SECURITY: u8 = 1;

/// What a check-in says about safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckinSignal {
    /// Nothing to act on.
    None,
    /// Offer the safety check gently (felt security or respect rated very
    /// low).
    OfferCheck,
    /// The person said they are afraid of their partner or of being hurt
    /// right now: show emergency and abuse resources first and switch on
    /// safety mode.
    Danger,
}

/// The safety signal of a saved check-in. `afraid_now` is the answer to the
/// optional check-in question in `screen.toml` (`[checkin] question`), if it
/// was asked. Crisis language in the note is read by `attune-text`; the
/// caller combines both.
pub fn checkin_signal(checkin: &Checkin, afraid_now: Option<Answer>) -> CheckinSignal {
    if afraid_now == Some(Answer::Yes) {
        CheckinSignal::Danger
    } else if checkin.security <= VERY_LOW_SECURITY || checkin.respected.is_some_and(|r| r <= VERY_LOW_SECURITY) {
        CheckinSignal::OfferCheck
    } else {
        CheckinSignal::None
    }
}

// ---------------------------------------------------------------------------
// Resources

/// What a resource helps with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Thoughts of suicide or self-harm, emotional crisis.
    Crisis,
    /// Domestic abuse: a partner who frightens, controls or hurts.
    Abuse,
    /// Immediate danger.
    Emergency,
}

/// When and where a resource's details were last verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Where the details can be verified ("samaritans.org").
    pub source: String,
    /// Year of the last check.
    pub year: u16,
    /// Month of the last check, 1–12.
    pub month: u8,
}

impl FromStr for Checked {
    type Err = String;

    /// Parses "samaritans.org, checked 2026-11".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' should look like \"samaritans.org, checked 2026-11\"");
        let (source, date) = s.rsplit_once(", checked ").ok_or_else(bad)?;
        let (year, month) = date.trim().split_once('-').ok_or_else(bad)?;
        let year: u16 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        if source.trim().is_empty() || !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Checked { source: source.trim().to_string(), year, month })
    }
}

/// One helpline, text line, website or emergency number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Its name.
    pub name: String,
    /// What it helps with.
    pub purposes: Vec<Purpose>,
    /// What it is, in a sentence.
    pub about: String,
    /// Number to call.
    pub phone: Option<String>,
    /// A second number to call.
    pub phone_alt: Option<String>,
    /// Number to text.
    pub text: Option<String>,
    /// Word to send to `text`, when the service asks for one.
    pub text_keyword: Option<String>,
    /// Website (https).
    pub web: Option<String>,
    /// Opening hours, when the organisation states them.
    pub hours: Option<String>,
    /// Where and when the details were verified.
    pub checked: Checked,
}

impl Resource {
    /// Whether it helps with `purpose`.
    pub fn serves(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
    }
}

/// The resources of one country (or the international fallback).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountryResources {
    /// Lower-case ISO 3166 code, or "international".
    pub country: String,
    /// The country's name.
    pub name: String,
    /// The first line to show: what to do in immediate danger.
    pub advice: String,
    /// The entries, in the order the file lists them.
    pub resources: Vec<Resource>,
}

impl CountryResources {
    /// The entries that help with `purpose`, in file order.
    pub fn serving(&self, purpose: Purpose) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(move |r| r.serves(purpose))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    country: String,
    name: String,
    advice: String,
    resource: Vec<RawResource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResource {
    name: String,
    #[serde(rename = "for")]
    purposes: Vec<Purpose>,
    about: String,
    phone: Option<String>,
    phone_alt: Option<String>,
    text: Option<String>,
    text_keyword: Option<String>,
    web: Option<String>,
    hours: Option<String>,
    checked: String,
}

fn check_number(field: &str, value: &str) -> Result<(), String> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits < 2 || !value.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')')) {
        return Err(format!("{field} '{value}' is not a phone number"));
    }
    Ok(())
}

fn parse_country(code: &str, text: &str) -> Result<CountryResources, String> {
    let raw: RawCountry = toml::from_str(text).map_err(|e| e.to_string())?;
    if raw.country != code {
        return Err(format!("country = \"{}\" does not match the file name", raw.country));
    }
    if raw.name.trim().is_empty() || raw.advice.trim().is_empty() {
        return Err("name and advice must not be empty".into());
    }
    let mut resources = Vec::with_capacity(raw.resource.len());
    for r in raw.resource {
        let what = |m: String| format!("resource '{}': {m}", r.name);
        if r.name.trim().is_empty() || r.about.trim().is_empty() {
            return Err(what("name and about must not be empty".into()));
        }
        if r.purposes.is_empty() || r.purposes.iter().collect::<BTreeSet<_>>().len() != r.purposes.len() {
            return Err(what("'for' must list crisis, abuse and/or emergency, each once".into()));
        }
        if r.phone.is_none() && r.text.is_none() && r.web.is_none() {
            return Err(what("needs a phone, text or web contact".into()));
        }
        for (field, value) in [("phone", &r.phone), ("phone_alt", &r.phone_alt), ("text", &r.text)] {
            if let Some(v) = value {
                check_number(field, v).map_err(&what)?;
            }
        }
        if r.phone_alt.is_some() && r.phone.is_none() {
            return Err(what("phone_alt needs phone".into()));
        }
        match (&r.text_keyword, &r.text) {
            (Some(_), None) => return Err(what("text_keyword needs text".into())),
            (Some(k), Some(_)) if k.is_empty() || !k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) => {
                return Err(what(format!("text_keyword '{k}' should be upper-case letters")));
            }
            _ => {}
        }
        if let Some(web) = &r.web
            && (!web.starts_with("https://") || web.len() <= "https://".len() || web.contains(char::is_whitespace))
        {
            return Err(what(format!("web '{web}' must be an https address")));
        }
        if r.hours.as_ref().is_some_and(|h| h.trim().is_empty()) {
            return Err(what("hours is empty; leave it out when unknown".into()));
        }
        let checked = r.checked.parse::<Checked>().map_err(&what)?;
        resources.push(Resource {
            name: r.name,
            purposes: r.purposes,
            about: r.about,
            phone: r.phone,
            phone_alt: r.phone_alt,
            text: r.text,
            text_keyword: r.text_keyword,
            web: r.web,
            hours: r.hours,
            checked,
        });
    }
    let country = CountryResources { country: raw.country, name: raw.name, advice: raw.advice, resources };
    for needed in [Purpose::Crisis, Purpose::Emergency] {
        if country.serving(needed).next().is_none() {
            return Err(format!("has no {needed:?} entry"));
        }
    }
    Ok(country)
}

/// Support resources for every country attune knows, plus the fallback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceDirectory {
    countries: BTreeMap<String, CountryResources>,
    international: CountryResources,
}

/// The embedded resources, parsed once.
pub fn resources() -> Result<&'static ResourceDirectory, ContentError> {
    static RESOURCES: OnceLock<Result<ResourceDirectory, ContentError>> = OnceLock::new();
    RESOURCES.get_or_init(|| ResourceDirectory::parse(RESOURCE_FILES)).as_ref().map_err(copy_error)
}

impl ResourceDirectory {
    /// Parses (code, text) pairs; one must be [`INTERNATIONAL`].
    pub fn parse(files: &[(&str, &str)]) -> Result<Self, ContentError> {
        let mut countries = BTreeMap::new();
        for (code, text) in files {
            let valid_code =
                *code == INTERNATIONAL || (code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase()));
            let parsed = if valid_code {
                parse_country(code, text)
            } else {
                Err(format!("'{code}' is not a lower-case two-letter country code"))
            };
            let country = parsed.map_err(|message| ContentError {
                file: "safety/resources".into(),
                message: format!("{code}.toml: {message}"),
            })?;
            if countries.insert(code.to_string(), country).is_some() {
                return Err(ContentError {
                    file: "safety/resources".into(),
                    message: format!("{code} is listed twice"),
                });
            }
        }
        let international = countries.remove(INTERNATIONAL).ok_or_else(|| ContentError {
            file: "safety/resources".into(),
            message: "international.toml is missing".into(),
        })?;
        Ok(Self { countries, international })
    }

    /// The resources for a country code ("us", "GB", "uk"), falling back to
    /// the international file for codes attune has no file for.
    pub fn for_country(&self, code: &str) -> &CountryResources {
        let code = code.trim().to_ascii_lowercase();
        let code = if code == "uk" { "gb".to_string() } else { code };
        self.countries.get(&code).unwrap_or(&self.international)
    }

    /// The fallback for countries without a file.
    pub fn international(&self) -> &CountryResources {
        &self.international
    }

    /// Country codes with their own file, without the fallback.
    pub fn country_codes(&self) -> impl Iterator<Item = &str> {
        self.countries.keys().map(String::as_str)
    }

    /// What to show for `purpose` in a country: its own entries for that
    /// purpose (or the international ones if it has none), then its
    /// emergency entries (unless `purpose` is emergency already).
    pub fn for_purpose(&self, code: &str, purpose: Purpose) -> Vec<&Resource> {
        let country = self.for_country(code);
        let mut out: Vec<&Resource> = country.serving(purpose).collect();
        if out.is_empty() {
            out.extend(self.international().serving(purpose));
        }
        if purpose != Purpose::Emergency {
            out.extend(country.serving(Purpose::Emergency).filter(|r| !r.serves(purpose)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkin::CheckinDraft;
    use crate::ids::RecordId;
    use crate::moment::Moment;
    use jiff::Timestamp;
    use proptest::prelude::*;

    fn answers(pairs: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
        pairs.iter().map(|(id, a)| (id.to_string(), *a)).collect()
    }

    fn all_no() -> BTreeMap<String, Answer> {
        screen().unwrap().items.iter().map(|i| (i.id.clone(), Answer::No)).collect()
    }

    #[test]
    fn shipped_screen_is_valid_and_asks_about_every_topic() {
        let s = screen().unwrap();
        for topic in Topic::ALL {
            assert!(s.items.iter().any(|i| i.topic == topic), "{topic:?}");
        }
        assert!(s.items.len() >= 10);
        assert!(s.texts.not_a_diagnosis.contains("not therapy"));
    }

    #[test]
    fn one_danger_yes_switches_safety_mode_on() {
        let s = screen().unwrap();
        for item in s.items.iter().filter(|i| i.topic.kind() == ItemKind::Danger) {
            let mut a = all_no();
            a.insert(item.id.clone(), Answer::Yes);
            let r = s.score(&a).unwrap();
            assert!(r.safety_mode, "{}", item.id);
            assert_eq!(r.danger, vec![item.id.clone()]);
            assert_eq!(s.outcome_message(&r), &s.outcome.safety_mode);
        }
    }

    #[test]
    fn control_needs_two_and_one_is_an_offer() {
        let s = screen().unwrap();
        let mut a = all_no();
        a.insert("controls-money".into(), Answer::Yes);
        let one = s.score(&a).unwrap();
        assert!(!one.safety_mode);
        assert!(one.offer_safety_mode);
        assert_eq!(s.outcome_message(&one), &s.outcome.offer);
        a.insert("monitors-you".into(), Answer::Yes);
        let two = s.score(&a).unwrap();
        assert!(two.safety_mode);
        assert!(!two.offer_safety_mode);
        assert_eq!(two.control, vec!["controls-money".to_string(), "monitors-you".to_string()]);
    }

    #[test]
    fn skipping_is_respected_and_never_counted_as_yes() {
        let s = screen().unwrap();
        let clear = s.score(&all_no()).unwrap();
        assert_eq!(clear, ScreenResult::default());
        assert_eq!(s.outcome_message(&clear), &s.outcome.clear);

        let mut a = all_no();
        a.insert("afraid-of-partner".into(), Answer::PreferNotToSay);
        let r = s.score(&a).unwrap();
        assert!(!r.safety_mode);
        assert!(r.offer_safety_mode, "a skipped danger question offers safety mode");
        assert_eq!(r.unanswered, vec!["afraid-of-partner".to_string()]);

        let nothing = s.score(&BTreeMap::new()).unwrap();
        assert!(!nothing.safety_mode);
        assert_eq!(nothing.unanswered.len(), s.items.len());
        let mut skip_control = all_no();
        skip_control.insert("controls-phone".into(), Answer::PreferNotToSay);
        assert!(!s.score(&skip_control).unwrap().offer_safety_mode);
    }

    #[test]
    fn unknown_item_ids_are_refused() {
        let s = screen().unwrap();
        let err = s.score(&answers(&[("afraid-of-partnr", Answer::Yes)])).unwrap_err();
        assert!(err.to_string().contains("afraid-of-partnr"));
        assert!(err.problems[0].hint.as_deref().unwrap().contains("afraid-of-partner"));
    }

    #[test]
    fn answers_parse_and_round_trip() {
        for a in Answer::ALL {
            assert_eq!(a.as_str().parse::<Answer>().unwrap(), a);
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{a}\""));
        }
        assert_eq!("Prefer not to say".parse::<Answer>().unwrap(), Answer::PreferNotToSay);
        assert!("maybe".parse::<Answer>().is_err());
    }

    #[test]
    fn broken_screens_are_refused_with_a_reason() {
        let cases = [
            (SCREEN_TOML.replace("version = 1", "version = 2"), "version"),
            (SCREEN_TOML.replace("id = \"controls-phone\"", "id = \"controls-money\""), "twice"),
            (SCREEN_TOML.replace("topic = \"isolation\"", "topic = \"monitoring\""), "Isolation"),
            (SCREEN_TOML.replace("topic = \"fear\"", "topic = \"worry\""), "worry"),
            (SCREEN_TOML.replace("id = \"keeps-you-in\"", "id = \"Keeps You In\""), "lower-case"),
            (SCREEN_TOML.replace("yes = \"Yes\"", "yes = \" \""), "answers.yes"),
        ];
        for (text, expected) in cases {
            let err = Screen::parse(&text).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }

    #[test]
    fn safety_mode_policy_leaves_out_everything_with_the_partner() {
        let on = SafetyPolicy::for_mode(true);
        assert!(on.resources_first);
        assert!(!on.suggest_partner_talk && !on.partner_sharing && !on.partner_agreements);
        let off = SafetyPolicy::for_mode(false);
        assert!(!off.resources_first);
        assert!(off.suggest_partner_talk && off.partner_sharing && off.partner_agreements);
        let texts = &screen().unwrap().safety_mode;
        assert!(texts.changes.len() >= 4);
        assert!(texts.keeping_private.iter().any(|t| t.contains("passphrase")));
    }

    fn checkin(security: i64, respected: Option<i64>) -> Checkin {
        let at = Moment::with_offset(Timestamp::from_second(1_700_000_000).unwrap(), 0);
        CheckinDraft { security: Some(security), respected, ..Default::default() }
            .into_checkin(RecordId::from_uuid(uuid::Uuid::nil()), at)
            .unwrap()
    }

    #[test]
    fn checkin_signals() {
        assert_eq!(checkin_signal(&checkin(7, None), None), CheckinSignal::None);
        assert_eq!(checkin_signal(&checkin(7, None), Some(Answer::Yes)), CheckinSignal::Danger);
        assert_eq!(checkin_signal(&checkin(0, None), Some(Answer::No)), CheckinSignal::OfferCheck);
        assert_eq!(checkin_signal(&checkin(1, None), None), CheckinSignal::OfferCheck);
        assert_eq!(checkin_signal(&checkin(2, None), Some(Answer::PreferNotToSay)), CheckinSignal::None);
        assert_eq!(checkin_signal(&checkin(6, Some(0)), None), CheckinSignal::OfferCheck);
    }

    #[test]
    fn every_resource_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/safety/resources");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|name| name.strip_suffix(".toml").map(str::to_string))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = RESOURCE_FILES.iter().map(|(c, _)| c.to_string()).collect();
        assert_eq!(embedded, on_disk, "update RESOURCE_FILES in safety.rs");
    }

    #[test]
    fn every_country_parses_with_contacts_citations_crisis_and_emergency() {
        let dir = resources().unwrap();
        assert!(dir.country_codes().count() >= 9);
        for code in dir.country_codes().chain([INTERNATIONAL]) {
            let c = dir.for_country(code);
            assert_eq!(c.country, code);
            assert!(c.serving(Purpose::Crisis).next().is_some(), "{code} crisis");
            assert!(c.serving(Purpose::Emergency).next().is_some(), "{code} emergency");
            for r in &c.resources {
                assert!(r.phone.is_some() || r.text.is_some() || r.web.is_some(), "{code}: {}", r.name);
                assert!(!r.checked.source.is_empty() && r.checked.year >= 2026, "{code}: {}", r.name);
            }
        }
    }

    #[test]
    fn well_known_numbers_are_where_they_belong() {
        let dir = resources().unwrap();
        let phones = |code: &str, p: Purpose| -> Vec<String> {
            dir.for_country(code).serving(p).filter_map(|r| r.phone.clone()).collect()
        };
        assert!(phones("us", Purpose::Crisis).contains(&"988".to_string()));
        assert!(phones("us", Purpose::Abuse).contains(&"1-800-799-7233".to_string()));
        assert!(phones("gb", Purpose::Crisis).contains(&"116 123".to_string()));
        assert!(phones("gb", Purpose::Abuse).contains(&"0808 2000 247".to_string()));
        assert!(phones("au", Purpose::Emergency).contains(&"000".to_string()));
        assert!(phones("nz", Purpose::Emergency).contains(&"111".to_string()));
        assert!(phones("fr", Purpose::Abuse).contains(&"3919".to_string()));
    }

    #[test]
    fn unknown_countries_fall_back_to_international() {
        let dir = resources().unwrap();
        assert_eq!(dir.for_country("US").country, "us");
        assert_eq!(dir.for_country(" uk ").country, "gb");
        assert_eq!(dir.for_country("xx").country, INTERNATIONAL);
        assert_eq!(dir.for_country("").country, INTERNATIONAL);
        assert!(dir.international().advice.contains("emergency number"));
        // Canada has no national abuse phone line in the file: its own web
        // entry comes first, then its emergency number.
        let ca = dir.for_purpose("ca", Purpose::Abuse);
        assert_eq!(ca.first().unwrap().web.as_deref(), Some("https://sheltersafe.ca"));
        assert!(ca.last().unwrap().serves(Purpose::Emergency));
        // A purpose a country lacks is filled from the international file.
        let files: Vec<(&str, &str)> = RESOURCE_FILES.to_vec();
        let mut dir2 = ResourceDirectory::parse(&files).unwrap();
        if let Some(c) = dir2.countries.get_mut("ca") {
            c.resources.retain(|r| !r.serves(Purpose::Abuse));
        }
        let ca2 = dir2.for_purpose("ca", Purpose::Abuse);
        assert_eq!(ca2.first().unwrap().web.as_deref(), Some("https://findahelpline.com"));
    }

    #[test]
    fn broken_resource_files_are_refused_with_a_reason() {
        let us = RESOURCE_FILES.iter().find(|(c, _)| *c == "us").unwrap().1;
        let intl = RESOURCE_FILES.iter().find(|(c, _)| *c == INTERNATIONAL).unwrap().1;
        let cases = [
            (us.replace("checked = \"988lifeline.org, checked 2026-11\"", "checked = \"988lifeline.org\""), "checked"),
            (
                us.replace("checked = \"988lifeline.org, checked 2026-11\"", "checked = \"x, checked 2026-13\""),
                "checked",
            ),
            (us.replace("country = \"us\"", "country = \"ca\""), "file name"),
            (us.replace("for = [\"emergency\"]", "for = [\"crisis\"]"), "Emergency"),
            (us.replace("web = \"https://988lifeline.org\"", "web = \"http://988lifeline.org\""), "https"),
            (us.replace("phone = \"988\"", "phone = \"call us\""), "phone"),
            (us.replace("for = [\"abuse\"]", "for = [\"abuse\", \"abuse\"]"), "each once"),
            (us.replace("text_keyword = \"HOME\"", "text_keyword = \"home\""), "upper-case"),
            (us.replace("name = \"Crisis Text Line\"", "name = \"Crisis Text Line\"\nfax = \"1\""), "fax"),
        ];
        for (text, expected) in cases {
            let err = ResourceDirectory::parse(&[("us", &text), (INTERNATIONAL, intl)]).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
        let no_contact = "country = \"zz\"\nname = \"Z\"\nadvice = \"a\"\n[[resource]]\nname = \"n\"\nfor = [\"crisis\", \"emergency\"]\nabout = \"a\"\nchecked = \"z.org, checked 2026-11\"\n";
        let err = ResourceDirectory::parse(&[("zz", no_contact), (INTERNATIONAL, intl)]).unwrap_err();
        assert!(err.to_string().contains("needs a phone"), "{err}");
        assert!(ResourceDirectory::parse(&[("us", us)]).unwrap_err().to_string().contains("international"));
        assert!(ResourceDirectory::parse(&[("USA", us), (INTERNATIONAL, intl)]).is_err());
    }

    proptest! {
        /// Turning any answer into "yes" never switches safety mode off.
        #[test]
        fn a_further_yes_never_lowers_the_result(
            picks in proptest::collection::vec(0usize..3, 14),
            flip in 0usize..14,
        ) {
            let s = screen().unwrap();
            let base: BTreeMap<String, Answer> = s.items.iter().zip(picks.iter().cycle())
                .map(|(i, p)| (i.id.clone(), Answer::ALL[*p])).collect();
            let mut more = base.clone();
            let id = s.items[flip % s.items.len()].id.clone();
            more.insert(id, Answer::Yes);
            let before = s.score(&base).unwrap();
            let after = s.score(&more).unwrap();
            prop_assert!(!before.safety_mode || after.safety_mode);
            prop_assert!(after.danger.len() >= before.danger.len());
            prop_assert!(after.control.len() >= before.control.len());
        }
    }
}
