//! `attune list`: entries or check-ins, newest first.

use std::io::Write;

use attune_core::when::Edge;
use attune_core::{Intensity, LabelKind, Sign, Slug, Source};
use attune_store::{CheckinFilter, EntryFilter};
use clap::Args;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM};

/// `attune list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List check-ins instead of entries.
    #[arg(long)]
    pub checkins: bool,
    /// From this date or phrase: 2026-11-01, yesterday, "last week", "3 days ago".
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this date or phrase.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only entries with this trigger (repeat: any of them).
    #[arg(short, long = "trigger", value_name = "NAME")]
    pub triggers: Vec<String>,
    /// Only entries with this feeling (repeat: any of them).
    #[arg(short, long = "feeling", value_name = "NAME")]
    pub feelings: Vec<String>,
    /// Only entries with this sign.
    #[arg(long = "sign", value_name = "SIGN")]
    pub signs: Vec<String>,
    /// Only entries with this suspected source.
    #[arg(long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Only entries with this tag.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only entries at least this intense (0–10).
    #[arg(long, value_name = "0-10")]
    pub min_intensity: Option<i64>,
    /// Only starred entries.
    #[arg(long)]
    pub starred: bool,
    /// How many to show, newest first.
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// How many entries `list` shows when -n is not given.
const DEFAULT_LIMIT: usize = 20;

pub fn run(args: ListArgs, app: &App) -> CliResult {
    let since = args.since.as_deref().map(|t| app.when("--since", t, Edge::Start)).transpose()?.map(|z| z.timestamp());
    let until = args.until.as_deref().map(|t| app.when("--until", t, Edge::End)).transpose()?.map(|z| z.timestamp());
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        return Err(CliError::user("--since is after --until, so nothing could match").hint("swap the two dates"));
    }
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    let opened = app.open()?;
    let store = &opened.store;
    let this_year = app.now.year();
    let mut w = out::stdout();

    if args.checkins {
        let rows = store.checkins(&CheckinFilter { since, until, limit: Some(limit) })?;
        if args.json {
            return out::json(&rows);
        }
        if rows.is_empty() {
            writeln!(w, "No check-ins yet. `attune checkin` takes less than a minute.")?;
        }
        for row in &rows {
            out::checkin_line(&mut w, row, this_year)?;
        }
        return Ok(());
    }

    let filter = EntryFilter {
        since,
        until,
        triggers: known_slugs(store, LabelKind::Trigger, &args.triggers, "--trigger")?,
        feelings: known_slugs(store, LabelKind::Feeling, &args.feelings, "--feeling")?,
        signs: parse_all::<Sign>(&args.signs, "--sign")?,
        sources: parse_all::<Source>(&args.sources, "--source")?,
        tags: args.tags.iter().map(|t| t.trim().trim_start_matches(['#', '@']).to_lowercase()).collect(),
        min_intensity: args
            .min_intensity
            .map(|v| {
                Intensity::new(v).map(Intensity::get).ok_or_else(|| {
                    CliError::user(format!("--min-intensity {v} is outside the scale")).hint("use 0 to 10")
                })
            })
            .transpose()?,
        starred: args.starred,
        // One more than shown tells whether there are more, without counting them all.
        limit: Some(limit.saturating_add(1)),
    };
    let mut rows = store.entries(&filter)?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    if args.json {
        return out::json(&rows);
    }
    if rows.is_empty() {
        writeln!(w, "No entries match. `attune log \"what happened\"` writes one.")?;
        return Ok(());
    }
    for row in &rows {
        out::entry_line(&mut w, row, this_year)?;
    }
    if more {
        writeln!(
            w,
            "{DIM}The newest {limit} are shown; -n {} shows more, --since narrows.{DIM:#}",
            limit.saturating_mul(5)
        )?;
    }
    Ok(())
}

/// Resolves names against the person's list, following renames and merges.
fn known_slugs(store: &attune_store::Store, kind: LabelKind, given: &[String], flag: &str) -> CliResult<Vec<Slug>> {
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let labels = store.labels(kind)?;
    given
        .iter()
        .map(|name| match attune_core::label::resolve(&labels, name) {
            attune_core::label::Resolved::Active(s) | attune_core::label::Resolved::Retired(s) => Ok(s),
            attune_core::label::Resolved::Unknown { suggestion } => {
                let err = CliError::user(format!("{flag}: '{name}' is not on your {kind} list"));
                Err(match suggestion {
                    Some(s) => err.hint(format!("did you mean '{s}'?")),
                    None => err.hint(format!("`attune {kind}s` shows your list")),
                })
            }
        })
        .collect()
}

fn parse_all<T>(given: &[String], flag: &str) -> CliResult<Vec<T>>
where
    T: std::str::FromStr<Err = attune_core::vocab::UnknownId>,
{
    given
        .iter()
        .map(|g| {
            g.parse::<T>().map_err(|e| {
                let err = CliError::user(format!("{flag}: {e}"));
                match &e.suggestion {
                    Some(s) => err.hint(format!("did you mean '{s}'?")),
                    None => err.hint(format!("known: {}", e.known.join(", "))),
                }
            })
        })
        .collect()
}
