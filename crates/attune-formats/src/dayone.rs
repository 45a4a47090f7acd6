//! Day One's JSON export, alone or in the zip Day One writes (the JSON file
//! beside a `photos/` folder). Entries have a UTC `creationDate`, the IANA
//! `timeZone` they were written in, and Markdown `text` in which Day One
//! escapes punctuation (`\.`, `\!`); the escapes are removed and photo
//! references are left out (and counted).

use std::io::{Cursor, Read};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{Location, ParseError, quote};
use crate::jrnl::json_error;
use crate::text::utf8;
use crate::{Batch, Imported, ImportedEntry, Skipped};

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    metadata: Option<serde_json::Value>,
    entries: Vec<DayOneEntry>,
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
/// the first bytes). Every `.json` file in a zip is one journal.
pub fn parse(input: &[u8]) -> Result<Batch, ParseError> {
    if input.starts_with(b"PK\x03\x04") {
        return parse_zip(input);
    }
    parse_json(input)
}

fn parse_zip(input: &[u8]) -> Result<Batch, ParseError> {
    let bad_zip = |e: zip::result::ZipError| {
        ParseError::new(Location::File, "zip", format!("cannot be opened: {e}"))
            .hint("export again from Day One (Settings → Import/Export → JSON)")
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(input)).map_err(bad_zip)?;
    let mut batch = Batch::default();
    let mut journals = 0;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(bad_zip)?;
        let name = file.name().map(|n| n.to_string()).unwrap_or_default();
        // Photos and other media are left out; the entries count them.
        if !name.to_ascii_lowercase().ends_with(".json") || name.contains("__MACOSX") {
            continue;
        }
        // A zip bomb must not fill memory: 512 MiB is far beyond any journal.
        let mut bytes = Vec::new();
        file.by_ref()
            .take(512 << 20)
            .read_to_end(&mut bytes)
            .map_err(|e| ParseError::new(Location::File, "zip", format!("{name} cannot be read: {e}")))?;
        let part = parse_json(&bytes).map_err(|mut e| {
            e.message = format!("{} (in {name})", e.message);
            e
        })?;
        journals += 1;
        batch.records.extend(part.records);
        batch.skipped.extend(part.skipped);
        batch.notes.extend(part.notes);
    }
    if journals == 0 {
        return Err(ParseError::new(Location::File, "zip", "holds no .json journal")
            .hint("export from Day One as JSON; the zip must contain a file like Journal.json"));
    }
    batch.sort();
    Ok(batch)
}

fn parse_json(input: &[u8]) -> Result<Batch, ParseError> {
    let text = utf8(input)?;
    let export: Export = serde_json::from_str(text).map_err(|e| json_error(&e, "Day One"))?;
    let _ = export.metadata;
    let mut batch = Batch::default();
    let mut photos = 0;
    for (i, e) in export.entries.into_iter().enumerate() {
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
}
