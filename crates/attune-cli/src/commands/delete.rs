//! `attune delete`: remove an entry or check-in, undoable for the undo
//! window, or `--for-good` at once (the rule is the store's).

use std::io::Write;

use attune_store::{RecordRef, UNDO_WINDOW_DAYS};
use clap::Args;

use crate::app::App;
use crate::commands::removal::after_for_good;
use crate::error::CliResult;
use crate::out::{self, DIM, GOOD};

/// `attune delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The entry number (12), check-in number (c3), or the start of an id.
    pub id: String,
    /// Delete it for good now: undo cannot bring it back, and its words are removed
    /// from the journal's file (backups made earlier still hold it).
    #[arg(long)]
    pub for_good: bool,
}

pub fn run(args: DeleteArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let record = opened.store.resolve(&args.id)?;
    let what = match record {
        RecordRef::Entry(seq) => format!("entry {seq}"),
        RecordRef::Checkin(seq) => format!("check-in c{seq}"),
    };
    let mut w = out::stdout();
    if args.for_good {
        let purged = match record {
            RecordRef::Entry(seq) => opened.store.delete_entry_for_good(seq)?,
            RecordRef::Checkin(seq) => opened.store.delete_checkin_for_good(seq)?,
        };
        let said = format!(
            "{GOOD}Deleted {what} for good.{GOOD:#} Undo cannot bring it back, and its words are gone from the \
             journal's file."
        );
        writeln!(w, "{}", out::fill(&said, "", ""))?;
        for line in after_for_good(&purged, "it") {
            writeln!(w, "{DIM}{}{DIM:#}", out::fill(&line, "", ""))?;
        }
        return Ok(());
    }
    match record {
        RecordRef::Entry(seq) => opened.store.delete_entry(seq)?,
        RecordRef::Checkin(seq) => opened.store.delete_checkin(seq)?,
    }
    writeln!(w, "Deleted {what}.")?;
    writeln!(
        w,
        "{DIM}`attune undo` brings it back within {UNDO_WINDOW_DAYS} days; after that it is removed for good.{DIM:#}"
    )?;
    writeln!(w, "{DIM}`attune purge` removes it, and everything else deleted, for good now.{DIM:#}")?;
    Ok(())
}
