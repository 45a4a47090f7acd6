//! `attune support`: the support map (framework step 4): people besides my
//! partner. When the partner is the only one, it says so gently and
//! suggests one small step.

use std::io::Write;

use attune_core::pause::pick;
use attune_core::selfworth::{SelfWorthTexts, SupportNote, Supporter, SupporterDraft, support_note};
use attune_store::{Numbered, Store};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::app::App;
use crate::commands::toolkit::{content, day, dim, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, GOOD, HINT, Stamp};

/// `attune support`.
#[derive(Debug, Args)]
pub struct SupportArgs {
    #[command(subcommand)]
    pub action: Option<SupportAction>,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long, global = true)]
    pub json: bool,
}

/// Changes to the map.
#[derive(Debug, Subcommand)]
pub enum SupportAction {
    /// Add someone.
    Add {
        /// Their name.
        name: String,
        /// How they relate to you: sister, friend from work, …
        #[arg(long)]
        relation: Option<String>,
        /// You could call them when you are upset.
        #[arg(long)]
        can_call: bool,
        /// When you were last in touch (a date or "yesterday").
        #[arg(long, value_name = "WHEN")]
        contact: Option<String>,
        /// A few words.
        #[arg(long)]
        note: Option<String>,
    },
    /// Note that you were in touch (today, or --on).
    Contact {
        /// Their number or name.
        who: String,
        /// The day.
        #[arg(long, value_name = "WHEN")]
        on: Option<String>,
    },
    /// Change someone's details.
    Edit {
        /// Their number or name.
        who: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New relation.
        #[arg(long)]
        relation: Option<String>,
        /// You could call them when upset.
        #[arg(long, conflicts_with = "no_call")]
        can_call: bool,
        /// You would not call them when upset.
        #[arg(long)]
        no_call: bool,
        /// New note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Take someone off the map.
    Remove {
        /// Their number or name.
        who: String,
    },
}

#[derive(Serialize)]
struct MapJson<'a> {
    people: &'a [Numbered<Supporter>],
    note: SupportNote,
    note_text: Option<&'a str>,
    step: Option<&'a str>,
}

fn find(store: &Store, who: &str) -> CliResult<Numbered<Supporter>> {
    let people = store.supporters()?;
    let found = match who.trim().parse::<i64>() {
        Ok(n) => people.into_iter().find(|p| p.seq == n),
        Err(_) => people.into_iter().find(|p| p.item.name.eq_ignore_ascii_case(who.trim())),
    };
    found.ok_or_else(|| CliError::user(format!("'{who}' is not on your support map")).hint("`attune support` shows it"))
}

pub fn run(args: SupportArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let store = &mut opened.store;
    let texts = content(SelfWorthTexts::load(&app.library()?))?;
    let mut w = out::stdout();
    match args.action {
        None => {
            let people = store.supporters()?;
            let note = support_note(&people.iter().map(|p| p.item.clone()).collect::<Vec<_>>());
            let note_text = match note {
                SupportNote::PartnerOnly => Some(texts.partner_only.as_str()),
                SupportNote::NoOneToCall => Some(texts.no_one_to_call.as_str()),
                SupportNote::Fine => None,
            };
            let step = note_text.map(|_| pick(&texts.support_steps, people.len() as u64));
            if args.json {
                return out::json(&MapJson { people: &people, note, note_text, step });
            }
            writeln!(w, "{BOLD}Your support map{BOLD:#}")?;
            dim(&mut w, &texts.support_intro)?;
            let this_year = app.now.year();
            for p in &people {
                let s = &p.item;
                let last = s
                    .last_contact
                    .map(|d| format!("last in touch {}", out::stamp(d, this_year, Stamp::Weekday)))
                    .unwrap_or_default();
                let call = if s.can_call { "  ☎ could call when upset" } else { "" };
                writeln!(
                    w,
                    "{DIM}{:>4}{DIM:#}  {}  {HINT}{}{HINT:#}  {DIM}{last}{DIM:#}{call}",
                    p.seq, s.name, s.relation
                )?;
            }
            if let (Some(t), Some(step)) = (note_text, step) {
                writeln!(w)?;
                wrapped(&mut w, t, "")?;
                writeln!(w, "\nOne small step: {step}")?;
            }
            Ok(())
        }
        Some(SupportAction::Add { name, relation, can_call, contact, note }) => {
            let last_contact = contact.as_deref().map(|t| day(app, "--contact", t)).transpose()?;
            let s = SupporterDraft {
                name,
                relation: relation.unwrap_or_default(),
                last_contact,
                can_call,
                note: note.unwrap_or_default(),
            }
            .into_supporter(app.new_id())?;
            let seq = store.add_supporter(&s)?;
            if args.json {
                return out::json(&Numbered { seq, item: s });
            }
            writeln!(w, "{GOOD}Added{GOOD:#} {} to your support map.", s.name)?;
            Ok(())
        }
        Some(SupportAction::Contact { who, on }) => {
            let mut p = find(store, &who)?;
            p.item.last_contact =
                Some(on.as_deref().map(|t| day(app, "--on", t)).transpose()?.unwrap_or(app.now.date()));
            store.update_supporter(p.seq, &p.item)?;
            if args.json {
                return out::json(&p);
            }
            writeln!(w, "{GOOD}Noted{GOOD:#}: in touch with {}.", p.item.name)?;
            Ok(())
        }
        Some(SupportAction::Edit { who, name, relation, can_call, no_call, note }) => {
            let p = find(store, &who)?;
            let old = p.item.clone();
            let s = SupporterDraft {
                name: name.unwrap_or(old.name),
                relation: relation.unwrap_or(old.relation),
                last_contact: old.last_contact,
                can_call: if can_call {
                    true
                } else if no_call {
                    false
                } else {
                    old.can_call
                },
                note: note.unwrap_or(old.note),
            }
            .into_supporter(old.id)?;
            store.update_supporter(p.seq, &s)?;
            if args.json {
                return out::json(&Numbered { seq: p.seq, item: s });
            }
            writeln!(w, "{GOOD}Saved{GOOD:#} {}.", s.name)?;
            Ok(())
        }
        Some(SupportAction::Remove { who }) => {
            let p = find(store, &who)?;
            store.remove_supporter(p.seq)?;
            writeln!(w, "Took {} off your support map.", p.item.name)?;
            Ok(())
        }
    }
}
