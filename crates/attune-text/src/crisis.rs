//! Noticing words that may point to thoughts of suicide or self-harm.
//!
//! [`assess`] reads a text (a journal entry, a check-in note) and returns an
//! [`Assessment`]: a [`Level`] (none, concern, urgent) and the [`Match`]es
//! that led to it, each with the byte range it covers, so a screen can show
//! the person which words it noticed and why.
//!
//! It is rule-based and deliberately simple: phrases from the lexicon in
//! `content/safety/crisis_lexicon.toml` (embedded at build time), with
//! idioms that cancel a match ("dying to see the film", "die of
//! embarrassment"), negations ("I would never hurt myself"), other people's
//! words ("he told me to...") and other people's state ("my sister
//! self-harmed") taken into account. That file documents every choice.
//!
//! It is not a diagnosis and must never block anything: the caller saves
//! what the person wrote first, then, if the level is not [`Level::None`],
//! offers support resources.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::lexicon::{self, Loader, RawExclude, word_set};
use crate::pattern::{Context, Phrase, Present, StartWords, sentence_words};
use crate::tokens::{Token, tokenize};

/// `content/safety/crisis_lexicon.toml`, embedded.
pub const LEXICON_TOML: &str = include_str!("../../../content/safety/crisis_lexicon.toml");

/// How strongly a text suggests the person may be in crisis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing noticed.
    None,
    /// Indirect words: life feels pointless, being a burden, wanting to
    /// disappear, not being able to go on. Offer resources gently.
    Concern,
    /// Explicit words: suicide, wanting to die, killing or hurting oneself, a
    /// method or plan; or several concern signs together. Put crisis
    /// resources first.
    Urgent,
}

impl Level {
    /// The stable id ("none", "concern", "urgent").
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Concern => "concern",
            Level::Urgent => "urgent",
        }
    }
}

/// One place in the text that the lexicon noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The lexicon rule's id ("want-to-die", "burden").
    pub rule: String,
    /// The rule's level.
    pub level: Level,
    /// What the rule notices, in plain words, for explaining the result
    /// ("says others would be better off without you").
    pub about: String,
    /// Byte range in the text that was assessed; always on character
    /// boundaries.
    pub span: Range<usize>,
}

/// The result of [`assess`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The overall level: the highest match level, raised to urgent when
    /// two different concern rules match in separate places.
    pub level: Level,
    /// True when the level was raised to urgent by several concern matches.
    pub escalated: bool,
    /// What was noticed, in text order, without duplicates.
    pub matches: Vec<Match>,
    /// Byte ranges where a phrase matched but was set aside (negated,
    /// denied, reported, about someone else, an idiom). The sentence reader
    /// leaves those sentences to the rules.
    #[serde(skip)]
    pub set_aside: Vec<Range<usize>>,
}

impl Assessment {
    /// Whether anything was noticed.
    pub fn is_flagged(&self) -> bool {
        self.level != Level::None
    }

    /// The noticed words, cut from the text that was assessed.
    pub fn excerpts<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.matches.iter().filter_map(|m| text.get(m.span.clone())).collect()
    }
}

/// A lexicon that does not match its schema or has a phrase that does not
/// compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("crisis lexicon is invalid: {0}")]
pub struct LexiconError(pub String);

/// Reads `text` with the embedded lexicon.
///
/// Fails only if the embedded lexicon is broken, which the crate's tests
/// rule out; callers may still want to surface the error rather than treat
/// it as "nothing noticed".
///
/// Where the phrase rules notice nothing, the sentence reader
/// ([`crate::reader`]) reads each sentence; one that reads like crisis is a
/// concern, with the rule id [`crate::reader::RULE`].
pub fn assess(text: &str) -> Result<Assessment, LexiconError> {
    let mut a = Lexicon::embedded()?.assess(text);
    if !a.is_flagged() {
        let reader = crate::reader::Reader::embedded().map_err(|e| LexiconError(e.to_string()))?;
        add_read(&mut a, reader, &reader.sentence_vectors(text));
    }
    Ok(a)
}

/// Adds what the reader notices among `vectors` to what the rules found
/// nothing in, leaving alone the sentences where a rule set words aside.
pub(crate) fn add_read(a: &mut Assessment, reader: &crate::reader::Reader, vectors: &[(Range<usize>, Vec<f32>)]) {
    for n in reader.crisis_in(vectors) {
        if a.set_aside.iter().any(|r| crate::reader::overlaps(r, &n.span)) {
            continue;
        }
        a.matches.push(Match {
            rule: crate::reader::RULE.to_string(),
            level: Level::Concern,
            about: reader.words().crisis.clone(),
            span: n.span,
        });
        a.level = Level::Concern;
    }
}

/// A parsed and checked lexicon.
#[derive(Debug)]
pub struct Lexicon {
    settings: Settings,
    links: HashSet<String>,
    clause_end_words: HashSet<String>,
    fillers: HashSet<String>,
    trailers: HashSet<String>,
    negation: HashSet<String>,
    negation_breakers: HashSet<String>,
    effort: HashSet<String>,
    subjects: HashSet<String>,
    first_person: HashSet<String>,
    others: HashSet<String>,
    fuzzy: Vec<String>,
    spelling: BTreeMap<String, String>,
    rules: Vec<Rule>,
    excludes: Vec<Phrase>,
    reported: Vec<Phrase>,
    denial: Vec<Phrase>,
}

#[derive(Debug)]
struct Rule {
    id: String,
    level: Level,
    /// A hint: words that mean little alone ("I have a plan now") and are
    /// only reported, as concern, beside another hint or another match.
    hint: bool,
    about: String,
    /// Each phrase with the words it can start with (see
    /// [`Phrase::start_words`]), so only those positions are tried.
    phrases: Vec<(Phrase, Option<StartWords>)>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    negation_window: usize,
    reported_window: usize,
    others_window: usize,
    max_fillers: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    version: u32,
    settings: Settings,
    words: RawWords,
    spelling: BTreeMap<String, String>,
    macros: BTreeMap<String, String>,
    rule: Vec<RawRule>,
    exclude: Vec<RawExclude>,
    cues: RawCues,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    links: Vec<String>,
    clause_end_words: Vec<String>,
    fillers: Vec<String>,
    trailers: Vec<String>,
    negation: Vec<String>,
    negation_breakers: Vec<String>,
    effort: Vec<String>,
    subjects: Vec<String>,
    first_person: Vec<String>,
    others: Vec<String>,
    fuzzy: Vec<String>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawLevel {
    Hint,
    Concern,
    Urgent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    level: RawLevel,
    about: String,
    phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCues {
    reported: Vec<String>,
    denial: Vec<String>,
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
    /// `content/safety/crisis_lexicon.toml`.
    pub fn parse(text: &str) -> Result<Self, LexiconError> {
        let raw: RawLexicon = lexicon::read(text, |r: &RawLexicon| r.version)?;
        let s = raw.settings;
        lexicon::check_settings(&[
            ("negation_window", s.negation_window, 10),
            ("reported_window", s.reported_window, 12),
            ("others_window", s.others_window, 10),
            ("max_fillers", s.max_fillers, 5),
        ])?;

        let w = raw.words;
        // Checked as a set, kept as a list: earlier words win ties.
        lexicon::check_typos(&w.fuzzy, &raw.spelling)?;
        let mut load = Loader::new(&raw.macros)?;

        let mut rules = Vec::with_capacity(raw.rule.len());
        for r in raw.rule {
            load.id("rule", &r.id)?;
            let about = lexicon::about(&r.id, &r.about)?;
            let phrases = load.indexed(&r.phrases, &format!("rule {}", r.id))?;
            let level = match r.level {
                RawLevel::Hint | RawLevel::Concern => Level::Concern,
                RawLevel::Urgent => Level::Urgent,
            };
            let hint = matches!(r.level, RawLevel::Hint);
            rules.push(Rule { id: r.id, level, hint, about, phrases });
        }
        for level in [Level::Concern, Level::Urgent] {
            if !rules.iter().any(|r| r.level == level && !r.hint) {
                return Err(LexiconError(format!("there is no {} rule", level.as_str())));
            }
        }
        let excludes = load.excludes(raw.exclude)?;
        let reported = load.phrases(&raw.cues.reported, "[cues] reported")?;
        let denial = load.phrases(&raw.cues.denial, "[cues] denial")?;
        load.finish()?;

        Ok(Self {
            settings: s,
            links: word_set(w.links, "links", true)?,
            clause_end_words: word_set(w.clause_end_words, "clause_end_words", true)?,
            fillers: word_set(w.fillers, "fillers", true)?,
            trailers: word_set(w.trailers, "trailers", false)?,
            negation: word_set(w.negation, "negation", true)?,
            negation_breakers: word_set(w.negation_breakers, "negation_breakers", false)?,
            effort: word_set(w.effort, "effort", false)?,
            subjects: word_set(w.subjects, "subjects", true)?,
            first_person: word_set(w.first_person, "first_person", true)?,
            others: word_set(w.others, "others", true)?,
            fuzzy: w.fuzzy,
            spelling: raw.spelling,
            rules,
            excludes,
            reported,
            denial,
        })
    }

    /// The rule ids, in lexicon order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// Reads `text`. Never fails and never changes the text.
    pub fn assess(&self, text: &str) -> Assessment {
        let mut tokens = tokenize(text, |w| self.links.contains(w));
        // Texts repeat their words: normalise each distinct one once.
        let mut seen: foldhash::HashMap<String, String> = foldhash::HashMap::default();
        for t in &mut tokens {
            if let Some(fixed) = seen.get(&t.text) {
                t.text.clone_from(fixed);
            } else {
                let raw = t.text.clone();
                self.normalise(&mut t.text);
                seen.insert(raw, t.text.clone());
            }
        }
        let is_filler = |w: &str| self.fillers.contains(w);
        let is_trailer = |w: &str| self.trailers.contains(w);
        let is_end_word = |w: &str| self.clause_end_words.contains(w);
        let ctx = Context {
            tokens: &tokens,
            is_filler: &is_filler,
            is_trailer: &is_trailer,
            is_end_word: &is_end_word,
            max_fillers: self.settings.max_fillers,
        };
        let present = Present::new(&tokens);
        let sentences = sentence_words(&tokens);
        let in_sentence = |phrase: &Phrase, s: usize| {
            sentences.get(tokens[s].sentence as usize).is_some_and(|words| phrase.may_match(words))
        };
        // As `Phrase::find_all`, but skipping starts the phrase cannot have.
        let find_all = |phrases: &[Phrase]| -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            for phrase in phrases.iter().filter(|p| p.may_match(&present)) {
                let mut s = 0;
                while s < tokens.len() {
                    let end = if phrase.may_start_at(&ctx, s) { phrase.ends_at(&ctx, s).last().copied() } else { None };
                    match end {
                        Some(e) => {
                            out.push((s, e));
                            s = e;
                        }
                        None => s += 1,
                    }
                }
            }
            out
        };
        let mut positions: foldhash::HashMap<&str, Vec<usize>> = foldhash::HashMap::default();
        for (i, t) in tokens.iter().enumerate() {
            positions.entry(t.text.as_str()).or_default().push(i);
        }
        // The cues are only needed once some phrase matches, which most
        // texts never do: found on first use.
        let cues = std::cell::OnceCell::new();
        let cues = || cues.get_or_init(|| (find_all(&self.excludes), find_all(&self.reported), find_all(&self.denial)));

        let mut found: Vec<(usize, usize, usize)> = Vec::new(); // (rule index, start, end)
        let mut set_aside: Vec<(usize, usize)> = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            for (phrase, start_words) in rule.phrases.iter().filter(|(p, _)| p.may_match(&present)) {
                // Start positions from the index of the text's words; the
                // same positions `may_start_at` allows, in order.
                let candidates: Vec<usize> = match start_words {
                    Some((words, prefixes)) => {
                        let mut at: Vec<usize> =
                            words.iter().filter_map(|w| positions.get(w.as_str())).flatten().copied().collect();
                        for p in prefixes {
                            at.extend(positions.iter().filter(|(w, _)| w.starts_with(p.as_str())).flat_map(|(_, v)| v));
                        }
                        at.sort_unstable();
                        at.dedup();
                        at
                    }
                    None => (0..tokens.len()).filter(|&s| phrase.may_start_at(&ctx, s)).collect(),
                };
                let mut next = 0; // matches of one phrase do not overlap
                for s in candidates {
                    if s < next || !in_sentence(phrase, s) {
                        continue;
                    }
                    let ends = phrase.ends_at(&ctx, s);
                    let accepted = ends.iter().copied().rev().find(|&e| {
                        let (excluded, reported, denied) = cues();
                        !excluded.iter().any(|&(xs, xe)| xs < e && s < xe)
                            && !self.negated(&tokens, s)
                            && !denied.iter().any(|&(ds, de)| ds < s && de <= s && s - de <= 2)
                            && !reported.iter().any(|&(rs, re)| {
                                rs < s && re <= e && s.saturating_sub(re) <= self.settings.reported_window && {
                                    let last = re.min(s).saturating_sub(1);
                                    tokens[last].clause == tokens[s].clause || re > s
                                }
                            })
                            && !self.about_someone_else(&tokens, s, e)
                    });
                    if let Some(e) = accepted {
                        found.push((ri, s, e));
                        next = e;
                    } else if let Some(&e) = ends.last() {
                        set_aside.push((s, e));
                    }
                }
            }
        }

        // Drop a match inside another of at least its level; keep text order.
        found.sort_by_key(|&(ri, s, e)| (s, std::cmp::Reverse(e), std::cmp::Reverse(self.rules[ri].level)));
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        for f in found {
            let (ri, s, e) = f;
            // A hint never hides a real match.
            let covered = kept.iter().any(|&(ki, ks, ke)| {
                ks <= s
                    && e <= ke
                    && self.rules[ki].level >= self.rules[ri].level
                    && (!self.rules[ki].hint || self.rules[ri].hint)
            });
            if !covered {
                kept.push(f);
            }
        }
        // Hints count beside another match, or two of them in separate places.
        let is_hint = |&(ri, _, _): &(usize, usize, usize)| self.rules[ri].hint;
        let hints: Vec<_> = kept.iter().copied().filter(is_hint).collect();
        let hints_count = kept.iter().any(|f| !is_hint(f))
            || hints
                .iter()
                .enumerate()
                .any(|(i, &(_, as_, ae))| hints[i + 1..].iter().any(|&(_, bs, be)| ae <= bs || be <= as_));
        if !hints_count {
            kept.retain(|f| !is_hint(f));
        }

        let top = kept.iter().map(|&(ri, _, _)| self.rules[ri].level).max().unwrap_or(Level::None);
        // Hints do not escalate: alone they are too weak to add up to urgent.
        let concerns: Vec<_> =
            kept.iter().filter(|&&(ri, _, _)| self.rules[ri].level == Level::Concern && !self.rules[ri].hint).collect();
        let escalated = top == Level::Concern
            && concerns.iter().enumerate().any(|(i, &&(ai, as_, ae))| {
                concerns[i + 1..].iter().any(|&&(bi, bs, be)| ai != bi && (ae <= bs || be <= as_))
            });
        let level = if escalated { Level::Urgent } else { top };
        let matches = kept
            .into_iter()
            .map(|(ri, s, e)| {
                let rule = &self.rules[ri];
                Match {
                    rule: rule.id.clone(),
                    level: rule.level,
                    about: rule.about.clone(),
                    span: tokens[s].start..tokens[e - 1].end,
                }
            })
            .collect();
        let set_aside = set_aside.into_iter().map(|(s, e)| tokens[s].start..tokens[e - 1].end).collect();
        Assessment { level, escalated, matches, set_aside }
    }

    /// Applies [spelling] and one-typo matches against [words] fuzzy.
    fn normalise(&self, word: &mut String) {
        if let Some(fixed) = self.spelling.get(word.as_str()) {
            word.clone_from(fixed);
            return;
        }
        let len = word.chars().count();
        if len < 5 || self.fuzzy.iter().any(|f| f == word) {
            return;
        }
        // One typo changes the length by at most one letter: a cheap check
        // before the edit distance, which most words never reach.
        if let Some(f) =
            self.fuzzy.iter().find(|f| f.chars().count().abs_diff(len) <= 1 && strsim::osa_distance(word, f) == 1)
        {
            word.clone_from(f);
        }
    }

    /// Whether a negating word shortly before token `start`, in the same
    /// clause, denies the match (see the lexicon's header for the rules).
    fn negated(&self, tokens: &[Token], start: usize) -> bool {
        if self.subjects.contains(&tokens[start].text) {
            return false;
        }
        let clause = tokens[start].clause;
        for q in (start.saturating_sub(self.settings.negation_window)..start).rev() {
            let t = &tokens[q];
            if t.clause != clause || self.subjects.contains(&t.text) {
                return false;
            }
            if self.negation.contains(&t.text) {
                let breaker = self.negation_breakers.contains(&tokens[q + 1].text);
                let effort = q > 0 && self.effort.contains(&tokens[q - 1].text);
                if !breaker && !effort {
                    return true;
                }
            }
        }
        false
    }

    /// For a match with no first-person word in it ("suicidal", "self
    /// harm"), whether the words just before it name someone else.
    fn about_someone_else(&self, tokens: &[Token], start: usize, end: usize) -> bool {
        if tokens[start..end].iter().any(|t| self.first_person.contains(&t.text)) {
            return false;
        }
        let sentence = tokens[start].sentence;
        for q in (start.saturating_sub(self.settings.others_window)..start).rev() {
            let w = tokens[q].text.as_str();
            if tokens[q].sentence != sentence || self.first_person.contains(w) {
                return false;
            }
            let singular = w.strip_suffix('s').filter(|s| !s.is_empty());
            if self.others.contains(w) || singular.is_some_and(|s| self.others.contains(s)) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The phrase rules alone: these tests are about them. The reader
    /// behind them is tested in `tests/reader.rs` and measured in
    /// `tests/eval.rs`.
    fn assess(text: &str) -> Result<Assessment, LexiconError> {
        Ok(Lexicon::embedded()?.assess(text))
    }

    fn level(text: &str) -> Level {
        assess(text).unwrap().level
    }

    #[test]
    fn embedded_lexicon_is_valid() {
        let lex = Lexicon::embedded().unwrap();
        assert!(lex.rule_ids().count() >= 5);
    }

    #[test]
    fn the_examples_from_the_issue() {
        for text in [
            "I don't see the point of going on",
            "everyone would be better off without me",
            "I want to disappear for good",
            "I've been giving away my things",
            "I can't do this anymore",
        ] {
            assert!(level(text) >= Level::Concern, "{text}");
        }
        for text in [
            "this deadline is killing me",
            "I could kill for a coffee",
            "I'm dying to see the film",
            "that joke killed",
            "my phone is dead",
            "kill the lights",
        ] {
            assert_eq!(level(text), Level::None, "{text}");
        }
    }

    #[test]
    fn explicit_words_are_urgent_and_indirect_ones_concern() {
        assert_eq!(level("I want to kill myself"), Level::Urgent);
        assert_eq!(level("i keep thinking about hurting myself"), Level::Urgent);
        assert_eq!(level("I can't go on."), Level::Concern);
    }

    #[test]
    fn two_different_concerns_escalate() {
        let a = assess("I'm a burden to everyone. I just want to disappear.").unwrap();
        assert_eq!(a.level, Level::Urgent);
        assert!(a.escalated);
        assert_eq!(a.matches.len(), 2);
        let same = assess("I can't go on. I can't go on.").unwrap();
        assert_eq!(same.level, Level::Concern);
        assert!(!same.escalated);
    }

    #[test]
    fn spans_point_at_the_words() {
        let text = "Long day. Honestly? I don’t want to live anymore, and nobody would notice.";
        let a = assess(text).unwrap();
        assert_eq!(a.excerpts(text), vec!["I don’t want to live anymore"]);
        assert_eq!(a.matches[0].rule, "want-to-die");
        assert!(!a.matches[0].about.is_empty());
    }

    #[test]
    fn negation_denial_and_struggle() {
        assert_eq!(level("I would never hurt myself"), Level::None);
        assert_eq!(level("I'm not suicidal"), Level::None);
        assert_eq!(level("I'm not saying I want to die"), Level::None);
        assert_eq!(level("im not okay i want to die"), Level::Urgent);
        assert_eq!(level("I can't stop thinking about killing myself"), Level::Urgent);
        assert_eq!(level("I'm trying so hard not to hurt myself"), Level::Urgent);
        assert_eq!(level("He wouldn't care if I killed myself"), Level::Urgent);
    }

    #[test]
    fn other_people_and_their_words() {
        assert_eq!(level("He told me to go kill myself"), Level::None);
        assert_eq!(level("My sister self-harmed as a teenager"), Level::None);
        assert_eq!(level("my ex is suicidal"), Level::None);
        assert_eq!(level("I told my friend I feel suicidal"), Level::Urgent);
    }

    #[test]
    fn hyperbole_with_a_named_cause() {
        assert_eq!(level("I wanted to die of embarrassment"), Level::None);
        assert_eq!(level("I wanted to die."), Level::Urgent);
    }

    #[test]
    fn typos_and_missing_apostrophes() {
        assert_eq!(level("im feeling suicidel"), Level::Urgent);
        assert_eq!(level("i want to kill myslef"), Level::Urgent);
        assert_eq!(level("i dont want to live anymroe"), Level::Urgent);
    }

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(level(""), Level::None);
        assert_eq!(level("...!!! 😭😭"), Level::None);
        let long = "I am fine. ".repeat(5_000);
        assert_eq!(level(&long), Level::None);
    }

    #[test]
    fn broken_lexicons_are_refused_with_a_reason() {
        let good = LEXICON_TOML;
        let cases = [
            (good.replace("version = 1", "version = 2"), "version"),
            (good.replace("negation_window = 4", "negation_window = 0"), "negation_window"),
            (good.replace("id = \"burden\"", "id = \"suicide\""), "unique"),
            (good.replace("\"suicidal\",\n", "\"sui|cidal\",\n"), "rule suicide"),
            (good.replace("level = \"urgent\"", "level = \"high\""), "high"),
            (good.replace("fuzzy = [\"suicidal\"", "fuzzy = [\"die\""), "fuzzy"),
            (good.replace("kil = \"kill\"", "kil = \"k ill\""), "spelling"),
        ];
        for (text, expected) in cases {
            let err = Lexicon::parse(&text).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }
}
