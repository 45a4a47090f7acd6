//! `attune log`: write down a moment of insecurity.

use std::io::{Read, Write};

use attune_core::entry::Known;
use attune_core::{EntryDraft, Label, LabelKind, Moment, Sign, Source};
use attune_store::EntryRow;
use clap::Args;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, MultiSelect};

use crate::app::App;
use crate::args::EntryFields;
use crate::commands::compose::{edit_until_valid, keep_draft};
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};
use crate::safety;

/// `attune log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// What happened, in your own words. Leave out to be guided through the questions;
    /// `-` reads it from standard input.
    #[arg(value_name = "WHAT HAPPENED")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub fields: EntryFields,
    /// Mark the entry as important.
    #[arg(short, long)]
    pub star: bool,
    /// Write the entry in your editor ($VISUAL or $EDITOR).
    #[arg(short, long, conflicts_with = "text")]
    pub edit: bool,
    /// Print the saved entry as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: LogArgs, app: &App) -> CliResult {
    safety::warm_up();
    let mut opened = app.open()?;
    let triggers = opened.store.labels(LabelKind::Trigger)?;
    let feelings = opened.store.labels(LabelKind::Feeling)?;
    let known = Known { triggers: &triggers, feelings: &feelings };

    // Typed at length (guided or in the editor): worth keeping as a draft if it cannot be saved.
    let typed_at_length = args.edit || (args.text.is_empty() && app.interactive);
    let (mut draft, when_text) = if args.edit {
        let start = draft_from_flags(String::new(), &args.fields, args.star);
        let when = args.fields.at.clone().unwrap_or_else(|| app.now.strftime("%Y-%m-%d %H:%M").to_string());
        edit_until_valid(app, &opened, start, when, known)?
    } else if args.text.is_empty() {
        if !app.interactive {
            return Err(CliError::user("nothing was saved: the entry is empty").hint(
                "write what happened: attune log \"no reply for 5 hours\" (or `-` to read it from standard input)",
            ));
        }
        (guided(&args.fields, args.star, known)?, args.fields.at.clone())
    } else {
        let situation = if args.text == ["-"] {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CliError::user(format!("could not read standard input: {e}")))?;
            text
        } else {
            args.text.join(" ")
        };
        (draft_from_flags(situation, &args.fields, args.star), args.fields.at.clone())
    };
    draft.starred |= args.star;

    let occurred = match &when_text {
        Some(text) if !text.trim().is_empty() => Moment::from_zoned(&app.happened("--at", text)?),
        _ => app.now_moment(),
    };
    let entry = match draft.clone().into_entry(app.new_id(), occurred.clone(), app.now_moment(), known) {
        Ok(entry) => entry,
        Err(problems) if typed_at_length => return Err(keep_draft(app, &opened, &draft, &occurred, problems.into())),
        Err(problems) => return Err(problems.into()),
    };
    let seq = match opened.store.insert_entry(&entry) {
        Ok(seq) => seq,
        Err(e) => return Err(keep_draft(app, &opened, &draft, &occurred, e.into())),
    };
    let row = EntryRow { seq, item: entry };
    // Saved: now, and only now, look at the words for signs of crisis.
    let safety = safety::after_save(app, &mut opened.store, &row.item.text_fields(), None);
    if args.json {
        return out::json(&safety::WithSafety { record: &row, safety: safety.as_ref().map(|(_, n)| n) });
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Saved{GOOD:#} entry {seq}: {}", row.item.title(60))?;
    writeln!(w, "{DIM}`attune show {seq}` to read it, `attune undo` to take it back.{DIM:#}")?;
    if let Some((ctx, notice)) = &safety {
        ctx.print_notice(&mut w, notice)?;
    }
    Ok(())
}

/// The draft the flags describe.
pub fn draft_from_flags(situation: String, f: &EntryFields, star: bool) -> EntryDraft {
    EntryDraft {
        situation,
        triggers: f.triggers.clone(),
        thoughts: f.thoughts.clone().unwrap_or_default(),
        fear: f.fear.clone().unwrap_or_default(),
        feelings: f.feelings.clone(),
        intensity: f.intensity,
        signs: f.signs.clone(),
        sources: f.sources.clone(),
        helped: f.helped.clone().unwrap_or_default(),
        tags: f.tags.clone(),
        starred: star,
    }
}

/// Walks the reflection questions one at a time.
fn guided(fields: &EntryFields, star: bool, known: Known<'_>) -> CliResult<EntryDraft> {
    let theme = ColorfulTheme::default();
    out::note("Take your time. Only the first question needs an answer; press Enter to skip the others.\n");
    let ask = |prompt: &str, allow_empty: bool| -> CliResult<String> {
        Input::<String>::with_theme(&theme)
            .with_prompt(prompt)
            .allow_empty(allow_empty)
            .interact_text()
            .map_err(prompt_error)
    };
    let pick = |prompt: &str, items: &[String]| -> CliResult<Vec<usize>> {
        MultiSelect::with_theme(&theme)
            .with_prompt(format!("{prompt} (space to choose, Enter when done)"))
            .items(items)
            .interact()
            .map_err(prompt_error)
    };
    let active = |labels: &[Label]| -> Vec<Label> {
        labels.iter().filter(|l| !l.retired && l.merged_into.is_none()).cloned().collect()
    };

    let mut draft = draft_from_flags(String::new(), fields, star);
    draft.situation = ask("What happened?", false)?;
    if draft.triggers.is_empty() {
        let list = active(known.triggers);
        let names: Vec<String> = list.iter().map(|l| l.name.clone()).collect();
        draft.triggers = pick("What set it off?", &names)?.into_iter().map(|i| list[i].slug.to_string()).collect();
    }
    if draft.thoughts.is_empty() {
        draft.thoughts = ask("What went through your mind?", true)?;
    }
    if draft.fear.is_empty() {
        draft.fear = ask("What are you afraid will happen?", true)?;
    }
    if draft.feelings.is_empty() {
        let list = active(known.feelings);
        let names: Vec<String> = list.iter().map(|l| l.name.clone()).collect();
        draft.feelings = pick("What did you feel?", &names)?.into_iter().map(|i| list[i].slug.to_string()).collect();
    }
    if draft.intensity.is_none() {
        let text = Input::<String>::with_theme(&theme)
            .with_prompt("How strong was it, 0 to 10?")
            .allow_empty(true)
            .validate_with(|s: &String| -> Result<(), String> {
                match s.trim() {
                    "" => Ok(()),
                    t => match t.parse::<u8>() {
                        Ok(v) if v <= 10 => Ok(()),
                        _ => Err("a whole number from 0 to 10, or Enter to skip".into()),
                    },
                }
            })
            .interact_text()
            .map_err(prompt_error)?;
        draft.intensity = text.trim().parse().ok();
    }
    if draft.signs.is_empty() {
        let names: Vec<String> = Sign::ALL.iter().map(|s| s.as_str().replace('-', " ")).collect();
        draft.signs =
            pick("Did you notice any of these?", &names)?.into_iter().map(|i| Sign::ALL[i].to_string()).collect();
    }
    if draft.sources.is_empty() {
        let names: Vec<String> = Source::ALL.iter().map(|s| s.as_str().replace('-', " ")).collect();
        draft.sources =
            pick("Where might it come from?", &names)?.into_iter().map(|i| Source::ALL[i].to_string()).collect();
    }
    if draft.helped.is_empty() {
        draft.helped = ask("What did you do? Did anything help?", true)?;
    }
    Ok(draft)
}

fn prompt_error(e: dialoguer::Error) -> CliError {
    CliError::user(format!("the question was interrupted: {e}")).hint("nothing was saved")
}
