//! `attune affirm`: one affirmation at a time, in my own words or from the
//! suggestions in content; none repeats until all were shown. They can be
//! starred, edited (a suggestion then becomes mine) and removed.

use std::io::Write;

use attune_core::selfworth::{Affirmation, SelfWorthTexts, affirmation_text, next_affirmation, suggestions};
use attune_store::Numbered;
use clap::{Args, Subcommand};

use crate::app::App;
use crate::commands::toolkit::{content, dim, with_list_hint, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, GOOD};

/// `attune affirm`.
#[derive(Debug, Args)]
pub struct AffirmArgs {
    #[command(subcommand)]
    pub action: Option<AffirmAction>,
    /// Show one of your starred affirmations.
    #[arg(long)]
    pub starred: bool,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to do with affirmations.
#[derive(Debug, Subcommand)]
pub enum AffirmAction {
    /// Add one in your own words.
    Add {
        /// The sentence.
        text: String,
    },
    /// List them all.
    List,
    /// Star one.
    Star {
        /// Its number.
        number: i64,
    },
    /// Remove the star.
    Unstar {
        /// Its number.
        number: i64,
    },
    /// Rewrite one in your own words.
    Edit {
        /// Its number.
        number: i64,
        /// The new words.
        text: String,
    },
    /// Stop showing one.
    Remove {
        /// Its number.
        number: i64,
    },
}

pub fn run(args: AffirmArgs, app: &App) -> CliResult {
    let library = app.library()?;
    let texts = content(SelfWorthTexts::load(&library))?;
    let shipped = content(suggestions(&library))?;
    let mut opened = app.open()?;
    let store = &mut opened.store;
    let mut ids = || app.new_id();
    store.sync_affirmation_suggestions(&shipped, &mut ids)?;
    let mut w = out::stdout();
    let hint = with_list_hint("attune affirm list");
    match args.action {
        None => {
            let all = store.affirmations(&shipped)?;
            let items: Vec<Affirmation> = all.iter().map(|a| a.item.clone()).collect();
            let pick = u64::try_from(app.now.timestamp().as_nanosecond().rem_euclid(1 << 62)).unwrap_or(0);
            let Some(i) = next_affirmation(&items, args.starred, pick) else {
                if args.json {
                    return out::json(&serde_json::Value::Null);
                }
                let msg = if args.starred {
                    "No starred affirmations yet: `attune affirm star N` stars one."
                } else {
                    texts.no_affirmations.as_str()
                };
                wrapped(&mut w, msg, "")?;
                return Ok(());
            };
            let mut chosen = all[i].clone();
            store.update_affirmation(chosen.seq, None, None, true)?;
            chosen.item.shown += 1;
            if args.json {
                return out::json(&chosen);
            }
            writeln!(w)?;
            wrapped(&mut w, &format!("{BOLD}{}{BOLD:#}", chosen.item.text), "  ")?;
            writeln!(w)?;
            dim(&mut w, &format!("{} · `attune affirm star {}` keeps it close", chosen.seq, chosen.seq))?;
            Ok(())
        }
        Some(AffirmAction::List) => {
            let all = store.affirmations(&shipped)?;
            if args.json {
                return out::json(&all);
            }
            for a in &all {
                let star = if a.item.starred { "★" } else { " " };
                let mine = if a.item.own { "" } else { "  (suggestion)" };
                writeln!(w, "{DIM}{:>4}{DIM:#} {star} {}{DIM}{mine}{DIM:#}", a.seq, a.item.text)?;
            }
            Ok(())
        }
        Some(AffirmAction::Add { text }) => {
            let text = affirmation_text(&text)?;
            let a = Affirmation { id: app.new_id(), text, suggestion: None, own: true, starred: false, shown: 0 };
            let seq = store.add_affirmation(&a)?;
            if args.json {
                return out::json(&Numbered { seq, item: a });
            }
            writeln!(w, "{GOOD}Added{GOOD:#} affirmation {seq}.")?;
            Ok(())
        }
        Some(AffirmAction::Star { number }) | Some(AffirmAction::Unstar { number }) if number < 1 => {
            Err(CliError::user(format!("there is no affirmation {number}"))
                .hint("`attune affirm list` shows the numbers"))
        }
        Some(AffirmAction::Star { number }) => {
            store.update_affirmation(number, None, Some(true), false).map_err(hint)?;
            writeln!(w, "{GOOD}Starred{GOOD:#} affirmation {number}.")?;
            Ok(())
        }
        Some(AffirmAction::Unstar { number }) => {
            store.update_affirmation(number, None, Some(false), false).map_err(hint)?;
            writeln!(w, "Removed the star from affirmation {number}.")?;
            Ok(())
        }
        Some(AffirmAction::Edit { number, text }) => {
            let text = affirmation_text(&text)?;
            store.update_affirmation(number, Some(&text), None, false).map_err(hint)?;
            writeln!(w, "{GOOD}Saved{GOOD:#} affirmation {number} in your words.")?;
            Ok(())
        }
        Some(AffirmAction::Remove { number }) => {
            store.remove_affirmation(number).map_err(hint)?;
            writeln!(w, "Removed affirmation {number}.")?;
            Ok(())
        }
    }
}
