//! `attune due`: what is due now (a check-in rhythm today, an agreement to
//! review, a trigger plan to revisit), short enough for a shell prompt or a
//! cron job. No streaks and no guilt.

use std::io::Write;

use attune_core::plan::due::{Due, DueKind, discreet_line, due};
use attune_core::plan::{Agreement, PlanTexts};
use attune_core::template;
use attune_store::{Store, StoreError, keycache};
use clap::Args;

use crate::app::App;
use crate::commands::toolkit::{plan_texts, policy};
use crate::error::CliResult;
use crate::out;

/// `attune due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// One line (empty when nothing is due), for a shell prompt: counts and times
    /// only ("1 ritual at 19:00 · 1 to review"), unless the setting `due_words` is on.
    /// Never asks for the passphrase: a locked journal prints nothing.
    #[arg(long)]
    pub short: bool,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long, conflicts_with = "short")]
    pub json: bool,
}

/// Opens the journal without asking anybody: plain, the cached key, or the
/// passphrase command. `None` when it is locked.
fn open_quietly(app: &App) -> CliResult<Option<Store>> {
    let dir = app.store_dir();
    match Store::probe(dir)? {
        None => Err(StoreError::Missing(dir.clone()).into()),
        Some(false) => Ok(Some(app.open_plain()?)),
        Some(true) => {
            if let Some(key) = keycache::get(dir)
                && let Ok(store) = Store::open(dir, Some(&key))
            {
                return Ok(Some(store));
            }
            if app.has_passphrase_command() {
                return Ok(Some(app.open()?.store));
            }
            Ok(None)
        }
    }
}

fn line(d: &Due, t: &PlanTexts) -> String {
    let template = match d.kind {
        DueKind::Rhythm => &t.due.rhythm,
        DueKind::Review => &t.due.review,
        DueKind::Revisit => &t.due.revisit,
    };
    let time = d.time.map(|t| t.strftime("%H:%M").to_string()).unwrap_or_default();
    template::render(template, &[("time", time.as_str()), ("text", d.text.as_str())])
}

pub fn run(args: DueArgs, app: &App) -> CliResult {
    let store = if args.short {
        match open_quietly(app) {
            Ok(Some(s)) => s,
            // A prompt line must never fail loudly.
            Ok(None) | Err(_) => return Ok(()),
        }
    } else {
        app.open()?.store
    };
    let items = if policy(app, &store)?.partner_agreements {
        let agreements = store.agreements(false)?;
        let refs: Vec<(i64, &Agreement)> = agreements.iter().map(|a| (a.seq, &a.item)).collect();
        let plans = store.trigger_plans()?;
        let plan_refs: Vec<_> = plans.iter().collect();
        due(&refs, &plan_refs, app.now.datetime())
    } else {
        // Safety mode: nothing that involves the partner is offered.
        Vec::new()
    };
    if args.json {
        return out::json(&items);
    }
    let texts = plan_texts(app)?;
    let mut w = out::stdout();
    if args.short {
        // A prompt is on screen for anyone nearby: the words only when asked for.
        let text = if app.settings.due_words.value {
            items.iter().map(|d| line(d, &texts)).collect::<Vec<_>>().join(" · ")
        } else {
            discreet_line(&items, &texts.due)
        };
        if !text.is_empty() {
            writeln!(w, "{}", attune_core::entry::shorten(&text, 80))?;
        }
        return Ok(());
    }
    if items.is_empty() {
        writeln!(w, "{}", texts.due.nothing)?;
        return Ok(());
    }
    for d in &items {
        let number = d.agreement.map(|n| format!("{n:>4}  ")).unwrap_or_else(|| "      ".into());
        writeln!(w, "{}{}", number, line(d, &texts))?;
    }
    Ok(())
}
