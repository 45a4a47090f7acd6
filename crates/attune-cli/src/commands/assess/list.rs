//! `attune assess` without an id: the questionnaires, and where each one was left.

use std::io::Write;

use attune_core::Moment;
use attune_core::assess::render;
use serde::Serialize;

use super::load::{Loaded, catalog, load};
use crate::app::App;
use crate::error::CliResult;
use crate::out::{self, BOLD, Breaks, DIM, HINT, Stamp, Wrap};

#[derive(Serialize)]
pub(super) struct ListItem {
    id: String,
    title: String,
    version: u32,
    items: usize,
    last_taken: Option<Moment>,
    in_progress: Option<Progress>,
}

#[derive(Serialize)]
pub(super) struct Progress {
    answered: usize,
    position: usize,
    total: usize,
    version: u32,
    updated: Moment,
}

pub(super) fn list(json: bool, app: &App) -> CliResult {
    let Loaded { library, texts } = load(app)?;
    let instruments = catalog(&library);
    let opened = app.open()?;
    let store = &opened.store;
    let taken = store.assessments(None)?;
    let sessions = store.assessment_sessions()?;
    let items: Vec<ListItem> = instruments
        .iter()
        .map(|i| ListItem {
            id: i.id.clone(),
            title: i.title.clone(),
            version: i.version,
            items: i.items.len(),
            last_taken: taken.iter().find(|t| t.instrument == i.id).map(|t| t.at.clone()),
            in_progress: sessions.iter().find(|s| s.instrument == i.id).map(|s| Progress {
                answered: s.answered(),
                position: s.position,
                total: i.items.len(),
                version: s.version,
                updated: s.updated.clone(),
            }),
        })
        .collect();
    if json {
        return out::json(&items);
    }
    let this_year = app.now.year();
    let width = out::width();
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}\n", texts.list.heading.trim())?;
    let id_width = items.iter().map(|i| i.id.len()).max().unwrap_or(0);
    for i in &items {
        let when = match &i.last_taken {
            Some(at) => render(&texts.list.last_taken, &[("date", out::stamp(at.local(), this_year, Stamp::Weekday))]),
            None => texts.list.never.trim().to_string(),
        };
        writeln!(w, "  {HINT}{:<id_width$}{HINT:#}  {}", i.id, i.title)?;
        writeln!(w, "  {:<id_width$}  {DIM}{} questions · {when}{DIM:#}", "", i.items)?;
        if let Some(p) = &i.in_progress {
            let text = render(
                &texts.list.in_progress,
                &[("answered", p.answered.to_string()), ("total", p.total.to_string()), ("id", i.id.clone())],
            );
            writeln!(w, "  {:<id_width$}  {text}", "")?;
        }
    }
    writeln!(w)?;
    for line in Wrap::new(width, Breaks::Spaces).lines(texts.list.footer.trim()) {
        writeln!(w, "{DIM}{line}{DIM:#}")?;
    }
    Ok(())
}
