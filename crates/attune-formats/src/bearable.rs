//! Bearable's CSV export: one row per reading,
//! `date,weekday,time of day,category,rating/amount,detail,notes`.
//!
//! A `Mood` reading (rated 1–5) becomes a check-in; a row of the `Notes`
//! category (or any reading with notes) becomes an entry. Other categories
//! (symptoms, sleep, medication, …) have no place in attune and are listed as
//! skipped. `time of day` is a clock time or Bearable's `am` / `mid` / `pm`.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use crate::error::{Location, ParseError, quote};
use crate::text::{Table, local_moment, number_in, tag_of};
use crate::{Batch, Imported, ImportedCheckin, ImportedEntry, Skipped};

/// Reads a Bearable export. Times are placed in `tz`.
pub fn parse(input: &[u8], tz: &TimeZone) -> Result<Batch, ParseError> {
    let table = Table::read(input)?;
    table.require(&["date", "time of day", "category", "rating/amount", "detail", "notes"], "Bearable")?;
    let mut batch = Batch::default();
    for (row, record) in &table.rows {
        let at = Location::Row(*row);
        let date_text = table.get(record, "date");
        let date: Date = date_text
            .parse()
            .map_err(|_| ParseError::new(at, "date", format!("{} is not a date like 2020-06-28", quote(date_text))))?;
        let time = part_of_day(table.get(record, "time of day"), at)?;
        let when = local_moment(DateTime::from_parts(date, time), tz)
            .ok_or_else(|| ParseError::new(at, "time of day", "does not exist in this time zone"))?;
        let category = table.get(record, "category");
        let rating = table.get(record, "rating/amount");
        let detail = table.get(record, "detail");
        let notes = table.get(record, "notes");
        match category.to_lowercase().as_str() {
            "mood" => {
                let r = number_in(rating, at, "rating/amount", 1, 5)?;
                // 1–5 spread over 0–10: 1 → 0, 3 → 5, 5 → 10.
                let security = u8::try_from((r - 1) * 10 / 4 + i64::from((r - 1) * 10 % 4 >= 2)).unwrap_or(0);
                let note = [detail, notes].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("\n");
                batch.records.push(Imported::Checkin(ImportedCheckin {
                    at,
                    when,
                    security,
                    mood: format!("mood {r}/5"),
                    note,
                }));
            }
            "" => return Err(ParseError::new(at, "category", "is empty").hint("each Bearable row names its category")),
            _ if !notes.is_empty() => {
                let tags =
                    if category.eq_ignore_ascii_case("notes") { vec![] } else { tag_of(detail).into_iter().collect() };
                batch.records.push(Imported::Entry(ImportedEntry {
                    at,
                    occurred: when,
                    situation: notes.to_string(),
                    thoughts: String::new(),
                    helped: String::new(),
                    tags,
                    starred: false,
                }));
            }
            _ => batch.skipped.push(Skipped {
                at: at.to_string(),
                why: format!("Bearable's '{category}' readings have no place in attune"),
            }),
        }
    }
    if table.rows.is_empty() {
        return Err(ParseError::new(Location::File, "rows", "has no rows after the header"));
    }
    batch.sort();
    Ok(batch)
}

fn part_of_day(text: &str, at: Location) -> Result<Time, ParseError> {
    let t = text.trim().to_lowercase();
    let fixed = match t.as_str() {
        "" => Some(Time::constant(12, 0, 0, 0)),
        "am" | "morning" => Some(Time::constant(8, 0, 0, 0)),
        "mid" | "midday" | "afternoon" => Some(Time::constant(13, 0, 0, 0)),
        "pm" | "evening" => Some(Time::constant(19, 0, 0, 0)),
        "night" => Some(Time::constant(23, 0, 0, 0)),
        _ => None,
    };
    match fixed {
        Some(time) => Ok(time),
        None => crate::daylio::time_of_day(text, at).map_err(|_| {
            ParseError::new(at, "time of day", format!("{} is not am, mid, pm or a time like 18:22", quote(text)))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moods_notes_and_skips() {
        let csv = "date,weekday,time of day,category,rating/amount,detail,notes\n\
                   2020-06-28,Sunday,pm,Mood,2,,tired\n\
                   2020-06-28,Sunday,am,Notes,,,\"Slept badly, worried about us\"\n\
                   2020-06-28,Sunday,mid,Sleep,6.5,,\n";
        let batch = parse(csv.as_bytes(), &TimeZone::UTC).unwrap();
        assert_eq!(batch.records.len(), 2);
        let Imported::Entry(e) = &batch.records[0] else { panic!() };
        assert_eq!(e.situation, "Slept badly, worried about us");
        let Imported::Checkin(c) = &batch.records[1] else { panic!() };
        assert_eq!((c.security, c.note.as_str()), (3, "tired"));
        assert_eq!(batch.skipped.len(), 1);
    }
}
