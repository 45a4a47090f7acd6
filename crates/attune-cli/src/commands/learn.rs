//! `attune learn [topic]`: the explanations, read in the terminal: wrapped
//! to its width, and paged through `$PAGER` (or `less`) when long.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

use attune_core::assess::{Found, LearnIndex, Section, Topic, learn};
use clap::Args;
use serde::Serialize;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, Breaks, DIM, HINT, Wrap};

/// `attune learn`.
#[derive(Debug, Args)]
pub struct LearnArgs {
    /// A topic (signs, sources, consequences, steps, …) or one id from it
    /// (past-wounds, talk-openly, …). Leave out to list the topics.
    #[arg(value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Print straight to the terminal, without a pager.
    #[arg(long)]
    pub no_pager: bool,
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct TopicJson<'a> {
    #[serde(flatten)]
    topic: &'a Topic,
    text: &'a str,
    sections: Vec<Section>,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    topic: &'a str,
    #[serde(flatten)]
    section: &'a Section,
}

pub fn run(args: LearnArgs, app: &App) -> CliResult {
    let library = app.library()?;
    let index = LearnIndex::load(&library).map_err(|e| {
        CliError::user(format!("{}: {}", e.file, e.message))
            .hint("fix that file in your content_dir, or remove it to use the built-in text")
    })?;
    let Some(query) = args.topic.as_deref() else {
        return list(&index, args.json);
    };
    let found = index.find(&library, query).map_err(|hint| {
        CliError::user(format!("there is no topic '{}'", query.trim())).hint(hint).hint("`attune learn` lists them")
    })?;
    let topic = match &found {
        Found::Topic(t) | Found::Section(t, _) => *t,
    };
    let text = library.text(&topic.file).map_err(|e| {
        CliError::user(format!("the text of '{}' ({}) is missing", topic.id, e.file))
            .hint("restore that file in your content_dir, or remove content_dir to use the built-in texts")
    })?;
    let sections = learn::sections(text);
    if args.json {
        return match &found {
            Found::Section(_, id) => match sections.iter().find(|s| s.id.as_deref() == Some(id.as_str())) {
                Some(section) => out::json(&SectionJson { topic: &topic.id, section }),
                None => Err(CliError::user(format!("'{id}' has no text"))),
            },
            Found::Topic(_) => out::json(&TopicJson { topic, text, sections }),
        };
    }
    let width = out::width();
    let mut page = String::new();
    match &found {
        Found::Topic(_) => {
            for s in &sections {
                render_section(&mut page, s, width);
            }
            if !topic.see_also.is_empty() {
                let see: Vec<String> = topic.see_also.iter().map(|t| format!("`attune learn {t}`")).collect();
                page.push('\n');
                for line in Wrap::new(width, Breaks::Spaces).lines(format!("See also: {}", see.join(", ")).trim()) {
                    page.push_str(&format!("{DIM}{line}{DIM:#}\n"));
                }
            }
        }
        Found::Section(_, id) => {
            page.push_str(&format!("{DIM}{} · `attune learn {}`{DIM:#}\n", topic.title, topic.id));
            if let Some(s) = sections.iter().find(|s| s.id.as_deref() == Some(id.as_str())) {
                render_section(&mut page, s, width);
            }
        }
    }
    show(&page, args.no_pager)
}

fn list(index: &LearnIndex, json: bool) -> CliResult {
    if json {
        return out::json(&index.topics);
    }
    let width = out::width();
    let mut w = out::stdout();
    let id_width = index.topics.iter().map(|t| t.id.len()).max().unwrap_or(0);
    writeln!(w, "{BOLD}What you can read about{BOLD:#}\n")?;
    for t in &index.topics {
        writeln!(w, "  {HINT}{:<id_width$}{HINT:#}  {}", t.id, t.title)?;
        let indent = " ".repeat(id_width + 4);
        for line in Wrap::new(width, Breaks::Spaces).indent(&indent, &indent).lines(t.summary.trim()) {
            writeln!(w, "{DIM}{line}{DIM:#}")?;
        }
    }
    writeln!(w, "\n{DIM}Read one with `attune learn <topic>`, e.g. `attune learn sources`.{DIM:#}")?;
    Ok(())
}

/// Markdown, simply: headings in bold, paragraphs and list items wrapped,
/// `**strong**` in bold and `code` highlighted.
fn render_section(out: &mut String, s: &Section, width: usize) {
    if s.level > 0 {
        if !out.is_empty() {
            out.push('\n');
        }
        let title = if s.level == 1 { s.title.to_uppercase() } else { s.title.clone() };
        out.push_str(&format!("{BOLD}{title}{BOLD:#}\n"));
        if s.level == 1 {
            out.push('\n');
        }
    }
    for block in blocks(&s.body) {
        match block {
            Block::Paragraph(text) => {
                for line in Wrap::new(width, Breaks::Spaces).lines(text.trim()) {
                    out.push_str(&inline(&line));
                    out.push('\n');
                }
            }
            Block::Item(text) => {
                for line in Wrap::new(width, Breaks::Spaces).indent("  • ", "    ").lines(text.trim()) {
                    out.push_str(&inline(&line));
                    out.push('\n');
                }
            }
            Block::Blank => out.push('\n'),
        }
    }
}

enum Block {
    Paragraph(String),
    Item(String),
    Blank,
}

/// Paragraphs (lines joined), list items and the blank lines between them.
fn blocks(body: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.is_empty() {
            if !matches!(out.last(), Some(Block::Blank) | None) {
                out.push(Block::Blank);
            }
        } else if let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            out.push(Block::Item(item.to_string()));
        } else {
            match out.last_mut() {
                Some(Block::Paragraph(p)) | Some(Block::Item(p)) => {
                    p.push(' ');
                    p.push_str(t);
                }
                _ => out.push(Block::Paragraph(t.to_string())),
            }
        }
    }
    if matches!(out.last(), Some(Block::Blank)) {
        out.pop();
    }
    out
}

/// `**strong**` → bold, `code` → highlighted, `*em*` → plain.
fn inline(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
        {
            out.push_str(&format!("{BOLD}{}{BOLD:#}", &after[..end]));
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('`')
            && let Some(end) = after.find('`')
        {
            out.push_str(&format!("{HINT}`{}`{HINT:#}", &after[..end]));
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('*')
            && let Some(end) = after.find('*')
            && end > 0
        {
            out.push_str(&after[..end]);
            rest = &after[end + 1..];
        } else {
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                out.push(c);
            }
            rest = chars.as_str();
        }
    }
    out
}

/// Prints the page; through the pager when it is longer than the terminal.
fn show(page: &str, no_pager: bool) -> CliResult {
    let stdout = std::io::stdout();
    let colour = anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
    let text = if colour { page.to_string() } else { anstream::adapter::strip_str(page).to_string() };
    if !no_pager && stdout.is_terminal() {
        let rows = dialoguer::console::Term::stdout().size_checked().map_or(24, |(r, _)| usize::from(r));
        if text.lines().count() + 1 > rows && page_through(&text).is_ok() {
            return Ok(());
        }
    }
    let mut w = stdout.lock();
    w.write_all(text.as_bytes())?;
    w.flush()?;
    Ok(())
}

/// `$PAGER` (through the shell, as git does), or `less`; `LESS=FRX` unless set.
fn page_through(text: &str) -> std::io::Result<()> {
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "less".into());
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(&pager).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        cmd.env("LESS", "FRX");
    }
    let mut child = cmd.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // The reader may quit early (q in less): that is not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    let status = child.wait()?;
    // 126/127: the shell could not run the pager; print the text directly instead.
    match status.code() {
        Some(126 | 127) | None => Err(std::io::Error::other("the pager could not run")),
        Some(_) => Ok(()),
    }
}
