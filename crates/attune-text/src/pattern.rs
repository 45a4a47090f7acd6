//! A small phrase language for lexicons, so that a counsellor can read and
//! edit them without knowing regular expressions. A phrase is a sequence of
//! items separated by spaces and matched against normalised tokens:
//!
//! | item        | matches                                                        |
//! |-------------|----------------------------------------------------------------|
//! | `word`      | exactly that word (write "dont", not "don't")                  |
//! | `word*`     | any word starting with `word` ("harm*": harm, harmed, harming) |
//! | `(a b\|c)`  | one of the alternatives; each may be several items             |
//! | `[a b]`     | optional: the items or nothing (`\|` allowed inside too)       |
//! | `~3`        | up to 3 words of anything (1–9)                                |
//! | `_`         | up to a few filler words ("just", "really", "honestly")        |
//! | `^`         | the start of a clause, without using up a word                 |
//! | `$`         | the end of a clause (trailing words like "tbh" are allowed)    |
//! | `@name`     | the phrase named `name` in the lexicon's `[macros]`            |
//!
//! Alternatives always need brackets: `want|wish to die` is an error, write
//! `(want|wish) to die`. A phrase never matches across a sentence.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use smol_str::SmolStr;

use crate::tokens::Token;

/// The exact words and the prefixes a phrase can start with.
pub(crate) type StartWords = (Vec<SmolStr>, Vec<SmolStr>);

/// One compiled phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Phrase {
    seq: Vec<Node>,
    /// Groups of words of which at least one must occur in a text for the
    /// phrase to match there; lets most phrases skip most texts cheaply.
    needs: Vec<Vec<Lit>>,
    /// What the first word of a match can be, when that is known; lets a
    /// caller skip most start positions without running the phrase.
    first: Option<First>,
}

/// The words a match can start with: these, or a filler word when the
/// phrase opens with `_`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct First {
    lits: Vec<Lit>,
    fillers: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Lit {
    Word(SmolStr),
    Prefix(SmolStr),
}

/// The words of a text, for [`Phrase::may_match`].
#[derive(Debug)]
pub(crate) struct Present<'a> {
    words: foldhash::HashSet<&'a str>,
}

impl<'a> Present<'a> {
    pub(crate) fn new(tokens: &'a [Token]) -> Self {
        Self { words: tokens.iter().map(|t| t.text.as_str()).collect() }
    }

    fn has(&self, lit: &Lit) -> bool {
        match lit {
            Lit::Word(w) => self.words.contains(w.as_str()),
            Lit::Prefix(p) => self.words.iter().any(|w| w.starts_with(p.as_str())),
        }
    }
}

/// The words of each sentence, indexed by sentence number: a match never
/// crosses a sentence, so a phrase is only tried at a start whose sentence
/// has every word it needs ([`Phrase::may_match`]).
pub(crate) fn sentence_words(tokens: &[Token]) -> Vec<Present<'_>> {
    let mut out = Vec::new();
    let mut a = 0;
    while a < tokens.len() {
        let sentence = tokens[a].sentence;
        let b = a + tokens[a..].iter().take_while(|t| t.sentence == sentence).count();
        // Sentence numbers count from 0 and only grow; pad any gap.
        while out.len() < sentence as usize {
            out.push(Present::new(&[]));
        }
        out.push(Present::new(&tokens[a..b]));
        a = b;
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Word(SmolStr),
    Prefix(SmolStr),
    /// `(a|b|c)` where each alternative is one word: the commonest shape
    /// in the lexicons, kept flat so it costs one allocation.
    Words(Box<[SmolStr]>),
    Alt(Vec<Vec<Node>>),
    Opt(Vec<Vec<Node>>),
    Gap(usize),
    Fillers,
    ClauseStart,
    ClauseEnd,
    /// A `@name` from `[macros]`: compiled once and shared by every phrase
    /// that uses it, since a lexicon's start-up cost is mostly its macros
    /// copied into hundreds of phrases.
    Shared(Arc<Node>),
}

/// A lexicon's `[macros]`, each compiled once (see [`check_macros`]).
#[derive(Debug, Default)]
pub(crate) struct Macros(BTreeMap<String, Arc<Node>>);

/// What a phrase needs to know about words besides the tokens themselves.
pub(crate) struct Context<'a> {
    pub(crate) tokens: &'a [Token],
    /// Words `_` may skip.
    pub(crate) is_filler: &'a dyn Fn(&str) -> bool,
    /// Words `$` may skip before deciding that a clause ends.
    pub(crate) is_trailer: &'a dyn Fn(&str) -> bool,
    /// Words before which a clause counts as ended for `$` ("and", "but").
    pub(crate) is_end_word: &'a dyn Fn(&str) -> bool,
    /// How many words `_` skips at most.
    pub(crate) max_fillers: usize,
}

/// A phrase that cannot be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PhraseError(pub(crate) String);

impl fmt::Display for PhraseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Phrase {
    /// Compiles `source`, with `@name` taken from `macros`.
    pub(crate) fn compile(source: &str, macros: &Macros) -> Result<Self, PhraseError> {
        let lexed = lex(source)?;
        let mut parser = Parser { items: &lexed, pos: 0, macros: Some(macros) };
        let alts = parser.alternatives()?;
        if parser.pos != lexed.len() {
            return Err(PhraseError(format!("unmatched closing bracket in \"{source}\"")));
        }
        let seq = match <[Vec<Node>; 1]>::try_from(alts) {
            Ok([seq]) => seq,
            Err(_) => {
                return Err(PhraseError(format!("\"{source}\" has '|' outside brackets; put alternatives in (...)")));
            }
        };
        if min_len(&seq) == 0 {
            return Err(PhraseError(format!("\"{source}\" can match without any word")));
        }
        let mut needs = needs(&seq);
        // Cheapest groups first, so `may_match` usually fails on one lookup.
        needs.sort_by_key(|g| (g.iter().any(|l| matches!(l, Lit::Prefix(_))), g.len()));
        let first =
            first_of_seq(&seq).and_then(|(lits, fillers, nullable)| (!nullable).then_some(First { lits, fillers }));
        Ok(Self { seq, needs, first })
    }

    /// False when the phrase cannot match anywhere in a text with these
    /// words (true does not mean it matches).
    pub(crate) fn may_match(&self, present: &Present<'_>) -> bool {
        self.needs.iter().all(|group| group.iter().any(|lit| present.has(lit)))
    }

    /// False when no match can start at token `start` (true does not mean
    /// one does); much cheaper than [`Phrase::ends_at`].
    pub(crate) fn may_start_at(&self, ctx: &Context<'_>, start: usize) -> bool {
        let Some(token) = ctx.tokens.get(start) else {
            return false;
        };
        let Some(first) = &self.first else {
            return true;
        };
        let w = token.text.as_str();
        first.lits.iter().any(|lit| match lit {
            Lit::Word(x) => x == w,
            Lit::Prefix(p) => w.starts_with(p.as_str()),
        }) || (first.fillers && (ctx.is_filler)(w))
    }

    /// The exact words and the prefixes a match can start with, so a
    /// caller can look its start positions up in an index instead of
    /// trying every token; `None` when any word or a filler may start one.
    pub(crate) fn start_words(&self) -> Option<StartWords> {
        let first = self.first.as_ref().filter(|f| !f.fillers)?;
        let (mut words, mut prefixes) = (Vec::new(), Vec::new());
        for lit in &first.lits {
            match lit {
                Lit::Word(w) => words.push(w.clone()),
                Lit::Prefix(p) => prefixes.push(p.clone()),
            }
        }
        Some((words, prefixes))
    }

    /// Where a match starting at token `start` can end (exclusive token
    /// indexes, ascending, each past at least one token). Empty: no match.
    pub(crate) fn ends_at(&self, ctx: &Context<'_>, start: usize) -> Vec<usize> {
        let Some(first) = ctx.tokens.get(start) else {
            return Vec::new();
        };
        let run = Run { ctx, sentence: first.sentence };
        let mut ends = run.seq(&self.seq, vec![start]);
        ends.retain(|e| *e > start);
        ends
    }

    /// Whether the phrase spells `word` out anywhere (not as a prefix), so a
    /// caller can tell a word the phrase asks for ("never lets me") from
    /// one a gap or filler let through ("never hit me"). Walked on demand:
    /// only matches ask, and keeping a set per phrase slowed start-up.
    pub(crate) fn spells(&self, word: &str) -> bool {
        fn walk(seq: &[Node], word: &str) -> bool {
            seq.iter().any(|node| match node {
                Node::Word(w) => w == word,
                Node::Words(ws) => ws.iter().any(|w| w == word),
                Node::Alt(alts) | Node::Opt(alts) => alts.iter().any(|a| walk(a, word)),
                Node::Shared(inner) => walk(std::slice::from_ref(&**inner), word),
                Node::Prefix(_) | Node::Gap(_) | Node::Fillers | Node::ClauseStart | Node::ClauseEnd => false,
            })
        }
        walk(&self.seq, word)
    }

    /// Every non-overlapping match, as token ranges, longest at each start.
    pub(crate) fn find_all(&self, ctx: &Context<'_>) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < ctx.tokens.len() {
            match self.ends_at(ctx, start).last() {
                Some(&end) => {
                    out.push((start, end));
                    start = end;
                }
                None => start += 1,
            }
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lexeme<'s> {
    Open(char),
    Close(char),
    Bar,
    Atom(&'s str),
}

/// Splits a phrase into brackets, bars and atoms; atoms borrow from `s`
/// (lexicons are compiled at every start, so no copies).
fn lex(s: &str) -> Result<Vec<Lexeme<'_>>, PhraseError> {
    let mut out = Vec::new();
    let mut atom_start = None;
    for (i, c) in s.char_indices() {
        let single = match c {
            '(' | '[' => Some(Lexeme::Open(c)),
            ')' | ']' => Some(Lexeme::Close(c)),
            '|' => Some(Lexeme::Bar),
            c if c.is_whitespace() => None,
            _ => {
                atom_start.get_or_insert(i);
                continue;
            }
        };
        if let Some(start) = atom_start.take() {
            out.push(Lexeme::Atom(&s[start..i]));
        }
        out.extend(single);
    }
    if let Some(start) = atom_start {
        out.push(Lexeme::Atom(&s[start..]));
    }
    if out.is_empty() {
        return Err(PhraseError("empty phrase".into()));
    }
    Ok(out)
}

struct Parser<'a> {
    items: &'a [Lexeme<'a>],
    pos: usize,
    /// `None` while compiling the macros themselves (they may not nest).
    macros: Option<&'a Macros>,
}

impl Parser<'_> {
    fn alternatives(&mut self) -> Result<Vec<Vec<Node>>, PhraseError> {
        let mut alts = vec![self.sequence()?];
        while self.items.get(self.pos) == Some(&Lexeme::Bar) {
            self.pos += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, PhraseError> {
        let mut seq = Vec::new();
        while let Some(item) = self.items.get(self.pos) {
            match item {
                Lexeme::Bar | Lexeme::Close(_) => break,
                Lexeme::Open(kind) => {
                    let kind = *kind;
                    self.pos += 1;
                    let alts = self.alternatives()?;
                    let want = if kind == '(' { ')' } else { ']' };
                    if self.items.get(self.pos) != Some(&Lexeme::Close(want)) {
                        return Err(PhraseError(format!("'{kind}' is not closed by '{want}'")));
                    }
                    self.pos += 1;
                    if alts.iter().any(Vec::is_empty) {
                        return Err(PhraseError("an alternative is empty".into()));
                    }
                    seq.push(if kind == '(' { alternation(alts) } else { Node::Opt(alts) });
                }
                Lexeme::Atom(a) => {
                    self.pos += 1;
                    seq.push(match a.strip_prefix('@') {
                        Some(name) => self.macro_node(name)?,
                        None => atom(a)?,
                    });
                }
            }
        }
        if seq.is_empty() {
            return Err(PhraseError("an alternative is empty".into()));
        }
        Ok(seq)
    }
}

impl Parser<'_> {
    fn macro_node(&self, name: &str) -> Result<Node, PhraseError> {
        let Some(macros) = self.macros else {
            return Err(PhraseError(format!("a macro may not use other macros (@{name})")));
        };
        match macros.0.get(name) {
            Some(node) => Ok(Node::Shared(Arc::clone(node))),
            None => Err(PhraseError(format!("@{name} is not in [macros]"))),
        }
    }
}

fn atom(a: &str) -> Result<Node, PhraseError> {
    match a {
        "_" => return Ok(Node::Fillers),
        "^" => return Ok(Node::ClauseStart),
        "$" => return Ok(Node::ClauseEnd),
        _ => {}
    }
    if let Some(n) = a.strip_prefix('~') {
        return match n.parse::<usize>() {
            Ok(n @ 1..=9) => Ok(Node::Gap(n)),
            _ => Err(PhraseError(format!("'{a}': a gap is ~1 to ~9"))),
        };
    }
    let (word, prefix) = match a.strip_suffix('*') {
        Some(w) => (w, true),
        None => (a, false),
    };
    if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() && !c.is_uppercase()) {
        return Err(PhraseError(format!(
            "'{a}' is not a lower-case word (write \"dont\" for \"don't\", \"self harm\" for \"self-harm\")"
        )));
    }
    Ok(if prefix { Node::Prefix(SmolStr::new(word)) } else { Node::Word(SmolStr::new(word)) })
}

/// `(…)`: flat when every alternative is a single word.
fn alternation(alts: Vec<Vec<Node>>) -> Node {
    let single = |alt: &Vec<Node>| match alt.as_slice() {
        [Node::Word(w)] => Some(w.clone()),
        _ => None,
    };
    match alts.iter().map(single).collect::<Option<Box<[SmolStr]>>>() {
        Some(words) => Node::Words(words),
        None => Node::Alt(alts),
    }
}

/// Word groups a match of `seq` must contain (one word of each group).
fn needs(seq: &[Node]) -> Vec<Vec<Lit>> {
    seq.iter().filter_map(group).collect()
}

/// Words of which one must occur wherever `node` matches, if there are such.
/// An alternation guarantees the union of its alternatives' first groups,
/// and nothing when one alternative guarantees nothing.
fn group(node: &Node) -> Option<Vec<Lit>> {
    match node {
        Node::Word(w) => Some(vec![Lit::Word(w.clone())]),
        Node::Prefix(p) => Some(vec![Lit::Prefix(p.clone())]),
        Node::Words(ws) => Some(ws.iter().cloned().map(Lit::Word).collect()),
        Node::Alt(alts) => {
            let mut union = Vec::new();
            for alt in alts {
                union.extend(alt.iter().find_map(group)?);
            }
            Some(union)
        }
        Node::Shared(inner) => group(inner),
        Node::Opt(_) | Node::Gap(_) | Node::Fillers | Node::ClauseStart | Node::ClauseEnd => None,
    }
}

/// The words the first consumed token of `seq` can be: literal words, and
/// whether a filler word can come first; then whether `seq` can consume
/// nothing. None when any word can come first (a gap).
fn first_of_seq(seq: &[Node]) -> Option<(Vec<Lit>, bool, bool)> {
    let mut lits = Vec::new();
    let mut fillers = false;
    for node in seq {
        let (l, f, nullable) = first_of_node(node)?;
        lits.extend(l);
        fillers |= f;
        if !nullable {
            return Some((lits, fillers, false));
        }
    }
    Some((lits, fillers, true))
}

fn first_of_node(node: &Node) -> Option<(Vec<Lit>, bool, bool)> {
    match node {
        Node::Word(w) => Some((vec![Lit::Word(w.clone())], false, false)),
        Node::Prefix(p) => Some((vec![Lit::Prefix(p.clone())], false, false)),
        Node::Words(ws) => Some((ws.iter().cloned().map(Lit::Word).collect(), false, false)),
        Node::Alt(alts) | Node::Opt(alts) => {
            let (mut lits, mut fillers, mut nullable) = (Vec::new(), false, matches!(node, Node::Opt(_)));
            for alt in alts {
                let (l, f, n) = first_of_seq(alt)?;
                lits.extend(l);
                fillers |= f;
                nullable |= n;
            }
            Some((lits, fillers, nullable))
        }
        Node::Shared(inner) => first_of_node(inner),
        Node::Fillers => Some((Vec::new(), true, true)),
        Node::ClauseStart | Node::ClauseEnd => Some((Vec::new(), false, true)),
        Node::Gap(_) => None,
    }
}

/// The fewest tokens a sequence can consume.
fn min_len(seq: &[Node]) -> usize {
    seq.iter()
        .map(|n| match n {
            Node::Word(_) | Node::Prefix(_) | Node::Words(_) => 1,
            Node::Alt(alts) => alts.iter().map(|a| min_len(a)).min().unwrap_or(0),
            Node::Shared(inner) => min_len(std::slice::from_ref(&**inner)),
            Node::Opt(_) | Node::Gap(_) | Node::Fillers | Node::ClauseStart | Node::ClauseEnd => 0,
        })
        .sum()
}

struct Run<'c, 'a> {
    ctx: &'c Context<'a>,
    sentence: u32,
}

impl Run<'_, '_> {
    /// The token at `p` if it is in the match's sentence.
    fn token(&self, p: usize) -> Option<&Token> {
        self.ctx.tokens.get(p).filter(|t| t.sentence == self.sentence)
    }

    fn seq(&self, seq: &[Node], mut at: Vec<usize>) -> Vec<usize> {
        for node in seq {
            if at.is_empty() {
                break;
            }
            let mut next = Vec::new();
            self.node(node, &at, &mut next);
            next.sort_unstable();
            next.dedup();
            at = next;
        }
        at
    }

    fn node(&self, node: &Node, at: &[usize], out: &mut Vec<usize>) {
        let tokens = self.ctx.tokens;
        match node {
            Node::Word(w) => {
                out.extend(at.iter().filter(|&&p| self.token(p).is_some_and(|t| t.text == *w)).map(|p| p + 1));
            }
            Node::Words(ws) => {
                out.extend(
                    at.iter()
                        .filter(|&&p| self.token(p).is_some_and(|t| ws.iter().any(|w| t.text == *w)))
                        .map(|p| p + 1),
                );
            }
            Node::Prefix(w) => {
                out.extend(
                    at.iter()
                        .filter(|&&p| self.token(p).is_some_and(|t| t.text.starts_with(w.as_str())))
                        .map(|p| p + 1),
                );
            }
            Node::Alt(alts) => {
                for alt in alts {
                    out.extend(self.seq(alt, at.to_vec()));
                }
            }
            Node::Opt(alts) => {
                out.extend_from_slice(at);
                for alt in alts {
                    out.extend(self.seq(alt, at.to_vec()));
                }
            }
            Node::Gap(n) => {
                for &p in at {
                    out.push(p);
                    let mut q = p;
                    while q < p + n && self.token(q).is_some() {
                        q += 1;
                        out.push(q);
                    }
                }
            }
            Node::Fillers => {
                for &p in at {
                    out.push(p);
                    let mut q = p;
                    while q < p + self.ctx.max_fillers && self.token(q).is_some_and(|t| (self.ctx.is_filler)(&t.text)) {
                        q += 1;
                        out.push(q);
                    }
                }
            }
            Node::ClauseStart => {
                out.extend(at.iter().copied().filter(|&p| clause_starts_at(tokens, p)));
            }
            Node::ClauseEnd => {
                out.extend(at.iter().copied().filter(|&p| self.clause_ends_at(p)));
            }
            Node::Shared(inner) => self.node(inner, at, out),
        }
    }

    /// Whether the clause ends before token `p` (after skipping trailers).
    fn clause_ends_at(&self, p: usize) -> bool {
        let tokens = self.ctx.tokens;
        if p == 0 {
            return false;
        }
        let mut q = p;
        while q < tokens.len() && tokens[q].clause == tokens[p - 1].clause && (self.ctx.is_trailer)(&tokens[q].text) {
            q += 1;
        }
        q >= tokens.len() || tokens[q].after_break || (self.ctx.is_end_word)(&tokens[q].text)
    }
}

/// Whether a clause starts at token `p`: the first token, the first after a
/// clause break, or the first after a linking word.
pub(crate) fn clause_starts_at(tokens: &[Token], p: usize) -> bool {
    match p {
        0 => !tokens.is_empty(),
        p if p < tokens.len() => tokens[p].clause != tokens[p - 1].clause || tokens[p - 1].link,
        _ => false,
    }
}

/// A lexicon's `[macros]`: lower-case names, bodies not empty.
pub(crate) fn check_macros(macros: &BTreeMap<String, String>) -> Result<Macros, String> {
    let mut compiled = BTreeMap::new();
    for (name, body) in macros {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!("[macros] '{name}' must be lower-case letters and '_'"));
        }
        if body.trim().is_empty() {
            return Err(format!("[macros] {name} is empty"));
        }
        let node = Macros::compile_one(body).map_err(|e| format!("[macros] {name}: {e}"))?;
        compiled.insert(name.clone(), Arc::new(node));
    }
    Ok(Macros(compiled))
}

impl Macros {
    /// A macro's body as one node: its alternatives, as if in brackets.
    fn compile_one(body: &str) -> Result<Node, PhraseError> {
        let lexed = lex(body)?;
        let mut parser = Parser { items: &lexed, pos: 0, macros: None };
        let alts = parser.alternatives()?;
        if parser.pos != lexed.len() {
            return Err(PhraseError(format!("unmatched closing bracket in \"{body}\"")));
        }
        Ok(Node::Alt(alts))
    }
}

/// Compiles a rule's phrases, noting which macros they use.
pub(crate) fn compile_all(
    phrases: &[String],
    macros: &Macros,
    used: &mut BTreeSet<String>,
    owner: &str,
) -> Result<Vec<Phrase>, String> {
    if phrases.is_empty() {
        return Err(format!("{owner} has no phrases"));
    }
    phrases
        .iter()
        .map(|p| {
            for (at, _) in p.match_indices('@') {
                let after = &p[at + 1..];
                let len = after.find(|c: char| !(c.is_ascii_lowercase() || c == '_')).unwrap_or(after.len());
                if let Some((name, _)) = macros.0.get_key_value(&after[..len]) {
                    used.insert(name.clone());
                }
            }
            Phrase::compile(p, macros).map_err(|e| format!("{owner}: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests;
