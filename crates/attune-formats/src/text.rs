//! Helpers every parser shares: text decoding, local times, tags, CSV.

use std::collections::HashMap;

use attune_core::Moment;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::error::{Location, ParseError, quote};

/// The file as UTF-8 (a byte-order mark is dropped), or where it stops being text.
pub(crate) fn utf8(input: &[u8]) -> Result<&str, ParseError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    std::str::from_utf8(input).map_err(|e| {
        let before = &input[..e.valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        ParseError::new(Location::Line(line), "text", "is not UTF-8 text")
            .hint("export the file again as UTF-8 (plain text), or save it as UTF-8 in a text editor")
    })
}

/// A wall-clock time read from a file, placed in the zone the person lived it in.
/// Times that fall in a clock change take the earlier reading, as clocks do.
pub(crate) fn local_moment(dt: DateTime, tz: &TimeZone) -> Option<Moment> {
    let zoned = tz.to_ambiguous_zoned_datetime(dt).compatible().ok()?;
    Some(Moment::from_zoned(&zoned))
}

/// Tags written inline as `@word` or `#word` (per `symbols`), in order, without repeats.
/// A tag starts a word and runs over letters, digits, `-` and `_`.
pub(crate) fn inline_tags(text: &str, symbols: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Only the symbols are visited; the text between them is skipped by the
    // searcher. Symbols are nearly always one to three ASCII characters,
    // which memchr finds many times faster than a search that decodes every
    // character (an ASCII byte in UTF-8 is always a whole character).
    let bytes = text.as_bytes();
    match *symbols.as_bytes() {
        [] => {}
        [a] if a.is_ascii() => memchr::memchr_iter(a, bytes).for_each(|i| take_tag(text, i, 1, &mut out)),
        [a, b] if symbols.is_ascii() => memchr::memchr2_iter(a, b, bytes).for_each(|i| take_tag(text, i, 1, &mut out)),
        [a, b, c] if symbols.is_ascii() => {
            memchr::memchr3_iter(a, b, c, bytes).for_each(|i| take_tag(text, i, 1, &mut out));
        }
        _ => {
            let symbols: Vec<char> = symbols.chars().collect();
            for (i, symbol) in text.match_indices(|c: char| symbols.contains(&c)) {
                take_tag(text, i, symbol.len(), &mut out);
            }
        }
    }
    out
}

/// Adds the tag whose symbol (`len` bytes) is at byte `i` of `text`, if it
/// starts a word and is not empty or already taken.
fn take_tag(text: &str, i: usize, len: usize, out: &mut Vec<String>) {
    let at_word_start = text[..i].chars().next_back().is_none_or(|p| p.is_whitespace() || p == '(');
    if !at_word_start {
        return;
    }
    let rest = &text[i + len..];
    let end = rest.find(|d: char| !(d.is_alphanumeric() || d == '-' || d == '_')).unwrap_or(rest.len());
    let word = rest[..end].trim_end_matches(['-', '_']).to_lowercase();
    if !word.is_empty() && !out.contains(&word) {
        out.push(word);
    }
}

/// Makes a free-form name (a Daylio activity, a distortion) into a tag attune accepts.
pub(crate) fn tag_of(name: &str) -> Option<String> {
    let slug = attune_core::Slug::from_name(name).ok()?;
    Some(slug.as_str().to_string())
}

/// A CSV file's rows with its header, so fields are read by name.
pub(crate) struct Table {
    columns: HashMap<String, usize>,
    /// (row number, fields); the header is row 1.
    pub rows: Vec<(usize, csv::StringRecord)>,
}

impl Table {
    /// Reads the whole file. A row with the wrong number of fields is an error
    /// naming that row.
    pub(crate) fn read(input: &[u8]) -> Result<Self, ParseError> {
        let text = utf8(input)?;
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| csv_error(&e, "header"))?.clone();
        let columns =
            header.iter().enumerate().map(|(i, name)| (name.trim().to_ascii_lowercase(), i)).collect::<HashMap<_, _>>();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&e, "row"))?;
            let row = record.position().map_or(rows.len() + 2, |p| usize::try_from(p.line()).unwrap_or(0));
            rows.push((row, record));
        }
        Ok(Self { columns, rows })
    }

    /// Whether the header has this column.
    pub(crate) fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// Refuses a file without the columns a format needs.
    pub(crate) fn require(&self, columns: &[&str], format: &str) -> Result<(), ParseError> {
        let missing: Vec<&str> = columns.iter().copied().filter(|c| !self.has(c)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(ParseError::new(Location::Row(1), "header", format!("has no column {}", missing.join(", ")))
            .hint(format!("is this a {format} export? Its first line must name the columns {}", columns.join(","))))
    }

    /// A field by column name (empty when the column is absent).
    pub(crate) fn get<'a>(&self, record: &'a csv::StringRecord, column: &str) -> &'a str {
        self.columns.get(column).and_then(|i| record.get(*i)).map_or("", str::trim)
    }
}

fn csv_error(e: &csv::Error, field: &str) -> ParseError {
    let row = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
    let at = if row == 0 { Location::File } else { Location::Row(row) };
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            ParseError::new(at, field, format!("has {len} fields where the header has {expected_len}"))
                .hint("a note with a comma must be in double quotes; export the file again from the app")
        }
        csv::ErrorKind::Utf8 { .. } => ParseError::new(at, field, "is not UTF-8 text")
            .hint("export the file again as UTF-8, or save it as UTF-8 in a spreadsheet program"),
        _ => ParseError::new(at, field, format!("cannot be read as CSV: {e}")),
    }
}

/// A whole number in `min..=max`, or an error naming the field.
pub(crate) fn number_in(text: &str, at: Location, field: &str, min: i64, max: i64) -> Result<i64, ParseError> {
    let n: f64 = text.trim().parse().map_err(|_| {
        ParseError::new(at, field, format!("{} is not a number", quote(text)))
            .hint(format!("use a number from {min} to {max}"))
    })?;
    if !n.is_finite() || n < min as f64 || n > max as f64 {
        return Err(ParseError::new(at, field, format!("{} is outside {min} to {max}", quote(text))));
    }
    Ok(n.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_tags_follow_the_symbols_and_word_starts() {
        let text = "Dinner with @Sam, felt #anxious-ish. mail me a@b.c #late_reply #anxious-ish";
        assert_eq!(inline_tags(text, "@#"), vec!["sam", "anxious-ish", "late_reply"]);
        assert_eq!(inline_tags(text, "@"), vec!["sam"]);
        assert!(inline_tags("# heading", "#").is_empty());
    }

    /// The first, char-by-char reading of tags, kept as the reference the
    /// faster one must agree with.
    fn tags_char_by_char(text: &str, symbols: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut prev: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at_word_start = prev.is_none_or(|p| p.is_whitespace() || p == '(');
            prev = Some(c);
            if !(at_word_start && symbols.contains(c)) {
                continue;
            }
            let start = i + c.len_utf8();
            let mut end = start;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '-' || d == '_' {
                    end = j + d.len_utf8();
                    prev = Some(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let word = text[start..end].trim_end_matches(['-', '_']).to_lowercase();
            if !word.is_empty() && !out.contains(&word) {
                out.push(word);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn inline_tags_agree_with_the_char_by_char_reading(
            text in "[a-zé§@#+%( \n_-]{0,60}",
            symbols in proptest::sample::select(vec!["@#", "#", "+", "@+", "@#+", "@#+%", "§#", ""]),
        ) {
            proptest::prop_assert_eq!(inline_tags(&text, symbols), tags_char_by_char(&text, symbols));
        }
    }
}
