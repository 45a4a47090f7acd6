//! `attune undo`: revert the last create, edit or delete.

use std::io::Write;

use attune_store::Undone;

use crate::app::App;
use crate::args::JsonArgs;
use crate::error::CliResult;
use crate::out::{self, GOOD};

pub fn run(args: JsonArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let undone = opened.store.undo()?;
    if args.json {
        return out::json(&undone);
    }
    let mut w = out::stdout();
    let text = match undone {
        None => "There is nothing to undo.".to_string(),
        Some(Undone::EntryCreated(n)) => format!("{GOOD}Undone:{GOOD:#} entry {n} is removed again."),
        Some(Undone::EntryDeleted(n)) => format!("{GOOD}Undone:{GOOD:#} entry {n} is back."),
        Some(Undone::EntryEdited(n)) => format!("{GOOD}Undone:{GOOD:#} entry {n} is as it was before the edit."),
        Some(Undone::CheckinCreated(n)) => format!("{GOOD}Undone:{GOOD:#} check-in c{n} is removed again."),
        Some(Undone::CheckinDeleted(n)) => format!("{GOOD}Undone:{GOOD:#} check-in c{n} is back."),
    };
    writeln!(w, "{text}")?;
    Ok(())
}
