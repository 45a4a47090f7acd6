//! The glue between files and the journal (feature `store`), shared by the
//! CLI and the web app so both export, import and report the same way:
//! reading a store into an export document, and turning a parsed file into
//! one import batch with its preview.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::sync::mpsc;

use attune_core::assess::Taken;
use attune_core::insights::Insights;
use attune_core::pause::Pause;
use attune_core::plan::Agreement;
use attune_core::selfworth::Suggestion;
use attune_core::{Checkin, ContentHash, Entry, Label, LabelKind, RecordId};
use attune_store::{CheckinFilter, ImportBatch, ImportCounts, Store, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::map::{self, Mapper, Target};
use crate::report::{ReportInput, SectionId};
use crate::{Batch, Format, Location, ParseError, attune_json};

/// What an import would bring, shown before anything is written.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Preview {
    /// Records read, per kind (plural names).
    pub read: BTreeMap<&'static str, usize>,
    /// The earliest record.
    pub first: Option<String>,
    /// The latest record.
    pub last: Option<String>,
    /// The zone clock times were read in (set by the caller when the format uses one).
    pub time_zone: Option<String>,
    /// Each tag of the file and where it goes.
    pub tags: BTreeMap<String, Target>,
    /// Mood words and the felt security they become.
    pub moods: BTreeMap<String, u8>,
    /// What is left out, grouped by why.
    pub skipped: Vec<SkipGroup>,
    /// Other remarks ("12 photos were left out").
    pub notes: Vec<String>,
}

/// Records left out for one reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkipGroup {
    /// Why, in plain words.
    pub why: String,
    /// How many.
    pub count: usize,
    /// Where the first one is.
    pub first_at: String,
}

/// A batch read from another app, checked against the person's own lists.
pub fn from_batch(
    batch: &Batch,
    format: Format,
    triggers: &[Label],
    feelings: &[Label],
    now: Timestamp,
    new_id: &mut dyn FnMut() -> RecordId,
) -> Result<(ImportBatch, Preview), ParseError> {
    let mut mapper = Mapper::new(format, triggers, feelings, now);
    let (entries, checkins) = mapper.map(&batch.records, new_id)?;
    let import = ImportBatch { entries, checkins, ..Default::default() };
    Ok((import, preview(batch, &mapper)))
}

/// Why importing a file stopped; nothing of it was kept either way.
#[derive(Debug)]
pub enum ImportError {
    /// A record in the file is not valid.
    File(ParseError),
    /// The journal could not take it.
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// How many records are mapped and sent to the store at a time by [`import_batch`].
const PART: usize = 4096;

/// Maps a batch read from another app and imports it straight away, as
/// `attune import` does: a second thread maps the records a part at a time
/// while the store writes the parts before, still in one transaction (all
/// or nothing), so mapping a big file costs almost no time of its own. The
/// web app, which shows a preview before it writes, uses [`from_batch`].
pub fn import_batch(
    store: &mut Store,
    batch: &Batch,
    format: Format,
    now: Timestamp,
    new_id: &(dyn Fn() -> RecordId + Sync),
    dry_run: bool,
    progress: &mut dyn FnMut(usize),
) -> Result<(Preview, ImportCounts), ImportError> {
    let triggers = store.labels(LabelKind::Trigger)?;
    let feelings = store.labels(LabelKind::Feeling)?;
    let (triggers, feelings) = (triggers.as_slice(), feelings.as_slice());
    std::thread::scope(|s| {
        // Two parts in flight at most: the mapper stays just ahead of the store.
        let (send, parts) = mpsc::sync_channel(2);
        // Written parts come back to be freed on the thread that made them.
        // Freed by the store's thread, each went back to this thread's glibc
        // arena under its lock, and the writing thread paid for it (100,000
        // entries: median 2.56 s without the return, 2.41 s with it).
        let (give_back, returned) = mpsc::channel::<ImportBatch>();
        let mapping = s.spawn(move || {
            let mut mapper = Mapper::new(format, triggers, feelings, now);
            for run in batch.records.chunks(PART) {
                let part = mapper.map(run, &mut || new_id());
                let failed = part.is_err();
                let part = part.map(|(entries, checkins)| Lent {
                    part: ImportBatch { entries, checkins, ..Default::default() },
                    back: give_back.clone(),
                });
                // A send fails when the store has stopped (on an error of its own).
                if send.send(part.map_err(ImportError::File)).is_err() || failed {
                    break;
                }
                returned.try_iter().for_each(drop);
            }
            drop((send, give_back));
            // Ends when the store has let go of the last part.
            returned.iter().for_each(drop);
            mapper
        });
        let mut parts = parts.into_iter();
        let counts = store.import_parts(&mut parts, dry_run, progress);
        // A mapper still sending learns from this that nobody is listening.
        drop(parts);
        let mapper = mapping.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((preview(batch, &mapper), counts?))
    })
}

/// A part on loan to the store; when the store drops it, it goes back.
struct Lent {
    part: ImportBatch,
    back: mpsc::Sender<ImportBatch>,
}

impl Borrow<ImportBatch> for Lent {
    fn borrow(&self) -> &ImportBatch {
        &self.part
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        // Without a receiver it is simply freed here.
        let _ = self.back.send(std::mem::take(&mut self.part));
    }
}

/// What the preview says of a batch and its mapping.
fn preview(batch: &Batch, mapped: &Mapper<'_>) -> Preview {
    let mut read = BTreeMap::new();
    read.insert("entries", mapped.entries);
    read.insert("check-ins", mapped.checkins);
    let mut skipped: Vec<SkipGroup> = Vec::new();
    for s in &batch.skipped {
        match skipped.iter_mut().find(|g| g.why == s.why) {
            Some(g) => g.count += 1,
            None => skipped.push(SkipGroup { why: s.why.clone(), count: 1, first_at: s.at.clone() }),
        }
    }
    Preview {
        read,
        first: batch.records.first().map(|r| r.moment().to_string()),
        last: batch.records.last().map(|r| r.moment().to_string()),
        time_zone: None,
        tags: mapped.tags.iter().map(|(k, (t, _))| (k.clone(), t.clone())).collect(),
        moods: mapped.moods.iter().map(|(k, (v, _))| (k.clone(), *v)).collect(),
        skipped,
        notes: batch.notes.clone(),
    }
}

/// attune's own export: everything it holds, recognised again by its ids.
/// Its dates are held to the same limits as other files' and typed dates.
pub fn from_document(doc: attune_json::Document, now: Timestamp) -> Result<(ImportBatch, Preview), ParseError> {
    for (i, e) in doc.entries.iter().enumerate() {
        map::check_when(Location::File, &format!("entries[{}].occurred", i + 1), &e.occurred, now)?;
    }
    for (i, c) in doc.checkins.iter().enumerate() {
        map::check_when(Location::File, &format!("checkins[{}].at", i + 1), &c.at, now)?;
    }
    let mut read = BTreeMap::new();
    read.insert("entries", doc.entries.len());
    read.insert("check-ins", doc.checkins.len());
    read.insert("questionnaire results", doc.assessments.len());
    read.insert("needs", doc.needs.len());
    read.insert("trigger plans", doc.trigger_plans.len());
    read.insert("agreements", doc.agreements.len());
    read.insert("pauses", doc.pauses.len());
    read.insert("activities", doc.activities.len());
    read.insert("supporters", doc.supporters.len());
    read.insert("affirmations", doc.affirmations.len());
    let times = doc.entries.iter().map(|e| &e.occurred).chain(doc.checkins.iter().map(|c| &c.at));
    let first = times.clone().min_by_key(|m| m.unix_ms()).map(ToString::to_string);
    let last = times.max_by_key(|m| m.unix_ms()).map(ToString::to_string);
    let id_hash = |kind: &str, id: &RecordId| ContentHash::of(&format!("attune:{kind}:{id}"));
    let batch = ImportBatch {
        labels: doc.triggers.into_iter().chain(doc.feelings).collect(),
        entries: doc.entries.into_iter().map(|e| (id_hash("entry", &e.id), e)).collect(),
        checkins: doc.checkins.into_iter().map(|c| (id_hash("checkin", &c.id), c)).collect(),
        assessments: doc.assessments,
        needs: doc.needs,
        trigger_plans: doc.trigger_plans,
        agreements: doc.agreements,
        pauses: doc.pauses,
        activities: doc.activities,
        supporters: doc.supporters,
        affirmations: doc.affirmations,
    };
    Ok((batch, Preview { read, first, last, ..Preview::default() }))
}

/// "3 entries", "1 entry": a count of one kind of record, as the import
/// preview and summary say it.
pub fn counted(n: usize, plural: &str) -> String {
    if n != 1 {
        return format!("{n} {plural}");
    }
    let one = match plural {
        "entries" => "entry",
        "activities" => "activity",
        "triggers and feelings" => "trigger or feeling",
        p => p.strip_suffix('s').unwrap_or(p),
    };
    format!("1 {one}")
}

/// What an import added, kind by kind ("3 entries, 1 check-in"), or
/// "nothing new".
pub fn added_text(i: &ImportCounts) -> String {
    let added: Vec<String> = [
        (i.entries, "entries"),
        (i.checkins, "check-ins"),
        (i.labels, "triggers and feelings"),
        (i.assessments, "questionnaire results"),
        (i.needs, "needs"),
        (i.trigger_plans, "trigger plans"),
        (i.agreements, "agreements"),
        (i.pauses, "pauses"),
        (i.activities, "activities"),
        (i.supporters, "supporters"),
        (i.affirmations, "affirmations"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, k)| counted(*n, k))
    .collect();
    if added.is_empty() { "nothing new".into() } else { added.join(", ") }
}

/// Every live entry and check-in, oldest first.
pub fn all_records(store: &Store) -> Result<(Vec<Entry>, Vec<Checkin>), StoreError> {
    let mut entries: Vec<Entry> = Vec::new();
    store.each_entry(&mut |r| entries.push(r.item))?;
    let mut checkins: Vec<Checkin> = store.checkins(&CheckinFilter::default())?.into_iter().map(|r| r.item).collect();
    checkins.reverse();
    Ok((entries, checkins))
}

/// The whole journal as attune's export document. `suggestions` are the
/// library's affirmations (not exported, but needed to tell them apart).
pub fn document(
    store: &Store,
    exported_at: String,
    suggestions: &[Suggestion],
) -> Result<attune_json::Document, StoreError> {
    let (entries, checkins) = all_records(store)?;
    let mut assessments = store.assessments(None)?;
    assessments.reverse();
    let mut pauses: Vec<_> = store.pauses(None)?.into_iter().map(|n| n.item).collect();
    pauses.sort_by_key(|p| p.started.unix_ms());
    let mut activities: Vec<_> = store.activities(None, None)?.into_iter().map(|n| n.item).collect();
    activities.reverse();
    Ok(attune_json::Document {
        format: attune_json::FORMAT.into(),
        version: attune_json::VERSION,
        exported_at,
        triggers: store.labels(LabelKind::Trigger)?,
        feelings: store.labels(LabelKind::Feeling)?,
        entries,
        checkins,
        assessments,
        needs: store.needs()?,
        trigger_plans: store.trigger_plans()?,
        agreements: store.agreements(true)?.into_iter().map(|n| n.item).collect(),
        pauses,
        activities,
        supporters: store.supporters()?.into_iter().map(|n| n.item).collect(),
        affirmations: store.affirmations(suggestions)?.into_iter().map(|n| n.item).collect(),
    })
}

/// What the therapist report shows besides the insights.
#[derive(Clone, Debug, Default)]
pub struct ReportRecords {
    /// The trigger list (names for the ranking).
    pub triggers: Vec<Label>,
    /// Questionnaires finished in the period.
    pub assessments: Vec<Taken>,
    /// Pauses started in the period.
    pub pauses: Vec<Pause>,
    /// Current agreements (none when `partner` is false: safety mode).
    pub agreements: Vec<Agreement>,
}

impl ReportRecords {
    /// What the report of `insights` is made of, for the CLI and the web alike.
    /// Without partner agreements (safety mode) their section is left out.
    pub fn report_input<'a>(
        &'a self,
        insights: &'a Insights,
        today: Date,
        mut sections: Vec<SectionId>,
        questions: Vec<String>,
        entries: &'a [(i64, Entry)],
        partner: bool,
    ) -> ReportInput<'a> {
        if !partner {
            sections.retain(|s| *s != SectionId::Agreements);
        }
        let w = &insights.window;
        ReportInput {
            period: format!("{} weeks, {} to {}", w.weeks, w.start.strftime("%-d %b %Y"), w.end.strftime("%-d %b %Y")),
            made_on: today.strftime("%-d %b %Y").to_string(),
            sections,
            insights,
            triggers: &self.triggers,
            assessments: &self.assessments,
            agreements: &self.agreements,
            pauses: &self.pauses,
            questions,
            entries: entries.iter().map(|(seq, e)| (*seq, e)).collect(),
            safety_mode: !partner,
        }
    }
}

/// Reads the report's records for the period starting on `start` (local day).
pub fn report_records(store: &Store, start: Date, partner: bool) -> Result<ReportRecords, StoreError> {
    let in_period = |m: &attune_core::Moment| m.local().date() >= start;
    Ok(ReportRecords {
        triggers: store.labels(LabelKind::Trigger)?,
        assessments: store.assessments(None)?.into_iter().filter(|t| in_period(&t.at)).collect(),
        pauses: store.pauses(None)?.into_iter().map(|p| p.item).filter(|p| in_period(&p.started)).collect(),
        agreements: if partner { store.agreements(false)?.into_iter().map(|a| a.item).collect() } else { Vec::new() },
    })
}
