//! `attune delete`: remove an entry or check-in (undoable).

use std::io::Write;

use attune_store::RecordRef;

use crate::app::App;
use crate::cli::DeleteArgs;
use crate::error::CliResult;
use crate::out::{self, DIM};

pub fn run(args: DeleteArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let what = match opened.store.resolve(&args.id)? {
        RecordRef::Entry(seq) => {
            opened.store.delete_entry(seq)?;
            format!("entry {seq}")
        }
        RecordRef::Checkin(seq) => {
            opened.store.delete_checkin(seq)?;
            format!("check-in c{seq}")
        }
    };
    let mut w = out::stdout();
    writeln!(w, "Deleted {what}.")?;
    writeln!(w, "{DIM}`attune undo` brings it back.{DIM:#}")?;
    Ok(())
}
