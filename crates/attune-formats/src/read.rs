//! One entry point for every import format, so the CLI and the web app read
//! files the same way.

use jiff::tz::TimeZone;

use crate::{Batch, Format, ParseError, attune_json, bearable, daylio, dayone, freecbt, jrnl};

/// What a file held.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// Records from another app, still to meet the person's lists.
    Batch(Batch),
    /// attune's own export.
    Attune(Box<attune_json::Document>),
}

/// How to read a file beyond its bytes.
#[derive(Clone, Debug)]
pub struct Options {
    /// jrnl: the time format and tag symbols.
    pub jrnl: jrnl::Config,
    /// Daylio: mood word → felt security.
    pub moods: daylio::MoodMap,
    /// The zone the file's clock times were written in.
    pub tz: TimeZone,
}

impl Format {
    /// Whether the file's clock times are read in [`Options::tz`] (Day One
    /// and attune exports carry their own zones).
    pub fn uses_zone(self) -> bool {
        !matches!(self, Format::Attune | Format::DayOne)
    }

    /// The format named on the command line or in a form (`jrnl`, `dayone`, …).
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name.trim())
    }

    /// Every format, in the order they are offered.
    pub const ALL: [Format; 7] = [
        Format::Jrnl,
        Format::JrnlJson,
        Format::DayOne,
        Format::Daylio,
        Format::Bearable,
        Format::FreeCbt,
        Format::Attune,
    ];
}

/// Reads `bytes` as `format` (an encrypted attune export must be decrypted first).
pub fn parse(format: Format, bytes: &[u8], opts: &Options) -> Result<Parsed, ParseError> {
    Ok(match format {
        Format::Jrnl => Parsed::Batch(jrnl::parse(bytes, &opts.jrnl, &opts.tz)?),
        Format::JrnlJson => Parsed::Batch(jrnl::parse_json(bytes, &opts.tz)?),
        Format::DayOne => Parsed::Batch(dayone::parse(bytes)?),
        Format::Daylio => Parsed::Batch(daylio::parse(bytes, &opts.moods, &opts.tz)?),
        Format::Bearable => Parsed::Batch(bearable::parse(bytes, &opts.tz)?),
        Format::FreeCbt => Parsed::Batch(freecbt::parse(bytes, &opts.tz)?),
        Format::Attune => Parsed::Attune(Box::new(attune_json::parse(bytes)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_named_once() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        assert_eq!(Format::parse("word"), None);
    }
}
