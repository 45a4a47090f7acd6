//! `attune purge`: remove for good everything deleted and the earlier
//! versions kept for undo (the rule is the store's `Store::purge`).

use std::io::Write;

use attune_store::Deleted;
use clap::Args;
use dialoguer::Confirm;
use dialoguer::theme::ColorfulTheme;

use crate::app::App;
use crate::commands::removal::after_for_good;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};

/// `attune purge`.
#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Remove without being asked to confirm (for scripts).
    #[arg(long)]
    pub yes: bool,
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: PurgeArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let waiting = opened.store.deleted()?;
    if waiting.is_empty() && !args.json {
        writeln!(out::stdout(), "Nothing deleted is waiting: there is nothing to purge.")?;
        return Ok(());
    }
    if !args.yes && !waiting.is_empty() {
        if !app.interactive || args.json {
            return Err(CliError::user("nothing was removed: a purge cannot be undone, so it needs confirming")
                .hint("run `attune purge` in a terminal to be asked, or add --yes"));
        }
        let question = format!("Remove {} for good? Undo cannot bring them back.", describe(&waiting));
        let sure =
            Confirm::with_theme(&ColorfulTheme::default()).with_prompt(question).default(false).interact().map_err(
                |e| CliError::user(format!("the question was interrupted: {e}")).hint("nothing was removed"),
            )?;
        if !sure {
            writeln!(out::stdout(), "Nothing was removed.")?;
            return Ok(());
        }
    }
    let purged = opened.store.purge()?;
    if args.json {
        return out::json(&purged);
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Removed for good:{GOOD:#} {}.", describe(&waiting))?;
    for line in after_for_good(&purged, "them") {
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(&line, "", ""))?;
    }
    Ok(())
}

/// "2 entries, 1 check-in and 3 earlier versions of edited entries".
fn describe(d: &Deleted) -> String {
    let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let mut parts = Vec::new();
    if d.entries > 0 {
        parts.push(count(d.entries, "deleted entry", "deleted entries"));
    }
    if d.checkins > 0 {
        parts.push(count(d.checkins, "deleted check-in", "deleted check-ins"));
    }
    if d.versions > 0 {
        parts.push(count(d.versions, "earlier version of an edited entry", "earlier versions of edited entries"));
    }
    match parts.len() {
        0 => "what was deleted".to_string(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_a_sentence() {
        let d = |entries, checkins, versions| describe(&Deleted { entries, checkins, versions });
        assert_eq!(d(1, 0, 0), "1 deleted entry");
        assert_eq!(d(2, 1, 0), "2 deleted entries and 1 deleted check-in");
        assert_eq!(d(2, 3, 1), "2 deleted entries, 3 deleted check-ins and 1 earlier version of an edited entry");
    }
}
