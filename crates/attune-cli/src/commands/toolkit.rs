//! Shared by the plan and toolkit commands (plan, agree, pause, scripts,
//! say, did, support, affirm, due): the safety-mode gate, content loading,
//! the day a flag names, an agreement's list line, and errors that name the
//! right list.

use std::io::{BufRead, Write};

use attune_core::content::ContentError;
use attune_core::plan::{Agreement, PlanTexts};
use attune_core::safety::SafetyPolicy;
use attune_core::when::Edge;
use attune_store::{Numbered, Store, StoreError};
use jiff::civil::Date;
use serde::Serialize;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, Breaks, DIM, HINT, PAGE, Stamp, Wrap};

/// What may be offered with this journal in its safety mode. The rule
/// lives in one place, [`App::safety_policy`]; this only names it for the
/// plan and toolkit commands.
pub fn policy(app: &App, store: &Store) -> CliResult<SafetyPolicy> {
    app.safety_policy(store)
}

/// A content file that does not load: one clear line and how to fix it.
pub fn content<T>(r: Result<T, ContentError>) -> CliResult<T> {
    r.map_err(|e| {
        CliError::user(e.to_string())
            .hint("fix that file in your content_dir, or remove it there to use the built-in text")
    })
}

/// The plan's texts.
pub fn plan_texts(app: &App) -> CliResult<PlanTexts> {
    content(PlanTexts::load(&app.library()?))
}

#[derive(Serialize)]
struct SafetyNote<'a> {
    safety_mode: bool,
    title: &'a str,
    text: &'a str,
    next: &'a str,
}

/// The short, kind explanation shown instead of partner features in
/// safety mode. Nothing is changed.
pub fn safety_note(app: &App, json: bool) -> CliResult {
    let t = plan_texts(app)?;
    let n = &t.safety_mode;
    if json {
        return out::json(&SafetyNote { safety_mode: true, title: &n.title, text: &n.text, next: &n.next });
    }
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", n.title)?;
    Wrap::new(PAGE, Breaks::Words).print(&mut w, &n.text)?;
    writeln!(w, "\n{}", n.next)?;
    Ok(())
}

/// A day typed for `flag` ("today", "2026-12-24", "monday").
pub fn day(app: &App, flag: &str, text: &str) -> CliResult<Date> {
    Ok(app.when(flag, text, Edge::Start)?.date())
}

/// Gives "not found" errors a hint that names the right list.
pub fn with_list_hint(list_command: &'static str) -> impl Fn(StoreError) -> CliError {
    move |e| match e {
        StoreError::NotFound { .. } => {
            let mut err = CliError::user(e.to_string());
            err.hints.push(format!("`{list_command}` shows the numbers"));
            err
        }
        other => other.into(),
    }
}

/// Prints the text trimmed and wrapped at the page width, every line indented.
pub fn wrapped(w: &mut impl Write, text: &str, indent: &str) -> CliResult {
    Wrap::new(PAGE, Breaks::Words).indent(indent, indent).print(w, text.trim())
}

/// Asks a yes/no question on standard error and reads one line from
/// `input`. Enter, end of input or anything else: `None`.
pub fn ask_yes_no(question: &str, input: &mut dyn BufRead) -> Option<bool> {
    let mut err = anstream::stderr();
    let _ = write!(err, "{question} ");
    let _ = err.flush();
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => match line.trim().to_lowercase().as_str() {
            "y" | "yes" | "j" | "ja" => Some(true),
            "n" | "no" | "nein" => Some(false),
            _ => None,
        },
    }
}

/// A dim line.
pub fn dim(w: &mut impl Write, text: &str) -> CliResult {
    writeln!(w, "{DIM}{text}{DIM:#}")?;
    Ok(())
}

/// One agreement on one line (plus its rhythm), for lists.
pub fn agreement_line(w: &mut impl Write, a: &Numbered<Agreement>, this_year: i16) -> CliResult {
    let x = &a.item;
    let state = match (x.retired_on, x.agreed_on) {
        (Some(d), _) => format!("retired {}", out::stamp(d, this_year, Stamp::Weekday)),
        (None, Some(d)) => format!("agreed {}", out::stamp(d, this_year, Stamp::Weekday)),
        (None, None) => "proposed".to_string(),
    };
    writeln!(w, "{DIM}{:>4}{DIM:#}  {}  {HINT}{}{HINT:#}  {DIM}{state}{DIM:#}", a.seq, x.text, x.kind)?;
    let mut extra = Vec::new();
    if let Some(r) = &x.rhythm {
        extra.push(r.to_string());
    }
    if let Some(m) = x.pause_minutes {
        extra.push(format!("a pause lasts {m} minutes"));
    }
    if let Some(d) = x.review_on {
        extra.push(format!("review {}", out::stamp(d, this_year, Stamp::Weekday)));
    }
    if !extra.is_empty() {
        writeln!(w, "        {DIM}{}{DIM:#}", extra.join(" · "))?;
    }
    Ok(())
}
