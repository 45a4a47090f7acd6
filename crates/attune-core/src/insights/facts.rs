//! The lean input of the insights: of each entry only what they count (when,
//! how strong, which labels, signs and sources), with labels and zone names
//! as small numbers into shared lists. A long history then costs no
//! allocation per entry, neither where it is read nor here.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

use crate::entry::{Entry, Intensity};
use crate::ids::RecordId;
use crate::label::Slug;
use crate::moment::Moment;
use crate::vocab::{Sign, Source, to_mask};

/// What the insights read of one entry. Its labels are a run in
/// [`Facts::runs`]: `triggers` numbers from `start`, then `feelings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryFacts {
    /// The entry's id (examples name it).
    pub id: RecordId,
    /// When it happened.
    pub at: Timestamp,
    /// The UTC offset it was lived in, in seconds.
    pub offset_seconds: i32,
    /// Its time zone's name, as a position in [`Facts::zones`].
    pub zone: Option<u32>,
    /// How strong it was.
    pub intensity: Option<Intensity>,
    /// Signs, one bit per [`Sign::ALL`] position.
    pub signs: u32,
    /// Sources, one bit per [`Source::ALL`] position.
    pub sources: u32,
    /// Where its labels start in [`Facts::runs`].
    pub start: u32,
    /// How many triggers, then how many feelings, from `start`.
    pub triggers: u16,
    /// How many feelings follow the triggers.
    pub feelings: u16,
}

impl EntryFacts {
    /// The wall-clock date and time the person saw (as [`Moment::local`]).
    pub fn local(&self) -> DateTime {
        Offset::from_seconds(self.offset_seconds).unwrap_or(Offset::UTC).to_datetime(self.at)
    }
}

/// The entries the insights look at, in any order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Label slugs; entries name them by position (a slug may appear twice,
    /// once as a trigger and once as a feeling).
    pub labels: Vec<Slug>,
    /// Time zone names; entries name them by position.
    pub zones: Vec<String>,
    /// Every entry's labels as positions in `labels`, one run per entry.
    pub runs: Vec<u32>,
    /// The entries.
    pub entries: Vec<EntryFacts>,
}

impl Facts {
    /// The facts of full entries (for callers that have them anyway, and tests).
    pub fn from_entries(entries: &[Entry]) -> Self {
        let mut facts = Facts { entries: Vec::with_capacity(entries.len()), ..Facts::default() };
        for e in entries {
            let start = facts.runs.len();
            for slug in e.triggers.iter().chain(&e.feelings) {
                let at = match facts.labels.iter().position(|l| l == slug) {
                    Some(at) => at,
                    None => {
                        facts.labels.push(slug.clone());
                        facts.labels.len() - 1
                    }
                };
                facts.runs.push(u32::try_from(at).unwrap_or(u32::MAX));
            }
            let zone = e.occurred.zone.as_ref().map(|z| match facts.zones.iter().position(|k| k == z) {
                Some(at) => at,
                None => {
                    facts.zones.push(z.clone());
                    facts.zones.len() - 1
                }
            });
            facts.entries.push(EntryFacts {
                id: e.id,
                at: e.occurred.at,
                offset_seconds: e.occurred.offset_seconds,
                zone: zone.and_then(|z| u32::try_from(z).ok()),
                intensity: e.intensity,
                signs: to_mask(&e.signs, Sign::index),
                sources: to_mask(&e.sources, Source::index),
                start: u32::try_from(start).unwrap_or(u32::MAX),
                triggers: u16::try_from(e.triggers.len()).unwrap_or(u16::MAX),
                feelings: u16::try_from(e.feelings.len()).unwrap_or(u16::MAX),
            });
        }
        facts
    }

    /// The entry's triggers, as positions in `labels`.
    pub fn triggers(&self, e: &EntryFacts) -> &[u32] {
        let start = e.start as usize;
        self.runs.get(start..start + usize::from(e.triggers)).unwrap_or_default()
    }

    /// The entry's feelings, as positions in `labels`.
    pub fn feelings(&self, e: &EntryFacts) -> &[u32] {
        let start = e.start as usize + usize::from(e.triggers);
        self.runs.get(start..start + usize::from(e.feelings)).unwrap_or_default()
    }

    /// When the entry happened, with its zone's name.
    pub fn occurred(&self, e: &EntryFacts) -> Moment {
        let zone = e.zone.and_then(|z| self.zones.get(z as usize)).cloned();
        Moment { at: e.at, offset_seconds: e.offset_seconds, zone }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moment::Moment;

    #[test]
    fn full_entries_keep_their_labels_zone_signs_and_sources() {
        let slug = |s: &str| Slug::from_name(s).unwrap_or_else(|e| panic!("{e}"));
        let at = Timestamp::from_second(1_700_000_000).unwrap_or_default();
        let mut a = Entry {
            id: RecordId::from_uuid(uuid::Uuid::from_u64_pair(1, 1)),
            occurred: Moment { at, offset_seconds: 3600, zone: Some("Europe/Berlin".into()) },
            recorded: Moment::with_offset(at, 3600),
            situation: "words".into(),
            triggers: vec![slug("late-reply"), slug("calm")],
            thoughts: String::new(),
            fear: String::new(),
            feelings: vec![slug("calm")],
            intensity: Intensity::new(7),
            signs: vec![Sign::ALL[2]],
            sources: vec![Source::ALL[0], Source::ALL[4]],
            helped: String::new(),
            tags: vec![],
            starred: false,
        };
        let mut b = a.clone();
        b.id = RecordId::from_uuid(uuid::Uuid::from_u64_pair(1, 2));
        b.triggers = vec![];
        b.feelings = vec![slug("late-reply")];
        b.occurred.zone = None;
        a.tags = vec!["kept out".into()];
        let facts = Facts::from_entries(&[a.clone(), b.clone()]);
        let name = |p: &u32| facts.labels[*p as usize].as_str().to_string();
        let (fa, fb) = (&facts.entries[0], &facts.entries[1]);
        assert_eq!(facts.triggers(fa).iter().map(name).collect::<Vec<_>>(), ["late-reply", "calm"]);
        assert_eq!(facts.feelings(fa).iter().map(name).collect::<Vec<_>>(), ["calm"]);
        assert!(facts.triggers(fb).is_empty());
        assert_eq!(facts.feelings(fb).iter().map(name).collect::<Vec<_>>(), ["late-reply"]);
        assert_eq!(facts.occurred(fa), a.occurred);
        assert_eq!(fa.local(), a.occurred.local());
        assert_eq!(facts.occurred(fb), b.occurred);
        assert_eq!((fa.signs, fa.sources), (0b100, 0b1_0001));
        assert_eq!((fa.id, fa.intensity), (a.id, a.intensity));
    }
}
