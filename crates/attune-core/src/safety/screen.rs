//! The relationship-safety check: its items, answers and scoring.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::copy_error;
use crate::content::ContentError;
use crate::error::ValidationError;

/// `content/safety/screen.toml`, embedded.
pub const SCREEN_TOML: &str = include_str!("../../../../content/safety/screen.toml");

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
