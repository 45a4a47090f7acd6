//! jrnl: its plain-text journal file, its JSON export, and writing a file
//! jrnl can read.
//!
//! A plain-text entry starts at a line `[<date>] ` whose date follows the
//! person's `timeformat` (new configs: `%F %r`, `2020-06-28 06:22:00 PM`;
//! older ones `%Y-%m-%d %H:%M`; both are accepted). The first line holds the
//! title (a trailing ` *` stars the entry) and the lines after it the body.
//! Tags are words that start with one of `tagsymbols` (`#@`).

use std::cell::Cell;

use attune_core::{Entry, Moment};
use jiff::civil::DateTime;
use jiff::fmt::strtime;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{Location, ParseError, quote};
use crate::text::{inline_tags, local_moment, utf8};
use crate::{Batch, Imported, ImportedEntry, Skipped};

/// jrnl's default for new configurations (`%F %r`).
pub const DEFAULT_TIMEFORMAT: &str = "%F %r";
/// The format of older configurations and documentation.
pub const OLD_TIMEFORMAT: &str = "%Y-%m-%d %H:%M";
/// jrnl's default tag symbols.
pub const DEFAULT_TAGSYMBOLS: &str = "#@";

/// The settings of a `jrnl.yaml` that matter for reading its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// strftime format of the dates in brackets.
    pub timeformat: String,
    /// Characters that start a tag.
    pub tagsymbols: String,
}

impl Default for Config {
    fn default() -> Self {
        Self { timeformat: DEFAULT_TIMEFORMAT.into(), tagsymbols: DEFAULT_TAGSYMBOLS.into() }
    }
}

#[derive(Deserialize)]
struct YamlConfig {
    timeformat: Option<String>,
    tagsymbols: Option<String>,
}

/// Reads `timeformat` and `tagsymbols` from a `jrnl.yaml` (other keys are ignored).
pub fn parse_config(input: &[u8]) -> Result<Config, ParseError> {
    let text = utf8(input)?;
    let yaml: YamlConfig = serde_yaml_ng::from_str(text).map_err(|e| {
        let at = e.location().map_or(Location::File, |l| Location::Line(l.line()));
        ParseError::new(at, "yaml", format!("is not a jrnl configuration: {e}"))
            .hint("pass the jrnl.yaml that jrnl itself uses (`jrnl --list` shows where it is)")
    })?;
    let mut config = Config::default();
    if let Some(f) = yaml.timeformat {
        let f = f.trim().to_string();
        if f.is_empty() || sample_shape(&f).is_none() {
            return Err(ParseError::new(Location::File, "timeformat", format!("{} is not a date format", quote(&f)))
                .hint("jrnl uses strftime codes, e.g. '%F %r' or '%Y-%m-%d %H:%M'"));
        }
        config.timeformat = f;
    }
    if let Some(s) = yaml.tagsymbols {
        if s.trim().is_empty() || s.chars().any(char::is_alphanumeric) {
            return Err(ParseError::new(Location::File, "tagsymbols", format!("{} cannot start tags", quote(&s)))
                .hint("use symbols such as '#@'"));
        }
        config.tagsymbols = s.trim().to_string();
    }
    Ok(config)
}

/// Codes that jiff formats but cannot parse, spelled out.
fn parseable(format: &str) -> String {
    format.replace("%r", "%I:%M:%S %p").replace("%F", "%Y-%m-%d").replace("%T", "%H:%M:%S").replace("%R", "%H:%M")
}

/// The shape of a date in `format` (digit runs as `9`, letters as `a`), to
/// tell a mistyped date from a line that merely starts with a bracket.
fn sample_shape(format: &str) -> Option<String> {
    let sample = jiff::civil::date(2020, 6, 28).at(18, 22, 0, 0);
    let text = strtime::format(parseable(format).as_str(), sample).ok()?;
    Some(shape(&text))
}

fn shape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let s = if c.is_ascii_digit() {
            '9'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if !(matches!(s, '9' | 'a') && out.ends_with(s)) {
            out.push(s);
        }
    }
    out
}

/// One reading of (part of) a file; the halves of a big file each have one.
struct Reader<'a> {
    formats: &'a [String],
    /// The format that read the last date: a file keeps to one, so it is tried first.
    last: Cell<usize>,
    shapes: &'a [String],
    config: &'a Config,
    tz: &'a TimeZone,
}

impl Reader<'_> {
    fn parse_date(&self, text: &str) -> Option<DateTime> {
        let read = |i: usize| strtime::parse(self.formats[i].as_str(), text).ok()?.to_datetime().ok();
        let last = self.last.get();
        if let Some(dt) = read(last) {
            return Some(dt);
        }
        let (i, dt) = (0..self.formats.len()).filter(|&i| i != last).find_map(|i| Some((i, read(i)?)))?;
        self.last.set(i);
        Some(dt)
    }

    /// `Ok(Some)` for an entry's first line, `Ok(None)` for a body line, and an
    /// error for a line that is meant as a date but is not one.
    fn header<'l>(&self, line: &'l str, n: usize) -> Result<Option<(Moment, &'l str)>, ParseError> {
        let Some(rest) = line.strip_prefix('[') else { return Ok(None) };
        let Some(close) = rest.find(']') else {
            let looks_dated = rest.len() >= 5 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit);
            if looks_dated {
                return Err(ParseError::new(Location::Line(n), "date", "the date has no closing ']'")
                    .hint("an entry starts like `[2020-06-28 18:22] Title`"));
            }
            return Ok(None);
        };
        let inside = &rest[..close];
        let after = &rest[close + 1..];
        match self.parse_date(inside.trim()) {
            Some(dt) => {
                let moment = local_moment(dt, self.tz).ok_or_else(|| {
                    ParseError::new(
                        Location::Line(n),
                        "date",
                        format!("{} does not exist in this time zone", quote(inside)),
                    )
                })?;
                Ok(Some((moment, after.strip_prefix(' ').unwrap_or(after))))
            }
            None if self.shapes.contains(&shape(inside.trim())) => Err(ParseError::new(
                Location::Line(n),
                "date",
                format!("{} is not a real date and time", quote(inside)),
            )
            .hint(format!("dates must follow the timeformat '{}'", self.config.timeformat))),
            None => Ok(None),
        }
    }
}

/// From this size on a file is read in two halves at once (100,000
/// entries, 25 MB: about 0.1 s saved before the import can start).
const SPLIT_FROM: usize = 1 << 20;

/// Reads a jrnl plain-text journal. Wall-clock times are placed in `tz`.
pub fn parse(input: &[u8], config: &Config, tz: &TimeZone) -> Result<Batch, ParseError> {
    parse_split(input, config, tz, SPLIT_FROM)
}

/// [`parse`], in two halves on two threads when the file has `split_from`
/// bytes or more. The halves meet at an entry's first line, so each is a
/// jrnl file of its own and together they read exactly as the whole; an
/// error in the first half is reported first, as reading in order would.
fn parse_split(input: &[u8], config: &Config, tz: &TimeZone, split_from: usize) -> Result<Batch, ParseError> {
    let text = utf8(input)?;
    let mut formats = vec![parseable(&config.timeformat)];
    for f in [DEFAULT_TIMEFORMAT, OLD_TIMEFORMAT, "%Y-%m-%d %H:%M:%S"] {
        let f = parseable(f);
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    let shapes: Vec<String> = formats.iter().filter_map(|f| sample_shape(f)).collect();
    let reader = || Reader { formats: &formats, last: Cell::new(0), shapes: &shapes, config, tz };

    let cut = if text.len() >= split_from { entry_near_middle(text, &reader()) } else { None };
    let mut batch = match cut {
        None => read_entries(text, 0, &reader(), config)?,
        Some(at) => {
            let (head, tail) = text.split_at(at);
            let lines_before = memchr::memchr_iter(b'\n', head.as_bytes()).count();
            let second_half = || read_entries(tail, lines_before, &reader(), config);
            let (first, second) = std::thread::scope(|s| {
                // Without a second thread (a process at its limit), in turn.
                let second = std::thread::Builder::new().spawn_scoped(s, second_half);
                let first = read_entries(head, 0, &reader(), config);
                let second = match second {
                    Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    Err(_) => second_half(),
                };
                (first, second)
            });
            let mut first = first?;
            let second = second?;
            first.records.extend(second.records);
            first.skipped.extend(second.skipped);
            first
        }
    };
    if batch.records.is_empty() && batch.skipped.is_empty() {
        return Err(ParseError::new(Location::File, "entries", "has no entries").hint("is this the right file?"));
    }
    batch.sort();
    Ok(batch)
}

/// Where the first entry in the second half of `text` starts, if one does.
fn entry_near_middle(text: &str, reader: &Reader<'_>) -> Option<usize> {
    let mut from = text.len() / 2;
    while let Some(found) = memchr::memmem::find(&text.as_bytes()[from..], b"\n[") {
        let start = from + found + 1;
        let end = memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |n| start + n);
        let line = &text[start..end];
        // A line that only looks like an entry's start (or is a bad date)
        // is read where it is, by the half that holds it.
        if let Ok(Some(_)) = reader.header(line.strip_suffix('\r').unwrap_or(line), 0) {
            return Some(start);
        }
        from = start;
    }
    None
}

/// The entries of `text`, whose first line is line `lines_before + 1` of the file.
fn read_entries(text: &str, lines_before: usize, reader: &Reader<'_>, config: &Config) -> Result<Batch, ParseError> {
    let mut batch = Batch::default();
    let mut current: Option<(usize, Moment, String, Vec<&str>)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let n = lines_before + i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((moment, title)) = reader.header(line, n)? {
            if let Some(done) = current.take() {
                finish(done, config, &mut batch);
            }
            current = Some((n, moment, title.to_string(), Vec::new()));
        } else if let Some((_, _, _, body)) = current.as_mut() {
            body.push(line);
        } else if !line.trim().is_empty() {
            return Err(ParseError::new(Location::Line(n), "date", "text before the first entry's date").hint(
                "a jrnl file starts with an entry like `[2020-06-28 06:22:00 PM] Title`; \
                       pass --jrnl-config if your jrnl uses another timeformat",
            ));
        }
    }
    if let Some(done) = current.take() {
        finish(done, config, &mut batch);
    }
    Ok(batch)
}

fn finish((line, occurred, title, body): (usize, Moment, String, Vec<&str>), config: &Config, batch: &mut Batch) {
    let (title, starred) = match title.trim_end().strip_suffix(" *") {
        Some(t) => (t.to_string(), true),
        None if title.trim() == "*" => (String::new(), true),
        None => (title.trim_end().to_string(), false),
    };
    let mut text = title;
    let body = body.join("\n");
    let body = body.trim_end();
    if !body.trim().is_empty() {
        text.push('\n');
        text.push_str(body);
    }
    if text.trim().is_empty() {
        batch.skipped.push(Skipped { at: format!("line {line}"), why: "the entry has a date but no words".into() });
        return;
    }
    let tags = inline_tags(&text, &config.tagsymbols);
    batch.records.push(Imported::Entry(ImportedEntry {
        at: Location::Line(line),
        occurred,
        situation: text,
        thoughts: String::new(),
        helped: String::new(),
        tags,
        starred,
    }));
}

#[derive(Deserialize)]
struct JsonExport {
    entries: Vec<JsonEntry>,
}

#[derive(Deserialize)]
struct JsonEntry {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    date: String,
    time: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    starred: bool,
}

/// Reads jrnl's `--export json`. Times are placed in `tz`.
pub fn parse_json(input: &[u8], tz: &TimeZone) -> Result<Batch, ParseError> {
    let text = utf8(input)?;
    let export: JsonExport = serde_json::from_str(text).map_err(|e| json_error(&e, "jrnl"))?;
    let mut batch = Batch::default();
    for (i, e) in export.entries.into_iter().enumerate() {
        let at = Location::Entry(i + 1);
        let date: jiff::civil::Date =
            e.date.trim().parse().map_err(|_| {
                ParseError::new(at, "date", format!("{} is not a date like 2020-06-28", quote(&e.date)))
            })?;
        let time: jiff::civil::Time = e
            .time
            .trim()
            .parse()
            .map_err(|_| ParseError::new(at, "time", format!("{} is not a time like 18:22", quote(&e.time))))?;
        let occurred = local_moment(date.to_datetime(time), tz)
            .ok_or_else(|| ParseError::new(at, "time", "does not exist in this time zone"))?;
        let mut text = e.title.trim().to_string();
        if !e.body.trim().is_empty() {
            text.push('\n');
            text.push_str(e.body.trim_end());
        }
        if text.trim().is_empty() {
            batch.skipped.push(Skipped { at: at.to_string(), why: "the entry has no title or body".into() });
            continue;
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &e.tags {
            let t = t.trim().trim_start_matches(['@', '#']).to_lowercase();
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
        batch.records.push(Imported::Entry(ImportedEntry {
            at,
            occurred,
            situation: text,
            thoughts: String::new(),
            helped: String::new(),
            tags,
            starred: e.starred,
        }));
    }
    if batch.records.is_empty() && batch.skipped.is_empty() {
        return Err(ParseError::new(Location::File, "entries", "has no entries"));
    }
    batch.sort();
    Ok(batch)
}

/// A serde_json error as a located parse error.
pub(crate) fn json_error(e: &serde_json::Error, app: &str) -> ParseError {
    let at = if e.line() == 0 { Location::File } else { Location::Line(e.line()) };
    let message = e.to_string();
    // serde_json appends " at line L column C"; the location says it already.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("missing field") || message.starts_with("unknown field"))
        .unwrap_or("json")
        .to_string();
    ParseError::new(at, field, message).hint(format!("is this a {app} JSON export? Export it again from the app"))
}

/// The timeformat attune writes: jrnl's default for new configurations.
pub const WRITE_TIMEFORMAT: &str = "%Y-%m-%d %I:%M:%S %p";

/// Writes entries as a jrnl plain-text journal (oldest first), in the wall
/// time each was lived in (see [`write_entry`]).
pub fn write(entries: &[Entry]) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.occurred.unix_ms());
    let mut out = String::with_capacity(entries.len() * 256);
    for e in sorted {
        write_entry(&mut out, e);
    }
    out
}

/// Appends one entry in jrnl's plain-text form. The situation is the title
/// and body; thoughts, fear and what helped follow as paragraphs; triggers,
/// feelings and tags become `@tags` so they come back as the same labels on
/// import. Entries written one after another, oldest first, make a journal.
pub fn write_entry(out: &mut String, e: &Entry) {
    use std::fmt::Write as _;
    let mut lines = e.situation.lines();
    let title = lines.next().unwrap_or("").trim_end();
    // Writing into a String cannot fail.
    let _ = write!(out, "[{}] {title}", e.occurred.local().strftime(WRITE_TIMEFORMAT));
    if e.starred {
        out.push_str(" *");
    }
    out.push('\n');
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    for (name, text) in [("Thoughts", &e.thoughts), ("Fear", &e.fear), ("What helped", &e.helped)] {
        if !text.is_empty() {
            let _ = write!(out, "\n{name}: {text}\n");
        }
    }
    let present = inline_tags(&e.situation, "@#");
    let mut first = true;
    let labels = e.triggers.iter().chain(&e.feelings).map(|s| s.as_str()).chain(e.tags.iter().map(String::as_str));
    for tag in labels.filter(|t| !present.iter().any(|p| p == t)) {
        out.push_str(if first { "\n@" } else { " @" });
        out.push_str(tag);
        first = false;
    }
    if !first {
        out.push('\n');
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    #[test]
    fn reads_both_timeformats_stars_and_tags() {
        let file = "[2020-06-28 06:22:00 PM] No reply all day. @late-reply felt #anxious\nbody line\n\n\
                    [2020-06-29 09:05] Coffee together *\n";
        let batch = parse(file.as_bytes(), &Config::default(), &utc()).unwrap();
        assert_eq!(batch.records.len(), 2);
        let Imported::Entry(first) = &batch.records[0] else { panic!() };
        assert_eq!(first.occurred.local().to_string(), "2020-06-28T18:22:00");
        assert_eq!(first.situation, "No reply all day. @late-reply felt #anxious\nbody line");
        assert_eq!(first.tags, vec!["late-reply", "anxious"]);
        assert!(!first.starred);
        let Imported::Entry(second) = &batch.records[1] else { panic!() };
        assert!(second.starred);
        assert_eq!(second.situation, "Coffee together");
    }

    /// One line of a generated file: an entry's start (good or bad date,
    /// starred or not), a line that only looks like one, a body line, a
    /// tagged line, a blank one.
    fn line_of(kind: u8, n: u32) -> String {
        let (day, hour, minute) = (1 + n % 28, n % 24, (n * 7) % 60);
        match kind {
            0 => format!("[2020-06-{day:02} {hour:02}:{minute:02}] Title {n}"),
            1 => format!(
                "[2020-06-{day:02} {:02}:{minute:02}:00 {}] Starred {n} *",
                1 + n % 12,
                ["AM", "PM"][n as usize % 2]
            ),
            2 => format!("[{n}] a footnote"),
            3 => format!("[2020-13-{day:02} {hour:02}:{minute:02}] a month that is not one"),
            4 => format!("felt it again @late-reply #tag{n}"),
            5 => String::new(),
            6 => "   ".into(),
            _ => format!("body line {n}"),
        }
    }

    proptest::proptest! {
        /// Read in two halves, any file reads exactly as read in one go:
        /// the same entries, skips and line numbers, or the same error.
        #[test]
        fn two_halves_read_as_the_whole(
            lines in proptest::collection::vec((0u8..12, 0u32..1000), 0..120),
            crlf in proptest::prelude::any::<bool>(),
            start_with_entry in proptest::prelude::any::<bool>(),
        ) {
            let mut text: Vec<String> = lines.iter().map(|&(k, n)| line_of(k, n)).collect();
            if start_with_entry {
                text.insert(0, line_of(0, 0));
            }
            let file = text.join(if crlf { "\r\n" } else { "\n" });
            let whole = parse_split(file.as_bytes(), &Config::default(), &utc(), usize::MAX);
            let halves = parse_split(file.as_bytes(), &Config::default(), &utc(), 0);
            proptest::prop_assert_eq!(halves, whole);
        }
    }

    #[test]
    fn a_big_file_is_read_in_halves_with_the_right_line_numbers() {
        let entry = |i: usize| {
            format!("[2020-06-28 {:02}:{:02}] Entry {i}\nbody of {i}\n[{i}] not a date\n", i / 60 % 24, i % 60)
        };
        let mut file: String = (0..1000).map(entry).collect();
        assert!(
            entry_near_middle(
                &file,
                &Reader {
                    formats: &[parseable(OLD_TIMEFORMAT)],
                    last: Cell::new(0),
                    shapes: &[],
                    config: &Config::default(),
                    tz: &utc(),
                }
            )
            .is_some()
        );
        let batch = parse_split(file.as_bytes(), &Config::default(), &utc(), 0).unwrap();
        assert_eq!(batch.records.len(), 1000);
        let Imported::Entry(last) = &batch.records[999] else { panic!() };
        assert_eq!(last.at, Location::Line(2998));
        // A bad date near the end, in the second half, is found at its line.
        file.push_str("[2020-13-28 10:00] bad\n");
        let err = parse_split(file.as_bytes(), &Config::default(), &utc(), 0).unwrap_err();
        assert_eq!(err.at, Location::Line(3001));
    }

    #[test]
    fn a_bracket_line_in_the_body_is_text_but_a_bad_date_is_an_error() {
        let ok = "[2020-06-28 18:22] Title\n[1] a footnote\n";
        let batch = parse(ok.as_bytes(), &Config::default(), &utc()).unwrap();
        assert_eq!(batch.records.len(), 1);
        let bad = "[2020-06-28 18:22] Title\n\n[2020-13-28 18:22] Next\n";
        let err = parse(bad.as_bytes(), &Config::default(), &utc()).unwrap_err();
        assert_eq!((err.at, err.field.as_str()), (Location::Line(3), "date"));
    }

    #[test]
    fn config_sets_the_timeformat_and_symbols() {
        let config =
            parse_config(b"journals:\n  default: ~/j.txt\ntimeformat: '%d.%m.%Y %H:%M'\ntagsymbols: '+'\n").unwrap();
        let batch = parse(b"[28.06.2020 18:22] Hello +work @no\n", &config, &utc()).unwrap();
        let Imported::Entry(e) = &batch.records[0] else { panic!() };
        assert_eq!(e.tags, vec!["work"]);
        assert!(parse_config(b"timeformat: ''\n").is_err());
    }
}
