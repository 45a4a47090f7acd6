//! `attune tags`: the free tags on entries, with how often each is used.

use std::io::Write;

use serde::Serialize;

use crate::app::App;
use crate::args::JsonArgs;
use crate::error::CliResult;
use crate::out::{self, DIM};

#[derive(Serialize)]
struct TagCount {
    tag: String,
    entries: usize,
}

#[derive(Serialize)]
struct Tags {
    tags: Vec<TagCount>,
}

pub fn run(args: JsonArgs, app: &App) -> CliResult {
    let opened = app.open()?;
    let tags: Vec<TagCount> =
        opened.store.tag_counts()?.into_iter().map(|(tag, entries)| TagCount { tag, entries }).collect();
    if args.json {
        return out::json(&Tags { tags });
    }
    let mut w = out::stdout();
    if tags.is_empty() {
        writeln!(w, "No tags yet. Add one to an entry with `attune log \"…\" --tag NAME`.")?;
        return Ok(());
    }
    let width = tags.iter().map(|t| t.tag.chars().count()).max().unwrap_or(0).max(8);
    for t in &tags {
        let noun = if t.entries == 1 { "entry" } else { "entries" };
        writeln!(w, "{:<width$}  {:>6} {noun}", t.tag, t.entries)?;
    }
    writeln!(w, "{DIM}`attune list --tag NAME` shows the entries with a tag.{DIM:#}")?;
    Ok(())
}
