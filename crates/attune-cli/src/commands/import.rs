//! `attune import`: bring in what was written in another app (or an attune
//! export). The whole file is read before the journal is opened; its records
//! are then checked on a second thread while the ones before are written,
//! all in one transaction, so a bad record anywhere leaves nothing behind.
//! Importing the same file twice adds nothing (content hashes).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use attune_core::safety::ImportSafety;
use attune_formats::journal::{self, ImportError, Preview};
use attune_formats::map::Target;
use attune_formats::read::{self, Parsed};
use attune_formats::{Format, ParseError, crypt, daylio, jrnl};
use attune_store::ImportCounts;
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
    #[serde(flatten)]
    preview: Preview,
    imported: ImportCounts,
    /// How many records' words may call for support (attune's own exports
    /// are not read again: their words were read when they were written).
    #[serde(skip_serializing_if = "Option::is_none")]
    safety: Option<ImportSafety>,
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

    // The file is read, and its settings checked, before the journal is opened.
    let jrnl = match (&args.jrnl_config, args.format) {
        (Some(p), ImportFormat::Jrnl) => {
            let text = read(p, "--jrnl-config")?;
            jrnl::parse_config(&text).map_err(|e| parse_error(&p.display().to_string(), e))?
        }
        _ => jrnl::Config::default(),
    };
    let mood_map = if format == Format::Daylio { args.mood_map.as_slice() } else { &[] };
    let moods = daylio::MoodMap::default().with_overrides(mood_map).map_err(|e| {
        let mut err = CliError::user(format!("--mood-map: {}", e.message));
        if let Some(h) = e.hint {
            err = err.hint(h);
        }
        err
    })?;
    let bytes =
        if format == Format::Attune && crypt::is_age(&bytes) { crate::files::decrypt(&bytes, app)? } else { bytes };
    let parsed = read::parse(format, &bytes, &read::Options { jrnl, moods, tz: tz.clone() }).map_err(located)?;

    let mut opened = app.open()?;
    let store = &mut opened.store;
    let nothing = |e: attune_store::StoreError| CliError::from(e).hint("nothing was imported");
    let total = match &parsed {
        Parsed::Batch(b) => b.records.len(),
        Parsed::Attune(doc) => doc.entries.len() + doc.checkins.len(),
    };
    let bar = progress_bar(total, args.json);
    let mut progress = |done: usize| bar.set_position(done as u64);
    let mut safety = None;
    let (mut preview, imported) = match parsed {
        Parsed::Batch(b) => {
            let new_id = || app.new_id();
            // The words are read for safety on the other core while the
            // import writes; only a count is shown (see `print`).
            let now_ms = app.now.timestamp().as_millisecond();
            let read = &b;
            let (done, counted) = std::thread::scope(|scope| {
                let counting = scope.spawn(move || read.safety_count(now_ms));
                let done =
                    journal::import_batch(store, &b, format, app.now.timestamp(), &new_id, args.dry_run, &mut progress);
                (done, counting.join().ok())
            });
            safety = counted.filter(ImportSafety::any);
            let done = done.map_err(|e| match e {
                ImportError::File(e) => located(e),
                ImportError::Store(e) => nothing(e),
            })?;
            // The command ends here: the system takes the read file back at
            // once, where freeing its records one by one would only hold the
            // summary back.
            std::mem::forget(b);
            done
        }
        Parsed::Attune(doc) => {
            let (batch, preview) = journal::from_document(*doc, app.now.timestamp()).map_err(located)?;
            (preview, store.import(&batch, args.dry_run, &mut progress).map_err(nothing)?)
        }
    };
    bar.finish_and_clear();
    if format.uses_zone() {
        preview.time_zone = Some(zone_name(&tz));
    }
    let summary = Summary { file: file.clone(), format, dry_run: args.dry_run, preview, imported, safety };

    if args.json {
        return out::json(&summary);
    }
    print(&summary)
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
    use std::io::Read;
    let cannot = |e: std::io::Error| {
        CliError::user(format!("cannot read {what} {}: {e}", path.display())).hint("check the path and try again")
    };
    let limit = attune_formats::MAX_IMPORT_BYTES;
    let mut bytes = Vec::new();
    // Counted while reading too: a pipe or a growing file has no size up front.
    std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes)).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(CliError::user(format!(
            "{what} {} is larger than {} MiB, more than attune reads at once; nothing was imported",
            path.display(),
            limit >> 20
        ))
        .hint("export a shorter stretch of time, or one journal at a time, and import each file"));
    }
    Ok(bytes)
}

fn parse_error(file: &str, e: ParseError) -> CliError {
    let mut err = CliError::user(format!("{file}: {e}; nothing was imported"));
    if let Some(h) = e.hint {
        err = err.hint(h);
    }
    err
}

fn print(s: &Summary) -> CliResult {
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#} ({})", s.file, s.format.as_str())?;
    let read: Vec<String> =
        s.preview.read.iter().filter(|(_, n)| **n > 0).map(|(k, n)| journal::counted(*n, k)).collect();
    writeln!(w, "  Read: {}", if read.is_empty() { "nothing to import".into() } else { read.join(", ") })?;
    if let (Some(first), Some(last)) = (&s.preview.first, &s.preview.last) {
        writeln!(w, "  From {first} to {last}")?;
    }
    if let Some(zone) = &s.preview.time_zone {
        writeln!(w, "  {DIM}Clock times in the file were read as {zone} (change with --tz).{DIM:#}")?;
    }
    if !s.preview.moods.is_empty() {
        let moods: Vec<String> = s.preview.moods.iter().map(|(m, v)| format!("{m} → {v}")).collect();
        writeln!(w, "  Moods become check-ins with felt security: {}", moods.join(", "))?;
    }
    let mut by_target: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (tag, target) in &s.preview.tags {
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
    for g in &s.preview.skipped {
        writeln!(w, "  Left out: {} × {} (first at {})", g.count, g.why, g.first_at)?;
    }
    for n in &s.preview.notes {
        writeln!(w, "  {n}")?;
    }
    let i = &s.imported;
    let added = journal::added_text(i);
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
    if let Some(said) =
        s.safety.as_ref().and_then(|c| c.sentence(&attune_core::safety::SafetyContent::embedded().ok()?.notes.import))
    {
        writeln!(w)?;
        let line = format!(
            "{said} `attune safety` lists support services; `attune safety check` asks a few questions about how your partner treats you."
        );
        writeln!(w, "{}", out::fill(&line, "", ""))?;
    }
    Ok(())
}
