//! `attune export`: everything you wrote, in open formats. Files are written
//! atomically (a private temporary file beside the target, then a rename),
//! and can be encrypted with a passphrase (the age format).

use std::io::Write;
use std::path::PathBuf;

use attune_core::{Checkin, Entry, LabelKind};
use attune_formats::{attune_json, export, journal, jrnl};
use attune_store::Store;
use clap::{Args, ValueEnum};

use crate::app::App;
use crate::error::{CliError, CliResult, Exit};
use crate::files;
use crate::out::{self, DIM, GOOD};

/// `attune export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// Where to write (default: standard output). CSV: a folder for entries.csv and
    /// checkins.csv, or a file ending in .zip for both in one.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Encrypt the file with a passphrase (age format; asks for a new passphrase,
    /// or runs ATTUNE_NEW_PASSPHRASE_COMMAND).
    #[arg(long)]
    pub encrypt: bool,
}

/// What `attune export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Everything, lossless and versioned (docs/export-format.md); `attune import attune` reads it back.
    Json,
    /// Entries and check-ins as spreadsheets.
    Csv,
    /// A readable journal.
    Markdown,
    /// A jrnl journal file, to carry on in jrnl.
    Jrnl,
    /// Agreements' rhythms and review dates for a calendar.
    Ics,
}

/// Every live entry and check-in, oldest first.
pub(crate) fn all_records(store: &Store) -> CliResult<(Vec<Entry>, Vec<Checkin>)> {
    Ok(journal::all_records(store)?)
}

/// The whole journal as attune's export document.
pub(crate) fn document(store: &Store, app: &App) -> CliResult<attune_json::Document> {
    let suggestions = crate::commands::toolkit::content(attune_core::selfworth::suggestions(&app.library()?))?;
    Ok(journal::document(store, app.now_moment().to_string(), &suggestions)?)
}

pub fn run(args: ExportArgs, app: &App) -> CliResult {
    if args.encrypt && args.out.is_none() {
        return Err(CliError::user("--encrypt needs a file to write: add -o <file>")
            .hint("for example: attune export json --encrypt -o attune-export.json.age"));
    }
    if args.format == ExportFormat::Csv && args.out.is_none() {
        return Err(CliError::user("a CSV export is two files: add -o <folder>, or -o <file>.zip for one zip")
            .hint("for example: attune export csv -o attune-csv.zip"));
    }
    let opened = app.open()?;
    let store = &opened.store;
    let files: Vec<(Option<PathBuf>, Vec<u8>)> = match args.format {
        ExportFormat::Json => vec![(args.out.clone(), attune_json::write(&document(store, app)?).into_bytes())],
        ExportFormat::Markdown => {
            let (entries, _) = all_records(store)?;
            let text =
                export::markdown(&entries, &store.labels(LabelKind::Trigger)?, &store.labels(LabelKind::Feeling)?);
            vec![(args.out.clone(), text.into_bytes())]
        }
        ExportFormat::Jrnl => {
            // Written as the entries are read, oldest first.
            let mut text = String::new();
            store.each_entry(&mut |r| jrnl::write_entry(&mut text, &r.item))?;
            vec![(args.out.clone(), text.into_bytes())]
        }
        ExportFormat::Ics => {
            if !app.safety_policy(store)?.partner_agreements {
                return Err(CliError::user("in safety mode, agreements are not exported")
                    .hint("`attune safety` shows support services for your country"));
            }
            let texts = crate::commands::toolkit::plan_texts(app)?;
            let agreements = store.agreements(false)?;
            let plans = store.trigger_plans()?;
            let refs: Vec<_> = agreements.iter().map(|a| &a.item).collect();
            let plan_refs: Vec<_> = plans.iter().collect();
            let text = attune_core::plan::ics::export(&refs, &plan_refs, &texts.calendar, app.now.timestamp(), false);
            vec![(args.out.clone(), text.into_bytes())]
        }
        ExportFormat::Csv => {
            let (entries, checkins) = all_records(store)?;
            let out = args.out.clone().unwrap_or_default();
            if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
                let zip = export::csv_zip(&entries, &checkins)
                    .map_err(|e| CliError::user(format!("could not build the zip: {e}")).exit(Exit::Internal))?;
                vec![(Some(out), zip)]
            } else {
                // A new folder is private (0700); one that exists is the person's own.
                attune_store::create_private_dir_all(&out).map_err(|e| {
                    CliError::user(format!("cannot create the folder {}: {e}", out.display()))
                        .hint("choose another place with -o")
                })?;
                vec![
                    (Some(out.join("entries.csv")), export::entries_csv(&entries)),
                    (Some(out.join("checkins.csv")), export::checkins_csv(&checkins)),
                ]
            }
        }
    };
    let mut w = out::stdout();
    for (path, bytes) in files {
        match path {
            None => {
                w.write_all(&bytes)?;
                w.flush()?;
            }
            Some(path) => {
                let bytes = if args.encrypt { files::encrypt(&bytes, app)? } else { bytes };
                files::write(&path, &bytes, "choose another place with -o")?;
                let how = if args.encrypt { " (encrypted)" } else { "" };
                writeln!(w, "{GOOD}Wrote{GOOD:#} {}{how}.", path.display())?;
            }
        }
    }
    if !args.encrypt && args.out.is_some() {
        writeln!(w, "{DIM}The export is not encrypted: keep it somewhere private, or use --encrypt.{DIM:#}")?;
    }
    Ok(())
}
