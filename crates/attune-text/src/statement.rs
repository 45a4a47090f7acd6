//! The statement helper's checker: marks words in a message to a partner
//! that may land as blame (you-accusations, always/never, must/should
//! demands, mind-reading, name-calling), each with its span and a one-line
//! reason, so the person can rephrase before sending.
//!
//! Rule-based, like [`crate::crisis`]: phrases from
//! `content/say/statement_lexicon.toml` (embedded; a person's own copy can
//! be passed to [`Lexicon::parse`]) in the phrase language of
//! `pattern.rs`, with exclusions for kind sentences that share words with
//! blame ("you always make me laugh"). The file documents every choice.
//!
//! It never judges the person and never changes or blocks what they wrote.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::lexicon::{self, Loader, word_set};
use crate::pattern::{Context, Phrase, Present};
use crate::tokens::tokenize;

/// `content/say/statement_lexicon.toml`, embedded.
pub const LEXICON_TOML: &str = include_str!("../../../content/say/statement_lexicon.toml");

/// Longest text checked, in bytes; longer texts are checked up to here.
pub const MAX_CHECK_BYTES: usize = 20_000;

/// What kind of blaming language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// "You made me…", "it's your fault".
    YouAccusation,
    /// Always, never, every time.
    Absolute,
    /// Must, have to, should.
    Demand,
    /// Saying what the partner thinks or feels.
    MindReading,
    /// Labels for the partner.
    NameCalling,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] =
        [Kind::YouAccusation, Kind::Absolute, Kind::Demand, Kind::MindReading, Kind::NameCalling];

    /// Stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::YouAccusation => "you-accusation",
            Kind::Absolute => "absolute",
            Kind::Demand => "demand",
            Kind::MindReading => "mind-reading",
            Kind::NameCalling => "name-calling",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place in the text that may land as blame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The lexicon rule's id.
    pub rule: String,
    /// Its kind.
    pub kind: Kind,
    /// Byte range in the checked text (on character boundaries).
    pub span: Range<usize>,
    /// Why it may land badly, in one line.
    pub reason: String,
}

/// The result of [`Lexicon::check`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was found, in text order.
    pub findings: Vec<Finding>,
}

impl Check {
    /// Whether anything may land as blame.
    pub fn is_blaming(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The kinds found, each once, in [`Kind::ALL`] order.
    pub fn kinds(&self) -> Vec<Kind> {
        let set: BTreeSet<Kind> = self.findings.iter().map(|f| f.kind).collect();
        set.into_iter().collect()
    }
}

/// A lexicon that does not match its schema or has a phrase that does not compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("statement lexicon is invalid: {0}")]
pub struct LexiconError(pub String);

/// What a kind is called and the tip shown for it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KindText {
    /// Short name shown next to a finding.
    pub name: String,
    /// How to say it differently.
    pub tip: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    version: u32,
    settings: RawSettings,
    words: RawWords,
    macros: BTreeMap<String, String>,
    kind: BTreeMap<String, KindText>,
    rule: Vec<RawRule>,
    exclude: Vec<RawExclude>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    max_fillers: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    links: Vec<String>,
    clause_end_words: Vec<String>,
    fillers: Vec<String>,
    trailers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: String,
    reason: String,
    phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclude {
    id: String,
    #[serde(default)]
    kinds: Vec<String>,
    phrases: Vec<String>,
}

#[derive(Debug)]
struct Rule {
    id: String,
    kind: Kind,
    reason: String,
    phrases: Vec<Phrase>,
}

#[derive(Debug)]
struct Exclude {
    kinds: Vec<Kind>,
    phrases: Vec<Phrase>,
}

/// A parsed and checked statement lexicon.
#[derive(Debug)]
pub struct Lexicon {
    max_fillers: usize,
    links: HashSet<String>,
    clause_end_words: HashSet<String>,
    fillers: HashSet<String>,
    trailers: HashSet<String>,
    kinds: BTreeMap<Kind, KindText>,
    rules: Vec<Rule>,
    excludes: Vec<Exclude>,
}

fn kind_of(s: &str, owner: &str) -> Result<Kind, LexiconError> {
    Kind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        LexiconError(format!("{owner}: '{s}' is not a kind; use one of {}", all.join(", ")))
    })
}

impl From<String> for LexiconError {
    fn from(message: String) -> Self {
        LexiconError(message)
    }
}

impl Lexicon {
    /// The embedded lexicon, parsed once.
    pub fn embedded() -> Result<&'static Lexicon, LexiconError> {
        static EMBEDDED: OnceLock<Result<Lexicon, LexiconError>> = OnceLock::new();
        EMBEDDED.get_or_init(|| Lexicon::parse(LEXICON_TOML)).as_ref().map_err(Clone::clone)
    }

    /// Parses and checks a lexicon in the format of
    /// `content/say/statement_lexicon.toml`.
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let raw: RawLexicon = lexicon::read(text, |r: &RawLexicon| r.version)?;
        if raw.settings.max_fillers == 0 || raw.settings.max_fillers > 5 {
            return Err(LexiconError("[settings] max_fillers must be 1 to 5".into()));
        }
        let mut load = Loader::new(&raw.macros)?;
        let mut kinds = BTreeMap::new();
        for (name, t) in raw.kind {
            let kind = kind_of(&name, "[kind]")?;
            if t.name.trim().is_empty() || t.tip.trim().is_empty() {
                return Err(LexiconError(format!("[kind.{name}] needs a name and a tip")));
            }
            kinds.insert(kind, t);
        }
        if let Some(missing) = Kind::ALL.iter().find(|k| !kinds.contains_key(k)) {
            return Err(LexiconError(format!("[kind.{missing}] is missing")));
        }
        let mut rules = Vec::new();
        for r in raw.rule {
            load.id("rule", &r.id)?;
            if r.reason.trim().is_empty() {
                return Err(LexiconError(format!("rule {} has an empty reason", r.id)));
            }
            let owner = format!("rule {}", r.id);
            let kind = kind_of(&r.kind, &owner)?;
            let phrases = load.phrases(&r.phrases, &owner)?;
            rules.push(Rule { id: r.id, kind, reason: r.reason.trim().to_string(), phrases });
        }
        if let Some(k) = Kind::ALL.iter().find(|k| !rules.iter().any(|r| r.kind == **k)) {
            return Err(LexiconError(format!("there is no rule of kind {k}")));
        }
        let mut excludes = Vec::new();
        for x in raw.exclude {
            load.id("exclude", &x.id)?;
            let owner = format!("exclude {}", x.id);
            let kinds = x.kinds.iter().map(|k| kind_of(k, &owner)).collect::<Result<Vec<_>, _>>()?;
            let phrases = load.phrases(&x.phrases, &owner)?;
            excludes.push(Exclude { kinds, phrases });
        }
        load.finish()?;
        Ok(Lexicon {
            max_fillers: raw.settings.max_fillers,
            links: word_set(raw.words.links, "links", false)?,
            clause_end_words: word_set(raw.words.clause_end_words, "clause_end_words", false)?,
            fillers: word_set(raw.words.fillers, "fillers", false)?,
            trailers: word_set(raw.words.trailers, "trailers", false)?,
            kinds,
            rules,
            excludes,
        })
    }

    /// The name and tip of a kind.
    pub fn kind_text(&self, kind: Kind) -> Option<&KindText> {
        self.kinds.get(&kind)
    }

    /// The rule ids, in lexicon order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// Checks `text` (up to [`MAX_CHECK_BYTES`]). Never fails and never
    /// changes the text.
    pub fn check(&self, text: &str) -> Check {
        let mut cut = text.len().min(MAX_CHECK_BYTES);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &text[..cut];
        let tokens = tokenize(text, |w| self.links.contains(w));
        let is_filler = |w: &str| self.fillers.contains(w);
        let is_trailer = |w: &str| self.trailers.contains(w);
        let is_end_word = |w: &str| self.clause_end_words.contains(w);
        let ctx = Context {
            tokens: &tokens,
            is_filler: &is_filler,
            is_trailer: &is_trailer,
            is_end_word: &is_end_word,
            max_fillers: self.max_fillers,
        };
        let present = Present::new(&tokens);
        let excluded: Vec<(&[Kind], usize, usize)> = self
            .excludes
            .iter()
            .flat_map(|x| {
                x.phrases
                    .iter()
                    .filter(|p| p.may_match(&present))
                    .flat_map(|p| p.find_all(&ctx))
                    .map(move |(s, e)| (x.kinds.as_slice(), s, e))
            })
            .collect();
        let cancels = |kind: Kind, s: usize, e: usize| {
            excluded.iter().any(|&(kinds, xs, xe)| (kinds.is_empty() || kinds.contains(&kind)) && xs < e && s < xe)
        };
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            for phrase in rule.phrases.iter().filter(|p| p.may_match(&present)) {
                let mut s = 0;
                while s < tokens.len() {
                    match phrase.ends_at(&ctx, s).into_iter().rev().find(|&e| !cancels(rule.kind, s, e)) {
                        Some(e) => {
                            found.push((ri, s, e));
                            s = e;
                        }
                        None => s += 1,
                    }
                }
            }
        }
        // Drop a match inside another of the same kind; keep text order.
        found.sort_by_key(|&(ri, s, e)| (s, std::cmp::Reverse(e), ri));
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        for f in found {
            let (ri, s, e) = f;
            let kind = self.rules[ri].kind;
            if !kept.iter().any(|&(ki, ks, ke)| ks <= s && e <= ke && self.rules[ki].kind == kind) {
                kept.push(f);
            }
        }
        let findings = kept
            .into_iter()
            .map(|(ri, s, e)| {
                let rule = &self.rules[ri];
                Finding {
                    rule: rule.id.clone(),
                    kind: rule.kind,
                    span: tokens[s].start..tokens[e - 1].end,
                    reason: rule.reason.clone(),
                }
            })
            .collect();
        Check { findings }
    }
}

/// Checks `text` with the embedded lexicon.
pub fn check(text: &str) -> Result<Check, LexiconError> {
    Ok(Lexicon::embedded()?.check(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        check(text).unwrap().kinds()
    }

    fn excerpts(text: &str) -> Vec<String> {
        check(text).unwrap().findings.iter().map(|f| text[f.span.clone()].to_string()).collect()
    }

    #[test]
    fn the_issue_example_marks_both_parts() {
        let text = "you never answer me, you clearly don't care";
        assert_eq!(kinds(text), [Kind::Absolute, Kind::MindReading]);
        assert_eq!(excerpts(text), ["you never", "you clearly don't"]);
    }

    #[test]
    fn every_kind_is_found() {
        assert_eq!(kinds("It's your fault"), [Kind::YouAccusation]);
        assert_eq!(kinds("You must tell me where you are"), [Kind::Demand]);
        assert_eq!(kinds("You're so selfish"), [Kind::NameCalling]);
        assert_eq!(kinds("You think I'm stupid"), [Kind::MindReading]);
    }

    #[test]
    fn kind_sentences_are_left_alone() {
        for text in ["You look tired, can I help?", "You always make me laugh", "You must be exhausted", ""] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn spans_are_on_character_boundaries_for_any_text() {
        for text in
            ["Du bist so egoistisch — you're so selfish 😤", "ÿou nevér", "you\u{2019}re a liar", &"a".repeat(30_000)]
        {
            for f in check(text).unwrap().findings {
                assert!(text.get(f.span.clone()).is_some());
            }
        }
    }

    #[test]
    fn a_broken_lexicon_is_refused_with_its_reason() {
        let bad = LEXICON_TOML.replace("kind = \"demand\"", "kind = \"demands\"");
        let err = Lexicon::parse(&bad).unwrap_err();
        assert!(err.0.contains("demands"), "{err}");
        assert!(Lexicon::parse("version = 2").is_err());
    }
}
