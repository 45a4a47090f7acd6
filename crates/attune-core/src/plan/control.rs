//! Agreements that may encode control: one partner watching or limiting
//! the other (always sharing a location, reading messages, handing over
//! passwords, asking permission to see friends, checking the phone).
//!
//! The agreement helpers (CLI and web) ask this module about an agreement's
//! words and, when it finds something, ask gently whether both would choose
//! it freely, and point to the safety check. It never blocks saving and
//! never judges: a phrase only leads to a question. The phrases live in
//! `content/plan/control.toml`, matched case-insensitively on whole words.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::content::{ContentError, Library};

/// Where the phrases and texts live.
pub const CONTROL_FILE: &str = "plan/control.toml";

/// How many other words a `*` in a phrase may stand for.
pub const MAX_GAP_WORDS: usize = 3;

/// Something in an agreement's words that may be about control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Concern {
    /// Stable id ("location", "messages").
    pub id: String,
    /// What it seems to be about, in a few words ("reading each other's messages").
    pub what: String,
    /// The words of the agreement that matched.
    pub excerpt: String,
}

/// The gentle questions shown with the concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlTexts {
    /// Heading.
    pub title: String,
    /// "This agreement seems to be about {what}."
    pub found: String,
    /// The questions, one per line.
    pub questions: Vec<String>,
    /// Why it is asked, and the safety check.
    pub note: String,
    /// That it is saved anyway.
    pub saved_anyway: String,
}

impl ControlTexts {
    /// "This agreement seems to be about A and B."
    pub fn found_line(&self, concerns: &[Concern]) -> String {
        let whats: Vec<&str> = concerns.iter().map(|c| c.what.as_str()).collect();
        let what = match whats.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        self.found.replace("{what}", &what)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    texts: ControlTexts,
    concern: Vec<ConcernFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcernFile {
    id: String,
    what: String,
    phrases: Vec<String>,
}

/// One token of a phrase: any of these words, or a gap.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Words(Vec<String>),
    Gap,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    id: String,
    what: String,
    phrases: Vec<Vec<Tok>>,
}

/// The phrases and texts of `plan/control.toml`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlRules {
    /// The texts to show with concerns.
    pub texts: ControlTexts,
    rules: Vec<Rule>,
}

fn parse_phrase(phrase: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    for part in phrase.split_whitespace() {
        if part == "*" {
            if matches!(toks.last(), None | Some(Tok::Gap)) {
                return Err(format!("'{phrase}': a * must stand between two words"));
            }
            toks.push(Tok::Gap);
            continue;
        }
        let words: Vec<String> = part.split('|').map(normalize).collect();
        if words.iter().any(|w| w.is_empty() || words_of(w).len() != 1) {
            return Err(format!("'{phrase}': '{part}' should be words separated by |, each a single word"));
        }
        toks.push(Tok::Words(words));
    }
    match toks.last() {
        None => Err("a phrase is empty".into()),
        Some(Tok::Gap) => Err(format!("'{phrase}': a * must stand between two words")),
        Some(_) => Ok(toks),
    }
}

/// Lower case, with typographic apostrophes made plain.
fn normalize(s: &str) -> String {
    s.trim().to_lowercase().replace(['\u{2019}', '\u{2018}', '`'], "'")
}

/// The words of `text` with their byte ranges: runs of letters, digits and
/// apostrophes inside a word.
fn words_of(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let is_word = |c: char| c.is_alphanumeric() || c == '\'' || c == '\u{2019}';
    for (i, c) in text.char_indices() {
        match (start, is_word(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    // An apostrophe at either end is quoting, not part of the word.
    out.into_iter()
        .filter_map(|(s, e)| {
            let w = text.get(s..e)?;
            let lead = w.len() - w.trim_start_matches(['\'', '\u{2019}']).len();
            let trail = w.len() - w.trim_end_matches(['\'', '\u{2019}']).len();
            (s + lead < e - trail).then_some((s + lead, e - trail))
        })
        .collect()
}

/// Where a phrase matching from word `at` ends (the index of its last word).
fn match_at(toks: &[Tok], words: &[String], at: usize) -> Option<usize> {
    let (first, rest) = toks.split_first()?;
    match first {
        Tok::Words(alts) => {
            let word = words.get(at)?;
            if !alts.iter().any(|a| a == word) {
                return None;
            }
            if rest.is_empty() { Some(at) } else { match_at(rest, words, at + 1) }
        }
        Tok::Gap => (0..=MAX_GAP_WORDS).find_map(|skip| match_at(rest, words, at + skip)),
    }
}

impl ControlRules {
    /// Parses and checks the file's text.
    pub fn parse(text: &str) -> Result<ControlRules, ContentError> {
        let err = |message: String| ContentError { file: CONTROL_FILE.into(), message };
        let file: File = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        let mut problems = Vec::new();
        if file.version != 1 {
            problems.push(format!("version {} is not supported (expected 1)", file.version));
        }
        let t = &file.texts;
        for (name, value) in
            [("title", &t.title), ("found", &t.found), ("note", &t.note), ("saved_anyway", &t.saved_anyway)]
        {
            if value.trim().is_empty() {
                problems.push(format!("[texts] {name} is empty"));
            }
        }
        if !t.found.contains("{what}") {
            problems.push("[texts] found needs {what}".into());
        }
        if t.questions.is_empty() || t.questions.iter().any(|q| q.trim().is_empty()) {
            problems.push("[texts] questions needs at least one question, none of them empty".into());
        }
        let mut ids = BTreeSet::new();
        let mut rules = Vec::new();
        for c in file.concern {
            if c.id.trim().is_empty() || c.what.trim().is_empty() {
                problems.push(format!("concern '{}': id and what must not be empty", c.id));
            }
            if !ids.insert(c.id.clone()) {
                problems.push(format!("concern '{}' is listed twice", c.id));
            }
            if c.phrases.is_empty() {
                problems.push(format!("concern '{}' has no phrases", c.id));
            }
            let mut phrases = Vec::new();
            for p in &c.phrases {
                match parse_phrase(p) {
                    Ok(toks) => phrases.push(toks),
                    Err(e) => problems.push(format!("concern '{}': {e}", c.id)),
                }
            }
            rules.push(Rule { id: c.id, what: c.what.trim().to_string(), phrases });
        }
        if problems.is_empty() { Ok(ControlRules { texts: file.texts, rules }) } else { Err(err(problems.join("; "))) }
    }

    /// Loads `plan/control.toml` from the library.
    pub fn load(library: &Library) -> Result<ControlRules, ContentError> {
        Self::parse(library.text(CONTROL_FILE)?)
    }

    /// What in `text` may be about one partner monitoring or restricting
    /// the other: at most one [`Concern`] per kind, in the file's order.
    pub fn concerns(&self, text: &str) -> Vec<Concern> {
        let spans = words_of(text);
        let words: Vec<String> = spans.iter().map(|&(s, e)| normalize(text.get(s..e).unwrap_or_default())).collect();
        let mut out = Vec::new();
        'rules: for rule in &self.rules {
            for phrase in &rule.phrases {
                for at in 0..words.len() {
                    if let Some(end) = match_at(phrase, &words, at) {
                        let excerpt = text.get(spans[at].0..spans[end].1).unwrap_or_default().to_string();
                        out.push(Concern { id: rule.id.clone(), what: rule.what.clone(), excerpt });
                        continue 'rules;
                    }
                }
            }
        }
        out
    }
}

/// The built-in rules, parsed once. `None` only if the shipped file were
/// broken, which a test rules out.
fn embedded() -> Option<&'static ControlRules> {
    static RULES: OnceLock<Option<ControlRules>> = OnceLock::new();
    RULES.get_or_init(|| ControlRules::load(&Library::embedded()).ok()).as_ref()
}

/// What in an agreement's words may encode control, with the built-in
/// phrases. Callers with a person's own content use [`ControlRules::concerns`].
pub fn control_concerns(text: &str) -> Vec<Concern> {
    embedded().map(|r| r.concerns(text)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn ids(text: &str) -> Vec<String> {
        control_concerns(text).into_iter().map(|c| c.id).collect()
    }

    #[test]
    fn the_shipped_file_loads() {
        let rules = ControlRules::load(&Library::embedded()).unwrap();
        assert!(rules.rules.len() >= 5);
        assert!(embedded().is_some());
    }

    #[test]
    fn monitoring_and_restricting_are_noticed() {
        assert_eq!(ids("We always share our location with each other"), ["location"]);
        assert_eq!(ids("Keep Find My iPhone on"), ["location"]);
        assert_eq!(ids("We can read each other's messages whenever we want"), ["messages"]);
        assert_eq!(ids("read each other’s texts"), ["messages"]);
        assert_eq!(ids("She gets my phone passcode"), ["passwords"]);
        assert_eq!(ids("I hand over my passwords"), ["passwords"]);
        assert_eq!(ids("I ask permission before I see my friends"), ["permission"]);
        assert_eq!(ids("He checks my phone every evening"), ["phone"]);
        assert_eq!(ids("Text him every hour when I'm out"), ["checking-in"]);
        assert_eq!(ids("I hand over my wages each month"), ["money"]);
        assert_eq!(ids("SHARE LOCATION"), ["location"]);
        // Two kinds in one agreement, in the file's order, each once.
        assert_eq!(ids("Share locations and read each other's messages; share locations"), ["location", "messages"]);
    }

    #[test]
    fn ordinary_agreements_are_left_alone() {
        for text in [
            "share our calendars",
            "text when leaving work",
            "A 20-minute talk on Sundays",
            "a short text at lunch",
            "we check in by phone on Fridays",
            "pin the shopping list on the fridge",
            "we tell each other when plans change",
            "ask for a hug when I need one",
            "we each see our own friends on Thursdays",
            "locationless", // whole words only
            "a permissive bedtime",
        ] {
            assert!(control_concerns(text).is_empty(), "{text}: {:?}", control_concerns(text));
        }
    }

    #[test]
    fn the_excerpt_is_the_matched_words() {
        let c = control_concerns("Rule: we Share our live Location, always.");
        assert_eq!(c[0].excerpt, "Share our live Location");
        let rules = ControlRules::load(&Library::embedded()).unwrap();
        assert_eq!(
            rules.texts.found_line(&control_concerns("share location, read texts and hand over passwords")),
            "This agreement seems to be about knowing where the other is at all times, reading each other's messages and handing over passwords or access."
        );
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let base = Library::embedded().text(CONTROL_FILE).unwrap().to_string();
        let bad = base.replace("\"share|sharing|shares|shared * location|locations\"", "\"* location\"");
        let e = ControlRules::parse(&bad).unwrap_err();
        assert!(e.message.contains("between two words"), "{e:?}");
        let bad = base.replace("{what}", "{thing}");
        assert!(ControlRules::parse(&bad).unwrap_err().message.contains("{what}"));
        let bad = base.replace("version = 1", "version = 2");
        assert!(ControlRules::parse(&bad).unwrap_err().message.contains("version 2"));
        let bad = base.replace("\"allowance\"", "\"allow|two words\"");
        assert!(ControlRules::parse(&bad).is_ok(), "two plain words are two tokens");
        let bad = base.replace("\"allowance\"", "\"a||b\"");
        assert!(ControlRules::parse(&bad).unwrap_err().message.contains("single word"));
        // Any input text: no panic, excerpts on character boundaries.
        for text in ["", "'", "’’’", "é share ü location ß", "share\u{0}location", "**"] {
            let _ = control_concerns(text);
        }
    }
}
