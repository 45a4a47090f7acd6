//! `attune search`: find entries and check-in notes by words.

use std::io::Write;

use attune_store::SearchHit;
use clap::Args;
use serde::Serialize;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, HINT};

/// `attune search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find (all must appear; word beginnings match: "jeal" finds "jealous").
    #[arg(required = true, value_name = "WORDS")]
    pub words: Vec<String>,
    /// How many results to show, newest first.
    #[arg(short = 'n', long = "limit", value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Found<'a> {
    total: usize,
    hits: &'a [SearchHit],
}

pub fn run(args: SearchArgs, app: &App) -> CliResult {
    let words = args.words.join(" ");
    if words.trim().is_empty() {
        return Err(
            CliError::user("there is nothing to search for").hint("give one or more words, e.g. attune search jealous")
        );
    }
    let opened = app.open()?;
    let (hits, total) = opened.store.search(&words, args.limit)?;
    if args.json {
        return out::json(&Found { total, hits: &hits });
    }
    let mut w = out::stdout();
    if hits.is_empty() {
        writeln!(w, "Nothing matches '{words}'.")?;
        return Ok(());
    }
    let this_year = app.now.year();
    for hit in &hits {
        let snippet = match hit {
            SearchHit::Entry { row, snippet } => {
                out::entry_line(&mut w, row, this_year)?;
                snippet
            }
            SearchHit::Checkin { row, snippet } => {
                out::checkin_line(&mut w, row, this_year)?;
                snippet
            }
        };
        let line = snippet.replace('\n', " ");
        let styled = line.replace('[', &format!("{HINT}")).replace(']', &format!("{HINT:#}"));
        writeln!(w, "       {styled}")?;
    }
    if total > hits.len() {
        writeln!(w, "{DIM}{} of {total} matches shown; -n {total} shows all.{DIM:#}", hits.len())?;
    }
    Ok(())
}
