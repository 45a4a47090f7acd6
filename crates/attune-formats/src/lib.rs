//! attune's file formats: reading what people wrote in other journal and mood
//! apps, writing everything back out, and the report for a counsellor.
//!
//! Every parser is a pure function from bytes (or text) to [`Batch`] and
//! never panics, whatever the input: a problem is a [`ParseError`] naming
//! the line, row or entry and the field. Parsers know nothing about the
//! person's journal; [`map::to_records`] turns a batch into domain records
//! using the person's own trigger and feeling lists.

pub mod attune_json;
pub mod bearable;
pub mod crypt;
pub mod daylio;
pub mod dayone;
pub mod error;
pub mod export;
pub mod freecbt;
#[cfg(feature = "store")]
pub mod journal;
pub mod jrnl;
pub mod map;
pub mod read;
pub mod report;
mod text;

use attune_core::Moment;
use serde::Serialize;

pub use error::{Location, ParseError};

/// The largest file `attune import` reads (the web app's upload limit is
/// lower). Far beyond a real journal's export; a larger file would only be
/// read into memory to be refused later.
pub const MAX_IMPORT_BYTES: u64 = 512 << 20;

/// The formats `attune import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// jrnl's plain text file.
    Jrnl,
    /// jrnl's `--export json`.
    JrnlJson,
    /// Day One's JSON export (or the zip holding it).
    DayOne,
    /// Daylio's CSV export.
    Daylio,
    /// Bearable's CSV export.
    Bearable,
    /// FreeCBT / Quirk thought records (CSV).
    FreeCbt,
    /// attune's own JSON export.
    Attune,
}

impl Format {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jrnl => "jrnl",
            Self::JrnlJson => "jrnl-json",
            Self::DayOne => "dayone",
            Self::Daylio => "daylio",
            Self::Bearable => "bearable",
            Self::FreeCbt => "freecbt",
            Self::Attune => "attune",
        }
    }

    /// The name of the field a record's date is read from, for errors.
    pub fn date_field(self) -> &'static str {
        match self {
            Self::Jrnl | Self::JrnlJson | Self::Bearable => "date",
            Self::DayOne => "creationDate",
            Self::Daylio => "full_date",
            Self::FreeCbt => "createdAt",
            Self::Attune => "occurred",
        }
    }
}

/// An entry read from another app, before it meets the person's lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedEntry {
    /// Where it was in the file.
    pub at: Location,
    /// When it happened.
    pub occurred: Moment,
    /// The text (required).
    pub situation: String,
    /// Thoughts (thought records).
    pub thoughts: String,
    /// What helped (thought records: the challenge and the balanced thought).
    pub helped: String,
    /// Tags, activities or distortions as the other app named them.
    pub tags: Vec<String>,
    /// Starred or favourite.
    pub starred: bool,
}

/// A mood reading turned into a check-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedCheckin {
    /// Where it was in the file.
    pub at: Location,
    /// When.
    pub when: Moment,
    /// Felt security, 0–10.
    pub security: u8,
    /// The other app's mood word or rating, for the preview.
    pub mood: String,
    /// Words that came with it.
    pub note: String,
}

/// One record read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// A journal or reflection entry.
    Entry(ImportedEntry),
    /// A check-in.
    Checkin(ImportedCheckin),
}

impl Imported {
    /// Its words, field by field (for the safety count after an import).
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Self::Entry(e) => vec![&e.situation, &e.thoughts, &e.helped],
            Self::Checkin(c) => vec![&c.note],
        }
    }

    /// When it happened (for ordering and the date range).
    pub fn moment(&self) -> &Moment {
        match self {
            Self::Entry(e) => &e.occurred,
            Self::Checkin(c) => &c.when,
        }
    }
}

/// Something in the file that is deliberately not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Where.
    pub at: String,
    /// Why, in plain words.
    pub why: String,
}

/// Everything read from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// The records, oldest first.
    pub records: Vec<Imported>,
    /// What was left out, and why.
    pub skipped: Vec<Skipped>,
    /// Other remarks for the preview ("12 photos were left out").
    pub notes: Vec<String>,
}

impl Batch {
    /// How many recent records' words may point to a crisis, describe
    /// abuse, or describe the person's own controlling behaviour (core's
    /// `ImportSafety`: the last days, the most recent first): an import shows
    /// these counts, never a note per record. `now_ms`: Unix milliseconds.
    pub fn safety_count(&self, now_ms: i64) -> attune_core::safety::ImportSafety {
        use attune_core::safety::ImportSafety;
        // The records are in time order: the recent ones are at the end.
        let texts: Vec<Vec<&str>> = self
            .records
            .iter()
            .rev()
            .filter(|r| ImportSafety::is_recent(r.moment().unix_ms(), now_ms))
            .take(ImportSafety::MAX_READ)
            .map(Imported::texts)
            .collect();
        ImportSafety::count(texts.iter().map(Vec::as_slice))
    }

    /// Puts the records in time order (files like Daylio's list the newest first).
    pub(crate) fn sort(&mut self) {
        self.records.sort_by_key(|r| r.moment().unix_ms());
    }
}
