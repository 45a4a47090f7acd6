//! FreeCBT and Quirk thought records (CSV):
//! `uuid,createdAt,updatedAt,automaticThought,cognitiveDistortions,challenge,alternativeThought`.
//!
//! Each record becomes a reflection entry: the automatic thought is what
//! happened in the mind, the challenge and the balanced thought are what
//! helped, and the distortions are kept as tags (`all-or-nothing-thinking`).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::{Location, ParseError, quote};
use crate::text::{Table, tag_of};
use crate::{Batch, Imported, ImportedEntry, Skipped};

/// Reads a FreeCBT / Quirk export. `createdAt` is an ISO time with offset or
/// Unix milliseconds; it is shown in `tz`.
pub fn parse(input: &[u8], tz: &TimeZone) -> Result<Batch, ParseError> {
    let table = Table::read(input)?;
    table.require(
        &["createdat", "automaticthought", "cognitivedistortions", "challenge", "alternativethought"],
        "FreeCBT",
    )?;
    let mut batch = Batch::default();
    for (row, record) in &table.rows {
        let at = Location::Row(*row);
        let created = table.get(record, "createdat");
        let instant = instant(created).ok_or_else(|| {
            ParseError::new(at, "createdAt", format!("{} is not a time like 2020-06-28T16:22:00.000Z", quote(created)))
        })?;
        let thought = table.get(record, "automaticthought");
        if thought.is_empty() {
            batch.skipped.push(Skipped { at: at.to_string(), why: "the record has no automatic thought".into() });
            continue;
        }
        let mut tags: Vec<String> = Vec::new();
        for d in table.get(record, "cognitivedistortions").split([',', ';', '|']) {
            if let Some(t) = tag_of(d)
                && !tags.contains(&t)
            {
                tags.push(t);
            }
        }
        let mut helped = Vec::new();
        for (label, text) in [
            ("Challenge", table.get(record, "challenge")),
            ("Balanced thought", table.get(record, "alternativethought")),
        ] {
            if !text.is_empty() {
                helped.push(format!("{label}: {text}"));
            }
        }
        batch.records.push(Imported::Entry(ImportedEntry {
            at,
            occurred: attune_core::Moment::from_zoned(&instant.to_zoned_datetime(tz.clone())),
            situation: thought.to_string(),
            thoughts: thought.to_string(),
            helped: helped.join("\n\n"),
            tags,
            starred: false,
        }));
    }
    if table.rows.is_empty() {
        return Err(ParseError::new(Location::File, "rows", "has no rows after the header"));
    }
    batch.sort();
    Ok(batch)
}

fn instant(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Timestamp::from_millisecond(ms).ok();
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thought_records_keep_distortions() {
        let csv = "uuid,createdAt,updatedAt,automaticThought,cognitiveDistortions,challenge,alternativeThought\n\
                   u1,2020-06-28T16:22:00.000Z,2020-06-28T16:30:00.000Z,He is going to leave me,\"Fortune Telling, Catastrophizing\",No evidence,He said he loves me\n\
                   u2,1593361320000,,,,,\n";
        let batch = parse(csv.as_bytes(), &TimeZone::UTC).unwrap();
        let Imported::Entry(e) = &batch.records[0] else { panic!() };
        assert_eq!(e.tags, vec!["fortune-telling", "catastrophizing"]);
        assert_eq!(e.helped, "Challenge: No evidence\n\nBalanced thought: He said he loves me");
        assert_eq!(batch.skipped.len(), 1);
    }
}
