//! The glue between files and the journal (feature `store`), shared by the
//! CLI and the web app so both export, import and report the same way:
//! reading a store into an export document, and turning a parsed file into
//! one import batch with its preview.

use std::collections::BTreeMap;

use attune_core::assess::Taken;
use attune_core::insights::Insights;
use attune_core::pause::Pause;
use attune_core::plan::Agreement;
use attune_core::selfworth::Suggestion;
use attune_core::{Checkin, Entry, Label, LabelKind, RecordId};
use attune_store::{CheckinFilter, ImportBatch, ImportCounts, Store, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::map::{self, Target};
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
    let mapped = map::to_records(batch, format, triggers, feelings, now, new_id)?;
    let mut read = BTreeMap::new();
    read.insert("entries", mapped.entries.len());
    read.insert("check-ins", mapped.checkins.len());
    let mut skipped: Vec<SkipGroup> = Vec::new();
    for s in &batch.skipped {
        match skipped.iter_mut().find(|g| g.why == s.why) {
            Some(g) => g.count += 1,
            None => skipped.push(SkipGroup { why: s.why.clone(), count: 1, first_at: s.at.clone() }),
        }
    }
    let preview = Preview {
        read,
        first: batch.records.first().map(|r| r.moment().to_string()),
        last: batch.records.last().map(|r| r.moment().to_string()),
        time_zone: None,
        tags: mapped.tags.iter().map(|(k, (t, _))| (k.clone(), t.clone())).collect(),
        moods: mapped.moods.iter().map(|(k, (v, _))| (k.clone(), *v)).collect(),
        skipped,
        notes: batch.notes.clone(),
    };
    let import = ImportBatch { entries: mapped.entries, checkins: mapped.checkins, ..Default::default() };
    Ok((import, preview))
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
    let id_hash = |kind: &str, id: &RecordId| format!("attune:{kind}:{id}");
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
    store.each_entry(&mut |r| entries.push(r.entry))?;
    let mut checkins: Vec<Checkin> =
        store.checkins(&CheckinFilter::default())?.into_iter().map(|r| r.checkin).collect();
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
