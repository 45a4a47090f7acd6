//! `attune safety plan`: the person's two safety plans (a crisis plan and a
//! plan for staying safe), listed, shown, and filled in through guided
//! prompts or in `$EDITOR`. The sections and their checks are
//! `attune_core::safety` (`SafetyPlan`); the words `content/safety/plans.toml`;
//! the support services come from the person's country, as on `attune safety`.

use std::io::Write;

use attune_core::content::ContentError;
use attune_core::safety::{
    PlanKind, PlanTexts, ResourceGroup, SafetyPlan, SafetyPlanDraft, SafetyPlans, items_from_lines, plans,
};
use attune_core::{FieldError, ValidationError};
use attune_store::Store;
use clap::{Args, ValueEnum};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input};
use serde::Serialize;

use crate::app::App;
use crate::editor;
use crate::error::{CliError, CliResult, Exit};
use crate::out::{self, BOLD, DIM, GOOD};
use crate::safety::Context;

/// `attune safety plan`.
#[derive(Debug, Args)]
#[command(after_help = "If you are in danger right now, call your local emergency number.")]
pub struct PlanArgs {
    /// Which plan: crisis or staying-safe; leave out to list both.
    pub kind: Option<KindArg>,
    /// Fill it in: one section at a time (Enter keeps what is there), or in
    /// your editor when attune is not run in a terminal.
    #[arg(long, requires = "kind", conflicts_with = "delete")]
    pub edit: bool,
    /// Fill it in in your editor ($EDITOR) rather than question by question.
    #[arg(long, requires = "kind", conflicts_with = "delete")]
    pub editor: bool,
    /// Delete this plan from the journal (for example, to keep it on paper instead).
    #[arg(long, requires = "kind")]
    pub delete: bool,
    /// Delete without being asked to confirm (for scripts).
    #[arg(long, requires = "delete")]
    pub yes: bool,
}

/// The two plans, as typed on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A personal safety plan for a crisis: warning signs, what helps, who to reach.
    Crisis,
    /// Staying safe, or leaving safely, when a partner is dangerous.
    StayingSafe,
}

impl From<KindArg> for PlanKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Crisis => PlanKind::Crisis,
            KindArg::StayingSafe => PlanKind::StayingSafe,
        }
    }
}

/// The command that shows a plan ("attune safety plan crisis"), for the
/// notes that point to it.
pub fn command(kind: PlanKind) -> String {
    format!("attune safety plan {kind}")
}

/// Runs `attune safety plan`, inside `attune safety` (which opened the
/// journal and read the safety settings).
pub fn run(app: &App, store: &mut Store, ctx: &Context, args: PlanArgs, json: bool) -> CliResult {
    let texts = load_texts(app)?;
    let Some(kind) = args.kind.map(PlanKind::from) else {
        return list(store, &texts, json);
    };
    if args.delete {
        return delete(app, store, &texts, kind, args.yes, json);
    }
    if args.edit || args.editor {
        let saved = store.safety_plan(kind)?;
        let start = saved.as_ref().map_or_else(|| SafetyPlanDraft::new(kind), SafetyPlanDraft::from_plan);
        let typed =
            if args.editor || !app.interactive { in_editor(app, &texts, start)? } else { guided(ctx, &texts, start)? };
        let plan = typed.validate(app.now_moment())?;
        let unchanged = match &saved {
            Some(s) => s.sections == plan.sections,
            None => plan.is_empty(),
        };
        if unchanged {
            if !json {
                writeln!(out::stdout(), "Nothing changed; your {} is as it was.", texts.get(kind).title)?;
                return Ok(());
            }
        } else {
            store.set_safety_plan(&plan)?;
            if !json {
                let mut w = out::stdout();
                writeln!(w, "{GOOD}Saved{GOOD:#} {}.", texts.get(kind).title)?;
                writeln!(w, "{DIM}`{}` shows it.{DIM:#}", command(kind))?;
                return Ok(());
            }
        }
    }
    show(store, ctx, &texts, kind, json)
}

/// The person's own texts, or the built-in ones if theirs do not parse:
/// a plan must always be reachable, so a broken override is set aside.
fn load_texts(app: &App) -> CliResult<SafetyPlans> {
    let own = app.library().and_then(|lib| SafetyPlans::load(&lib).map_err(content_error));
    match own {
        Ok(t) => Ok(t),
        Err(e) => {
            out::note(&format!("note: {}; using attune's built-in texts for the safety plans", e.message));
            plans().cloned().map_err(|e| content_error(e).exit(Exit::Internal))
        }
    }
}

fn content_error(e: ContentError) -> CliError {
    CliError::user(format!("content file {}: {}", e.file, e.message))
}

// ---------------------------------------------------------------------------
// The list

#[derive(Serialize)]
struct ListItem {
    kind: PlanKind,
    title: String,
    summary: String,
    /// Sections with at least one entry.
    filled: usize,
    sections: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
}

fn list(store: &Store, texts: &SafetyPlans, json: bool) -> CliResult {
    let mut items = Vec::new();
    for kind in PlanKind::ALL {
        let plan = store.safety_plan(kind)?;
        let t = texts.get(kind);
        items.push(ListItem {
            kind,
            title: t.title.clone(),
            summary: t.summary.clone(),
            filled: plan.as_ref().map_or(0, SafetyPlan::filled),
            sections: kind.section_ids().len(),
            updated: plan.map(|p| p.updated.to_string()),
        });
    }
    if json {
        return out::json(&items);
    }
    let mut w = out::stdout();
    writeln!(w, "{BOLD}Your safety plans{BOLD:#}")?;
    for item in &items {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", item.title)?;
        out::paragraph(&mut w, &item.summary, "  ")?;
        let state = if item.filled == 0 {
            "Not filled in yet.".to_string()
        } else {
            format!("{} of {} sections filled in.", item.filled, item.sections)
        };
        writeln!(w, "  {state} {DIM}`{}` shows it, `--edit` fills it in.{DIM:#}", command(item.kind))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// One plan

#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    title: &'a str,
    guidance: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    services: Vec<ResourceGroup>,
    items: &'a [String],
}

#[derive(Serialize)]
struct PlanJson<'a> {
    kind: PlanKind,
    title: &'a str,
    first: &'a [String],
    intro: &'a str,
    keep: &'a str,
    country: &'a str,
    advice: &'a str,
    sections: Vec<SectionJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
}

fn show(store: &Store, ctx: &Context, texts: &SafetyPlans, kind: PlanKind, json: bool) -> CliResult {
    let plan = store.safety_plan(kind)?;
    let t = texts.get(kind);
    let items = |id: &str| plan.as_ref().map_or(&[][..], |p| p.items(id));
    if json {
        let sections = t
            .sections
            .iter()
            .map(|s| SectionJson {
                id: &s.id,
                title: &s.title,
                guidance: &s.guidance,
                services: ctx.groups(&s.services),
                items: items(&s.id),
            })
            .collect();
        return out::json(&PlanJson {
            kind,
            title: &t.title,
            first: &t.first,
            intro: &t.intro,
            keep: &t.keep,
            country: &ctx.country().country,
            advice: &ctx.country().advice,
            sections,
            updated: plan.as_ref().map(|p| p.updated.to_string()),
        });
    }
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", t.title)?;
    for line in &t.first {
        writeln!(w, "{}", out::fill(line, "! ", "  "))?;
    }
    writeln!(w)?;
    out::paragraph(&mut w, &t.intro, "")?;
    writeln!(w)?;
    out::paragraph(&mut w, &t.keep, "")?;
    for s in &t.sections {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", s.title)?;
        let mine = items(&s.id);
        if !s.services.is_empty() {
            writeln!(w, "{}", texts.texts.services)?;
            out::paragraph(&mut w, &ctx.country().advice, "  ")?;
            let mut groups = Vec::new();
            ctx.print_groups(&mut groups, &ctx.groups(&s.services), false)?;
            for line in String::from_utf8_lossy(&groups).lines().filter(|l| !l.is_empty()) {
                writeln!(w, "  {line}")?;
            }
            writeln!(w, "{}", texts.texts.own)?;
        }
        if mine.is_empty() {
            writeln!(w, "{DIM}{}{DIM:#}", out::fill(&s.guidance, "  ", "  "))?;
            writeln!(w, "  {DIM}{}{DIM:#}", texts.texts.empty)?;
        }
        for item in mine {
            writeln!(w, "{}", out::fill(item, "  • ", "    "))?;
        }
    }
    writeln!(w)?;
    ctx.print_country_line(&mut w)?;
    let line = match &plan {
        Some(p) => {
            let when = p.updated.local().date().strftime("%-d %B %Y");
            format!("Last changed on {when}. `{} --edit` changes it.", command(kind))
        }
        None => format!("`{} --edit` fills it in.", command(kind)),
    };
    writeln!(w, "{DIM}{}{DIM:#}", out::fill(&line, "", ""))?;
    Ok(())
}

fn delete(app: &App, store: &mut Store, texts: &SafetyPlans, kind: PlanKind, yes: bool, json: bool) -> CliResult {
    let title = &texts.get(kind).title;
    if !yes {
        if !app.interactive {
            return Err(CliError::user(format!("nothing was deleted: deleting {title} needs confirming"))
                .hint(format!("run it in a terminal, or add --yes: {} --delete --yes", command(kind))));
        }
        let sure = Confirm::with_theme(&ColorfulTheme::default())
            .with_prompt(format!("Delete {title} from your journal? This cannot be undone."))
            .default(false)
            .interact()
            .unwrap_or(false);
        if !sure {
            writeln!(out::stdout(), "Nothing was deleted.")?;
            return Ok(());
        }
    }
    let deleted = store.delete_safety_plan(kind)?;
    if json {
        return out::json(&serde_json::json!({ "kind": kind, "deleted": deleted }));
    }
    let mut w = out::stdout();
    if deleted {
        writeln!(w, "{GOOD}Deleted{GOOD:#} {title}.")?;
    } else {
        writeln!(w, "There was no saved {title} to delete.")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Filling it in

/// Question by question: each section's guidance, what is there, and a line
/// to change (things separated by ";"). Enter keeps what is there.
fn guided(ctx: &Context, texts: &SafetyPlans, mut draft: SafetyPlanDraft) -> CliResult<SafetyPlanDraft> {
    let t = texts.get(draft.kind);
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", t.title)?;
    for line in &t.first {
        writeln!(w, "{}", out::fill(line, "! ", "  "))?;
    }
    writeln!(w)?;
    out::paragraph(&mut w, &t.keep, "")?;
    writeln!(w, "{DIM}Separate things with \";\". Enter keeps what is there; Ctrl-C stops without saving.{DIM:#}")?;
    for s in &t.sections {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", s.title)?;
        out::paragraph(&mut w, &s.guidance, "")?;
        if !s.services.is_empty() {
            let mut groups = Vec::new();
            ctx.print_groups(&mut groups, &ctx.groups(&s.services), false)?;
            w.write_all(&groups)?;
        }
        if let Some(e) = &s.example {
            writeln!(w, "{DIM}For example: {e}{DIM:#}")?;
        }
        w.flush()?;
        let current = draft.items(&s.id).join("; ");
        let answer = Input::<String>::with_theme(&ColorfulTheme::default())
            .with_prompt(&s.title)
            .with_initial_text(current)
            .allow_empty(true)
            .interact_text()
            .map_err(|e| CliError::user(format!("the question was interrupted: {e}")).hint("nothing was saved"))?;
        let items = answer.split(';').map(str::trim).filter(|i| !i.is_empty()).map(str::to_string).collect();
        draft.set(&s.id, items);
    }
    Ok(draft)
}

/// The plan in the editor until it is valid. Closing the editor without a
/// change after a refusal stops, and prints what was written so none of it
/// is lost.
fn in_editor(app: &App, texts: &SafetyPlans, start: SafetyPlanDraft) -> CliResult<SafetyPlanDraft> {
    let kind = start.kind;
    let t = texts.get(kind);
    let mut text = template(texts, &start, None);
    loop {
        let edited = editor::edit(&app.settings.editor.value, &text)?;
        let (problem, next) = match parse(t, kind, &edited) {
            Ok(draft) => match draft.clone().validate(app.now_moment()) {
                Ok(_) => return Ok(draft),
                Err(e) => {
                    let problem = problem_text(&e);
                    let next = template(texts, &draft, Some(&problem));
                    (problem, next)
                }
            },
            Err(p) => {
                let next =
                    format!("# NOT SAVED YET: {p}\n# Fix it below and save again.\n#\n{}", strip_notice(&edited));
                (p, next)
            }
        };
        out::note(&format!("Not saved yet: {problem}"));
        if edited == text {
            let mut w = out::stdout();
            writeln!(w, "{edited}")?;
            return Err(CliError::user(format!("nothing was saved: {problem}"))
                .hint("what you wrote is printed above, so you can copy it")
                .hint(format!("fix it with: {} --editor", command(kind))));
        }
        text = next;
    }
}

fn problem_text(e: &ValidationError) -> String {
    e.problems.iter().map(FieldError::to_string).collect::<Vec<_>>().join("; ")
}

/// The edited text without an earlier "NOT SAVED YET" notice.
fn strip_notice(text: &str) -> String {
    let mut lines = text.lines().peekable();
    if lines.peek().is_some_and(|l| l.starts_with("# NOT SAVED YET")) {
        while lines.peek().is_some_and(|l| l.starts_with('#') && !l.starts_with("##")) {
            lines.next();
        }
    }
    lines.collect::<Vec<_>>().join("\n") + "\n"
}

/// The text the editor starts with: each section as a `##` heading, its
/// guidance as `# ` comments, the entries as `- ` lines.
fn template(texts: &SafetyPlans, draft: &SafetyPlanDraft, problem: Option<&str>) -> String {
    let t = texts.get(draft.kind);
    let mut s = String::new();
    if let Some(p) = problem {
        s.push_str(&format!("# NOT SAVED YET: {p}\n# Fix it below and save again.\n#\n"));
    }
    s.push_str(&format!("# {}\n#\n", t.title));
    for line in &t.first {
        s.push_str(&comment(line));
    }
    s.push_str(&comment(&t.keep));
    s.push_str(&comment(
        "Write one thing per line under each heading. Lines starting with \"# \" are ignored; \
         keep the \"## \" headings as they are.",
    ));
    for sec in &t.sections {
        s.push_str(&format!("\n## {}\n", sec.title));
        s.push_str(&comment(&sec.guidance));
        if let Some(e) = &sec.example {
            s.push_str(&comment(&format!("For example: {e}")));
        }
        for item in draft.items(&sec.id) {
            s.push_str(&format!("- {item}\n"));
        }
    }
    s
}

fn comment(text: &str) -> String {
    out::fill(text, "# ", "# ") + "\n"
}

/// Reads the edited text back into a draft. Headings are matched by title
/// (or section id), case and spacing aside.
fn parse(t: &PlanTexts, kind: PlanKind, text: &str) -> Result<SafetyPlanDraft, String> {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let mut draft = SafetyPlanDraft::new(kind);
    let mut current: Option<(String, String)> = None;
    let mut done: Vec<String> = Vec::new();
    let finish = |current: Option<(String, String)>, draft: &mut SafetyPlanDraft| {
        if let Some((id, body)) = current {
            draft.set(&id, items_from_lines(&body));
        }
    };
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("# ") || line.trim() == "#" {
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            let h = norm(heading);
            let Some(section) = t.sections.iter().find(|s| norm(&s.title) == h || s.id == h) else {
                let known: Vec<&str> = t.sections.iter().map(|s| s.title.as_str()).collect();
                return Err(format!(
                    "line {}: '## {}' is not a heading of this plan (the headings are: {})",
                    n + 1,
                    heading.trim(),
                    known.join(" / ")
                ));
            };
            if done.contains(&section.id) {
                return Err(format!("line {}: '## {}' appears twice", n + 1, heading.trim()));
            }
            done.push(section.id.clone());
            finish(current.take(), &mut draft);
            current = Some((section.id.clone(), String::new()));
            continue;
        }
        match &mut current {
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None if line.trim().is_empty() => {}
            None => return Err(format!("line {}: write under one of the \"## \" headings", n + 1)),
        }
    }
    finish(current, &mut draft);
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_round_trips_for_both_plans() {
        let texts = plans().unwrap();
        for kind in PlanKind::ALL {
            let mut d = SafetyPlanDraft::new(kind);
            let first = kind.section_ids()[0];
            let last = kind.section_ids()[kind.section_ids().len() - 1];
            d.set(first, vec!["one thing".into(), "another, with a comma".into()]);
            d.set(last, vec!["# not a comment when it is an entry".into()]);
            let text = template(texts, &d, Some("x"));
            let back = parse(texts.get(kind), kind, &text).unwrap();
            let at = attune_core::Moment::with_offset(jiff::Timestamp::UNIX_EPOCH, 0);
            assert_eq!(back.validate(at.clone()).unwrap(), d.validate(at).unwrap(), "{kind}");
        }
    }

    #[test]
    fn editor_mistakes_name_the_line() {
        let texts = plans().unwrap();
        let t = texts.get(PlanKind::Crisis);
        let e = parse(t, PlanKind::Crisis, "## Things I like\n- x\n").unwrap_err();
        assert!(e.contains("line 1") && e.contains("1. My warning signs"), "{e}");
        let e = parse(t, PlanKind::Crisis, "\nstray words\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = parse(t, PlanKind::Crisis, "## coping\n## Coping\n").unwrap_err();
        assert!(e.contains("twice"), "{e}");
        let d = parse(t, PlanKind::Crisis, "##   what  MATTERS to me \n- my cat\n").unwrap();
        assert_eq!(d.items("reasons"), ["my cat"]);
    }

    #[test]
    fn a_notice_is_replaced_not_stacked() {
        let text = "# NOT SAVED YET: a\n# Fix it below and save again.\n#\n# My plan\n\n## x\n- y\n";
        assert_eq!(strip_notice(text), "\n## x\n- y\n");
        assert_eq!(strip_notice("## x\n"), "## x\n");
    }
}
