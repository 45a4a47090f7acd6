//! `attune insights`: what the journal shows, honestly. The statistics are
//! `attune_core::insights`; this file loads the records, asks core, and lays
//! the result out as plain text (charts made of characters, readable without
//! colour) or prints it as JSON. Headings and legends come from
//! `content/insights/terminal.toml`, the rules and numbered sentences from
//! `content/insights.toml`.

mod help;
mod load;
mod page;
#[cfg(test)]
mod tests;
mod texts;

use std::collections::BTreeMap;
use std::io::Write;

use attune_core::insights::{Insights, NextStep, Window, insights_of, next_steps};
use attune_core::when::Edge;
use clap::Args;
use serde::Serialize;

use self::load::{example_numbers, example_titles, label_names};
use self::page::Page;
use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self};
use crate::safety::{self, ModeNote};

pub use help::{HelpShown, help_after_checkin, print_help};
pub use load::{load, load_content};

/// `attune insights`.
#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// Look back from this date or phrase ("2026-09-01", "3 months ago"); rounded to whole weeks.
    #[arg(long, value_name = "WHEN", conflicts_with = "weeks")]
    pub since: Option<String>,
    /// Look back from this day instead of today ("last week", "2026-10-31").
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Look at the last N weeks (default: everything, up to ten years).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=5200))]
    pub weeks: Option<u32>,
    /// Print JSON (the shape is in docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: InsightsArgs, app: &App) -> CliResult {
    // Dates first: a typo should not cost a passphrase prompt.
    let until = args.until.as_deref().map(|t| app.when("--until", t, Edge::End)).transpose()?;
    let since = args.since.as_deref().map(|t| app.when("--since", t, Edge::Start)).transpose()?;
    let now = until.clone().unwrap_or_else(|| app.now.clone());
    let today = now.date();
    let window = match (since, args.weeks) {
        (Some(s), _) => {
            if s.date() > today {
                return Err(CliError::user("--since is after the last day looked at, so there is nothing to show")
                    .hint("give an earlier --since, or a later --until"));
            }
            let days = (today - s.date()).get_days().max(0) + 1;
            Window::LastWeeks(u32::try_from((days + 6) / 7).unwrap_or(u32::MAX))
        }
        (None, Some(n)) => Window::LastWeeks(n),
        (None, None) => Window::All,
    };

    let library = app.library()?;
    let (cfg, texts) = load_content(&library)?;
    let opened = app.open()?;
    let store = &opened.store;
    let data = load(store, &cfg, &now, window, until.is_some(), Some(&texts.helps))?;
    let result = insights_of(&data.facts, &data.checkins, &data.exposures, &now, window, &cfg);
    let ctx = safety::Context::load(app, store)?;
    let note = ctx.mode_note();
    let numbers = example_numbers(&result, &data);
    let policy = app.safety_policy(store)?;

    if args.json {
        let next = next_steps(&result, &cfg, policy);
        return out::json(&Json { safety: note, insights: &result, entry_numbers: numbers, next_steps: next });
    }
    let mut w = out::stdout();
    if let Some(note) = &note {
        ctx.print_mode_note(&mut w, note)?;
        writeln!(w)?;
    }
    let page = Page {
        t: &texts,
        cfg: &cfg,
        insights: &result,
        names: label_names(store)?,
        titles: example_titles(store, &numbers)?,
        numbers: &numbers,
        policy,
        this_year: app.now.year(),
    };
    page.render(&mut w)
}

/// `--json`: the insights as core computes them, plus the safety note (in
/// safety mode, first) and the numbers of the example entries.
#[derive(Serialize)]
struct Json<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    safety: Option<ModeNote>,
    #[serde(flatten)]
    insights: &'a Insights,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    entry_numbers: BTreeMap<String, i64>,
    /// Core's next steps for this safety mode (safety first when it is on).
    next_steps: Vec<NextStep>,
}
