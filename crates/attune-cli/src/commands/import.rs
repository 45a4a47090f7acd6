//! `attune import`: bring in what was written in another app (or an attune
//! export). The file is read and checked completely before anything is
//! written; then everything lands in one transaction, or nothing does.
//! Importing the same file twice adds nothing (content hashes).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use attune_core::LabelKind;
use attune_formats::map::{self, Target};
use attune_formats::{Batch, Format, Location, ParseError, attune_json, bearable, daylio, dayone, freecbt, jrnl};
use attune_store::{ImportBatch, ImportCounts, Store};
use clap::{Args, ValueEnum};
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, GOOD};

/// `attune import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What kind of file it is.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The file (Day One: the .json or the .zip; attune: the export, encrypted or not).
    pub path: PathBuf,
    /// Only show what would be imported; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// jrnl: the jrnl.yaml whose timeformat and tagsymbols the file uses.
    #[arg(long, value_name = "FILE")]
    pub jrnl_config: Option<PathBuf>,
    /// Daylio: how a mood maps to felt security, e.g. --mood-map meh=4 --mood-map ecstatic=10.
    #[arg(long, value_name = "MOOD=N")]
    pub mood_map: Vec<String>,
    /// The time zone the file's clock times were written in (default: yours now), e.g. Europe/Berlin.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The formats `attune import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// jrnl's plain-text journal file.
    Jrnl,
    /// jrnl's `--export json`.
    JrnlJson,
    /// Day One's JSON export (.json or .zip).
    Dayone,
    /// Daylio's CSV export.
    Daylio,
    /// Bearable's CSV export.
    Bearable,
    /// FreeCBT or Quirk thought records (CSV).
    Freecbt,
    /// attune's own JSON export (`attune export json`).
    Attune,
}

impl ImportFormat {
    fn format(self) -> Format {
        match self {
            Self::Jrnl => Format::Jrnl,
            Self::JrnlJson => Format::JrnlJson,
            Self::Dayone => Format::DayOne,
            Self::Daylio => Format::Daylio,
            Self::Bearable => Format::Bearable,
            Self::Freecbt => Format::FreeCbt,
            Self::Attune => Format::Attune,
        }
    }
}

/// Above this many records a progress bar is shown (in a terminal).
const PROGRESS_FROM: usize = 5_000;

/// What the summary shows.
#[derive(Debug, Serialize)]
struct Summary {
    file: String,
    format: Format,
    dry_run: bool,
    read: BTreeMap<&'static str, usize>,
    first: Option<String>,
    last: Option<String>,
    time_zone: Option<String>,
    tags: BTreeMap<String, Target>,
    moods: BTreeMap<String, u8>,
    skipped: Vec<SkipGroup>,
    notes: Vec<String>,
    imported: ImportCounts,
}

#[derive(Debug, Serialize)]
struct SkipGroup {
    why: String,
    count: usize,
    first_at: String,
}

pub fn run(args: ImportArgs, app: &App) -> CliResult {
    let file = args.path.display().to_string();
    let bytes = read(&args.path, "the file to import")?;
    let located = |e: ParseError| parse_error(&file, e);
    let tz = match &args.tz {
        Some(name) => TimeZone::get(name.trim()).map_err(|_| {
            CliError::user(format!("--tz: '{name}' is not a known time zone"))
                .hint("use an IANA name such as Europe/Berlin or America/New_York")
        })?,
        None => app.now.time_zone().clone(),
    };
    let format = args.format.format();
    let zone_used = !matches!(args.format, ImportFormat::Attune | ImportFormat::Dayone);

    // Everything is read and checked before the journal is opened.
    let parsed = match args.format {
        ImportFormat::Jrnl => {
            let config = match &args.jrnl_config {
                Some(p) => {
                    let text = read(p, "--jrnl-config")?;
                    jrnl::parse_config(&text).map_err(|e| parse_error(&p.display().to_string(), e))?
                }
                None => jrnl::Config::default(),
            };
            Parsed::Batch(jrnl::parse(&bytes, &config, &tz).map_err(located)?)
        }
        ImportFormat::JrnlJson => Parsed::Batch(jrnl::parse_json(&bytes, &tz).map_err(located)?),
        ImportFormat::Dayone => Parsed::Batch(dayone::parse(&bytes).map_err(located)?),
        ImportFormat::Daylio => {
            let moods = daylio::MoodMap::default().with_overrides(&args.mood_map).map_err(|e| {
                let mut err = CliError::user(format!("--mood-map: {}", e.message));
                if let Some(h) = e.hint {
                    err = err.hint(h);
                }
                err
            })?;
            Parsed::Batch(daylio::parse(&bytes, &moods, &tz).map_err(located)?)
        }
        ImportFormat::Bearable => Parsed::Batch(bearable::parse(&bytes, &tz).map_err(located)?),
        ImportFormat::Freecbt => Parsed::Batch(freecbt::parse(&bytes, &tz).map_err(located)?),
        ImportFormat::Attune => {
            let plain = if crate::commands::export::is_age(&bytes) {
                crate::commands::export::decrypt(&bytes, app)?
            } else {
                bytes
            };
            Parsed::Attune(Box::new(attune_json::parse(&plain).map_err(located)?))
        }
    };

    let mut opened = app.open()?;
    let store = &mut opened.store;
    let (batch, mut summary) = match parsed {
        Parsed::Batch(b) => from_batch(b, format, store, app, &file)?,
        Parsed::Attune(doc) => from_attune(*doc, &file, app)?,
    };
    summary.dry_run = args.dry_run;
    if zone_used {
        summary.time_zone = Some(zone_name(&tz));
    }
    let total = batch.entries.len() + batch.checkins.len();
    let bar = progress_bar(total, args.json);
    summary.imported = store
        .import(&batch, args.dry_run, &mut |done| bar.set_position(done as u64))
        .map_err(|e| CliError::from(e).hint("nothing was imported"))?;
    bar.finish_and_clear();

    if args.json {
        return out::json(&summary);
    }
    print(&summary)
}

enum Parsed {
    Batch(Batch),
    Attune(Box<attune_json::Document>),
}

fn zone_name(tz: &TimeZone) -> String {
    match (tz.iana_name(), tz.to_fixed_offset()) {
        (Some(name), _) => name.to_string(),
        (None, Ok(offset)) => format!("UTC{offset}"),
        (None, Err(_)) => "your system's time zone".into(),
    }
}

fn progress_bar(total: usize, json: bool) -> indicatif::ProgressBar {
    if total < PROGRESS_FROM || json || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("importing {bar:30} {pos}/{len}") {
        bar.set_style(style);
    }
    bar
}

/// Reads a whole file, with a message that names it.
pub(crate) fn read(path: &Path, what: &str) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        CliError::user(format!("cannot read {what} {}: {e}", path.display())).hint("check the path and try again")
    })
}

fn parse_error(file: &str, e: ParseError) -> CliError {
    let mut err = CliError::user(format!("{file}: {e}; nothing was imported"));
    if let Some(h) = e.hint {
        err = err.hint(h);
    }
    err
}

fn from_batch(batch: Batch, format: Format, store: &Store, app: &App, file: &str) -> CliResult<(ImportBatch, Summary)> {
    let triggers = store.labels(LabelKind::Trigger)?;
    let feelings = store.labels(LabelKind::Feeling)?;
    let mapped = map::to_records(&batch, format, &triggers, &feelings, app.now.timestamp(), &mut || app.new_id())
        .map_err(|e| parse_error(file, e))?;
    let mut read = BTreeMap::new();
    read.insert("entries", mapped.entries.len());
    read.insert("check-ins", mapped.checkins.len());
    let mut groups: Vec<SkipGroup> = Vec::new();
    for s in &batch.skipped {
        match groups.iter_mut().find(|g| g.why == s.why) {
            Some(g) => g.count += 1,
            None => groups.push(SkipGroup { why: s.why.clone(), count: 1, first_at: s.at.clone() }),
        }
    }
    let summary = Summary {
        file: file.to_string(),
        format,
        dry_run: false,
        read,
        first: batch.records.first().map(|r| r.moment().to_string()),
        last: batch.records.last().map(|r| r.moment().to_string()),
        time_zone: None,
        tags: mapped.tags.iter().map(|(k, (t, _))| (k.clone(), t.clone())).collect(),
        moods: mapped.moods.iter().map(|(k, (v, _))| (k.clone(), *v)).collect(),
        skipped: groups,
        notes: batch.notes.clone(),
        imported: ImportCounts::default(),
    };
    let import = ImportBatch { entries: mapped.entries, checkins: mapped.checkins, ..Default::default() };
    Ok((import, summary))
}

fn from_attune(doc: attune_json::Document, file: &str, app: &App) -> CliResult<(ImportBatch, Summary)> {
    // The same date limits as for other files and for typed dates.
    let now = app.now.timestamp();
    for (i, e) in doc.entries.iter().enumerate() {
        map::check_when(Location::File, &format!("entries[{}].occurred", i + 1), &e.occurred, now)
            .map_err(|e| parse_error(file, e))?;
    }
    for (i, c) in doc.checkins.iter().enumerate() {
        map::check_when(Location::File, &format!("checkins[{}].at", i + 1), &c.at, now)
            .map_err(|e| parse_error(file, e))?;
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
    // attune's own records are recognised by their ids.
    let id_hash = |kind: &str, id: &attune_core::RecordId| format!("attune:{kind}:{id}");
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
    let summary = Summary {
        file: file.to_string(),
        format: Format::Attune,
        dry_run: false,
        read,
        first,
        last,
        time_zone: None,
        tags: BTreeMap::new(),
        moods: BTreeMap::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
        imported: ImportCounts::default(),
    };
    Ok((batch, summary))
}

fn print(s: &Summary) -> CliResult {
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#} ({})", s.file, s.format.as_str())?;
    let read: Vec<String> = s.read.iter().filter(|(_, n)| **n > 0).map(|(k, n)| counted(*n, k)).collect();
    writeln!(w, "  Read: {}", if read.is_empty() { "nothing to import".into() } else { read.join(", ") })?;
    if let (Some(first), Some(last)) = (&s.first, &s.last) {
        writeln!(w, "  From {first} to {last}")?;
    }
    if let Some(zone) = &s.time_zone {
        writeln!(w, "  {DIM}Clock times in the file were read as {zone} (change with --tz).{DIM:#}")?;
    }
    if !s.moods.is_empty() {
        let moods: Vec<String> = s.moods.iter().map(|(m, v)| format!("{m} → {v}")).collect();
        writeln!(w, "  Moods become check-ins with felt security: {}", moods.join(", "))?;
    }
    let mut by_target: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (tag, target) in &s.tags {
        let (kind, name) = match target {
            Target::Trigger(n) => ("as triggers", n),
            Target::Feeling(n) => ("as feelings", n),
            Target::Tag(n) => ("as tags", n),
        };
        let shown = if tag == name { tag.clone() } else { format!("{tag} → {name}") };
        by_target.entry(kind).or_default().push(shown);
    }
    for (kind, names) in &by_target {
        let more = if names.len() > 12 { format!(" and {} more", names.len() - 12) } else { String::new() };
        let list: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
        writeln!(w, "  Kept {kind}: {}{more}", list.join(", "))?;
    }
    for g in &s.skipped {
        writeln!(w, "  Left out: {} × {} (first at {})", g.count, g.why, g.first_at)?;
    }
    for n in &s.notes {
        writeln!(w, "  {n}")?;
    }
    let i = &s.imported;
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
    let added = if added.is_empty() { "nothing new".to_string() } else { added.join(", ") };
    let already = if i.already_there > 0 {
        format!("; {} were already in your journal and were left as they are", i.already_there)
    } else {
        String::new()
    };
    if s.dry_run {
        writeln!(w, "\nA real import would add {added}{already}. {BOLD}Nothing was changed{BOLD:#} (--dry-run).")?;
    } else {
        writeln!(w, "\n{GOOD}Imported{GOOD:#} {added}{already}.")?;
    }
    Ok(())
}

/// "1 entry", "2 entries": the kinds are written in the plural.
fn counted(n: usize, plural: &str) -> String {
    if n != 1 {
        return format!("{n} {plural}");
    }
    let one = match plural {
        "entries" => "entry".to_string(),
        "activities" => "activity".to_string(),
        "triggers and feelings" => "trigger or feeling".to_string(),
        p => p.strip_suffix('s').unwrap_or(p).to_string(),
    };
    format!("1 {one}")
}
