//! From what another app wrote to attune's records, using the person's own
//! lists: a tag or activity that names one of their triggers becomes that
//! trigger, one that names a feeling becomes that feeling (the same
//! resolution `attune log --trigger` uses, merges followed), and anything
//! else stays a free tag. Every record is checked by the same rules as typed
//! input, and gets a content hash so importing a file twice adds nothing.

use std::collections::{BTreeMap, HashMap};

use attune_core::entry::Known;
use attune_core::label::{Resolved, resolve};
use attune_core::when::{self, OutOfRange};
use attune_core::{Checkin, CheckinDraft, ContentHash, Entry, EntryDraft, Label, Moment, RecordId};
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Location, ParseError};
use crate::{Batch, Format, Imported};

/// Where a tag from the file ends up.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "as", content = "name", rename_all = "kebab-case")]
pub enum Target {
    /// One of the person's triggers.
    Trigger(String),
    /// One of the person's feelings.
    Feeling(String),
    /// A free tag.
    Tag(String),
}

/// Records ready for the store, each with its content hash.
#[derive(Clone, Debug, Default)]
pub struct Mapped {
    /// Entries, oldest first.
    pub entries: Vec<(ContentHash, Entry)>,
    /// Check-ins, oldest first.
    pub checkins: Vec<(ContentHash, Checkin)>,
    /// Each tag of the file, where it went, and how often it was used.
    pub tags: BTreeMap<String, (Target, usize)>,
    /// Mood words and the felt security they became, with counts.
    pub moods: BTreeMap<String, (u8, usize)>,
}

/// Turns a batch into validated records. `new_id` makes record ids; `now`
/// bounds the dates as for typed ones (at most a day ahead, not before 1900).
pub fn to_records(
    batch: &Batch,
    format: Format,
    triggers: &[Label],
    feelings: &[Label],
    now: Timestamp,
    new_id: &mut dyn FnMut() -> RecordId,
) -> Result<Mapped, ParseError> {
    let mut mapper = Mapper::new(format, triggers, feelings, now);
    let (entries, checkins) = mapper.map(&batch.records, new_id)?;
    Ok(Mapped { entries, checkins, tags: mapper.tags, moods: mapper.moods })
}

/// Maps a file's records a run at a time, so a big file can be written to
/// the journal while the rest is still being mapped; what it counts covers
/// every run so far.
#[derive(Debug)]
pub struct Mapper<'a> {
    format: Format,
    triggers: &'a [Label],
    feelings: &'a [Label],
    now: Timestamp,
    /// A file uses a few tags many times; resolving one against the lists
    /// (with its spelling suggestions) is worth doing once per tag.
    targets: HashMap<String, Target>,
    /// Each tag of the file, where it went, and how often it was used.
    pub tags: BTreeMap<String, (Target, usize)>,
    /// Mood words and the felt security they became, with counts.
    pub moods: BTreeMap<String, (u8, usize)>,
    /// Entries mapped so far.
    pub entries: usize,
    /// Check-ins mapped so far.
    pub checkins: usize,
}

/// Entries and check-ins, each with its content hash.
pub type Records = (Vec<(ContentHash, Entry)>, Vec<(ContentHash, Checkin)>);

impl<'a> Mapper<'a> {
    /// A mapper for records from `format`, checked against the person's lists.
    pub fn new(format: Format, triggers: &'a [Label], feelings: &'a [Label], now: Timestamp) -> Self {
        Self {
            format,
            triggers,
            feelings,
            now,
            targets: HashMap::new(),
            tags: BTreeMap::new(),
            moods: BTreeMap::new(),
            entries: 0,
            checkins: 0,
        }
    }

    /// The next run of records, validated, in order.
    pub fn map(&mut self, records: &[Imported], new_id: &mut dyn FnMut() -> RecordId) -> Result<Records, ParseError> {
        let known = Known { triggers: self.triggers, feelings: self.feelings };
        let (mut entries, mut checkins) = (Vec::new(), Vec::new());
        for record in records {
            check_date(record, self.format, self.now)?;
            match record {
                Imported::Entry(e) => {
                    let mut draft = EntryDraft {
                        situation: e.situation.clone(),
                        thoughts: e.thoughts.clone(),
                        helped: e.helped.clone(),
                        starred: e.starred,
                        ..Default::default()
                    };
                    for tag in &e.tags {
                        let target = match self.targets.get(tag) {
                            Some(t) => t.clone(),
                            None => {
                                let t = target(tag, self.triggers, self.feelings);
                                self.targets.insert(tag.clone(), t.clone());
                                t
                            }
                        };
                        match &target {
                            Target::Trigger(s) if !draft.triggers.contains(s) => draft.triggers.push(s.clone()),
                            Target::Feeling(s) if !draft.feelings.contains(s) => draft.feelings.push(s.clone()),
                            Target::Tag(t) if !draft.tags.contains(t) => draft.tags.push(t.clone()),
                            _ => {}
                        }
                        match self.tags.get_mut(tag) {
                            Some((_, n)) => *n += 1,
                            None => {
                                self.tags.insert(tag.clone(), (target, 1));
                            }
                        }
                    }
                    let hash = content_hash(self.format, &e.occurred, &[&e.situation, &e.thoughts, &e.helped], &e.tags);
                    let entry = draft
                        .into_entry(new_id(), e.occurred.clone(), e.occurred.clone(), known)
                        .map_err(|err| located(err, e.at))?;
                    entries.push((hash, entry));
                }
                Imported::Checkin(c) => {
                    let draft = CheckinDraft {
                        security: Some(i64::from(c.security)),
                        note: c.note.clone(),
                        ..Default::default()
                    };
                    let score = c.security.to_string();
                    let hash = content_hash(self.format, &c.when, &[&score, &c.mood, &c.note], &[]);
                    let checkin = draft.into_checkin(new_id(), c.when.clone()).map_err(|err| located(err, c.at))?;
                    self.moods.entry(c.mood.clone()).or_insert((c.security, 0)).1 += 1;
                    checkins.push((hash, checkin));
                }
            }
        }
        self.entries += entries.len();
        self.checkins += checkins.len();
        Ok((entries, checkins))
    }
}

/// A record dated where no typed one could be is refused, naming where it is.
fn check_date(record: &Imported, format: Format, now: Timestamp) -> Result<(), ParseError> {
    match record {
        Imported::Entry(e) => check_when(e.at, format.date_field(), &e.occurred, now),
        Imported::Checkin(c) => check_when(c.at, format.date_field(), &c.when, now),
    }
}

/// Refuses a date more than a day after `now` or before 1900 (the limits of
/// typed dates, [`when::check_happened`]) with an error at `at`, `field`.
pub fn check_when(at: Location, field: &str, moment: &Moment, now: Timestamp) -> Result<(), ParseError> {
    let local = moment.local();
    let shown = || local.strftime("%Y-%m-%d %H:%M");
    match when::check_happened(moment.at, local.year(), now) {
        Ok(()) => Ok(()),
        Err(OutOfRange::Future) => Err(ParseError::new(at, field, format!("{} is in the future", shown()))
            .hint("check the year in the file; attune takes records up to a day ahead of now")),
        Err(OutOfRange::TooEarly) => {
            Err(ParseError::new(at, field, format!("{} is before {}", shown(), when::EARLIEST_YEAR))
                .hint("check the year in the file"))
        }
    }
}

/// Where a tag goes, given the person's lists.
pub fn target(tag: &str, triggers: &[Label], feelings: &[Label]) -> Target {
    match resolve(triggers, tag) {
        Resolved::Active(s) | Resolved::Retired(s) => return Target::Trigger(s.to_string()),
        Resolved::Unknown { .. } => {}
    }
    match resolve(feelings, tag) {
        Resolved::Active(s) | Resolved::Retired(s) => Target::Feeling(s.to_string()),
        Resolved::Unknown { .. } => Target::Tag(tag.to_string()),
    }
}

fn located(err: attune_core::ValidationError, at: Location) -> ParseError {
    let Some(p) = err.problems.first() else {
        return ParseError::new(at, "record", "is not valid");
    };
    let mut e = ParseError::new(at, p.field, p.message.clone());
    e.hint = p.hint.clone();
    e
}

/// A stable fingerprint of what a record says (not of where it sits in the
/// file), so re-exported files with the same content are recognised too.
pub fn content_hash(format: Format, at: &attune_core::Moment, texts: &[&str], tags: &[String]) -> ContentHash {
    let mut h = Sha256::new();
    h.update(format.as_str());
    h.update([0]);
    h.update(at.unix_ms().to_le_bytes());
    for t in texts {
        h.update(t.trim().as_bytes());
        h.update([0]);
    }
    for t in tags {
        h.update(t.as_bytes());
        h.update([1]);
    }
    ContentHash(h.finalize().into())
}
