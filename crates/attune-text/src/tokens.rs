//! Splitting text into normalised words that remember where they came from.
//!
//! A token is a run of letters and digits, lower-cased, with apostrophes
//! inside the word dropped ("Don't" and "dont" both become `dont`, "I’m"
//! becomes `im`). Every token keeps its byte range in the original text so
//! that a match can be shown to the person exactly where they wrote it.
//!
//! Tokens also carry two numbers used by the rules:
//! - `sentence`: changes at `.`, `!`, `?`, `;` and line breaks. A pattern
//!   never matches across a sentence.
//! - `clause`: changes at every sentence break, at `,` `:` dashes and
//!   brackets, and at linking words such as "and", "but", "if" (the list is
//!   data, see the lexicon). A negation only reaches the end of its clause.

/// One normalised word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// Lower-cased, apostrophes removed, spelling fixes applied.
    pub(crate) text: String,
    /// Byte offset of the first character in the original text.
    pub(crate) start: usize,
    /// Byte offset just past the last character in the original text.
    pub(crate) end: usize,
    /// Sentence number, from 0.
    pub(crate) sentence: u32,
    /// Clause number, from 0; increases at every sentence change too.
    pub(crate) clause: u32,
    /// This token is a linking word that opens a new clause ("and", "but").
    pub(crate) link: bool,
    /// Punctuation or a line break stands between this token and the one
    /// before it.
    pub(crate) after_break: bool,
}

const APOSTROPHES: [char; 6] = ['\'', '\u{2019}', '\u{2018}', '\u{02BC}', '\u{00B4}', '`'];

fn sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n' | '\r' | '\u{2026}' | '\u{3002}')
}

fn clause_break(c: char) -> bool {
    matches!(c, ',' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '\u{2013}' | '\u{2014}' | '/' | '|')
}

/// Splits `text` into raw tokens (lower-cased words with byte ranges and
/// sentence/clause numbers), before spelling fixes. `is_link` says which
/// words open a new clause.
pub(crate) fn tokenize(text: &str, is_link: impl Fn(&str) -> bool) -> Vec<Token> {
    let mut out = Vec::new();
    let mut sentence = 0u32;
    let mut clause = 0u32;
    // Set when a break was seen since the last token.
    let mut pending_sentence = false;
    let mut pending_clause = false;

    let mut word = String::new();
    let mut word_start = 0usize;
    let mut word_end = 0usize;
    let mut chars = text.char_indices().peekable();

    let mut flush = |word: &mut String,
                     start: usize,
                     end: usize,
                     pending_sentence: &mut bool,
                     pending_clause: &mut bool,
                     out: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        if !out.is_empty() {
            if *pending_sentence {
                sentence += 1;
                clause += 1;
            } else if *pending_clause {
                clause += 1;
            }
        }
        let link = is_link(word);
        let after_break = !out.is_empty() && (*pending_clause || *pending_sentence);
        if link && !out.is_empty() && !after_break {
            clause += 1;
        }
        *pending_sentence = false;
        *pending_clause = false;
        out.push(Token { text: std::mem::take(word), start, end, sentence, clause, link, after_break });
    };

    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                word_start = i;
            }
            word.extend(c.to_lowercase());
            word_end = i + c.len_utf8();
            continue;
        }
        if APOSTROPHES.contains(&c) && !word.is_empty() {
            // Inside a word ("don't"): skip it and keep the word going.
            if chars.peek().is_some_and(|(_, next)| next.is_alphabetic()) {
                continue;
            }
        }
        flush(&mut word, word_start, word_end, &mut pending_sentence, &mut pending_clause, &mut out);
        if sentence_break(c) {
            pending_sentence = true;
        } else if clause_break(c) {
            pending_clause = true;
        }
    }
    flush(&mut word, word_start, word_end, &mut pending_sentence, &mut pending_clause, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text, |w| w == "and").into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn apostrophes_are_dropped_inside_words() {
        assert_eq!(words("I don't, I’m, can´t"), vec!["i", "dont", "im", "cant"]);
        assert_eq!(words("'quoted' ends'"), vec!["quoted", "ends"]);
    }

    #[test]
    fn hyphens_split_and_case_folds() {
        assert_eq!(words("Self-Harm"), vec!["self", "harm"]);
    }

    #[test]
    fn byte_ranges_point_into_the_original() {
        let text = "Ça va? I’m fine";
        for t in tokenize(text, |_| false) {
            let original = &text[t.start..t.end];
            assert_eq!(original.to_lowercase().replace('\u{2019}', ""), t.text);
        }
    }

    #[test]
    fn sentences_and_clauses_are_numbered() {
        let t = tokenize("a b, c and d. e", |w| w == "and");
        let nums: Vec<_> = t.iter().map(|t| (t.text.as_str(), t.sentence, t.clause, t.link)).collect();
        assert_eq!(
            nums,
            vec![
                ("a", 0, 0, false),
                ("b", 0, 0, false),
                ("c", 0, 1, false),
                ("and", 0, 2, true),
                ("d", 0, 2, false),
                ("e", 1, 3, false),
            ]
        );
    }

    #[test]
    fn empty_and_symbol_only_text_has_no_tokens() {
        assert!(tokenize("", |_| false).is_empty());
        assert!(tokenize(" ... !!! 😭 ", |_| false).is_empty());
    }
}
