//! Dates in lists and pages, one formatter for every command: the year
//! only when it is not this year, so a list reads quietly.

use jiff::civil::DateTime;

use attune_core::Moment;

/// How much of a day to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// "26 Nov"
    Day,
    /// "Thu 26 Nov"
    Weekday,
    /// "Thu 26 Nov 21:15"
    WeekdayTime,
}

/// A local date (and time) as `how` says, with the year when it is not
/// `this_year`: "Thu 26 Nov 2025 21:15".
pub fn stamp(at: impl Into<DateTime>, this_year: i16, how: Stamp) -> String {
    let at = at.into();
    let mut format = String::from(if how == Stamp::Day { "%-d %b" } else { "%a %d %b" });
    if at.year() != this_year {
        format.push_str(" %Y");
    }
    if how == Stamp::WeekdayTime {
        format.push_str(" %H:%M");
    }
    at.strftime(&format).to_string()
}

/// "Thu 26 Nov 21:15", in the moment's own time zone (a list line).
pub fn short_time(m: &Moment, this_year: i16) -> String {
    stamp(m.local(), this_year, Stamp::WeekdayTime)
}

/// "Thursday 26 November 2026, 21:15 (UTC+01:00)".
pub fn long_time(m: &Moment) -> String {
    let local = m.local();
    let secs = m.offset_seconds;
    let sign = if secs < 0 { '-' } else { '+' };
    let zone = match &m.zone {
        Some(z) => format!("{z}, UTC{sign}{:02}:{:02}", secs.abs() / 3600, secs.abs() % 3600 / 60),
        None => format!("UTC{sign}{:02}:{:02}", secs.abs() / 3600, secs.abs() % 3600 / 60),
    };
    format!("{} ({zone})", local.strftime("%A %d %B %Y, %H:%M"))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn the_year_shows_only_when_it_is_not_this_year() {
        let at = date(2026, 11, 26).at(21, 15, 0, 0);
        assert_eq!(stamp(at, 2026, Stamp::Day), "26 Nov");
        assert_eq!(stamp(at, 2027, Stamp::Day), "26 Nov 2026");
        assert_eq!(stamp(at, 2026, Stamp::Weekday), "Thu 26 Nov");
        assert_eq!(stamp(at.date(), 2025, Stamp::Weekday), "Thu 26 Nov 2026");
        assert_eq!(stamp(at, 2026, Stamp::WeekdayTime), "Thu 26 Nov 21:15");
        assert_eq!(stamp(at, 2025, Stamp::WeekdayTime), "Thu 26 Nov 2026 21:15");
        assert_eq!(stamp(date(2026, 12, 3), 2026, Stamp::Day), "3 Dec");
    }
}
