//! Human output: plain text that reads well without colour, with a little
//! colour in a terminal (never with NO_COLOR), and JSON for scripts. The
//! terminal width and wrapping (`wrap.rs`) and the date formats (`time.rs`)
//! are here so every command lays text out the same way.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use attune_core::{Checkin, Entry};
use attune_store::{CheckinRow, EntryRow};
use serde::Serialize;

use crate::error::CliResult;

mod time;
mod wrap;

pub use time::{Stamp, long_time, short_time, stamp};
pub use wrap::{Breaks, PAGE, Wrap, fill, paragraph, width};

/// Dates, numbers, ids.
pub const DIM: Style = Style::new().dimmed();
/// Headings and titles.
pub const BOLD: Style = Style::new().bold();
/// Good news.
pub const GOOD: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// Hints.
pub const HINT: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
/// Errors.
pub const ERROR: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).bold();

/// Standard output with colour handled per the settings.
pub fn stdout() -> anstream::AutoStream<std::io::StdoutLock<'static>> {
    anstream::AutoStream::new(std::io::stdout().lock(), anstream::ColorChoice::global())
}

/// Prints a value as pretty JSON followed by a newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> CliResult {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// A 0–10 value as a bar readable without colour: "███████░░░ 7/10".
pub fn bar(value: u8, max: u8) -> String {
    let filled = usize::from(value.min(max));
    format!("{}{} {value}/{max}", "█".repeat(filled), "░".repeat(usize::from(max) - filled))
}

/// One line per entry, for lists.
pub fn entry_line(w: &mut impl Write, row: &EntryRow, this_year: i16) -> CliResult {
    let e = &row.item;
    let intensity = e.intensity.map(|i| format!("{:>2}/10", i.get())).unwrap_or_else(|| "    -".into());
    write!(
        w,
        "{DIM}{:>5}{DIM:#}  {DIM}{}{DIM:#}  {intensity}  {}",
        row.seq,
        short_time(&e.occurred, this_year),
        e.title(60)
    )?;
    for t in &e.triggers {
        write!(w, "  {HINT}{t}{HINT:#}")?;
    }
    for t in &e.tags {
        write!(w, "  #{t}")?;
    }
    if e.starred {
        write!(w, "  ★")?;
    }
    writeln!(w)?;
    Ok(())
}

/// One line per check-in, for lists.
pub fn checkin_line(w: &mut impl Write, row: &CheckinRow, this_year: i16) -> CliResult {
    let c = &row.item;
    write!(
        w,
        "{DIM}{:>5}{DIM:#}  {DIM}{}{DIM:#}  security {:>2}/10",
        format!("c{}", row.seq),
        short_time(&c.at, this_year),
        c.security
    )?;
    let parts: Vec<String> = [("seen", c.seen), ("trusted", c.trusted), ("respected", c.respected)]
        .iter()
        .filter_map(|(name, v)| v.map(|v| format!("{name} {v}")))
        .collect();
    if !parts.is_empty() {
        write!(w, "  {}", parts.join(" · "))?;
    }
    if !c.note.is_empty() {
        write!(w, "  {}", attune_core::entry::shorten(c.note.lines().next().unwrap_or(""), 50))?;
    }
    writeln!(w)?;
    Ok(())
}

fn field(w: &mut impl Write, name: &str, value: &str) -> CliResult {
    writeln!(w, "{BOLD}{name:<10}{BOLD:#} {value}")?;
    Ok(())
}

fn block(w: &mut impl Write, name: &str, text: &str) -> CliResult {
    if text.is_empty() {
        return Ok(());
    }
    writeln!(w, "\n{BOLD}{name}{BOLD:#}")?;
    Wrap::new(PAGE, Breaks::Words).indent("  ", "  ").print(w, text)
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() { "-".into() } else { items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }
}

/// An entry in full.
pub fn entry_detail(w: &mut impl Write, row: &EntryRow) -> CliResult {
    let e: &Entry = &row.item;
    writeln!(w, "{BOLD}Entry {}{BOLD:#}{}", row.seq, if e.starred { "  ★" } else { "" })?;
    field(w, "When", &long_time(&e.occurred))?;
    field(w, "Written", &long_time(&e.recorded))?;
    block(w, "What happened", &e.situation)?;
    writeln!(w)?;
    field(w, "Triggers", &list(&e.triggers))?;
    field(w, "Feelings", &list(&e.feelings))?;
    field(w, "Intensity", &e.intensity.map(|i| bar(i.get(), 10)).unwrap_or_else(|| "-".into()))?;
    field(w, "Signs", &list(&e.signs))?;
    field(w, "Sources", &list(&e.sources))?;
    let tags: Vec<String> = e.tags.iter().map(|t| format!("#{t}")).collect();
    field(w, "Tags", &list(&tags))?;
    block(w, "Thoughts", &e.thoughts)?;
    block(w, "What I fear will happen", &e.fear)?;
    block(w, "What I did, what helped", &e.helped)?;
    writeln!(w, "\n{DIM}id {}{DIM:#}", e.id)?;
    Ok(())
}

/// A check-in in full.
pub fn checkin_detail(w: &mut impl Write, row: &CheckinRow) -> CliResult {
    let c: &Checkin = &row.item;
    writeln!(w, "{BOLD}Check-in c{}{BOLD:#}", row.seq)?;
    field(w, "When", &long_time(&c.at))?;
    writeln!(w)?;
    field(w, "Security", &bar(c.security, 10))?;
    for (name, v) in [("Seen", c.seen), ("Trusted", c.trusted), ("Respected", c.respected)] {
        field(w, name, &v.map(|v| bar(v, 10)).unwrap_or_else(|| "-".into()))?;
    }
    if !c.consequences.is_empty() {
        writeln!(w, "\n{BOLD}Lately (0 not at all … 3 a lot){BOLD:#}")?;
        for (k, v) in &c.consequences {
            writeln!(w, "  {:<14} {}", k.as_str(), bar(*v, 3))?;
        }
    }
    block(w, "Note", &c.note)?;
    writeln!(w, "\n{DIM}id {}{DIM:#}", c.id)?;
    Ok(())
}

/// Prints "error: …" and the hints to standard error.
pub fn error(err: &crate::error::CliError) {
    let mut w = anstream::stderr();
    let _ = writeln!(w, "{ERROR}error:{ERROR:#} {}", err.message);
    for hint in &err.hints {
        let _ = writeln!(w, "  {HINT}hint:{HINT:#} {hint}");
    }
}

/// Prints a note to standard error (progress and advice that scripts should not parse).
pub fn note(text: &str) {
    let _ = writeln!(anstream::stderr(), "{text}");
}
