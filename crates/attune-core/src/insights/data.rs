//! Puts entries and check-ins on the person's own calendar: each record on its
//! local day, then counted per day and per rolling week (week 0 = the last 7
//! days up to today). Sums are integers, so nothing depends on input order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jiff::SignedDuration;
use jiff::civil::Date;

use super::config::InsightsConfig;
use super::facts::{EntryFacts, Facts};
use super::{Window, WindowSummary};
use crate::checkin::Checkin;
use crate::vocab::Consequence;

const EPOCH: Date = Date::constant(1970, 1, 1);
const CONSEQUENCES: usize = Consequence::ALL.len();

/// Days since 1970-01-01.
pub(crate) fn day_number(d: Date) -> i64 {
    d.duration_since(EPOCH).as_secs().div_euclid(86_400)
}

/// The date `day` days after 1970-01-01.
pub(crate) fn date_of(day: i64) -> Date {
    EPOCH.checked_add(SignedDuration::from_secs(day.saturating_mul(86_400))).unwrap_or(EPOCH)
}

/// An entry placed on its local day.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntryAt<'a> {
    pub entry: &'a EntryFacts,
    pub day: i64,
    /// 0 = Monday.
    pub weekday: usize,
    pub hour: u8,
}

impl EntryAt<'_> {
    pub fn intensity(&self) -> Option<u8> {
        self.entry.intensity.map(|i| i.get())
    }
}

/// A (count, sum) pair of small integers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub n: u32,
    pub sum: u64,
}

impl Tally {
    pub fn add(&mut self, v: u8) {
        self.n += 1;
        self.sum += u64::from(v);
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / f64::from(self.n))
    }

    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.sum += other.sum;
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DayAgg {
    pub recorded: bool,
    pub dominated: bool,
    pub security: Tally,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WeekAgg {
    pub entries: u32,
    /// Entries that count toward the pattern (rated at least `counts_from_intensity`, or unrated).
    pub episodes: u32,
    pub strong: u32,
    pub intensity: Tally,
    pub checkins: u32,
    pub security: Tally,
    pub seen: Tally,
    pub trusted: Tally,
    pub respected: Tally,
    pub consequences: [Tally; CONSEQUENCES],
    pub recorded_days: u32,
    pub dominated_days: u32,
}

/// Everything the analyses read.
#[derive(Debug)]
pub(crate) struct Data<'a> {
    /// The entries' labels and zone names.
    pub facts: &'a Facts,
    pub today: i64,
    pub window_weeks: u32,
    /// First day with any record (not in the future).
    pub first_day: Option<i64>,
    /// Entries inside the window.
    pub entries: Vec<EntryAt<'a>>,
    /// Per week, index = weeks back from today.
    pub weeks: Vec<WeekAgg>,
    /// Per day, index = days back from today.
    pub days: Vec<DayAgg>,
    pub summary: WindowSummary,
}

impl<'a> Data<'a> {
    pub fn new(facts: &'a Facts, checkins: &'a [Checkin], today: Date, window: Window, cfg: &InsightsConfig) -> Self {
        let today_n = day_number(today);
        let mut future_ignored = 0;
        let mut placed: Vec<EntryAt<'a>> = Vec::with_capacity(facts.entries.len());
        for entry in &facts.entries {
            let local = entry.local();
            let day = day_number(local.date());
            if day > today_n {
                future_ignored += 1;
                continue;
            }
            let weekday = usize::try_from(local.weekday().to_monday_zero_offset()).unwrap_or(0);
            placed.push(EntryAt { entry, day, weekday, hour: u8::try_from(local.hour()).unwrap_or(0) });
        }
        let mut checkins_at: Vec<(&'a Checkin, i64)> = Vec::with_capacity(checkins.len());
        for c in checkins {
            let day = day_number(c.at.local().date());
            if day > today_n {
                future_ignored += 1;
                continue;
            }
            checkins_at.push((c, day));
        }
        let first_day = placed.iter().map(|e| e.day).chain(checkins_at.iter().map(|c| c.1)).min();

        let max = cfg.window.max_weeks;
        let wanted = match window {
            Window::LastWeeks(n) => u64::from(n),
            Window::All => first_day.map_or(1, |f| ((today_n - f) / 7 + 1).unsigned_abs()),
        };
        let window_weeks = u32::try_from(wanted.clamp(1, u64::from(max))).unwrap_or(max);
        let capped = wanted > u64::from(max);
        let table_weeks = window_weeks.max(cfg.pattern.recent_weeks).max(cfg.progress.setback_weeks.saturating_add(1));
        let table_days = i64::from(table_weeks) * 7;
        let window_days = i64::from(window_weeks) * 7;

        let mut weeks = vec![WeekAgg::default(); table_weeks as usize];
        let mut days = vec![DayAgg::default(); table_days as usize];
        let strong_at = cfg.episodes.strong_intensity;
        let counts_from = cfg.pattern.counts_from_intensity;
        let dominated_from = cfg.dominated_day.intensity_at_least;
        for e in &placed {
            let back = today_n - e.day;
            if back >= table_days {
                continue;
            }
            let w = &mut weeks[(back / 7) as usize];
            let d = &mut days[back as usize];
            d.recorded = true;
            w.entries += 1;
            match e.intensity() {
                Some(i) => {
                    w.intensity.add(i);
                    w.strong += u32::from(i >= strong_at);
                    w.episodes += u32::from(i >= counts_from);
                    d.dominated |= i >= dominated_from;
                }
                None => w.episodes += 1,
            }
        }
        let low_security = cfg.dominated_day.security_at_most;
        let mut window_checkins = 0;
        for (c, day) in &checkins_at {
            let back = today_n - day;
            if back < window_days {
                window_checkins += 1;
            }
            if back >= table_days {
                continue;
            }
            let w = &mut weeks[(back / 7) as usize];
            let d = &mut days[back as usize];
            d.recorded = true;
            d.dominated |= c.security <= low_security;
            d.security.add(c.security);
            w.checkins += 1;
            w.security.add(c.security);
            for (tally, v) in [(&mut w.seen, c.seen), (&mut w.trusted, c.trusted), (&mut w.respected, c.respected)] {
                if let Some(v) = v {
                    tally.add(v);
                }
            }
            for (consequence, v) in &c.consequences {
                w.consequences[consequence.index()].add(*v);
            }
        }
        for (back, d) in days.iter().enumerate() {
            let w = &mut weeks[back / 7];
            w.recorded_days += u32::from(d.recorded);
            w.dominated_days += u32::from(d.dominated);
        }

        let in_window: Vec<EntryAt<'a>> = placed.into_iter().filter(|e| today_n - e.day < window_days).collect();
        let summary = WindowSummary {
            start: date_of(today_n - window_days + 1),
            end: today,
            weeks: window_weeks,
            entries: in_window.len(),
            checkins: window_checkins,
            capped,
            future_ignored,
        };
        Self { facts, today: today_n, window_weeks, first_day, entries: in_window, weeks, days, summary }
    }

    /// First and last date of the week `back` weeks ago.
    pub fn week_dates(&self, back: u32) -> (Date, Date) {
        let end = self.today - i64::from(back) * 7;
        (date_of(end - 6), date_of(end))
    }
}

/// FNV-1a: much faster than SipHash on short slugs. Collision attacks are
/// no concern for a person's own journal.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A hash map keyed by slugs or small ids.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Consequences in vocabulary order, matching `WeekAgg::consequences`.
pub(crate) fn consequence_at(i: usize) -> Consequence {
    Consequence::ALL[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for d in [EPOCH, Date::constant(2026, 3, 1), Date::constant(1969, 12, 31), Date::constant(2000, 2, 29)] {
            assert_eq!(date_of(day_number(d)), d);
        }
        assert_eq!(day_number(Date::constant(1970, 1, 2)), 1);
        assert_eq!(day_number(Date::constant(1969, 12, 31)), -1);
    }
}
