//! Daylio's CSV export: one row per mood entry, newest first.
//!
//! Header `full_date,date,weekday,time,mood,activities,note_title,note`; an
//! older export starts with `year` instead of `full_date` (with `date` like
//! `June 28`) and has no `note_title`. Times are 24 h (`18:22`) or 12 h
//! (`6:22 pm`); activities are separated by ` | `. A mood becomes a check-in
//! (felt security, through a [`MoodMap`] the person can adjust); a row with a
//! note also becomes an entry carrying the activities as tags.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use crate::error::{Location, ParseError, quote};
use crate::text::{Table, local_moment, tag_of};
use crate::{Batch, Imported, ImportedCheckin, ImportedEntry};

/// Mood word → felt security (0–10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoodMap(pub BTreeMap<String, u8>);

impl Default for MoodMap {
    /// Daylio's five standard moods, spread over the scale.
    fn default() -> Self {
        Self([("rad", 9), ("good", 7), ("meh", 5), ("bad", 3), ("awful", 1)].map(|(k, v)| (k.to_string(), v)).into())
    }
}

impl MoodMap {
    /// Adds or changes mappings from `name=value` pairs (`--mood-map ecstatic=10`).
    pub fn with_overrides(mut self, pairs: &[String]) -> Result<Self, ParseError> {
        for pair in pairs {
            let bad = || {
                ParseError::new(Location::File, "mood-map", format!("{} is not mood=number", quote(pair)))
                    .hint("for example --mood-map ecstatic=10 (felt security from 0 to 10)")
            };
            let (name, value) = pair.split_once('=').ok_or_else(bad)?;
            let value: u8 = value.trim().parse().ok().filter(|v| *v <= 10).ok_or_else(bad)?;
            if name.trim().is_empty() {
                return Err(bad());
            }
            self.0.insert(name.trim().to_lowercase(), value);
        }
        Ok(self)
    }
}

/// Reads a Daylio export. Times are placed in `tz`.
pub fn parse(input: &[u8], moods: &MoodMap, tz: &TimeZone) -> Result<Batch, ParseError> {
    let table = Table::read(input)?;
    let old = !table.has("full_date") && table.has("year");
    if old {
        table.require(&["year", "date", "time", "mood", "activities", "note"], "Daylio")?;
    } else {
        table.require(&["full_date", "date", "weekday", "time", "mood", "activities", "note"], "Daylio")?;
    }
    let mut batch = Batch::default();
    for (row, record) in &table.rows {
        let at = Location::Row(*row);
        let date = if old {
            old_date(table.get(record, "year"), table.get(record, "date"), at)?
        } else {
            let text = table.get(record, "full_date");
            text.parse::<Date>().map_err(|_| {
                ParseError::new(at, "full_date", format!("{} is not a date like 2020-06-28", quote(text)))
            })?
        };
        let time = time_of_day(table.get(record, "time"), at)?;
        let when = local_moment(DateTime::from_parts(date, time), tz)
            .ok_or_else(|| ParseError::new(at, "time", "does not exist in this time zone"))?;
        let mood = table.get(record, "mood").to_lowercase();
        let security = *moods.0.get(&mood).ok_or_else(|| {
            let known: Vec<&str> = moods.0.keys().map(String::as_str).collect();
            ParseError::new(at, "mood", format!("{} has no felt-security value", quote(&mood)))
                .hint(format!("add it with --mood-map '{mood}=N' (N from 0 to 10); known moods: {}", known.join(", ")))
        })?;
        let activities: Vec<&str> =
            table.get(record, "activities").split(" | ").map(str::trim).filter(|a| !a.is_empty()).collect();
        let title = table.get(record, "note_title");
        let note = table.get(record, "note");
        let mut words = String::new();
        for part in [title, note] {
            let part = clean_note(part);
            if !part.is_empty() {
                if !words.is_empty() {
                    words.push('\n');
                }
                words.push_str(&part);
            }
        }
        let check_note = if words.is_empty() && !activities.is_empty() {
            format!("Activities: {}", activities.join(", "))
        } else {
            String::new()
        };
        batch.records.push(Imported::Checkin(ImportedCheckin {
            at,
            when: when.clone(),
            security,
            mood,
            note: check_note,
        }));
        if !words.is_empty() {
            batch.records.push(Imported::Entry(ImportedEntry {
                at,
                occurred: when,
                situation: words,
                thoughts: String::new(),
                helped: String::new(),
                tags: activities.iter().filter_map(|a| tag_of(a)).collect(),
                starred: false,
            }));
        }
    }
    if batch.records.is_empty() {
        return Err(ParseError::new(Location::File, "rows", "has no rows after the header"));
    }
    batch.sort();
    Ok(batch)
}

/// Daylio notes may carry HTML line breaks.
fn clean_note(text: &str) -> String {
    text.replace("<br>", "\n").replace("<br/>", "\n").trim().to_string()
}

fn old_date(year: &str, date: &str, at: Location) -> Result<Date, ParseError> {
    let bad = || {
        ParseError::new(at, "date", format!("{} {} is not a date like 'June 28' with a year", quote(date), quote(year)))
    };
    let year: i16 = year.trim().parse().map_err(|_| bad())?;
    for format in ["%Y %B %d", "%Y %d %B", "%Y %b %d", "%Y %d %b"] {
        if let Ok(d) = jiff::fmt::strtime::parse(format, format!("{year} {}", date.trim())).and_then(|t| t.to_date()) {
            return Ok(d);
        }
    }
    Err(bad())
}

/// `18:22`, `6:22 pm`, `6:22 PM`.
pub(crate) fn time_of_day(text: &str, at: Location) -> Result<Time, ParseError> {
    let t = text.trim();
    let upper = t.to_uppercase();
    for format in ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p"] {
        if let Ok(time) = jiff::fmt::strtime::parse(format, &upper).and_then(|b| b.to_time()) {
            return Ok(time);
        }
    }
    Err(ParseError::new(at, "time", format!("{} is not a time like 18:22 or 6:22 pm", quote(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_headers_12h_times_activities_and_order() {
        let new = "full_date,date,weekday,time,mood,activities,note_title,note\n\
                   2020-06-29,June 29,Monday,9:05 pm,good,friends | walk,,\n\
                   2020-06-28,June 28,Sunday,18:22,awful,date night,Cancelled,\"He cancelled, again\"\n";
        let batch = parse(new.as_bytes(), &MoodMap::default(), &TimeZone::UTC).unwrap();
        assert_eq!(batch.records.len(), 3);
        let Imported::Checkin(first) = &batch.records[0] else { panic!() };
        assert_eq!((first.security, first.when.local().to_string().as_str()), (1, "2020-06-28T18:22:00"));
        let Imported::Entry(e) = &batch.records[1] else { panic!() };
        assert_eq!(e.situation, "Cancelled\nHe cancelled, again");
        assert_eq!(e.tags, vec!["date-night"]);
        let Imported::Checkin(last) = &batch.records[2] else { panic!() };
        assert_eq!(last.note, "Activities: friends, walk");
        assert_eq!(last.when.local().to_string(), "2020-06-29T21:05:00");

        let old = "year,date,weekday,time,mood,activities,note\n2019,December 31,Tuesday,11:59 PM,rad,,Fireworks\n";
        let batch = parse(old.as_bytes(), &MoodMap::default(), &TimeZone::UTC).unwrap();
        assert_eq!(batch.records[0].moment().local().to_string(), "2019-12-31T23:59:00");
    }

    #[test]
    fn unknown_moods_need_a_mapping() {
        let csv = "full_date,date,weekday,time,mood,activities,note_title,note\n2020-06-29,x,x,10:00,ecstatic,,,\n";
        let err = parse(csv.as_bytes(), &MoodMap::default(), &TimeZone::UTC).unwrap_err();
        assert_eq!((err.at, err.field.as_str()), (Location::Row(2), "mood"));
        let map = MoodMap::default().with_overrides(&["Ecstatic=10".into()]).unwrap();
        assert!(parse(csv.as_bytes(), &map, &TimeZone::UTC).is_ok());
    }
}
