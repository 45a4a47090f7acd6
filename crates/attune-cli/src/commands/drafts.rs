//! `attune drafts`: entries that could not be saved.

use std::io::Write;

use attune_core::LabelKind;
use attune_core::entry::Known;
use attune_store::drafts;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};

/// `attune drafts`.
#[derive(Debug, Args)]
pub struct DraftArgs {
    #[command(subcommand)]
    pub action: Option<DraftAction>,
    /// Print JSON (for the list).
    #[arg(long)]
    pub json: bool,
}

/// What to do with drafts.
#[derive(Debug, Subcommand)]
pub enum DraftAction {
    /// Save a draft as an entry.
    Restore {
        /// The draft's number in `attune drafts`.
        number: usize,
    },
    /// Throw a draft away.
    Discard {
        /// The draft's number in `attune drafts`.
        number: usize,
    },
}

#[derive(Serialize)]
struct Listed<'a> {
    number: usize,
    saved_at: String,
    draft: &'a attune_core::EntryDraft,
}

pub fn run(args: DraftArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let dir = app.store_dir().join(attune_store::DRAFTS_DIR);
    let list = drafts::list(&dir, opened.key.as_ref())?;
    let mut w = out::stdout();
    let pick = |n: usize| {
        list.get(n.wrapping_sub(1)).ok_or_else(|| {
            CliError::user(format!("there is no draft {n}")).hint("`attune drafts` lists them with their numbers")
        })
    };
    match args.action {
        None => {
            if args.json {
                let listed: Vec<Listed> = list
                    .iter()
                    .enumerate()
                    .map(|(i, d)| Listed { number: i + 1, saved_at: d.saved_at.to_string(), draft: &d.draft })
                    .collect();
                return out::json(&listed);
            }
            if list.is_empty() {
                writeln!(w, "No drafts. Everything you wrote was saved.")?;
            }
            for (i, d) in list.iter().enumerate() {
                let title = attune_core::entry::shorten(d.draft.situation.lines().next().unwrap_or(""), 60);
                writeln!(w, "{:>3}  {DIM}{}{DIM:#}  {title}", i + 1, d.saved_at.strftime("%Y-%m-%d %H:%M"))?;
            }
        }
        Some(DraftAction::Restore { number }) => {
            let d = pick(number)?;
            let triggers = opened.store.labels(LabelKind::Trigger)?;
            let feelings = opened.store.labels(LabelKind::Feeling)?;
            let occurred = d.occurred.clone().unwrap_or_else(|| app.now_moment());
            let entry = d
                .draft
                .clone()
                .into_entry(
                    app.new_id(),
                    occurred,
                    app.now_moment(),
                    Known { triggers: &triggers, feelings: &feelings },
                )
                .map_err(|e| {
                    CliError::from(e)
                        .hint("the draft is still there; fix your lists (e.g. add the trigger) and try again")
                })?;
            let seq = opened.store.insert_entry(&entry)?;
            drafts::remove(&d.path)?;
            // A restored draft is a save like any other: safety looks at its words.
            let safety = crate::safety::after_save(app, &mut opened.store, &entry.text_fields(), None);
            writeln!(w, "{GOOD}Saved{GOOD:#} draft {number} as entry {seq}.")?;
            if let Some((ctx, notice)) = &safety {
                ctx.print_notice(&mut w, notice)?;
            }
        }
        Some(DraftAction::Discard { number }) => {
            let d = pick(number)?;
            drafts::remove(&d.path)?;
            writeln!(w, "Discarded draft {number}.")?;
        }
    }
    Ok(())
}
