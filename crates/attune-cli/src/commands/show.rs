//! `attune show`: one entry or check-in in full.

use attune_store::RecordRef;
use clap::Args;
use serde::Serialize;

use crate::app::App;
use crate::error::CliResult;
use crate::out;

/// `attune show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entry number (12), check-in number (c3), or the start of an id.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Shown<'a> {
    Entry(&'a attune_store::EntryRow),
    Checkin(&'a attune_store::CheckinRow),
}

pub fn run(args: ShowArgs, app: &App) -> CliResult {
    let opened = app.open()?;
    let mut w = out::stdout();
    match opened.store.resolve(&args.id)? {
        RecordRef::Entry(seq) => {
            let row = opened.store.entry(seq)?;
            if args.json { out::json(&Shown::Entry(&row)) } else { out::entry_detail(&mut w, &row) }
        }
        RecordRef::Checkin(seq) => {
            let row = opened.store.checkin(seq)?;
            if args.json { out::json(&Shown::Checkin(&row)) } else { out::checkin_detail(&mut w, &row) }
        }
    }
}
