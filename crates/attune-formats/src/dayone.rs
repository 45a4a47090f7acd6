//! Day One's JSON export, alone or in the zip Day One writes (the JSON file
//! beside a `photos/` folder). Entries have a UTC `creationDate`, the IANA
//! `timeZone` they were written in, and Markdown `text` in which Day One
//! escapes punctuation (`\.`, `\!`); the escapes are removed and photo
//! references are left out (and counted).

use std::fmt;
use std::io::{Cursor, Read};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{Location, ParseError, quote};
use crate::jrnl::json_error;
use crate::text::utf8;
use crate::{Batch, Imported, ImportedEntry, Skipped};

/// How much a Day One file may hold. A zip can expand a few kilobytes into
/// gigabytes (many copies of one journal, or a header that lies about a
/// size), so a zip is checked against these before and while it is read,
/// and never takes more memory than they allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most entries in one file, and in all of a zip's journals together.
    pub records: usize,
    /// Most bytes all of a zip's journals may expand to together.
    pub expanded: u64,
    /// Most bytes one journal in a zip may expand to.
    pub per_file: u64,
    /// Most files in a zip (journals, photos and all).
    pub files: usize,
}

impl Limits {
    /// Far beyond any real journal (decades of daily writing are tens of
    /// thousands of entries and tens of megabytes), yet small enough that
    /// `attune serve` stays responsive while it refuses a zip bomb.
    pub const DEFAULT: Limits = Limits { records: 200_000, expanded: 256 << 20, per_file: 256 << 20, files: 100_000 };
}

/// The export's top level, read with the record cap: `entries` one at a
/// time, so a file with more than [`Limits::records`] stops at the first one
/// too many; everything else (`metadata`) is skipped unread.
struct ExportSeed {
    cap: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for ExportSeed {
    type Value = Vec<DayOneEntry>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ExportSeed {
    type Value = Vec<DayOneEntry>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Day One export with a list of entries")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                entries = Some(map.next_value_seed(EntriesSeed { cap: self.cap })?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        entries.ok_or_else(|| serde::de::Error::missing_field("entries"))
    }
}

struct EntriesSeed {
    cap: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for EntriesSeed {
    type Value = Vec<DayOneEntry>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for EntriesSeed {
    type Value = Vec<DayOneEntry>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of entries")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(e) = seq.next_element::<DayOneEntry>()? {
            if out.len() == self.cap {
                return Err(serde::de::Error::custom(TOO_MANY));
            }
            out.push(e);
        }
        Ok(out)
    }
}

/// The serde error text that becomes [`too_many`].
const TOO_MANY: &str = "attune: too many entries";

fn too_many(limits: &Limits) -> ParseError {
    ParseError::new(
        Location::File,
        "entries",
        format!("holds more than {} entries, more than attune reads from one import", limits.records),
    )
    .hint("export the journals from Day One one at a time, or a year at a time, and import each file")
}

fn too_big(limits: &Limits, what: &str) -> ParseError {
    ParseError::new(
        Location::File,
        "zip",
        format!("{what} would expand to more than {} MiB, far more than a journal's words", limits.expanded >> 20),
    )
    .hint("a Day One export is usually a few megabytes; export it again from Day One, or one journal at a time")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DayOneEntry {
    #[serde(default)]
    uuid: String,
    creation_date: String,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    starred: bool,
    #[serde(default)]
    photos: Vec<serde_json::Value>,
}

/// Reads a Day One export: the JSON itself, or a zip holding it (told apart by
/// the first bytes). Every `.json` file in a zip is one journal. Refuses
/// files beyond [`Limits::DEFAULT`].
pub fn parse(input: &[u8]) -> Result<Batch, ParseError> {
    parse_with(input, &Limits::DEFAULT)
}

/// [`parse`] with other limits (tests use small ones).
pub fn parse_with(input: &[u8], limits: &Limits) -> Result<Batch, ParseError> {
    if input.starts_with(b"PK\x03\x04") {
        return parse_zip(input, limits);
    }
    parse_json(input, limits)
}

fn is_journal(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json") && !name.contains("__MACOSX")
}

fn parse_zip(input: &[u8], limits: &Limits) -> Result<Batch, ParseError> {
    let bad_zip = |e: zip::result::ZipError| {
        ParseError::new(Location::File, "zip", format!("cannot be opened: {e}"))
            .hint("export again from Day One (Settings → Import/Export → JSON)")
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(input)).map_err(bad_zip)?;
    if archive.len() > limits.files {
        return Err(ParseError::new(
            Location::File,
            "zip",
            format!("holds {} files, more than the {} a Day One export could", archive.len(), limits.files),
        )
        .hint("export again from Day One, one journal at a time"));
    }
    // First the sizes the zip's directory declares, before anything is unpacked.
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(bad_zip)?;
        if is_journal(&file.name().unwrap_or_default()) {
            declared = declared.saturating_add(file.size());
        }
    }
    if declared > limits.expanded {
        return Err(too_big(limits, "its journals"));
    }
    let mut batch = Batch::default();
    let mut journals = 0;
    let mut read_so_far = 0u64;
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(bad_zip)?;
        let name = file.name().map(|n| n.to_string()).unwrap_or_default();
        // Photos and other media are left out; the entries count them.
        if !is_journal(&name) {
            continue;
        }
        let size = file.size();
        if size > limits.per_file {
            return Err(too_big(limits, &name));
        }
        // A header can lie: never read more than it declared, and one byte
        // past it shows the lie.
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 20));
        file.take(size.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| {
            // zip itself notices a size that lies; the same advice as ours.
            ParseError::new(Location::File, "zip", format!("{name} cannot be read: {e}"))
                .hint("the zip is damaged or not from Day One: export again from Day One")
        })?;
        if bytes.len() as u64 > size {
            return Err(ParseError::new(
                Location::File,
                "zip",
                format!("{name} holds more than its size in the zip says; the zip is damaged or not from Day One"),
            )
            .hint("export again from Day One (Settings → Import/Export → JSON)"));
        }
        read_so_far += size;
        if read_so_far > limits.expanded {
            return Err(too_big(limits, "its journals"));
        }
        let part = parse_json(&bytes, limits).map_err(|mut e| {
            e.message = format!("{} (in {name})", e.message);
            e
        })?;
        drop(bytes);
        journals += 1;
        batch.records.extend(part.records);
        batch.skipped.extend(part.skipped);
        batch.notes.extend(part.notes);
        // Counted across journals too: many copies of one journal add up.
        if batch.records.len() + batch.skipped.len() > limits.records {
            return Err(too_many(limits));
        }
    }
    if journals == 0 {
        return Err(ParseError::new(Location::File, "zip", "holds no .json journal")
            .hint("export from Day One as JSON; the zip must contain a file like Journal.json"));
    }
    batch.sort();
    Ok(batch)
}

fn parse_json(input: &[u8], limits: &Limits) -> Result<Batch, ParseError> {
    let text = utf8(input)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde::de::DeserializeSeed::deserialize(ExportSeed { cap: limits.records }, &mut de)
        .and_then(|entries| de.end().map(|()| entries));
    let entries = match parsed {
        Ok(entries) => entries,
        Err(e) if e.to_string().starts_with(TOO_MANY) => return Err(too_many(limits)),
        Err(e) => return Err(json_error(&e, "Day One")),
    };
    let mut batch = Batch::default();
    let mut photos = 0;
    for (i, e) in entries.into_iter().enumerate() {
        let at = Location::Entry(i + 1);
        let instant: Timestamp = e.creation_date.trim().parse().map_err(|_| {
            ParseError::new(
                at,
                "creationDate",
                format!("{} is not a UTC time like 2020-06-28T16:22:00Z", quote(&e.creation_date)),
            )
        })?;
        let tz = match e.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            Some(name) => TimeZone::get(name).map_err(|_| {
                ParseError::new(at, "timeZone", format!("{} is not a known time zone", quote(name)))
                    .hint("Day One writes IANA names like Europe/Berlin")
            })?,
            None => TimeZone::UTC,
        };
        let moment = attune_core::Moment::from_zoned(&instant.to_zoned_datetime(tz));
        photos += e.photos.len();
        let text = unescape(&strip_media(&e.text));
        if text.trim().is_empty() {
            let id = if e.uuid.is_empty() { String::new() } else { format!(" ({})", e.uuid) };
            batch.skipped.push(Skipped { at: format!("{at}{id}"), why: "the entry has no text (only photos?)".into() });
            continue;
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &e.tags {
            if let Some(t) = crate::text::tag_of(t)
                && !tags.contains(&t)
            {
                tags.push(t);
            }
        }
        batch.records.push(Imported::Entry(ImportedEntry {
            at,
            occurred: moment,
            situation: text.trim().to_string(),
            thoughts: String::new(),
            helped: String::new(),
            tags,
            starred: e.starred,
        }));
    }
    if photos > 0 {
        batch.notes.push(format!("{photos} photos were left out (attune keeps words only)"));
    }
    if batch.records.is_empty() && batch.skipped.is_empty() {
        return Err(ParseError::new(Location::File, "entries", "has no entries"));
    }
    batch.sort();
    Ok(batch)
}

/// Drops Day One's media references (`![](dayone-moment://…)`), keeping the
/// words; a line that held only a photo goes, and so does the blank line it leaves.
fn strip_media(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        let mut had_media = false;
        while let Some(start) = rest.find("![](dayone-moment:") {
            had_media = true;
            out.push_str(&rest[..start]);
            rest = rest[start..].find(')').map_or("", |end| &rest[start + end + 1..]);
        }
        out.push_str(rest);
        if had_media && out.trim().is_empty() {
            continue;
        }
        if out.trim().is_empty() && lines.last().is_some_and(|l| l.trim().is_empty()) {
            continue;
        }
        lines.push(out);
    }
    lines.join("\n")
}

/// Removes the backslash Day One puts before ASCII punctuation.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_photos_go_and_the_zone_is_kept() {
        let json = r#"{"metadata":{"version":"1.0"},"entries":[{"uuid":"A1","creationDate":"2020-06-28T16:22:00Z",
            "timeZone":"Europe/Berlin","text":"Dinner\\. He was late\\!\n![](dayone-moment://XYZ)\nfine","tags":["Late reply"],
            "starred":true,"photos":[{"identifier":"XYZ"}]}]}"#;
        let batch = parse(json.as_bytes()).unwrap();
        let Imported::Entry(e) = &batch.records[0] else { panic!() };
        assert_eq!(e.situation, "Dinner. He was late!\nfine");
        assert_eq!(e.occurred.local().to_string(), "2020-06-28T18:22:00");
        assert_eq!(e.occurred.zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(e.tags, vec!["late-reply"]);
        assert!(e.starred);
        assert_eq!(batch.notes.len(), 1);
    }

    /// One journal of `n` entries, about 300 bytes each.
    fn journal(n: usize) -> Vec<u8> {
        let entry = r#"{"uuid":"U","creationDate":"2020-06-28T16:22:00Z","timeZone":"Europe/Berlin","text":"The same evening again, waiting for a reply that did not come, and then the same evening again."}"#;
        let mut json = String::from(r#"{"metadata":{"version":"1.0"},"entries":["#);
        for i in 0..n {
            if i > 0 {
                json.push(',');
            }
            json.push_str(entry);
        }
        json.push_str("]}");
        json.into_bytes()
    }

    /// A zip of `copies` copies of `json`, compressed once and copied raw, so
    /// the test builds a bomb in milliseconds.
    fn zip_of_copies(json: &[u8], copies: usize) -> Vec<u8> {
        use std::io::Write;
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut one = zip::ZipWriter::new(Cursor::new(Vec::new()));
        one.start_file("Journal.json", options).unwrap();
        one.write_all(json).unwrap();
        let one = one.finish().unwrap().into_inner();
        let mut source = zip::ZipArchive::new(Cursor::new(one)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..copies {
            out.raw_copy_file_rename(source.by_index_raw(0).unwrap(), format!("Journal {i}.json")).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_bomb_of_repeated_journals_is_refused_fast_from_its_directory() {
        // About 1.1 MiB of entries, 300 times: some 340 MB from a small zip.
        let json = journal(6_000);
        let bomb = zip_of_copies(&json, 300);
        assert!(bomb.len() < 4 << 20, "the bomb is small: {} bytes", bomb.len());
        let started = std::time::Instant::now();
        let err = parse(&bomb).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
        assert!(err.message.contains("256 MiB"), "{err}");
        assert!(err.hint.is_some());
        // A few copies are fine: the limits are far beyond a real journal.
        assert_eq!(parse(&zip_of_copies(&json, 2)).unwrap().records.len(), 12_000);
    }

    #[test]
    fn records_are_capped_per_file_and_across_a_zips_journals() {
        let limits = Limits { records: 100, ..Limits::DEFAULT };
        assert_eq!(parse_with(&journal(100), &limits).unwrap().records.len(), 100);
        let err = parse_with(&journal(101), &limits).unwrap_err();
        assert!(err.message.contains("more than 100 entries"), "{err}");
        // Each journal is under the cap; together they are not.
        let err = parse_with(&zip_of_copies(&journal(60), 2), &limits).unwrap_err();
        assert!(err.message.contains("more than 100 entries"), "{err}");
        let limits = Limits { files: 3, ..Limits::DEFAULT };
        assert!(parse_with(&zip_of_copies(&journal(1), 4), &limits).unwrap_err().message.contains("4 files"));
        let limits = Limits { per_file: 1_000, ..Limits::DEFAULT };
        assert!(parse_with(&zip_of_copies(&journal(10), 1), &limits).is_err());
    }

    #[test]
    fn a_header_that_understates_a_size_is_caught_while_reading() {
        let json = journal(2_000);
        let mut zip = zip_of_copies(&json, 1);
        // Rewrite the uncompressed size in the local header (offset 22) and
        // the central directory (offset 24) to claim 100 bytes.
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = zip.windows(4).position(|w| w == signature).unwrap() + offset;
            zip[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
        }
        let started = std::time::Instant::now();
        let err = parse(&zip).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(err.message.contains("Journal 0.json") && err.message.contains("larger"), "{err}");
    }
}
