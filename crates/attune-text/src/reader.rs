//! The sentence reader: a second pair of eyes behind the phrase rules.
//!
//! The rules in [`crate::crisis`] and [`crate::abuse`] are precise but miss
//! much of what people write in their own words (measured in
//! `docs/evaluation.md`). The reader turns each sentence into a vector (the
//! mean of static word-piece vectors distilled from all-MiniLM-L6-v2) and
//! asks small logistic heads trained on attune's own labelled sentences
//! whether it reads like crisis or like abuse done to the writer. It runs
//! only where the rules found nothing, so it can add a notice but never
//! takes one away. Everything is embedded: `model/` beside this crate holds
//! the files and `model/train.py` that makes them.
//!
//! Tokenizing follows BERT's uncased rules (clean, lower-case, strip accents,
//! split at punctuation, greedy longest word pieces) so that ids match the
//! training side exactly; `tests/reader.rs` checks them against ids written
//! by the training script.

use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

const VOCAB: &str = include_str!("../model/vocab.tsv");
const TABLE: &[u8] = include_bytes!("../model/embeddings.bin");
const HEADS: &str = include_str!("../model/heads.toml");
/// `content/safety/reader.toml`, embedded: what a reader notice says.
pub const WORDS_TOML: &str = include_str!("../../../content/safety/reader.toml");

/// The rule id a reader notice carries, so callers can tell it from a
/// phrase rule's.
pub const RULE: &str = "reader";

const MAGIC: &[u8; 8] = b"ATTEMB01";
const UNKNOWN: &str = "[UNK]";
const CONTINUE: &str = "##";
/// BERT's limit: a longer "word" is one unknown piece.
const MAX_WORD_CHARS: usize = 100;
/// The training side truncates to this many pieces.
const MAX_PIECES: usize = 512;
/// A sentence of fewer words is left to the phrase rules: too little for a
/// mean of word vectors to mean much ("Whatever.", "I cried.").
pub const MIN_WORDS: usize = 5;

/// The embedded model does not match its format (the crate's tests rule
/// this out).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the sentence reader's model is invalid: {0}")]
pub struct ReaderError(pub String);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadsFile {
    dims: usize,
    crisis: HeadFile,
    abuse: HeadFile,
    abuse_kind: KindsFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadFile {
    threshold: f32,
    bias: f32,
    weights: Vec<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindsFile {
    kinds: Vec<String>,
    biases: Vec<f32>,
    weights: Vec<Vec<f32>>,
}

/// What a reader notice says, from `content/safety/reader.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// Said of a sentence that reads like crisis.
    pub crisis: String,
    /// Said of a sentence that reads like abuse done to the writer.
    pub abuse: String,
}

/// A logistic head: the probability that a sentence belongs to its class.
#[derive(Debug)]
struct Head {
    threshold: f32,
    bias: f32,
    weights: Vec<f32>,
}

impl Head {
    fn probability(&self, v: &[f32]) -> f32 {
        let z = self.bias + dot(&self.weights, v);
        1.0 / (1.0 + (-z).exp())
    }
}

/// The loaded model. Borrowed from the binary: nothing is copied but the
/// heads.
#[derive(Debug)]
pub struct Reader {
    /// Word pieces and their rows in the table.
    vocab: foldhash::HashMap<&'static str, u32>,
    unknown: Option<u32>,
    dims: usize,
    scales: &'static [u8],
    rows: &'static [u8],
    crisis: Head,
    abuse: Head,
    /// Abuse kind ids (`abuse::Kind`'s), each with its bias and weights.
    kinds: Vec<(String, f32, Vec<f32>)>,
    words: Words,
}

/// A sentence the reader noticed.
#[derive(Clone, Debug, PartialEq)]
pub struct Noticed {
    /// Byte range of the sentence in the text that was read.
    pub span: Range<usize>,
    /// How sure the head is, from 0 to 1.
    pub probability: f32,
}

impl Reader {
    /// The embedded model, loaded once.
    pub fn embedded() -> Result<&'static Reader, ReaderError> {
        static READER: OnceLock<Result<Reader, ReaderError>> = OnceLock::new();
        READER.get_or_init(Reader::load_embedded).as_ref().map_err(Clone::clone)
    }

    /// Loads the embedded model afresh, without the cache (what the first
    /// [`Reader::embedded`] of a process pays; for benchmarks).
    pub fn load_embedded() -> Result<Reader, ReaderError> {
        Reader::load(VOCAB, TABLE, HEADS, WORDS_TOML)
    }

    fn load(vocab: &'static str, table: &'static [u8], heads: &str, words: &str) -> Result<Reader, ReaderError> {
        let bad = |what: String| ReaderError(what);
        let heads: HeadsFile = toml::from_str(heads).map_err(|e| bad(format!("heads.toml: {e}")))?;
        let words: Words = toml::from_str(words).map_err(|e| bad(format!("content/safety/reader.toml: {e}")))?;
        if words.crisis.trim().is_empty() || words.abuse.trim().is_empty() {
            return Err(bad("content/safety/reader.toml: `crisis` and `abuse` must say something".into()));
        }
        let header = table.get(..16).ok_or_else(|| bad("embeddings.bin is shorter than its header".into()))?;
        if &header[..8] != MAGIC {
            return Err(bad("embeddings.bin does not start with ATTEMB01".into()));
        }
        let word =
            |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]) as usize;
        let (count, dims) = (word(8), word(12));
        let scales_end = 16 + count * 4;
        if dims != heads.dims || table.len() != scales_end + count * dims {
            return Err(bad(format!("embeddings.bin holds {} bytes, not {count} rows of {dims}", table.len())));
        }
        let mut list = foldhash::HashMap::with_capacity_and_hasher(count, Default::default());
        for (n, line) in vocab.lines().enumerate() {
            let (piece, row) = line.split_once('\t').ok_or_else(|| bad(format!("vocab.tsv line {}: no tab", n + 1)))?;
            let row: u32 = row.parse().map_err(|_| bad(format!("vocab.tsv line {}: row is not a number", n + 1)))?;
            if row as usize >= count {
                return Err(bad(format!("vocab.tsv line {}: row {row} is past the table", n + 1)));
            }
            if list.insert(piece, row).is_some() {
                return Err(bad(format!("vocab.tsv line {}: {piece:?} is listed twice", n + 1)));
            }
        }
        let head = |name: &str, h: HeadFile| {
            if h.weights.len() != dims || !(0.0..1.0).contains(&h.threshold) {
                return Err(bad(format!("heads.toml [{name}]: {} weights for {dims} dims", h.weights.len())));
            }
            Ok(Head { threshold: h.threshold, bias: h.bias, weights: h.weights })
        };
        let k = heads.abuse_kind;
        if k.kinds.len() != k.biases.len() || k.kinds.len() != k.weights.len() {
            return Err(bad("heads.toml [abuse_kind]: kinds, biases and weights differ in length".into()));
        }
        let mut kinds = Vec::with_capacity(k.kinds.len());
        for ((id, bias), weights) in k.kinds.iter().zip(k.biases).zip(k.weights) {
            if id.trim().is_empty() || weights.len() != dims {
                return Err(bad(format!("heads.toml [abuse_kind]: {id} has {} weights", weights.len())));
            }
            kinds.push((id.clone(), bias, weights));
        }
        if kinds.is_empty() {
            return Err(bad("heads.toml [abuse_kind]: no kinds".into()));
        }
        let mut reader = Reader {
            vocab: list,
            unknown: None,
            dims,
            scales: &table[16..scales_end],
            rows: &table[scales_end..],
            crisis: head("crisis", heads.crisis)?,
            abuse: head("abuse", heads.abuse)?,
            kinds,
            words,
        };
        reader.unknown = reader.row(UNKNOWN);
        Ok(reader)
    }

    /// What a reader notice says.
    pub fn words(&self) -> &Words {
        &self.words
    }

    fn row(&self, piece: &str) -> Option<u32> {
        self.vocab.get(piece).copied()
    }

    /// The word-piece rows of `text`, unknown pieces left out, as the
    /// training side counts them.
    pub fn ids(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        let mut piece = String::new();
        for_each_word(text, |word| {
            if ids.len() < MAX_PIECES {
                self.pieces(word, &mut piece, &mut ids);
            }
        });
        ids.truncate(MAX_PIECES);
        ids
    }

    /// Greedy longest-match word pieces; a word with any part unmatched is
    /// one unknown piece, which the training side drops.
    fn pieces(&self, word: &str, piece: &mut String, ids: &mut Vec<u32>) {
        if word.chars().count() > MAX_WORD_CHARS {
            return;
        }
        // Most words are one piece: look them up as they are.
        if let Some(row) = self.row(word) {
            if Some(row) != self.unknown {
                ids.push(row);
            }
            return;
        }
        let start_len = ids.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while start < end {
                piece.clear();
                if start > 0 {
                    piece.push_str(CONTINUE);
                }
                piece.push_str(&word[start..end]);
                if let Some(row) = self.row(piece) {
                    found = Some(row);
                    break;
                }
                end = word[..end].char_indices().next_back().map_or(start, |(i, _)| i);
            }
            let Some(row) = found else {
                ids.truncate(start_len);
                return;
            };
            if Some(row) != self.unknown {
                ids.push(row);
            }
            start = end;
        }
    }

    /// The sentence vector: the mean of its pieces' rows, scaled to length
    /// one. `None` when no piece is known.
    pub fn embed(&self, text: &str) -> Option<Vec<f32>> {
        let ids = self.ids(text);
        if ids.is_empty() {
            return None;
        }
        let mut sum = vec![0f32; self.dims];
        for &id in &ids {
            let id = id as usize;
            let s = &self.scales[id * 4..id * 4 + 4];
            let scale = f32::from_le_bytes([s[0], s[1], s[2], s[3]]);
            let row = &self.rows[id * self.dims..(id + 1) * self.dims];
            for (acc, &q) in sum.iter_mut().zip(row) {
                *acc += f32::from(q as i8) * scale;
            }
        }
        let norm = dot(&sum, &sum).sqrt().max(1e-12);
        sum.iter_mut().for_each(|x| *x /= norm);
        Some(sum)
    }

    /// The crisis head's probability for one sentence.
    pub fn crisis_probability(&self, sentence: &str) -> f32 {
        self.embed(sentence).map_or(0.0, |v| self.crisis.probability(&v))
    }

    /// The abuse head's probability for one sentence.
    pub fn abuse_probability(&self, sentence: &str) -> f32 {
        self.embed(sentence).map_or(0.0, |v| self.abuse.probability(&v))
    }

    /// The vectors of `text`'s sentences, for [`Reader::crisis_in`] and
    /// [`Reader::abuse_in`]: worked out once when both heads read one text.
    pub fn sentence_vectors(&self, text: &str) -> Vec<(Range<usize>, Vec<f32>)> {
        sentences(text)
            .into_iter()
            .filter(|span| {
                text[span.clone()].split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count() >= MIN_WORDS
            })
            .filter_map(|span| Some((span.clone(), self.embed(&text[span])?)))
            .collect()
    }

    /// Sentences of `text` that read like crisis.
    pub fn crisis(&self, text: &str) -> Vec<Noticed> {
        self.crisis_in(&self.sentence_vectors(text))
    }

    /// Sentences that read like crisis, among `vectors`.
    pub fn crisis_in(&self, vectors: &[(Range<usize>, Vec<f32>)]) -> Vec<Noticed> {
        let head = &self.crisis;
        let probable = vectors.iter().map(|(span, v)| Noticed { span: span.clone(), probability: head.probability(v) });
        probable.filter(|n| n.probability >= head.threshold).collect()
    }

    /// Sentences of `text` that read like abuse done to the writer, each
    /// with the id of the kind it reads most like (an `abuse::Kind` id).
    pub fn abuse(&self, text: &str) -> Vec<(Noticed, &str)> {
        self.abuse_in(&self.sentence_vectors(text))
    }

    /// Sentences that read like abuse done to the writer, among `vectors`.
    pub fn abuse_in(&self, vectors: &[(Range<usize>, Vec<f32>)]) -> Vec<(Noticed, &str)> {
        let head = &self.abuse;
        vectors
            .iter()
            .map(|(span, v)| (Noticed { span: span.clone(), probability: head.probability(v) }, v))
            .filter(|(n, _)| n.probability >= head.threshold)
            .map(|(n, v)| (n, self.kind(v)))
            .collect()
    }

    /// The abuse kind ids the kind head chooses from.
    pub fn kind_ids(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|(id, _, _)| id.as_str())
    }

    fn kind(&self, v: &[f32]) -> &str {
        let mut best = ("", f32::NEG_INFINITY);
        for (id, bias, weights) in &self.kinds {
            let z = bias + dot(weights, v);
            if z > best.1 {
                best = (id.as_str(), z);
            }
        }
        best.0
    }
}

/// Whether two byte ranges share a byte: a reader sentence and a rule's span.
pub(crate) fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Byte ranges of the sentences in `text`, trimmed, empty ones left out.
/// A sentence ends at `.`, `!`, `?`, `;` or a line break.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut push = |from: usize, to: usize| {
        let s = &text[from..to];
        let lead = s.len() - s.trim_start().len();
        let body = s.trim();
        if body.chars().any(char::is_alphanumeric) {
            out.push(from + lead..from + lead + body.len());
        }
    };
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | ';' | '\n') {
            push(start, i + c.len_utf8());
            start = i + c.len_utf8();
        }
    }
    push(start, text.len());
    out
}

/// BERT's uncased basic tokenizer: calls `each` with the words and
/// punctuation marks of `text`, cleaned, lower-cased and without accents.
fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let mut word = String::new();
    let mut mark = [0u8; 4];
    let flush = |word: &mut String, each: &mut dyn FnMut(&str)| {
        if !word.is_empty() {
            each(word);
            word.clear();
        }
    };
    for c in text.chars() {
        // Most journal text is ASCII: the same rules without table look-ups.
        if c.is_ascii() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                flush(&mut word, &mut each);
            } else if c.is_ascii_punctuation() {
                flush(&mut word, &mut each);
                each(c.encode_utf8(&mut mark));
            } else if !c.is_ascii_control() {
                word.push(c.to_ascii_lowercase());
            }
            continue;
        }
        if c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            flush(&mut word, &mut each);
            continue;
        }
        if is_cjk(c) {
            flush(&mut word, &mut each);
            each(c.encode_utf8(&mut mark));
            continue;
        }
        for l in c.to_lowercase() {
            for d in l.nfd() {
                if d.general_category() == GeneralCategory::NonspacingMark {
                    continue;
                }
                if is_punctuation(d) {
                    flush(&mut word, &mut each);
                    each(d.encode_utf8(&mut mark));
                } else {
                    word.push(d);
                }
            }
        }
    }
    flush(&mut word, &mut each);
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r') || c.general_category() == GeneralCategory::SpaceSeparator
}

fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.general_category_group() == GeneralCategoryGroup::Other
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}
