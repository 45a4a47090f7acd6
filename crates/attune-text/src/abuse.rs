//! Noticing abuse described in what a person writes.
//!
//! [`assess`] reads a text (a journal entry, a check-in note) and returns an
//! [`Assessment`]: the [`Finding`]s in it, each naming a [`Kind`] (being hit,
//! choked, threatened, tracked, kept from friends, put down...), who did it
//! ([`Actor::Other`]: someone, usually the partner, did it to the writer;
//! [`Actor::Writer`]: the writer did it to their partner), what it notices in
//! plain words, and the byte range it covers.
//!
//! It is rule-based, like [`crate::crisis`]: phrases from
//! `content/safety/abuse_lexicon.toml` (embedded at build time), with
//! idioms that cancel a match ("my boss is killing me"), negations ("he has
//! never hit me"), other people's relationships and media ("in the film he
//! strangles her"), hypotheticals ("if he ever hit me I would leave") and
//! the writer's own actions ("I checked his phone") taken into account. That
//! file documents every choice.
//!
//! It is not a verdict about anyone: the caller uses it to offer support
//! services and the safety check, after saving, and never blocks anything.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::lexicon::{self, Loader, RawExclude, word_set};
use crate::pattern::{Context, Phrase, Present, StartWords, sentence_words};
use crate::tokens::{Token, tokenize};

/// `content/safety/abuse_lexicon.toml`, embedded.
pub const LEXICON_TOML: &str = include_str!("../../../content/safety/abuse_lexicon.toml");

/// What a finding describes. Declared (and so ordered) most severe first:
/// sorting kinds puts the danger kinds first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Hitting, pushing, kicking, grabbing, throwing things at.
    PhysicalViolence,
    /// Choking, strangling, hands on the neck.
    Strangulation,
    /// A weapon, or a threat to kill.
    WeaponsOrThreatsToKill,
    /// Threats to hurt or take the children, or to hurt pets.
    ThreatsToChildrenOrPets,
    /// Sex forced or pressured.
    SexualCoercion,
    /// Threats to share intimate pictures.
    ThreatsToShareImages,
    /// Threats of self-harm or suicide to make the writer stay or obey.
    SelfHarmThreatsToControl,
    /// Reading messages, tracking, demanding passwords or whereabouts.
    Monitoring,
    /// Taking or controlling money, keeping the writer from working.
    MoneyControl,
    /// Keeping the writer from friends, family or going out.
    Isolation,
    /// Name-calling, putting down.
    Belittling,
    /// Humiliating, mocking in front of others.
    Humiliation,
    /// Denying what happened, calling the writer crazy.
    Gaslighting,
    /// Constant accusations of cheating or lying.
    Accusations,
}

impl Kind {
    /// Every kind, most severe first.
    pub const ALL: [Kind; 14] = [
        Kind::PhysicalViolence,
        Kind::Strangulation,
        Kind::WeaponsOrThreatsToKill,
        Kind::ThreatsToChildrenOrPets,
        Kind::SexualCoercion,
        Kind::ThreatsToShareImages,
        Kind::SelfHarmThreatsToControl,
        Kind::Monitoring,
        Kind::MoneyControl,
        Kind::Isolation,
        Kind::Belittling,
        Kind::Humiliation,
        Kind::Gaslighting,
        Kind::Accusations,
    ];

    /// The stable kebab-case id ("physical-violence").
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PhysicalViolence => "physical-violence",
            Kind::Strangulation => "strangulation",
            Kind::WeaponsOrThreatsToKill => "weapons-or-threats-to-kill",
            Kind::ThreatsToChildrenOrPets => "threats-to-children-or-pets",
            Kind::SexualCoercion => "sexual-coercion",
            Kind::ThreatsToShareImages => "threats-to-share-images",
            Kind::SelfHarmThreatsToControl => "self-harm-threats-to-control",
            Kind::Monitoring => "monitoring",
            Kind::MoneyControl => "money-control",
            Kind::Isolation => "isolation",
            Kind::Belittling => "belittling",
            Kind::Humiliation => "humiliation",
            Kind::Gaslighting => "gaslighting",
            Kind::Accusations => "accusations",
        }
    }

    /// The tier the kind belongs to.
    pub fn tier(self) -> Tier {
        match self {
            Kind::PhysicalViolence
            | Kind::Strangulation
            | Kind::WeaponsOrThreatsToKill
            | Kind::ThreatsToChildrenOrPets
            | Kind::SexualCoercion
            | Kind::ThreatsToShareImages
            | Kind::SelfHarmThreatsToControl => Tier::Danger,
            Kind::Monitoring | Kind::MoneyControl | Kind::Isolation => Tier::Control,
            Kind::Belittling | Kind::Humiliation | Kind::Gaslighting | Kind::Accusations => Tier::Emotional,
        }
    }

    /// The kind with this id, if there is one.
    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == id)
    }
}

/// How serious a kind is, least serious first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Belittling, humiliation, gaslighting, accusations.
    Emotional,
    /// Monitoring, money control, isolation.
    Control,
    /// Violence, strangulation, threats, sexual coercion and the like.
    Danger,
}

/// Who did what a finding describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// Someone (usually the partner) did it to the writer.
    Other,
    /// The writer did it to their partner.
    Writer,
}

/// One place in the text that the lexicon noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The lexicon rule's id ("choked", "reads-messages").
    pub rule: String,
    /// What it describes.
    pub kind: Kind,
    /// Who did it.
    pub actor: Actor,
    /// What the rule notices, in plain words ("describes being choked or
    /// strangled").
    pub about: String,
    /// Byte range in the text that was assessed; always on character
    /// boundaries.
    pub span: Range<usize>,
}

/// The result of [`assess`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// What was noticed, in text order, without duplicates.
    pub findings: Vec<Finding>,
    /// Byte ranges where a phrase matched but was set aside (negated,
    /// denied, reported, about someone else, an idiom). The sentence reader
    /// leaves those sentences to the rules.
    #[serde(skip)]
    pub set_aside: Vec<Range<usize>>,
}

impl Assessment {
    /// Whether the text describes something done to the writer.
    pub fn is_flagged(&self) -> bool {
        self.done_to_writer().next().is_some()
    }

    /// The highest tier among what was done to the writer.
    pub fn tier(&self) -> Option<Tier> {
        self.done_to_writer().map(|f| f.kind.tier()).max()
    }

    /// Findings about what someone did to the writer.
    pub fn done_to_writer(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.actor == Actor::Other)
    }

    /// Findings about what the writer did.
    pub fn by_writer(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.actor == Actor::Writer)
    }

    /// The kinds of what was done to the writer, most severe first.
    pub fn kinds(&self) -> BTreeSet<Kind> {
        self.done_to_writer().map(|f| f.kind).collect()
    }
}

/// A cheap test that `a` and `b` may be one typo apart: the lengths differ
/// by at most one, and one of the first two letters of each lines up (a
/// typo at the very start still leaves the other in place).
fn one_typo_possible(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    let (a0, a1, b0, b1) = (x.next(), x.next(), y.next(), y.next());
    a.chars().count().abs_diff(b.chars().count()) <= 1 && (a0 == b0 || a0 == b1 || a1 == b0 || a1 == b1)
}

/// A lexicon that does not match its schema or has a phrase that does not
/// compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("abuse lexicon is invalid: {0}")]
pub struct LexiconError(pub String);

/// Reads `text` with the embedded lexicon.
///
/// Fails only if the embedded lexicon is broken, which the crate's tests
/// rule out.
///
/// Where the phrase rules notice nothing done to the writer, the sentence
/// reader ([`crate::reader`]) reads each sentence the rules left alone; one
/// that reads like abuse is a finding of the kind it reads most like, with
/// the rule id [`crate::reader::RULE`].
pub fn assess(text: &str) -> Result<Assessment, LexiconError> {
    let mut a = Lexicon::embedded()?.assess(text);
    if !a.is_flagged() {
        let reader = crate::reader::Reader::embedded().map_err(|e| LexiconError(e.to_string()))?;
        add_read(&mut a, reader, &reader.sentence_vectors(text));
    }
    Ok(a)
}

/// Adds what the reader notices among `vectors` to rules that found nothing
/// done to the writer, leaving alone the sentences the rules spoke about.
pub(crate) fn add_read(a: &mut Assessment, reader: &crate::reader::Reader, vectors: &[(Range<usize>, Vec<f32>)]) {
    for (n, id) in reader.abuse_in(vectors) {
        // Every id the model knows is a kind (a test holds it); a model out
        // of step still shows its notice, at the gentlest tier.
        let kind = Kind::from_id(id).unwrap_or(Kind::Belittling);
        let overlaps = |r: &Range<usize>| crate::reader::overlaps(r, &n.span);
        if a.findings.iter().any(|f| overlaps(&f.span)) || a.set_aside.iter().any(overlaps) {
            continue;
        }
        a.findings.push(Finding {
            rule: crate::reader::RULE.to_string(),
            kind,
            actor: Actor::Other,
            about: reader.words().abuse.clone(),
            span: n.span,
        });
    }
    a.findings.sort_by_key(|f| f.span.start);
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
    subjects: HashSet<String>,
    first_person: HashSet<String>,
    perceive: HashSet<String>,
    fuzzy: Vec<String>,
    spelling: BTreeMap<String, String>,
    rules: Vec<Rule>,
    excludes: Vec<Phrase>,
    reported: Vec<Phrase>,
    hypothetical: Vec<Phrase>,
    denial: Vec<Phrase>,
}

#[derive(Debug)]
struct Rule {
    id: String,
    kind: Kind,
    actor: Actor,
    about: String,
    /// Each phrase with the words it can start with (see
    /// [`Phrase::start_words`]).
    phrases: Vec<(Phrase, Option<StartWords>)>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    negation_window: usize,
    reported_window: usize,
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
    subjects: Vec<String>,
    first_person: Vec<String>,
    perceive: Vec<String>,
    fuzzy: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: String,
    actor: Actor,
    about: String,
    phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCues {
    reported: Vec<String>,
    hypothetical: Vec<String>,
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
    /// `content/safety/abuse_lexicon.toml`.
    pub fn parse(text: &str) -> Result<Self, LexiconError> {
        let raw: RawLexicon = lexicon::read(text, |r: &RawLexicon| r.version)?;
        let s = raw.settings;
        lexicon::check_settings(&[
            ("negation_window", s.negation_window, 10),
            ("reported_window", s.reported_window, 12),
            ("max_fillers", s.max_fillers, 5),
        ])?;

        let w = raw.words;
        lexicon::check_typos(&w.fuzzy, &raw.spelling)?;
        let mut load = Loader::new(&raw.macros)?;

        let mut rules = Vec::with_capacity(raw.rule.len());
        for r in raw.rule {
            load.id("rule", &r.id)?;
            let Some(kind) = Kind::from_id(&r.kind) else {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                return Err(LexiconError(format!(
                    "rule {}: kind '{}' is not one of: {}",
                    r.id,
                    r.kind,
                    known.join(", ")
                )));
            };
            let about = lexicon::about(&r.id, &r.about)?;
            let phrases = load.indexed(&r.phrases, &format!("rule {}", r.id))?;
            rules.push(Rule { id: r.id, kind, actor: r.actor, about, phrases });
        }
        // Every kind must be noticeable when done to the writer.
        if let Some(kind) = Kind::ALL.iter().find(|k| !rules.iter().any(|r| r.kind == **k && r.actor == Actor::Other)) {
            return Err(LexiconError(format!(
                "there is no rule with kind = \"{}\" and actor = \"other\"",
                kind.as_str()
            )));
        }
        let excludes = load.excludes(raw.exclude)?;
        let reported = load.phrases(&raw.cues.reported, "[cues] reported")?;
        let hypothetical = load.phrases(&raw.cues.hypothetical, "[cues] hypothetical")?;
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
            subjects: word_set(w.subjects, "subjects", true)?,
            first_person: word_set(w.first_person, "first_person", true)?,
            perceive: word_set(w.perceive, "perceive", false)?,
            fuzzy: w.fuzzy,
            spelling: raw.spelling,
            rules,
            excludes,
            reported,
            hypothetical,
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
        let mut positions: foldhash::HashMap<&str, Vec<usize>> = foldhash::HashMap::default();
        for (i, t) in tokens.iter().enumerate() {
            positions.entry(t.text.as_str()).or_default().push(i);
        }
        // Every non-overlapping match of each phrase, longest at each start.
        let find_all = |phrases: &[Phrase]| -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            for p in phrases.iter().filter(|p| p.may_match(&present)) {
                let mut s = 0;
                while s < tokens.len() {
                    match p.may_start_at(&ctx, s).then(|| p.ends_at(&ctx, s)).and_then(|ends| ends.last().copied()) {
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
        // The cues are only needed once some phrase matches, which most
        // texts never do: found on first use.
        let cues = std::cell::OnceCell::new();
        let cues = || {
            cues.get_or_init(|| {
                (
                    find_all(&self.excludes),
                    find_all(&self.reported),
                    find_all(&self.hypothetical),
                    find_all(&self.denial),
                )
            })
        };
        let window = self.settings.reported_window;

        let mut found: Vec<(usize, usize, usize)> = Vec::new(); // (rule index, start, end)
        let mut set_aside: Vec<(usize, usize)> = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            for (phrase, start_words) in rule.phrases.iter().filter(|(p, _)| p.may_match(&present)) {
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
                        let wrong_actor = match rule.actor {
                            Actor::Other => self.writer_is_subject(&tokens, s, e),
                            Actor::Writer => !self.writer_acts(&tokens, s, e),
                        };
                        if wrong_actor || self.negated(&tokens, s, e, phrase) {
                            return false;
                        }
                        let (excluded, reported, hypothetical, denied) = cues();
                        let cancelled = excluded.iter().any(|&(xs, xe)| xs < e && s < xe)
                            || denied.iter().any(|&(ds, de)| ds < s && de <= s && s - de <= 2)
                            // Someone else's story or a film: shortly before, same sentence.
                            || reported.iter().any(|&(rs, re)| {
                                re <= e
                                    && rs < e
                                    && s.saturating_sub(re) <= window
                                    && tokens[rs].sentence == tokens[s].sentence
                            })
                            // "if he ever...": only within the clause it opens.
                            || hypothetical
                                .iter()
                                .any(|&(hs, he)| hs <= s && he <= e && tokens[hs].clause == tokens[s].clause);
                        !cancelled
                    });
                    if let Some(e) = accepted {
                        found.push((ri, s, e));
                        next = e;
                    } else if let (Actor::Other, Some(&e)) = (rule.actor, ends.last()) {
                        // Only what would have been done to the writer: a
                        // writer's phrase set aside says nothing about that.
                        set_aside.push((s, e));
                    }
                }
            }
        }

        // Drop a finding inside another of the same actor that is of the same
        // kind or a higher tier ("he grabbed me by the throat" is one
        // strangulation finding, not also a grab); keep text order.
        let rule = |ri: usize| &self.rules[ri];
        found.sort_by_key(|&(ri, s, e)| (s, std::cmp::Reverse(e), std::cmp::Reverse(rule(ri).kind.tier()), ri));
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        for (ri, s, e) in found {
            let this = rule(ri);
            let covered = kept.iter().any(|&(ki, ks, ke)| {
                let other = rule(ki);
                ks <= s
                    && e <= ke
                    && other.actor == this.actor
                    && (other.kind == this.kind || other.kind.tier() > this.kind.tier())
            });
            if !covered {
                kept.push((ri, s, e));
            }
        }
        kept.sort_by_key(|&(ri, s, e)| (s, e, ri));
        let findings = kept
            .into_iter()
            .map(|(ri, s, e)| {
                let r = rule(ri);
                Finding {
                    rule: r.id.clone(),
                    kind: r.kind,
                    actor: r.actor,
                    about: r.about.clone(),
                    span: tokens[s].start..tokens[e - 1].end,
                }
            })
            .collect();
        let set_aside = set_aside.into_iter().map(|(s, e)| tokens[s].start..tokens[e - 1].end).collect();
        Assessment { findings, set_aside }
    }

    /// Applies [spelling] and one-typo matches against [words] fuzzy.
    fn normalise(&self, word: &mut String) {
        if let Some(fixed) = self.spelling.get(word.as_str()) {
            word.clone_from(fixed);
            return;
        }
        if word.chars().count() < 5 || self.fuzzy.iter().any(|f| f == word) {
            return;
        }
        if let Some(f) = self.fuzzy.iter().find(|f| one_typo_possible(word, f) && strsim::osa_distance(word, f) == 1) {
            word.clone_from(f);
        }
    }

    /// Whether a negating word denies the match at `start..end`: one inside
    /// it that the phrase does not spell out itself ("he has never hit me",
    /// but not "he never lets me"), with no subject between it and the end;
    /// or one shortly before it in the same clause, with no subject between
    /// ("didn't grab me", but not "I never told anyone he hits me").
    fn negated(&self, tokens: &[Token], start: usize, end: usize, phrase: &Phrase) -> bool {
        let negates = |q: usize| {
            self.negation.contains(&tokens[q].text)
                && !tokens.get(q + 1).is_some_and(|n| self.negation_breakers.contains(&n.text))
        };
        // Inside the match: only in its first clause ("threatens to cheat if
        // I won't..." is not negated by the "won't" of the condition).
        for q in start..end {
            if negates(q)
                && tokens[q].clause == tokens[start].clause
                && !phrase.spells(&tokens[q].text)
                && !tokens[q + 1..end].iter().any(|t| self.subjects.contains(&t.text))
            {
                return true;
            }
        }
        if self.subjects.contains(&tokens[start].text) {
            return false;
        }
        let clause = tokens[start].clause;
        for q in (start.saturating_sub(self.settings.negation_window)..start).rev() {
            let t = &tokens[q];
            if t.clause != clause || self.subjects.contains(&t.text) {
                return false;
            }
            if negates(q) {
                return true;
            }
        }
        false
    }

    /// For a finding about something the writer did: whether the writer is
    /// the one acting. The match may name its subject ("I pushed him");
    /// otherwise the nearest subject before it in the sentence must be the
    /// writer ("I got angry and pushed him"), or there is none and the
    /// sentence starts with it ("Checked his phone again.").
    fn writer_acts(&self, tokens: &[Token], start: usize, end: usize) -> bool {
        if tokens[start..end]
            .iter()
            .find(|t| self.subjects.contains(&t.text))
            .is_some_and(|t| self.first_person.contains(&t.text))
        {
            return true;
        }
        let sentence = tokens[start].sentence;
        let nearest = (0..start)
            .rev()
            .take_while(|&q| tokens[q].sentence == sentence)
            .find(|&q| self.subjects.contains(&tokens[q].text));
        match nearest {
            Some(q) => self.first_person.contains(&tokens[q].text),
            None => start == 0 || tokens[start - 1].sentence != sentence,
        }
    }

    /// For a finding about something done to the writer whose match names
    /// no subject and does not have the writer as its object ("checked my
    /// phone", not "choked me"): whether the writer is the one acting. That
    /// is so when the nearest subject before it in the clause is the writer
    /// ("I checked my phone"; but not "I found a tracker on my bag", where a
    /// [words] perceive verb follows), or when there is none, the sentence
    /// starts with it and it names something of the writer's, as diaries
    /// often leave out "I" ("Checked my phone again.").
    fn writer_is_subject(&self, tokens: &[Token], start: usize, end: usize) -> bool {
        let span = &tokens[start..end];
        if span.iter().any(|t| self.subjects.contains(&t.text) || t.text == "me") {
            return false;
        }
        let clause = tokens[start].clause;
        let nearest = (0..start)
            .rev()
            .take_while(|&q| tokens[q].clause == clause)
            .find(|&q| self.subjects.contains(&tokens[q].text));
        match nearest {
            Some(q) => {
                self.first_person.contains(&tokens[q].text)
                    && !tokens[q + 1..start].iter().take(2).any(|t| self.perceive.contains(&t.text))
            }
            None => {
                (start == 0 || tokens[start - 1].sentence != tokens[start].sentence)
                    && span.iter().any(|t| t.text == "my")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_reader_knows_only_these_kinds() {
        let reader = crate::reader::Reader::embedded().unwrap();
        assert!(reader.kind_ids().count() >= 10);
        for id in reader.kind_ids() {
            assert!(Kind::from_id(id).is_some(), "{id}");
        }
    }

    #[test]
    fn embedded_lexicon_is_valid_and_covers_every_kind() {
        let lex = Lexicon::embedded().unwrap();
        assert!(lex.rule_ids().count() >= Kind::ALL.len());
    }

    #[test]
    fn kinds_have_ids_tiers_and_an_order() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_id(k.as_str()), Some(k));
            let json = serde_json_like(k);
            assert_eq!(json, k.as_str());
        }
        assert_eq!(Kind::from_id("nope"), None);
        assert_eq!(Kind::Strangulation.tier(), Tier::Danger);
        assert_eq!(Kind::Monitoring.tier(), Tier::Control);
        assert_eq!(Kind::Accusations.tier(), Tier::Emotional);
        assert!(Tier::Danger > Tier::Control && Tier::Control > Tier::Emotional);
        assert!(Kind::ALL.windows(2).all(|w| w[0] < w[1] && w[0].tier() >= w[1].tier()));
    }

    /// The serde name of a kind, through TOML (the crate has no JSON).
    fn serde_json_like(k: Kind) -> String {
        #[derive(Serialize)]
        struct W {
            k: Kind,
        }
        let s = toml::to_string(&W { k }).unwrap();
        s.trim().trim_start_matches("k = ").trim_matches('"').to_string()
    }

    #[test]
    fn broken_lexicons_are_refused_with_a_reason() {
        let good = LEXICON_TOML;
        let cases = [
            (good.replace("version = 1", "version = 2"), "version"),
            (good.replace("negation_window = 4", "negation_window = 0"), "negation_window"),
            (good.replacen("kind = \"strangulation\"", "kind = \"choking\"", 1), "choking"),
            (good.replacen("actor = \"other\"", "actor = \"partner\"", 1), "partner"),
            (good.replacen("id = \"choked\"", "id = \"hit\"", 1), "unique"),
        ];
        for (text, expected) in cases {
            assert_ne!(text, good, "{expected}: the replacement did not apply");
            let err = Lexicon::parse(&text).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }
}
