//! `attune assess history`: results over time, newest first.

use std::collections::BTreeMap;
use std::io::Write;

use attune_core::assess::Instrument;
use attune_core::fmt;

use super::load::{Loaded, by_id, catalog, load};
use crate::app::App;
use crate::error::CliResult;
use crate::out::{self, BOLD, Breaks, DIM, Wrap};

pub(super) fn history(id: Option<&str>, json: bool, app: &App) -> CliResult {
    let Loaded { library, texts } = load(app)?;
    let instruments = catalog(&library);
    let opened = app.open()?;
    let results = opened.store.assessments(id.map(str::trim))?;
    if let Some(id) = id
        && results.is_empty()
        && !instruments.iter().any(|i| i.id == id.trim())
    {
        by_id(&library, id)?;
    }
    if json {
        return out::json(&results);
    }
    let this_year = app.now.year();
    let width = out::width();
    let mut w = out::stdout();
    if results.is_empty() {
        writeln!(w, "{}", texts.history.empty.trim())?;
        return Ok(());
    }
    writeln!(w, "{BOLD}{}{BOLD:#}", texts.history.heading.trim())?;
    let by_id: BTreeMap<&str, &Instrument> = instruments.iter().map(|i| (i.id.as_str(), i)).collect();
    for t in &results {
        writeln!(
            w,
            "\n{DIM}{}{DIM:#}  {BOLD}{}{BOLD:#} {DIM}({}, version {}){DIM:#}",
            out::short_time(&t.at, this_year),
            t.title,
            t.instrument,
            t.version
        )?;
        let inst = by_id.get(t.instrument.as_str()).filter(|i| i.version == t.version);
        let parts: Vec<String> = t
            .scores
            .iter()
            .map(|s| {
                let name =
                    inst.and_then(|i| i.subscale(&s.subscale)).map_or(s.subscale.clone(), |sub| sub.name.clone());
                match s.score {
                    Some(v) => format!("{name} {}", fmt::num(v)),
                    None => format!("{name} -"),
                }
            })
            .collect();
        for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(parts.join(" · ").trim()) {
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}
