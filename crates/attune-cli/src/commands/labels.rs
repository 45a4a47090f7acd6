//! `attune triggers` and `attune feelings`: the person's own lists.

use std::io::Write;

use attune_core::label::{Resolved, resolve};
use attune_core::{Label, LabelKind, Slug};
use attune_store::Store;
use clap::{Args, Subcommand};

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};

/// `attune triggers` / `attune feelings`.
#[derive(Debug, Args)]
pub struct LabelArgs {
    #[command(subcommand)]
    pub action: Option<LabelAction>,
    /// Print JSON (for the list).
    #[arg(long)]
    pub json: bool,
    /// Also list retired and merged names.
    #[arg(long)]
    pub all: bool,
}

/// What to do with a trigger or feeling list.
#[derive(Debug, Subcommand)]
pub enum LabelAction {
    /// Add a name to the list.
    Add {
        /// The name, e.g. "Left on read".
        name: String,
    },
    /// Rename; past entries follow the new name.
    Rename {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Fold one name into another; past entries move to the second.
    Merge {
        /// The name to fold away.
        from: String,
        /// The name to keep.
        into: String,
    },
    /// Stop offering a name; past entries keep it.
    Retire {
        /// The name.
        name: String,
    },
    /// Offer a retired name again.
    Restore {
        /// The name.
        name: String,
    },
}

pub fn run(kind: LabelKind, args: LabelArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let store = &mut opened.store;
    let mut w = out::stdout();
    let Some(action) = args.action else {
        let labels: Vec<Label> =
            store.labels(kind)?.into_iter().filter(|l| args.all || (!l.retired && l.merged_into.is_none())).collect();
        if args.json {
            return out::json(&labels);
        }
        for l in &labels {
            let state = match (&l.merged_into, l.retired) {
                (Some(into), _) => format!("  {DIM}(merged into {into}){DIM:#}"),
                (None, true) => format!("  {DIM}(retired){DIM:#}"),
                _ => String::new(),
            };
            writeln!(w, "{:<24} {}{state}", l.slug.as_str(), l.name)?;
        }
        if !args.all {
            writeln!(w, "{DIM}Add your own with `attune {kind}s add \"name\"`; --all also shows retired ones.{DIM:#}")?;
        }
        return Ok(());
    };
    match action {
        LabelAction::Add { name } => {
            let label = store.add_label(kind, &name)?;
            writeln!(w, "{GOOD}Added{GOOD:#} '{}' to your {kind}s; use it as `{}`.", label.name, label.slug)?;
        }
        LabelAction::Rename { from, to } => {
            let from = existing(store, kind, &from)?;
            let label = store.rename_label(kind, &from, &to)?;
            writeln!(w, "{GOOD}Renamed{GOOD:#} '{from}' to '{}'; past entries follow.", label.slug)?;
        }
        LabelAction::Merge { from, into } => {
            let from = existing(store, kind, &from)?;
            let into = existing(store, kind, &into)?;
            if from == into {
                return Err(CliError::user(format!("'{from}' cannot be merged into itself")));
            }
            let moved = store.merge_label(kind, &from, &into)?;
            writeln!(w, "{GOOD}Merged{GOOD:#} '{from}' into '{into}' ({moved} entries moved).")?;
        }
        LabelAction::Retire { name } => {
            let slug = existing(store, kind, &name)?;
            store.set_label_retired(kind, &slug, true)?;
            writeln!(w, "Retired '{slug}'. Past entries keep it; `attune {kind}s restore {slug}` brings it back.")?;
        }
        LabelAction::Restore { name } => {
            let slug = existing(store, kind, &name)?;
            store.set_label_retired(kind, &slug, false)?;
            writeln!(w, "{GOOD}Restored{GOOD:#} '{slug}'.")?;
        }
    }
    Ok(())
}

/// A name on the list (active or retired), or a helpful error.
fn existing(store: &Store, kind: LabelKind, name: &str) -> CliResult<Slug> {
    let labels = store.labels(kind)?;
    // Exact slugs first, so a merged label can still be named directly.
    if let Ok(slug) = Slug::from_name(name)
        && labels.iter().any(|l| l.slug == slug)
    {
        return Ok(slug);
    }
    match resolve(&labels, name) {
        Resolved::Active(s) | Resolved::Retired(s) => Ok(s),
        Resolved::Unknown { suggestion } => {
            let err = CliError::user(format!("'{name}' is not on your {kind} list"));
            Err(match suggestion {
                Some(s) => err.hint(format!("did you mean '{s}'?")),
                None => err.hint(format!("`attune {kind}s` shows your list")),
            })
        }
    }
}
