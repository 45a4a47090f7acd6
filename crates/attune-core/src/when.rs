//! Dates and times as people type them: "yesterday", "last week",
//! "3 days ago", "monday", "2026-11-01", "2026-11-01 21:30", "21:30".
//!
//! Pure: "now" (with its time zone) is always passed in.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::{Span, Timestamp, ToSpan, ZonedDateTime};

/// What to do with a phrase that names a whole day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The first instant of the day (for `--since`).
    Start,
    /// The last instant of the day (for `--until`).
    End,
    /// The same time of day as now (for "when did it happen").
    SameTime,
}

/// Text that is not a date or time we understand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a date or time attune understands; try 2026-11-01, \"2026-11-01 21:30\", today, yesterday, \
     \"3 days ago\", \"last week\", monday or 21:30"
)]
pub struct BadWhen(pub String);

/// The earliest year a moment may be in: earlier is taken for a typo.
pub const EARLIEST_YEAR: i16 = 1900;

/// Why a moment cannot be when something happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfRange {
    /// More than a day after now.
    Future,
    /// Before [`EARLIEST_YEAR`] (in its own local time).
    TooEarly,
}

/// Whether `at` (whose local year is `local_year`) can be when something
/// happened: at most a day after `now` (a person a few time zones away may
/// log "tomorrow morning" already), and not before [`EARLIEST_YEAR`]. The
/// same limits apply to typed dates and to imported records, so an import
/// never brings what could not be typed.
pub fn check_happened(at: Timestamp, local_year: i16, now: Timestamp) -> Result<(), OutOfRange> {
    let ahead = now.checked_add(jiff::SignedDuration::from_hours(24)).unwrap_or(now);
    if at > ahead {
        return Err(OutOfRange::Future);
    }
    if local_year < EARLIEST_YEAR {
        return Err(OutOfRange::TooEarly);
    }
    Ok(())
}

/// Parses `text` relative to `now`, in now's time zone.
pub fn parse(text: &str, now: &ZonedDateTime, edge: Edge) -> Result<ZonedDateTime, BadWhen> {
    // The message quotes what was typed, but not a whole pasted page of it.
    let bad = || BadWhen(crate::entry::shorten(text, 40));
    let lower = text.trim().to_lowercase();
    if lower.is_empty() || lower.len() > 64 {
        return Err(bad());
    }
    if lower == "now" {
        return Ok(now.clone());
    }
    // A full instant with an offset.
    if let Ok(ts) = lower.to_uppercase().parse::<Timestamp>() {
        return Ok(ts.to_zoned_datetime(now.time_zone().clone()));
    }
    // "<day phrase> [time]" or just "time".
    let (day_part, time) = split_time(&lower);
    let day = match day_part {
        None => now.date(),
        Some(d) => day_phrase(d, now).ok_or_else(bad)?,
    };
    let datetime = match (time, edge) {
        (Some(t), _) => day.to_datetime(t),
        (None, Edge::Start) => day.to_datetime(Time::midnight()),
        (None, Edge::End) => day.to_datetime(Time::MAX),
        (None, Edge::SameTime) => day.to_datetime(now.time()),
    };
    to_zoned(datetime, now).ok_or_else(bad)
}

/// Splits a trailing "21:30" / "9:05" / "9pm" from the rest.
fn split_time(s: &str) -> (Option<&str>, Option<Time>) {
    let (head, last) = match s.rsplit_once([' ', 't']) {
        Some((head, last)) if parse_time(last).is_some() => (Some(head.trim()), last),
        _ => (None, s),
    };
    match parse_time(last) {
        Some(t) => (head.filter(|h| !h.is_empty()), Some(t)),
        None => (Some(s), None),
    }
}

fn parse_time(s: &str) -> Option<Time> {
    let (body, pm) = if let Some(b) = s.strip_suffix("pm") {
        (b.trim(), Some(true))
    } else if let Some(b) = s.strip_suffix("am") {
        (b.trim(), Some(false))
    } else {
        (s, None)
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if pm.is_some() => (body, "0"),
        None => return None,
    };
    if h.is_empty() || h.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let mut h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    match pm {
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(true) if h != 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    Time::new(h, m, 0, 0).ok()
}

fn day_phrase(s: &str, now: &ZonedDateTime) -> Option<Date> {
    let today = now.date();
    match s {
        "today" => return Some(today),
        "yesterday" => return today.yesterday().ok(),
        "this week" => return Some(start_of_week(today)),
        "last week" => return today.checked_sub(7.days()).ok(),
        "this month" => return Some(today.first_of_month()),
        "last month" => return today.checked_sub(1.month()).ok(),
        "this year" => return today.with().day_of_year(1).build().ok(),
        "last year" => return today.checked_sub(1.year()).ok(),
        _ => {}
    }
    if let Ok(date) = s.parse::<Date>() {
        return Some(date);
    }
    if let Some(day) = weekday(s.strip_prefix("last ").unwrap_or(s)) {
        // The most recent such day, today included.
        let back = (today.weekday().to_monday_zero_offset() - day.to_monday_zero_offset()).rem_euclid(7);
        return today.checked_sub(i64::from(back).days()).ok();
    }
    if let Some(amount) = s.strip_suffix(" ago") {
        let span = ago_span(amount)?;
        return today.checked_sub(span).ok();
    }
    None
}

fn ago_span(s: &str) -> Option<Span> {
    let (n, unit) = s.split_once(' ')?;
    let n: i64 = match n {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        _ => n.parse().ok()?,
    };
    if !(0..=10_000).contains(&n) {
        return None;
    }
    let unit = unit.trim_end_matches('s');
    Some(match unit {
        "day" => n.days(),
        "week" => n.weeks(),
        "month" => n.months(),
        "year" => n.years(),
        _ => return None,
    })
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" => Weekday::Tuesday,
        "wednesday" | "wed" => Weekday::Wednesday,
        "thursday" | "thu" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn start_of_week(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

fn to_zoned(dt: DateTime, now: &ZonedDateTime) -> Option<ZonedDateTime> {
    dt.to_zoned_datetime(now.time_zone().clone()).ok()
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    #[test]
    fn what_happened_is_at_most_a_day_ahead_and_not_before_1900() {
        let now: Timestamp = "2026-11-26T20:00:00Z".parse().unwrap();
        let day = SignedDuration::from_hours(24);
        assert_eq!(check_happened(now, 2026, now), Ok(()));
        assert_eq!(check_happened(now + day, 2026, now), Ok(()));
        assert_eq!(check_happened(now + day + SignedDuration::from_secs(1), 2026, now), Err(OutOfRange::Future));
        let first: Timestamp = "1900-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(check_happened(first, 1900, now), Ok(()));
        assert_eq!(check_happened(first - SignedDuration::from_secs(1), 1899, now), Err(OutOfRange::TooEarly));
    }

    use super::*;
    use jiff::tz::{Offset, TimeZone};
    use proptest::prelude::*;

    /// Thursday 2026-11-26 15:45 at UTC+1.
    fn now() -> ZonedDateTime {
        let tz = TimeZone::fixed(Offset::from_hours(1).unwrap());
        DateTime::constant(2026, 11, 26, 15, 45, 0, 0).to_zoned_datetime(tz).unwrap()
    }

    fn p(s: &str, edge: Edge) -> String {
        parse(s, &now(), edge).unwrap().datetime().strftime("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn named_days() {
        assert_eq!(p("today", Edge::Start), "2026-11-26 00:00");
        assert_eq!(p("Yesterday", Edge::End), "2026-11-25 23:59");
        assert_eq!(p("yesterday", Edge::SameTime), "2026-11-25 15:45");
        assert_eq!(p("last week", Edge::Start), "2026-11-19 00:00");
        assert_eq!(p("this week", Edge::Start), "2026-11-23 00:00");
        assert_eq!(p("this month", Edge::Start), "2026-11-01 00:00");
        assert_eq!(p("last month", Edge::Start), "2026-10-26 00:00");
    }

    #[test]
    fn weekdays_mean_the_most_recent_one() {
        assert_eq!(p("monday", Edge::Start), "2026-11-23 00:00");
        assert_eq!(p("thursday", Edge::Start), "2026-11-26 00:00");
        assert_eq!(p("last fri", Edge::Start), "2026-11-20 00:00");
    }

    #[test]
    fn ago_phrases() {
        assert_eq!(p("3 days ago", Edge::Start), "2026-11-23 00:00");
        assert_eq!(p("a week ago", Edge::Start), "2026-11-19 00:00");
        assert_eq!(p("2 months ago", Edge::Start), "2026-09-26 00:00");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(p("2026-11-01", Edge::Start), "2026-11-01 00:00");
        assert_eq!(p("2026-11-01 21:30", Edge::Start), "2026-11-01 21:30");
        assert_eq!(p("2026-11-01T21:30", Edge::Start), "2026-11-01 21:30");
        assert_eq!(p("yesterday 9pm", Edge::Start), "2026-11-25 21:00");
        assert_eq!(p("21:30", Edge::Start), "2026-11-26 21:30");
        assert_eq!(p("12am", Edge::Start), "2026-11-26 00:00");
        assert_eq!(p("2026-11-01T20:30:00Z", Edge::Start), "2026-11-01 21:30");
    }

    #[test]
    fn nonsense_is_refused_with_examples() {
        for bad in ["", "soon", "32:00", "2026-13-01", "13pm", "yesterday 25:00", "999999 days ago", "next week"] {
            let err = parse(bad, &now(), Edge::Start).unwrap_err();
            assert!(err.to_string().contains("3 days ago"), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s, &now(), Edge::Start);
        }

        #[test]
        fn iso_dates_round_trip(y in 1900i16..2200, m in 1i8..=12, d in 1i8..=28) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            let z = parse(&text, &now(), Edge::Start).unwrap();
            prop_assert_eq!(z.date().to_string(), text);
        }
    }
}
