//! Builders and a tiny deterministic generator for test histories.

use std::collections::BTreeMap;

use attune_core::insights::InsightsConfig;
use attune_core::{Checkin, Consequence, Entry, Intensity, Moment, RecordId, Sign, Slug, Source};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

/// A linear congruential generator (Knuth's MMIX constants): enough to make
/// varied but reproducible histories without a `rand` dependency.
#[derive(Clone, Debug)]
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n)) >> 31) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        f64::from(self.next_u32()) / f64::from(1u32 << 31) < p
    }

    /// A value in [lo, hi] (inclusive), clamped to 0–10.
    pub fn around(&mut self, centre: f64, spread: f64) -> u8 {
        let u = f64::from(self.next_u32()) / f64::from(1u32 << 31);
        (centre + (u * 2.0 - 1.0) * spread).round().clamp(0.0, 10.0) as u8
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(u32::try_from(i + 1).unwrap()) as usize;
            items.swap(i, j);
        }
    }
}

pub fn cfg() -> InsightsConfig {
    InsightsConfig::embedded().unwrap()
}

/// 2026-03-01 20:00 at UTC+1.
pub fn now() -> ZonedDateTime {
    let ts: Timestamp = "2026-03-01T19:00:00Z".parse().unwrap();
    ts.to_zoned_datetime(TimeZone::fixed(Offset::from_seconds(3600).unwrap()))
}

/// The instant `days_back` days (plus `hour` o'clock local) before now's day, at UTC+1.
pub fn at(days_back: i64, hour: i64) -> Moment {
    let today_midnight: Timestamp = "2026-02-28T23:00:00Z".parse().unwrap();
    let secs = today_midnight.as_second() - days_back * 86_400 + hour * 3600;
    Moment::with_offset(Timestamp::from_second(secs).unwrap(), 3600)
}

pub fn id(n: u128) -> RecordId {
    RecordId::from_uuid(uuid::Uuid::from_u128(n))
}

pub fn slug(s: &str) -> Slug {
    Slug::from_name(s).unwrap()
}

#[derive(Clone, Debug, Default)]
pub struct E<'a> {
    pub triggers: &'a [&'a str],
    pub feelings: &'a [&'a str],
    pub intensity: Option<u8>,
    pub signs: &'a [Sign],
    pub sources: &'a [Source],
}

pub fn entry(n: u128, when: Moment, e: E<'_>) -> Entry {
    Entry {
        id: id(n),
        occurred: when.clone(),
        recorded: when,
        situation: format!("situation {n}"),
        triggers: e.triggers.iter().map(|t| slug(t)).collect(),
        thoughts: String::new(),
        fear: String::new(),
        feelings: e.feelings.iter().map(|f| slug(f)).collect(),
        intensity: e.intensity.map(|i| Intensity::new(i64::from(i)).unwrap()),
        signs: e.signs.to_vec(),
        sources: e.sources.to_vec(),
        helped: String::new(),
        tags: Vec::new(),
        starred: false,
    }
}

pub fn checkin(n: u128, when: Moment, security: u8, others: Option<u8>, consequences: &[(Consequence, u8)]) -> Checkin {
    Checkin {
        id: id(n),
        at: when,
        security,
        seen: others,
        trusted: others,
        respected: others,
        consequences: consequences.iter().copied().collect::<BTreeMap<_, _>>(),
        note: String::new(),
    }
}

/// Every number in a JSON text is finite and nothing is `null` (absent
/// values are left out, and serde_json writes NaN and infinities as `null`).
pub fn assert_clean_json(json: &str) {
    assert!(!json.contains("null"), "null (a NaN, or an Option not skipped) in {json}");
    assert!(!json.to_lowercase().contains("streak"), "no streaks anywhere");
}
