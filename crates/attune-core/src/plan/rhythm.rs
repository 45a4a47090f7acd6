//! Rhythms ("every Sunday at 19:00 for 20 minutes") and review intervals
//! ("every 4 weeks"): how they are typed, shown, turned into iCalendar
//! recurrence rules, and which days they fall on.
//!
//! Times are local wall-clock times ("floating" in iCalendar terms): a talk
//! agreed for Sunday 19:00 stays at 19:00 when the clocks change or the
//! person travels.

use std::fmt;

use jiff::ToSpan;
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

/// Most days, weeks or months between two occurrences.
pub const MAX_INTERVAL: u32 = 12;
/// Longest a rhythm's event may last, in minutes.
pub const MAX_MINUTES: u32 = 12 * 60;

/// A day of the week, stored by its English name ("sunday").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Day {
    /// Monday first.
    pub const ALL: [Day; 7] =
        [Day::Monday, Day::Tuesday, Day::Wednesday, Day::Thursday, Day::Friday, Day::Saturday, Day::Sunday];

    /// "Sunday".
    pub fn name(self) -> &'static str {
        match self {
            Day::Monday => "Monday",
            Day::Tuesday => "Tuesday",
            Day::Wednesday => "Wednesday",
            Day::Thursday => "Thursday",
            Day::Friday => "Friday",
            Day::Saturday => "Saturday",
            Day::Sunday => "Sunday",
        }
    }

    /// The iCalendar code ("SU").
    pub fn ical(self) -> &'static str {
        match self {
            Day::Monday => "MO",
            Day::Tuesday => "TU",
            Day::Wednesday => "WE",
            Day::Thursday => "TH",
            Day::Friday => "FR",
            Day::Saturday => "SA",
            Day::Sunday => "SU",
        }
    }

    /// The day a date falls on.
    pub fn of(date: Date) -> Day {
        match date.weekday() {
            Weekday::Monday => Day::Monday,
            Weekday::Tuesday => Day::Tuesday,
            Weekday::Wednesday => Day::Wednesday,
            Weekday::Thursday => Day::Thursday,
            Weekday::Friday => Day::Friday,
            Weekday::Saturday => Day::Saturday,
            Weekday::Sunday => Day::Sunday,
        }
    }

    fn index(self) -> i64 {
        Day::ALL.iter().position(|d| *d == self).unwrap_or(0) as i64
    }

    fn parse(word: &str) -> Option<Day> {
        let w = word.trim().trim_end_matches('s');
        if w.len() < 2 {
            return None;
        }
        Day::ALL.into_iter().find(|d| {
            let name = d.name().to_lowercase();
            name == w || (w.len() >= 3 && name.starts_with(w)) || (w.len() == 2 && d.ical().eq_ignore_ascii_case(w))
        })
    }
}

/// How often a rhythm repeats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "freq", rename_all = "kebab-case")]
pub enum Every {
    /// Every `interval` days.
    Daily {
        /// 1 = every day.
        interval: u32,
    },
    /// On these days, every `interval` weeks (weeks start on Monday).
    Weekly {
        /// 1 = every week.
        interval: u32,
        /// At least one day, Monday first, no repeats.
        days: Vec<Day>,
    },
    /// On this day of the month, every `interval` months.
    Monthly {
        /// 1 = every month.
        interval: u32,
        /// 1–28, so that it happens in every month.
        day: u8,
    },
}

/// Text that is not a rhythm.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a rhythm attune understands: {why}")]
pub struct BadRhythm {
    /// As typed.
    pub given: String,
    /// What is wrong.
    pub why: String,
}

/// Examples shown with every rhythm error.
pub const RHYTHM_EXAMPLES: &str =
    "try \"day\", \"weekday\", \"sunday\", \"mon,thu\", \"2 weeks on sunday\" or \"month on the 1st\"";

impl Every {
    /// Parses "day", "2 days", "weekday", "weekend", "sunday", "mon,thu",
    /// "monday and thursday", "2 weeks on sunday", "other sunday",
    /// "month", "month on the 15th", optionally after "every".
    /// `start` gives the day of the month when a monthly rhythm names none.
    pub fn parse(text: &str, start: Date) -> Result<Every, BadRhythm> {
        let bad = |why: &str| BadRhythm { given: text.to_string(), why: why.to_string() };
        let lower = text.trim().to_lowercase();
        let mut rest = lower.strip_prefix("every ").unwrap_or(&lower).trim().to_string();
        if rest.is_empty() {
            return Err(bad(RHYTHM_EXAMPLES));
        }
        let mut interval = 1u32;
        if let Some(r) = rest.strip_prefix("other ") {
            interval = 2;
            rest = r.trim().to_string();
        } else if let Some((n, r)) = rest.split_once(' ')
            && let Ok(n) = n.parse::<u32>()
        {
            if n == 0 || n > MAX_INTERVAL {
                return Err(bad(&format!("the number must be 1 to {MAX_INTERVAL}")));
            }
            interval = n;
            rest = r.trim().to_string();
        }
        let (unit, on) = match rest.split_once(" on ") {
            Some((u, o)) => (u.trim().to_string(), Some(o.trim().to_string())),
            None => (rest.clone(), None),
        };
        let every = match unit.as_str() {
            "day" | "days" | "daily" => {
                if on.is_some() {
                    return Err(bad("a daily rhythm takes no 'on'"));
                }
                Every::Daily { interval }
            }
            "weekday" | "weekdays" => Every::Weekly { interval, days: Day::ALL[..5].to_vec() },
            "weekend" | "weekends" => Every::Weekly { interval, days: Day::ALL[5..].to_vec() },
            "week" | "weeks" | "weekly" => {
                let days = match &on {
                    Some(o) => parse_days(o).ok_or_else(|| bad("name the days, e.g. \"2 weeks on sunday\""))?,
                    None => vec![Day::of(start)],
                };
                Every::Weekly { interval, days }
            }
            "month" | "months" | "monthly" => {
                let day = match &on {
                    Some(o) => parse_month_day(o).ok_or_else(|| bad("name a day of the month from 1 to 28"))?,
                    None => u8::try_from(start.day()).unwrap_or(1),
                };
                if !(1..=28).contains(&day) {
                    return Err(bad("pick a day from 1 to 28, so that it happens in every month"));
                }
                Every::Monthly { interval, day }
            }
            other => {
                if on.is_some() {
                    return Err(bad(RHYTHM_EXAMPLES));
                }
                let days = parse_days(other).ok_or_else(|| bad(RHYTHM_EXAMPLES))?;
                Every::Weekly { interval, days }
            }
        };
        Ok(every)
    }

    fn interval(&self) -> u32 {
        match self {
            Every::Daily { interval } | Every::Weekly { interval, .. } | Every::Monthly { interval, .. } => *interval,
        }
    }

    /// The RRULE value ("FREQ=WEEKLY;BYDAY=SU").
    pub fn rrule(&self) -> String {
        let interval = self.interval();
        let mut out = match self {
            Every::Daily { .. } => "FREQ=DAILY".to_string(),
            Every::Weekly { .. } => "FREQ=WEEKLY".to_string(),
            Every::Monthly { .. } => "FREQ=MONTHLY".to_string(),
        };
        if interval > 1 {
            out.push_str(&format!(";INTERVAL={interval}"));
        }
        match self {
            Every::Daily { .. } => {}
            Every::Weekly { days, .. } => {
                let codes: Vec<&str> = days.iter().map(|d| d.ical()).collect();
                out.push_str(&format!(";BYDAY={}", codes.join(",")));
                if interval > 1 {
                    out.push_str(";WKST=MO");
                }
            }
            Every::Monthly { day, .. } => out.push_str(&format!(";BYMONTHDAY={day}")),
        }
        out
    }

    /// Whether the rhythm, counted from `anchor` (itself an occurrence),
    /// falls on `day`.
    pub fn falls_on(&self, anchor: Date, day: Date) -> bool {
        if day < anchor {
            return false;
        }
        let interval = i64::from(self.interval().max(1));
        match self {
            Every::Daily { .. } => (day_number(day) - day_number(anchor)) % interval == 0,
            Every::Weekly { days, .. } => {
                let weeks = (week_number(day) - week_number(anchor)) / 7;
                days.contains(&Day::of(day)) && weeks % interval == 0
            }
            Every::Monthly { day: d, .. } => {
                let months = month_number(day) - month_number(anchor);
                i64::from(day.day()) == i64::from(*d) && months % interval == 0
            }
        }
    }

    /// The first day on or after `from` that matches the pattern, ignoring
    /// the interval (used to choose the anchor).
    pub fn first_on_or_after(&self, from: Date) -> Date {
        let mut d = from;
        for _ in 0..40 {
            let hit = match self {
                Every::Daily { .. } => true,
                Every::Weekly { days, .. } => days.contains(&Day::of(d)),
                Every::Monthly { day, .. } => i64::from(d.day()) == i64::from(*day),
            };
            if hit {
                return d;
            }
            d = d.tomorrow().unwrap_or(d);
        }
        from
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Every::Daily { interval: 1 } => f.write_str("every day"),
            Every::Daily { interval } => write!(f, "every {interval} days"),
            Every::Weekly { interval, days } => {
                let names = if *days == Day::ALL[..5] {
                    "weekday".to_string()
                } else if *days == Day::ALL[5..] {
                    "weekend".to_string()
                } else {
                    join_days(days)
                };
                match interval {
                    1 => write!(f, "every {names}"),
                    n => write!(f, "every {n} weeks on {names}"),
                }
            }
            Every::Monthly { interval: 1, day } => write!(f, "every month on the {}", ordinal(*day)),
            Every::Monthly { interval, day } => write!(f, "every {interval} months on the {}", ordinal(*day)),
        }
    }
}

fn join_days(days: &[Day]) -> String {
    match days {
        [] => String::new(),
        [one] => one.name().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(|d| d.name()).collect();
            format!("{} and {}", init.join(", "), last.name())
        }
    }
}

fn ordinal(n: u8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn parse_days(text: &str) -> Option<Vec<Day>> {
    match text.trim() {
        "weekday" | "weekdays" => return Some(Day::ALL[..5].to_vec()),
        "weekend" | "weekends" => return Some(Day::ALL[5..].to_vec()),
        _ => {}
    }
    let mut days = Vec::new();
    for part in text.split([',', ' ', '+', '&', '/']).map(str::trim).filter(|p| !p.is_empty() && *p != "and") {
        let day = Day::parse(part)?;
        if !days.contains(&day) {
            days.push(day);
        }
    }
    if days.is_empty() {
        return None;
    }
    days.sort();
    Some(days)
}

fn parse_month_day(text: &str) -> Option<u8> {
    let t = text.trim();
    let t = t.strip_prefix("the ").unwrap_or(t).trim();
    let t = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    t.parse().ok()
}

/// Days since 1970-01-01 (negative before).
pub(crate) fn day_number(d: Date) -> i64 {
    let epoch = Date::constant(1970, 1, 1);
    epoch.until(d).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// The day number of the Monday of `d`'s week.
fn week_number(d: Date) -> i64 {
    day_number(d) - Day::of(d).index()
}

fn month_number(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month())
}

/// Adds days (saturating at jiff's limits).
pub(crate) fn add_days(d: Date, days: i64) -> Date {
    d.saturating_add(days.days())
}

/// A check-in rhythm: how often, at what time, for how long, from when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rhythm {
    /// How often.
    pub every: Every,
    /// Local wall-clock time.
    pub at: Time,
    /// How long the talk or ritual lasts.
    pub minutes: u32,
    /// The first occurrence (always one of the rhythm's days).
    pub starts: Date,
}

impl Rhythm {
    /// A rhythm whose first occurrence is the first matching day on or
    /// after `from`. Minutes must be 1 to [`MAX_MINUTES`].
    pub fn new(every: Every, at: Time, minutes: u32, from: Date) -> Result<Rhythm, BadRhythm> {
        if minutes == 0 || minutes > MAX_MINUTES {
            return Err(BadRhythm {
                given: format!("{minutes} minutes"),
                why: format!("the length must be 1 to {MAX_MINUTES} minutes"),
            });
        }
        let starts = every.first_on_or_after(from);
        Ok(Rhythm { every, at: Time::new(at.hour(), at.minute(), 0, 0).unwrap_or(at), minutes, starts })
    }

    /// Whether it happens on `day`.
    pub fn falls_on(&self, day: Date) -> bool {
        self.every.falls_on(self.starts, day)
    }

    /// The next day on or after `from` when it happens (within two years).
    pub fn next_on_or_after(&self, from: Date) -> Option<Date> {
        let mut d = if from < self.starts { self.starts } else { from };
        for _ in 0..800 {
            if self.falls_on(d) {
                return Some(d);
            }
            d = d.tomorrow().ok()?;
        }
        None
    }

    /// Whether the rhythm itself is consistent (for values read back from storage).
    pub fn is_valid(&self) -> bool {
        let interval_ok = (1..=MAX_INTERVAL).contains(&self.every.interval());
        let shape_ok = match &self.every {
            Every::Daily { .. } => true,
            Every::Weekly { days, .. } => !days.is_empty(),
            Every::Monthly { day, .. } => (1..=28).contains(day),
        };
        interval_ok && shape_ok && (1..=MAX_MINUTES).contains(&self.minutes)
    }
}

impl fmt::Display for Rhythm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {} for {} minutes", self.every, self.at.strftime("%H:%M"), self.minutes)
    }
}

/// How often an agreement comes up for review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewEvery {
    /// How many units.
    pub n: u32,
    /// Weeks or months.
    pub unit: ReviewUnit,
}

/// The unit of a review interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewUnit {
    /// Weeks.
    Weeks,
    /// Months.
    Months,
}

impl ReviewEvery {
    /// Parses "4w", "4 weeks", "3m", "3 months", "week", "month", "every 6 weeks".
    pub fn parse(text: &str) -> Result<ReviewEvery, BadRhythm> {
        let bad = || BadRhythm {
            given: text.to_string(),
            why: "write how often, e.g. \"4 weeks\", \"3 months\", \"6w\"".into(),
        };
        let lower = text.trim().to_lowercase();
        let rest = lower.strip_prefix("every ").unwrap_or(&lower).trim();
        let split = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let (num, unit) = rest.split_at(split);
        let n: u32 = if num.is_empty() { 1 } else { num.parse().map_err(|_| bad())? };
        let unit = match unit.trim() {
            "w" | "wk" | "wks" | "week" | "weeks" => ReviewUnit::Weeks,
            "m" | "mo" | "month" | "months" => ReviewUnit::Months,
            _ => return Err(bad()),
        };
        let max = if unit == ReviewUnit::Weeks { 52 } else { MAX_INTERVAL };
        if n == 0 || n > max {
            return Err(BadRhythm { given: text.to_string(), why: format!("the number must be 1 to {max}") });
        }
        Ok(ReviewEvery { n, unit })
    }

    /// The date one interval after `from`.
    pub fn after(&self, from: Date) -> Date {
        match self.unit {
            ReviewUnit::Weeks => add_days(from, i64::from(self.n) * 7),
            ReviewUnit::Months => from.saturating_add(i64::from(self.n).months()),
        }
    }

    /// The RRULE value ("FREQ=WEEKLY;INTERVAL=4").
    pub fn rrule(&self) -> String {
        let freq = if self.unit == ReviewUnit::Weeks { "WEEKLY" } else { "MONTHLY" };
        if self.n == 1 { format!("FREQ={freq}") } else { format!("FREQ={freq};INTERVAL={}", self.n) }
    }
}

impl fmt::Display for ReviewEvery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.unit == ReviewUnit::Weeks { "week" } else { "month" };
        match self.n {
            1 => write!(f, "every {unit}"),
            n => write!(f, "every {n} {unit}s"),
        }
    }
}

/// Parses a time of day: "19:00", "7pm", "7:30pm", "12".
pub fn parse_time(text: &str) -> Option<Time> {
    let t = text.trim().to_lowercase().replace(' ', "");
    let (body, pm) = if let Some(b) = t.strip_suffix("pm") {
        (b.to_string(), Some(true))
    } else if let Some(b) = t.strip_suffix("am") {
        (b.to_string(), Some(false))
    } else {
        (t.clone(), None)
    };
    let (h, m) = match body.split_once([':', '.']) {
        Some((h, m)) => (h.to_string(), m.to_string()),
        None => (body.clone(), "0".to_string()),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || m.is_empty() {
        return None;
    }
    let mut h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    match pm {
        Some(true) if (1..=12).contains(&h) => h = if h == 12 { 12 } else { h + 12 },
        Some(false) if (1..=12).contains(&h) => h = if h == 12 { 0 } else { h },
        Some(_) => return None,
        None => {}
    }
    Time::new(h, m, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_usual_phrases() {
        let start = d("2026-11-26"); // a Thursday
        let cases = [
            ("day", "FREQ=DAILY", "every day"),
            ("every 2 days", "FREQ=DAILY;INTERVAL=2", "every 2 days"),
            ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
            ("weekend", "FREQ=WEEKLY;BYDAY=SA,SU", "every weekend"),
            ("Sunday", "FREQ=WEEKLY;BYDAY=SU", "every Sunday"),
            ("sundays", "FREQ=WEEKLY;BYDAY=SU", "every Sunday"),
            ("mon,thu", "FREQ=WEEKLY;BYDAY=MO,TH", "every Monday and Thursday"),
            ("thursday and monday", "FREQ=WEEKLY;BYDAY=MO,TH", "every Monday and Thursday"),
            ("other sunday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=MO", "every 2 weeks on Sunday"),
            ("2 weeks on sun", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=MO", "every 2 weeks on Sunday"),
            ("week", "FREQ=WEEKLY;BYDAY=TH", "every Thursday"),
            ("month", "FREQ=MONTHLY;BYMONTHDAY=26", "every month on the 26th"),
            ("month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", "every month on the 1st"),
            ("3 months on 2", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=2", "every 3 months on the 2nd"),
        ];
        for (text, rrule, shown) in cases {
            let e = Every::parse(text, start).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(e.rrule(), rrule, "{text}");
            assert_eq!(e.to_string(), shown, "{text}");
        }
    }

    #[test]
    fn refuses_nonsense_with_examples() {
        let start = d("2026-11-26");
        for bad in ["", "sometimes", "0 days", "13 weeks on sunday", "month on the 31st", "day on monday", "fooday"] {
            assert!(Every::parse(bad, start).is_err(), "{bad}");
        }
    }

    #[test]
    fn occurrences_follow_the_interval() {
        let r = Rhythm::new(
            Every::parse("2 weeks on sunday", d("2026-11-26")).unwrap(),
            Time::constant(19, 0, 0, 0),
            20,
            d("2026-11-26"),
        )
        .unwrap();
        assert_eq!(r.starts, d("2026-11-29"));
        assert!(r.falls_on(d("2026-11-29")));
        assert!(!r.falls_on(d("2026-12-06")));
        assert!(r.falls_on(d("2026-12-13")));
        assert!(!r.falls_on(d("2026-11-22")));
        assert_eq!(r.next_on_or_after(d("2026-11-30")), Some(d("2026-12-13")));
        let m =
            Rhythm::new(Every::parse("month on 5", d("2026-11-26")).unwrap(), Time::midnight(), 10, d("2026-11-26"))
                .unwrap();
        assert_eq!(m.starts, d("2026-12-05"));
        assert!(m.falls_on(d("2027-01-05")));
    }

    #[test]
    fn review_intervals() {
        let r = ReviewEvery::parse("4 weeks").unwrap();
        assert_eq!(r.rrule(), "FREQ=WEEKLY;INTERVAL=4");
        assert_eq!(r.after(d("2026-11-26")), d("2026-12-24"));
        assert_eq!(ReviewEvery::parse("3m").unwrap().after(d("2026-11-30")), d("2027-02-28"));
        assert_eq!(ReviewEvery::parse("month").unwrap().to_string(), "every month");
        assert!(ReviewEvery::parse("0w").is_err() && ReviewEvery::parse("soon").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("19:00"), Some(Time::constant(19, 0, 0, 0)));
        assert_eq!(parse_time("7pm"), Some(Time::constant(19, 0, 0, 0)));
        assert_eq!(parse_time("12:30am"), Some(Time::constant(0, 30, 0, 0)));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("noonish"), None);
    }

    fn every() -> impl Strategy<Value = Every> {
        prop_oneof![
            (1..=MAX_INTERVAL).prop_map(|interval| Every::Daily { interval }),
            (1..=MAX_INTERVAL, proptest::sample::subsequence(Day::ALL.to_vec(), 1..=7))
                .prop_map(|(interval, days)| Every::Weekly { interval, days }),
            (1..=MAX_INTERVAL, 1u8..=28).prop_map(|(interval, day)| Every::Monthly { interval, day }),
        ]
    }

    proptest! {
        #[test]
        fn shown_text_parses_back(e in every(), days in 0i64..2000) {
            let start = add_days(d("2024-01-01"), days);
            prop_assert_eq!(Every::parse(&e.to_string(), start).unwrap(), e.clone());
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(serde_json::from_str::<Every>(&json).unwrap(), e);
        }

        #[test]
        fn the_anchor_is_an_occurrence(e in every(), days in 0i64..2000) {
            let from = add_days(d("2024-01-01"), days);
            let r = Rhythm::new(e, Time::constant(8, 0, 0, 0), 15, from).unwrap();
            prop_assert!(r.starts >= from);
            prop_assert!(r.falls_on(r.starts));
            prop_assert_eq!(r.next_on_or_after(from), Some(r.starts));
        }
    }
}
