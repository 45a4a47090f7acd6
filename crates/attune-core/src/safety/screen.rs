//! The relationship-safety check: its items, answers and scoring.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::copy_error;
use crate::content::ContentError;
use crate::error::ValidationError;
use crate::moment::Moment;

/// `content/safety/screen.toml`, embedded.
pub const SCREEN_TOML: &str = include_str!("../../../../content/safety/screen.toml");

/// The version of the check this code reads (the file's `version`).
/// Version 2 added the emotional-abuse items; no id was changed, so results
/// saved under version 1 still score.
pub const SCREEN_VERSION: u32 = 2;

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

/// Whether an item is about danger, control or emotional abuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// Fear, threats, physical harm, sexual coercion: one "yes" is enough.
    Danger,
    /// Control of money, phone, contacts, monitoring, isolation: two are.
    Control,
    /// Put-downs, humiliation, gaslighting, accusations: informs and offers
    /// support, never switches safety mode on alone.
    Emotional,
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
    /// Being belittled: names, mockery, "not good enough".
    PutDowns,
    /// Being humiliated in front of others.
    Humiliation,
    /// Being told one imagined or misremembers what happened.
    Gaslighting,
    /// Constant accusations and questioning.
    Accusations,
}

impl Topic {
    /// Every topic; the check must ask about each.
    pub const ALL: [Topic; 13] = [
        Topic::Fear,
        Topic::Threats,
        Topic::PhysicalHarm,
        Topic::SexualCoercion,
        Topic::ControlMoney,
        Topic::ControlPhone,
        Topic::ControlContacts,
        Topic::Monitoring,
        Topic::Isolation,
        Topic::PutDowns,
        Topic::Humiliation,
        Topic::Gaslighting,
        Topic::Accusations,
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
            Topic::PutDowns | Topic::Humiliation | Topic::Gaslighting | Topic::Accusations => ItemKind::Emotional,
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
    /// Emotional abuse: what it is not (the person's insecurity), and support.
    pub support: Message,
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
    /// Format version ([`SCREEN_VERSION`]).
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
    /// Emotional-abuse items answered "yes", in check order.
    pub emotional: Vec<String>,
    /// Offer support for emotional abuse (any emotional "yes"; it never
    /// switches safety mode on by itself).
    pub offer_support: bool,
    /// Items not answered or answered "prefer not to say", in check order.
    pub unanswered: Vec<String>,
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
        if screen.version != SCREEN_VERSION {
            return Err(err(format!("version {} is not supported (expected {SCREEN_VERSION})", screen.version)));
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
            ("outcome.support", &screen.outcome.support),
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
                    ItemKind::Emotional => result.emotional.push(item.id.clone()),
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
        result.offer_support = !result.emotional.is_empty();
        Ok(result)
    }

    /// What to tell the person about `result`, first.
    pub fn outcome_message(&self, result: &ScreenResult) -> &Message {
        match result.tier() {
            Tier::SafetyMode => &self.outcome.safety_mode,
            Tier::Offer => &self.outcome.offer,
            Tier::Support => &self.outcome.support,
            Tier::Clear => &self.outcome.clear,
        }
    }

    /// Everything to tell the person, in order: the tier's message, then the
    /// emotional-abuse message when emotional items were answered "yes" but
    /// a higher tier leads (it still says what those answers mean).
    pub fn outcome_messages(&self, result: &ScreenResult) -> Vec<&Message> {
        let mut out = vec![self.outcome_message(result)];
        if result.offer_support && result.tier() > Tier::Support {
            out.push(&self.outcome.support);
        }
        out
    }
}

/// How much a result asks of attune, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Nothing suggests danger.
    Clear,
    /// Emotional abuse only: inform and offer support.
    Support,
    /// Safety mode is offered.
    Offer,
    /// Safety mode is switched on.
    SafetyMode,
}

impl ScreenResult {
    /// The tier: safety mode, an offer of it, support, or nothing.
    pub fn tier(&self) -> Tier {
        if self.safety_mode {
            Tier::SafetyMode
        } else if self.offer_safety_mode {
            Tier::Offer
        } else if self.offer_support {
            Tier::Support
        } else {
            Tier::Clear
        }
    }
}

// ---------------------------------------------------------------------------
// What is kept

fn version_1() -> u32 {
    1
}

/// A completed check as both front ends keep it (JSON in the journal's
/// settings, never shared): when, under which version of the check, and the
/// answers by item id. A record without `version` was saved by version 1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCheck {
    /// The version of the check the answers were given to.
    #[serde(default = "version_1")]
    pub version: u32,
    /// When it was taken.
    pub at: Option<Moment>,
    /// Answers by item id.
    pub answers: BTreeMap<String, Answer>,
}

impl SavedCheck {
    /// A check just taken with the current version.
    pub fn new(at: Moment, answers: BTreeMap<String, Answer>) -> Self {
        Self { version: SCREEN_VERSION, at: Some(at), answers }
    }

    /// Reads a saved check; `None` when the JSON is damaged.
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    /// The JSON to save.
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and a string map always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Scores the answers with `screen`, leaving out ids the screen no
    /// longer asks (an older version's), so an old result still shows.
    pub fn score(&self, screen: &Screen) -> ScreenResult {
        let known: BTreeMap<String, Answer> =
            self.answers.iter().filter(|(id, _)| screen.item(id).is_some()).map(|(k, v)| (k.clone(), *v)).collect();
        screen.score(&known).unwrap_or_default()
    }
}

/// A check taken part-way, kept after every answer so it can be resumed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckProgress {
    /// The version of the check it was started with.
    #[serde(default = "version_1")]
    pub version: u32,
    /// When it was started.
    pub started: Option<Moment>,
    /// The next question to ask (index into the items).
    pub position: usize,
    /// Answers so far, by item id (a skipped question is not in here).
    pub answers: BTreeMap<String, Answer>,
}

impl CheckProgress {
    /// A fresh start.
    pub fn new(started: Moment) -> Self {
        Self { version: SCREEN_VERSION, started: Some(started), position: 0, answers: BTreeMap::new() }
    }

    /// Reads saved progress; `None` when damaged or made for a different
    /// version of the check (it then starts again).
    pub fn from_json(json: &str, screen: &Screen) -> Option<Self> {
        let p: Self = serde_json::from_str(json).ok()?;
        (p.version == screen.version
            && p.position <= screen.items.len()
            && p.answers.keys().all(|id| screen.item(id).is_some()))
        .then_some(p)
    }

    /// The JSON to save.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Records the answer to the item at `index` (`None`: skipped) and moves
    /// on to the next question after it that has no answer yet, so going
    /// back to change one answer does not mean answering the rest again.
    /// An index past the end changes nothing.
    pub fn answer(&mut self, screen: &Screen, index: usize, answer: Option<Answer>) {
        let Some(item) = screen.items.get(index) else { return };
        match answer {
            Some(a) => self.answers.insert(item.id.clone(), a),
            None => self.answers.remove(&item.id),
        };
        self.position = (index + 1..screen.items.len())
            .find(|i| !self.answers.contains_key(&screen.items[*i].id))
            .unwrap_or(screen.items.len());
    }

    /// How many questions have an answer.
    pub fn answered(&self) -> usize {
        self.answers.len()
    }

    /// Whether every question was reached.
    pub fn is_done(&self, screen: &Screen) -> bool {
        self.position >= screen.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert!(s.items.len() >= 18);
        assert_eq!(s.version, SCREEN_VERSION);
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
            (SCREEN_TOML.replace("version = 2", "version = 3"), "version"),
            (SCREEN_TOML.replace("id = \"controls-phone\"", "id = \"controls-money\""), "twice"),
            (SCREEN_TOML.replace("topic = \"isolation\"", "topic = \"monitoring\""), "Isolation"),
            (SCREEN_TOML.replace("topic = \"fear\"", "topic = \"worry\""), "worry"),
            (SCREEN_TOML.replace("id = \"keeps-you-in\"", "id = \"Keeps You In\""), "lower-case"),
            (SCREEN_TOML.replace("yes = \"Yes\"", "yes = \" \""), "answers.yes"),
            (SCREEN_TOML.replace("topic = \"gaslighting\"", "topic = \"accusations\""), "Gaslighting"),
            (SCREEN_TOML.replace("[outcome.support]", "[outcome.other]"), "support"),
        ];
        for (text, expected) in cases {
            let err = Screen::parse(&text).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }

    fn emotional_ids() -> Vec<String> {
        screen().unwrap().items.iter().filter(|i| i.topic.kind() == ItemKind::Emotional).map(|i| i.id.clone()).collect()
    }

    #[test]
    fn emotional_answers_inform_and_offer_support_but_never_switch_safety_mode_on() {
        let s = screen().unwrap();
        let ids = emotional_ids();
        assert_eq!(ids.len(), 4);
        let mut a = all_no();
        for id in &ids {
            a.insert(id.clone(), Answer::Yes);
        }
        let r = s.score(&a).unwrap();
        assert!(!r.safety_mode && !r.offer_safety_mode, "{r:?}");
        assert!(r.offer_support);
        assert_eq!(r.emotional, ids);
        assert_eq!(r.tier(), Tier::Support);
        assert_eq!(s.outcome_message(&r), &s.outcome.support);
        assert_eq!(s.outcome_messages(&r), vec![&s.outcome.support]);
        let text = &s.outcome.support.text;
        assert!(text.contains("insecure") && text.contains("both") && text.contains("counsellor"), "{text}");

        // A skipped emotional question offers nothing.
        let mut skipped = all_no();
        skipped.insert(ids[0].clone(), Answer::PreferNotToSay);
        assert_eq!(s.score(&skipped).unwrap().tier(), Tier::Clear);

        // With a danger "yes", safety mode leads and the support message follows.
        a.insert("afraid-of-partner".into(), Answer::Yes);
        let r = s.score(&a).unwrap();
        assert_eq!(r.tier(), Tier::SafetyMode);
        assert_eq!(s.outcome_messages(&r), vec![&s.outcome.safety_mode, &s.outcome.support]);
    }

    #[test]
    fn a_saved_check_of_version_1_still_loads_and_scores() {
        let s = screen().unwrap();
        let v1 = r#"{"at":null,"answers":{"afraid-of-partner":"no","controls-money":"yes","an-old-question":"yes"}}"#;
        let saved = SavedCheck::from_json(v1).unwrap();
        assert_eq!(saved.version, 1);
        let r = saved.score(s);
        assert_eq!(r.control, vec!["controls-money".to_string()]);
        assert_eq!(r.tier(), Tier::Offer);
        assert!(SavedCheck::from_json("{broken").is_none());

        let now = SavedCheck::new(Moment::with_offset(jiff::Timestamp::UNIX_EPOCH, 0), all_no());
        let back = SavedCheck::from_json(&now.to_json()).unwrap();
        assert_eq!(back, now);
        assert_eq!(back.version, SCREEN_VERSION);
        assert!(now.to_json().contains("\"version\":2"));
    }

    #[test]
    fn progress_moves_on_skips_and_refuses_another_version() {
        let s = screen().unwrap();
        let mut p = CheckProgress::new(Moment::with_offset(jiff::Timestamp::UNIX_EPOCH, 0));
        p.answer(s, 0, Some(Answer::Yes));
        p.answer(s, 1, None);
        assert_eq!(p.position, 2);
        assert_eq!(p.answers.get(&s.items[0].id), Some(&Answer::Yes));
        assert!(!p.answers.contains_key(&s.items[1].id));
        // Back to the first and skipped: the earlier answer goes.
        p.answer(s, 0, None);
        assert!(p.answers.is_empty());
        p.answer(s, 99, Some(Answer::Yes));
        assert_eq!(p.position, 1);
        // Answers further on are kept, and a changed answer jumps past them.
        p.answer(s, 1, Some(Answer::No));
        p.answer(s, 2, Some(Answer::No));
        p.answer(s, 0, Some(Answer::Yes));
        assert_eq!((p.position, p.answered()), (3, 3));
        assert_eq!(CheckProgress::from_json(&p.to_json(), s), Some(p.clone()));
        let old = p.to_json().replace("\"version\":2", "\"version\":1");
        assert_eq!(CheckProgress::from_json(&old, s), None);
        for i in p.position..s.items.len() {
            p.answer(s, i, Some(Answer::No));
        }
        assert!(p.is_done(s));
    }

    proptest! {
        /// Turning any answer into "yes" never lowers the result: the tier,
        /// the offer of support and each list only grow.
        #[test]
        fn a_further_yes_never_lowers_the_result(
            picks in proptest::collection::vec(0usize..3, 18),
            flip in 0usize..18,
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
            prop_assert!(after.emotional.len() >= before.emotional.len());
            prop_assert!(after.tier() >= before.tier());
            prop_assert!(!before.offer_support || after.offer_support);
        }
    }
}
