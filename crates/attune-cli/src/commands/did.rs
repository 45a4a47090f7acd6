//! `attune did`: the activity log (framework step 4): things I did that
//! show my own value. Without words, lists what I did lately. No streaks.

use std::io::Write;

use attune_core::Moment;
use attune_core::selfworth::{ActivityDraft, SelfWorthTexts, by_category};
use attune_core::when::Edge;
use attune_store::Numbered;
use clap::Args;

use crate::app::App;
use crate::commands::toolkit::{content, dim, with_list_hint, wrapped};
use crate::error::CliResult;
use crate::out::{self, DIM, GOOD, HINT};

/// `attune did`.
#[derive(Debug, Args)]
pub struct DidArgs {
    /// What you did ("pottery class"). Leave out to see what you did lately.
    #[arg(value_name = "WHAT")]
    pub what: Vec<String>,
    /// work, hobby, volunteering, art, sport, friends or other (default other).
    #[arg(short, long)]
    pub category: Option<String>,
    /// How long, in minutes.
    #[arg(short, long, value_name = "MINUTES")]
    pub minutes: Option<i64>,
    /// How you felt afterwards, 0 (low) to 10 (really good).
    #[arg(short, long, value_name = "0-10", allow_negative_numbers = true)]
    pub felt: Option<i64>,
    /// A few words about it.
    #[arg(long)]
    pub note: Option<String>,
    /// When (default now): "yesterday 18:00", "monday".
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// List from this date or phrase (default: the last 30 days).
    #[arg(long, value_name = "WHEN", conflicts_with = "what")]
    pub since: Option<String>,
    /// Delete activity N.
    #[arg(long, value_name = "N", conflicts_with = "what")]
    pub remove: Option<i64>,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: DidArgs, app: &App) -> CliResult {
    let texts = content(SelfWorthTexts::load(&app.library()?))?;
    if !args.what.is_empty() {
        let at = match &args.at {
            Some(t) => Moment::from_zoned(&app.happened("--at", t)?),
            None => app.now_moment(),
        };
        let draft = ActivityDraft {
            what: args.what.join(" "),
            category: args.category.clone(),
            minutes: args.minutes,
            felt: args.felt,
            note: args.note.clone().unwrap_or_default(),
        };
        // Checked before opening, so a typo does not cost a passphrase prompt.
        let activity = draft.into_activity(app.new_id(), at)?;
        let mut opened = app.open()?;
        let seq = opened.store.insert_activity(&activity)?;
        let row = Numbered { seq, item: activity };
        if args.json {
            return out::json(&row);
        }
        let mut w = out::stdout();
        writeln!(w, "{GOOD}Saved{GOOD:#} activity {seq}: {} ({})", row.item.what, row.item.category)?;
        dim(&mut w, &texts.activity_saved)?;
        return Ok(());
    }
    let mut opened = app.open()?;
    if let Some(n) = args.remove {
        opened.store.delete_activity(n, app.now.timestamp()).map_err(with_list_hint("attune did"))?;
        writeln!(out::stdout(), "Deleted activity {n}.")?;
        return Ok(());
    }
    let since_text = args.since.clone().unwrap_or_else(|| "30 days ago".into());
    let since = app.when("--since", &since_text, Edge::Start)?.timestamp();
    let rows = opened.store.activities(Some(since), None)?;
    if args.json {
        return out::json(&rows);
    }
    let mut w = out::stdout();
    if rows.is_empty() {
        wrapped(&mut w, &texts.no_activities, "")?;
        return Ok(());
    }
    dim(&mut w, &texts.activities_intro)?;
    let this_year = app.now.year();
    for r in &rows {
        let a = &r.item;
        let mut extra = Vec::new();
        if let Some(m) = a.minutes {
            extra.push(format!("{m} min"));
        }
        if let Some(f) = a.felt {
            extra.push(format!("felt {f}/10"));
        }
        writeln!(
            w,
            "{DIM}{:>4}{DIM:#}  {DIM}{}{DIM:#}  {}  {HINT}{}{HINT:#}  {DIM}{}{DIM:#}",
            r.seq,
            out::short_time(&a.at, this_year),
            a.what,
            a.category,
            extra.join(" · ")
        )?;
    }
    let items: Vec<_> = rows.iter().map(|r| r.item.clone()).collect();
    let summary: Vec<String> = by_category(&items)
        .into_iter()
        .map(|(c, n, minutes)| if minutes > 0 { format!("{c} {n} ({minutes} min)") } else { format!("{c} {n}") })
        .collect();
    dim(&mut w, &format!("Since {since_text}: {}", summary.join(", ")))?;
    Ok(())
}
