//! A point in time as the person lived it: the instant, plus the UTC offset
//! (and, when known, the time zone) they were in. Stored so that "9 pm on a
//! Friday" stays 9 pm on a Friday after they travel or the clocks change.

use std::fmt;
use std::str::FromStr;

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant with the offset (and optional IANA zone) it was lived in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Moment {
    /// The instant.
    pub at: Timestamp,
    /// The person's UTC offset at that instant, in seconds.
    pub offset_seconds: i32,
    /// The IANA zone name, when the clock that made it knew one.
    pub zone: Option<String>,
}

impl Moment {
    /// The moment `zoned` describes, keeping its zone name when it has one.
    pub fn from_zoned(zoned: &ZonedDateTime) -> Self {
        // Storage keeps milliseconds; truncate here so a saved moment reads back equal.
        let ms = zoned.timestamp().as_millisecond();
        Self {
            at: Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH),
            offset_seconds: zoned.offset().seconds(),
            zone: zoned.time_zone().iana_name().map(str::to_string),
        }
    }

    /// An instant at a fixed offset, without a zone name.
    pub fn with_offset(at: Timestamp, offset_seconds: i32) -> Self {
        Self { at, offset_seconds, zone: None }
    }

    /// The offset as a jiff value (falls back to UTC if out of range).
    pub fn offset(&self) -> Offset {
        Offset::from_seconds(self.offset_seconds).unwrap_or(Offset::UTC)
    }

    /// The wall-clock date and time the person saw.
    pub fn local(&self) -> DateTime {
        self.offset().to_datetime(self.at)
    }

    /// Milliseconds since the Unix epoch, for storage and ordering.
    pub fn unix_ms(&self) -> i64 {
        self.at.as_millisecond()
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.local();
        let secs = self.offset_seconds;
        let sign = if secs < 0 { '-' } else { '+' };
        let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
        write!(f, "{}{sign}{h:02}:{m:02}", local.strftime("%Y-%m-%dT%H:%M:%S%.f"))?;
        if let Some(zone) = &self.zone {
            write!(f, "[{zone}]")?;
        }
        Ok(())
    }
}

/// A moment string that is not RFC 3339 (optionally with a `[Zone]` suffix).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date-time with an offset, such as 2026-11-26T21:15:00+01:00")]
pub struct BadMoment(String);

impl FromStr for Moment {
    type Err = BadMoment;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadMoment(s.to_string());
        let (main, zone) = match s.split_once('[') {
            Some((main, rest)) => {
                let zone = rest.strip_suffix(']').ok_or_else(bad)?;
                if zone.is_empty() {
                    return Err(bad());
                }
                (main, Some(zone.to_string()))
            }
            None => (s, None),
        };
        let at: Timestamp = main.parse().map_err(|_| bad())?;
        // The offset is what the text says, not UTC: parse it separately.
        let offset_text = main.get(19..).ok_or_else(bad)?;
        let offset_text = offset_text.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let offset_seconds =
            if offset_text.eq_ignore_ascii_case("z") { 0 } else { parse_offset(offset_text).ok_or_else(bad)? };
        Ok(Self { at, offset_seconds, zone })
    }
}

fn parse_offset(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &s[1..];
    let (h, m) = rest.split_once(':').unwrap_or((rest.get(..2)?, rest.get(2..)?));
    let h: i32 = h.parse().ok()?;
    let m: i32 = if m.is_empty() { 0 } else { m.parse().ok()? };
    if h > 25 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_local_time_with_offset_and_zone() {
        let at: Timestamp = "2026-11-26T20:15:00Z".parse().unwrap();
        let m = Moment { at, offset_seconds: 3600, zone: Some("Europe/Berlin".into()) };
        assert_eq!(m.to_string(), "2026-11-26T21:15:00+01:00[Europe/Berlin]");
        assert_eq!(m.local().hour(), 21);
    }

    #[test]
    fn parses_utc_and_negative_offsets() {
        let m: Moment = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(m.offset_seconds, 0);
        let m: Moment = "2026-01-02T03:04:05-05:30".parse().unwrap();
        assert_eq!(m.offset_seconds, -(5 * 3600 + 30 * 60));
        assert_eq!(m.local().hour(), 3);
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "yesterday", "2026-01-02", "2026-01-02T03:04:05+01:00[", "2026-01-02T03:04:05+01:00[]"] {
            assert!(bad.parse::<Moment>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips_through_text(
            secs in -2_000_000_000i64..4_000_000_000i64,
            offset_min in -14 * 60i32..=14 * 60,
            zone in proptest::option::of("[A-Z][a-z]{2,8}/[A-Z][a-z]{2,8}"),
        ) {
            let m = Moment { at: Timestamp::from_second(secs).unwrap(), offset_seconds: offset_min * 60, zone };
            let text = m.to_string();
            prop_assert_eq!(text.parse::<Moment>().unwrap(), m.clone());
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Moment>(&json).unwrap(), m);
        }
    }
}
