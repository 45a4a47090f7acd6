//! `attune edit`: change an entry, with flags or in the editor.

use std::io::Write;

use attune_core::entry::Known;
use attune_core::{LabelKind, Moment};
use attune_store::{EntryRow, RecordRef};
use clap::Args;

use crate::app::App;
use crate::args::EntryFields;
use crate::commands::compose::edit_until_valid;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};
use crate::safety;

/// `attune edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The entry number, or the start of its id.
    pub id: String,
    /// Replace what happened.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    #[command(flatten)]
    pub fields: EntryFields,
    /// Star the entry.
    #[arg(long, conflicts_with = "unstar")]
    pub star: bool,
    /// Remove the star.
    #[arg(long)]
    pub unstar: bool,
    /// Print the edited entry as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: EditArgs, app: &App) -> CliResult {
    safety::warm_up();
    let mut opened = app.open()?;
    let seq = match opened.store.resolve(&args.id)? {
        RecordRef::Entry(seq) => seq,
        RecordRef::Checkin(_) => {
            return Err(CliError::user("check-ins cannot be edited")
                .hint("delete it with `attune delete` and make a new one with `attune checkin`"));
        }
    };
    let before = opened.store.entry(seq)?.item;
    let triggers = opened.store.labels(LabelKind::Trigger)?;
    let feelings = opened.store.labels(LabelKind::Feeling)?;
    let known = Known { triggers: &triggers, feelings: &feelings };

    let f = &args.fields;
    let any_flag = args.text.is_some()
        || !f.triggers.is_empty()
        || !f.feelings.is_empty()
        || f.intensity.is_some()
        || f.thoughts.is_some()
        || f.fear.is_some()
        || f.helped.is_some()
        || !f.signs.is_empty()
        || !f.sources.is_empty()
        || !f.tags.is_empty()
        || f.at.is_some()
        || args.star
        || args.unstar;

    let mut draft = before.to_draft();
    let mut occurred = before.occurred.clone();
    if any_flag {
        // Flags replace the field they name; everything else stays.
        if let Some(t) = &args.text {
            draft.situation = t.clone();
        }
        if !f.triggers.is_empty() {
            draft.triggers = f.triggers.clone();
        }
        if !f.feelings.is_empty() {
            draft.feelings = f.feelings.clone();
        }
        if f.intensity.is_some() {
            draft.intensity = f.intensity;
        }
        if let Some(t) = &f.thoughts {
            draft.thoughts = t.clone();
        }
        if let Some(t) = &f.fear {
            draft.fear = t.clone();
        }
        if let Some(t) = &f.helped {
            draft.helped = t.clone();
        }
        if !f.signs.is_empty() {
            draft.signs = f.signs.clone();
        }
        if !f.sources.is_empty() {
            draft.sources = f.sources.clone();
        }
        if !f.tags.is_empty() {
            draft.tags = f.tags.clone();
        }
        if let Some(at) = &f.at {
            occurred = Moment::from_zoned(&app.happened("--at", at)?);
        }
        draft.starred = (draft.starred || args.star) && !args.unstar;
    } else {
        if !app.interactive {
            return Err(CliError::user("nothing to change")
                .hint("give the fields to change, e.g. attune edit 12 --intensity 5, or run it in a terminal to use your editor"));
        }
        let when = before.occurred.local().strftime("%Y-%m-%d %H:%M").to_string();
        let (edited, when) = edit_until_valid(app, &opened, draft, when, known)?;
        draft = edited;
        if let Some(w) = when.filter(|w| !w.trim().is_empty()) {
            occurred = Moment::from_zoned(&app.happened("when", &w)?);
        }
    }

    // Same identity and recording time; only the content changes.
    let entry = draft.into_entry(before.id, occurred, before.recorded.clone(), known)?;
    if entry == before {
        out::note("Nothing changed.");
        return Ok(());
    }
    opened.store.update_entry(&entry)?;
    let row = EntryRow { seq, item: entry };
    let safety = safety::after_save(app, &mut opened.store, &row.item.text_fields(), None);
    if args.json {
        return out::json(&safety::WithSafety { record: &row, safety: safety.as_ref().map(|(_, n)| n) });
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Saved{GOOD:#} your changes to entry {seq}.")?;
    writeln!(w, "{DIM}`attune undo` puts the previous version back.{DIM:#}")?;
    if let Some((ctx, notice)) = &safety {
        ctx.print_notice(&mut w, notice)?;
    }
    Ok(())
}
