//! `attune say`: the statement helper. Guided (situation → feeling → need →
//! request) it builds a message without blame; with `--check "…"` it marks
//! words that may land as blame, with a one-line reason each and a skeleton
//! to rewrite from.

use std::io::{Read, Write};

use attune_core::safety::{DraftNote, draft_note};
use attune_core::scripts::ComposerTexts;
use attune_text::statement::{Check, Lexicon};
use clap::Args;
use dialoguer::Input;
use dialoguer::theme::ColorfulTheme;
use serde::Serialize;

use crate::app::App;
use crate::commands::toolkit::{content, dim, policy, safety_note, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, HINT};
use crate::safety;

/// `attune say`.
#[derive(Debug, Args)]
pub struct SayArgs {
    /// Check a draft message for blaming or absolute words (`-` reads it from standard input).
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["when", "feel", "need", "ask"])]
    pub check: Option<String>,
    /// What happened, the way a camera would see it.
    #[arg(long, value_name = "TEXT")]
    pub when: Option<String>,
    /// How you felt.
    #[arg(long, value_name = "TEXT")]
    pub feel: Option<String>,
    /// What you need.
    #[arg(long, value_name = "TEXT")]
    pub need: Option<String>,
    /// The small, concrete thing you would like to ask for.
    #[arg(long, value_name = "TEXT")]
    pub ask: Option<String>,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    kind: &'a str,
    rule: &'a str,
    start: usize,
    end: usize,
    excerpt: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    text: &'a str,
    /// Present when the draft describes control or harm done to the person:
    /// then it is about safety, not wording (core's `draft_note`).
    #[serde(skip_serializing_if = "Option::is_none")]
    safety: Option<DraftNote>,
    blaming: bool,
    findings: Vec<FindingJson<'a>>,
    tips: Vec<&'a str>,
    rewrite: Option<String>,
}

#[derive(Serialize)]
struct ComposedJson<'a> {
    message: &'a str,
    check: CheckJson<'a>,
}

fn lexicon(app: &App) -> CliResult<Lexicon> {
    let lib = app.library()?;
    let text = content(lib.text("say/statement_lexicon.toml"))?;
    Lexicon::parse(text).map_err(|e| {
        CliError::user(e.to_string())
            .hint("fix say/statement_lexicon.toml in your content_dir, or remove it to use the built-in one")
    })
}

pub fn run(args: SayArgs, app: &App) -> CliResult {
    let opened = app.open()?;
    if !policy(app, &opened.store)?.suggest_partner_talk {
        return safety_note(app, args.json);
    }
    let texts = content(ComposerTexts::load(&app.library()?))?;
    let need = opened.store.needs()?.into_iter().next().map(|n| n.name.to_lowercase());
    let lexicon = lexicon(app)?;
    if let Some(draft) = args.check {
        let draft = if draft == "-" {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| CliError::user(format!("could not read standard input: {e}")))?;
            s
        } else {
            draft
        };
        if draft.trim().is_empty() {
            return Err(CliError::user("there is nothing to check").hint("attune say --check \"your draft message\""));
        }
        let check = lexicon.check(&draft);
        let safety = safety::Content::load(app)?;
        let note = draft_note(&safety, &draft);
        if args.json {
            let mut json = check_json(&draft, &check, &lexicon, &texts, need.as_deref());
            json.safety = note;
            return out::json(&json);
        }
        if let Some(note) = note {
            return show_draft_note(&note, &safety.messages);
        }
        return show_check(&draft, &check, &lexicon, &texts, need.as_deref());
    }

    let flags = [&args.when, &args.feel, &args.need, &args.ask];
    let parts: Vec<String> = if flags.iter().all(|f| f.is_some()) {
        flags.iter().map(|f| (*f).clone().unwrap_or_default()).collect()
    } else if !app.interactive {
        return Err(CliError::user("attune say needs a terminal to ask its four questions").hint(
            "give all four: --when \"…\" --feel \"…\" --need \"…\" --ask \"…\", or check a draft with --check \"…\"",
        ));
    } else {
        out::note(&texts.intro);
        let q = &texts.questions;
        let mut parts = Vec::new();
        for (question, given) in
            [(&q.situation, &args.when), (&q.feeling, &args.feel), (&q.need, &args.need), (&q.request, &args.ask)]
        {
            let answer = match given {
                Some(g) => g.clone(),
                None => Input::<String>::with_theme(&ColorfulTheme::default())
                    .with_prompt(question)
                    .interact_text()
                    .map_err(|e| CliError::user(format!("the question was interrupted: {e}")))?,
            };
            parts.push(answer);
        }
        parts
    };
    if parts.iter().any(|p| p.trim().is_empty()) {
        return Err(CliError::user("each of the four parts needs a few words"));
    }
    let message = texts.compose(&parts[0], &parts[1], &parts[2], &parts[3]);
    let check = lexicon.check(&message);
    if args.json {
        let check = check_json(&message, &check, &lexicon, &texts, need.as_deref());
        return out::json(&ComposedJson { message: &message, check });
    }
    let mut w = out::stdout();
    writeln!(w, "{BOLD}Your message{BOLD:#}")?;
    wrapped(&mut w, &message, "  ")?;
    writeln!(w)?;
    if check.is_blaming() {
        drop(w);
        return show_check(&message, &check, &lexicon, &texts, need.as_deref());
    }
    dim(&mut w, "Change any words until it sounds like you. It is yours to send, or not.")?;
    Ok(())
}

fn check_json<'a>(
    text: &'a str,
    check: &'a Check,
    lexicon: &'a Lexicon,
    texts: &ComposerTexts,
    need: Option<&str>,
) -> CheckJson<'a> {
    let findings = check
        .findings
        .iter()
        .map(|f| FindingJson {
            kind: f.kind.as_str(),
            rule: &f.rule,
            start: f.span.start,
            end: f.span.end,
            excerpt: text.get(f.span.clone()).unwrap_or(""),
            reason: &f.reason,
        })
        .collect();
    let tips = check.kinds().into_iter().filter_map(|k| lexicon.kind_text(k).map(|t| t.tip.as_str())).collect();
    CheckJson {
        text,
        safety: None,
        blaming: check.is_blaming(),
        findings,
        tips,
        rewrite: check.is_blaming().then(|| texts.skeleton_for(need)),
    }
}

/// The draft with `^` under each finding (one-line drafts), then one line per finding.
fn show_check(text: &str, check: &Check, lexicon: &Lexicon, texts: &ComposerTexts, need: Option<&str>) -> CliResult {
    let mut w = out::stdout();
    if !check.is_blaming() {
        wrapped(&mut w, &texts.clean, "")?;
        return Ok(());
    }
    writeln!(w, "{}", texts.found)?;
    writeln!(w)?;
    let single_line = !text.trim_end().contains('\n') && text.chars().count() <= 100;
    if single_line {
        let line = text.trim_end();
        let mut marks = String::new();
        for f in &check.findings {
            let start = line.get(..f.span.start).map(|s| s.chars().count()).unwrap_or(0);
            let len = line.get(f.span.clone()).map(|s| s.chars().count()).unwrap_or(0);
            while marks.chars().count() < start {
                marks.push(' ');
            }
            let already = marks.chars().count() - start;
            marks.push_str(&"^".repeat(len.saturating_sub(already)));
        }
        writeln!(w, "  {line}")?;
        writeln!(w, "  {HINT}{marks}{HINT:#}")?;
    }
    for f in &check.findings {
        let name = lexicon.kind_text(f.kind).map(|t| t.name.as_str()).unwrap_or(f.kind.as_str());
        let excerpt = text.get(f.span.clone()).unwrap_or("");
        writeln!(w, "  {HINT}“{excerpt}”{HINT:#} {DIM}({name}){DIM:#} {}", f.reason)?;
    }
    writeln!(w)?;
    for kind in check.kinds() {
        if let Some(t) = lexicon.kind_text(kind) {
            wrapped(&mut w, &format!("· {}", t.tip), "  ")?;
        }
    }
    writeln!(w, "\n{}", texts.try_this)?;
    wrapped(&mut w, &texts.skeleton_for(need), "  ")?;
    Ok(())
}

/// A draft that describes control or harm done to the person: core's note,
/// and the next steps as commands, instead of advice about blame.
fn show_draft_note(note: &DraftNote, m: &safety::Messages) -> CliResult {
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", note.title)?;
    wrapped(&mut w, &note.text, "")?;
    if let Some(noticed) = &note.noticed {
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(noticed, "", ""))?;
    }
    let steps: Vec<&str> = note.next.iter().filter_map(|s| m.next_step(*s)).collect();
    if !steps.is_empty() {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", m.next.title)?;
        for step in steps {
            writeln!(w, "{}", out::fill(step, "• ", "  "))?;
        }
    }
    Ok(())
}
