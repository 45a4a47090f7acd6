//! `attune assess`: the questionnaires. Lists them, asks one item at a time
//! (arrow keys in a terminal, typed numbers otherwise), saves after every
//! answer so a stop is never a loss, and ends with the profile.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use attune_core::Moment;
use attune_core::assess::{
    self, AssessTexts, Comparison, Direction, Emphasis, Instrument, InstrumentError, LearnIndex, Point, Session, Side,
    SourceProfile, StepRules, SubscaleScore, Taken, Vocabulary, render,
};
use attune_core::content::{ContentError, Library};
use attune_store::Store;
use clap::{Args, Subcommand};
use dialoguer::Select;
use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use serde::Serialize;

use crate::app::App;
use crate::error::{CliError, CliResult, Exit};
use crate::out::{self, BOLD, DIM, GOOD, HINT};

/// `attune assess`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_help = "Each questionnaire is for reflection, not a diagnosis. Your answers stay in your \
encrypted journal. Stop at any time (q, Esc or Ctrl-C); `attune assess <id>` carries on.")]
pub struct AssessArgs {
    #[command(subcommand)]
    pub action: Option<AssessAction>,
    /// The questionnaire to take (leave out to list them).
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Take your own questionnaire from a TOML file; it is checked first
    /// (`attune learn questionnaires` describes the format).
    #[arg(long, value_name = "FILE", conflicts_with = "id")]
    pub file: Option<PathBuf>,
    /// Only check the file given with --file; take nothing.
    #[arg(long, requires = "file")]
    pub check: bool,
    /// Answer by typing numbers, even in a terminal.
    #[arg(long)]
    pub plain: bool,
    /// Start from the first question again, dropping answers from a paused run.
    #[arg(long)]
    pub restart: bool,
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `attune assess history`.
#[derive(Debug, Subcommand)]
pub enum AssessAction {
    /// Your results over time, newest first (all, or one questionnaire's).
    History {
        /// Only this questionnaire.
        #[arg(value_name = "ID")]
        id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: AssessArgs, app: &App) -> CliResult {
    match &args.action {
        Some(AssessAction::History { id, json }) => history(id.as_deref(), *json || args.json, app),
        None if args.id.is_none() && args.file.is_none() => list(args.json, app),
        None => take(&args, app),
    }
}

// ---- loading --------------------------------------------------------------------

fn content_error(e: ContentError) -> CliError {
    CliError::user(format!("{}: {}", e.file, e.message))
        .hint("fix that file in your content_dir, or remove it to use the built-in text")
}

fn instrument_error(e: &InstrumentError) -> CliError {
    let count = e.problems.len();
    let mut message = if count == 1 {
        format!("{} is not a valid questionnaire: ", e.file)
    } else {
        format!("{} is not a valid questionnaire; {count} things to fix:", e.file)
    };
    let mut err = CliError::user(String::new());
    for p in &e.problems {
        if count == 1 {
            message.push_str(&p.to_string());
        } else {
            message.push_str(&format!("\n  - {p}"));
        }
        if let Some(h) = &p.hint {
            err = err.hint(match p.line {
                Some(line) => format!("line {line}: {h}"),
                None => h.clone(),
            });
        }
    }
    err.message = message;
    err.hint("nothing was changed; `attune learn questionnaires` describes the format")
}

struct Loaded {
    library: Library,
    texts: AssessTexts,
}

fn load(app: &App) -> CliResult<Loaded> {
    let library = app.library()?;
    let texts = AssessTexts::load(&library).map_err(content_error)?;
    Ok(Loaded { library, texts })
}

/// The library's questionnaires, built-in ones first in their order; invalid
/// files of the person's own are named on standard error.
fn catalog(library: &Library) -> Vec<Instrument> {
    let (mut found, bad) = assess::instruments(library);
    for e in &bad {
        out::note(&format!(
            "note: {} (left out of the list; `attune assess --file <that file> --check` shows every problem)",
            e
        ));
    }
    found.sort_by_key(|i| (assess::BUILT_IN.iter().position(|b| *b == i.id).unwrap_or(usize::MAX), i.id.clone()));
    found
}

fn by_id(library: &Library, id: &str) -> CliResult<Instrument> {
    let id = id.trim();
    if assess::instrument::valid_id(id)
        && let Some(inst) = assess::load_instrument(library, id).map_err(|e| instrument_error(&e))?
    {
        return Ok(inst);
    }
    let known: Vec<String> = catalog(library).into_iter().map(|i| i.id).collect();
    let hint = match attune_core::error::closest(id, known.iter().map(String::as_str)) {
        Some(near) => format!("did you mean '{near}'? `attune assess` lists them all"),
        None => format!("the questionnaires are: {}", known.join(", ")),
    };
    Err(CliError::user(format!("there is no questionnaire '{id}'")).hint(hint))
}

fn from_file(path: &Path, library: &Library) -> CliResult<Instrument> {
    let name = path.display().to_string();
    let read_err = |e: std::io::Error| {
        CliError::user(format!("cannot read {name}: {e}")).hint("check the path; nothing was changed")
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > assess::instrument::MAX_FILE_BYTES as u64 {
        return Err(instrument_error(&InstrumentError {
            file: name,
            problems: vec![assess::Problem {
                kind: assess::ProblemKind::TooLarge,
                line: None,
                place: String::new(),
                message: format!("the file is larger than {} KiB", assess::instrument::MAX_FILE_BYTES / 1024),
                hint: Some("a questionnaire file is a few kilobytes; check that this is the right file".into()),
            }],
        }));
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::user(format!("{name} is not a text file (byte {} is not UTF-8)", e.utf8_error().valid_up_to()))
            .hint("save the questionnaire as UTF-8 text; nothing was changed")
    })?;
    let inst = Instrument::parse(&text, &name).map_err(|e| instrument_error(&e))?;
    if let Ok(Some(existing)) = assess::load_instrument(library, &inst.id)
        && existing != inst
    {
        return Err(CliError::user(format!(
            "{name}: the id '{}' already belongs to the questionnaire \"{}\"",
            inst.id, existing.title
        ))
        .hint("give your questionnaire its own id, so the two sets of results are not mixed up"));
    }
    Ok(inst)
}

// ---- the list -----------------------------------------------------------------------

#[derive(Serialize)]
struct ListItem {
    id: String,
    title: String,
    version: u32,
    items: usize,
    last_taken: Option<Moment>,
    in_progress: Option<Progress>,
}

#[derive(Serialize)]
struct Progress {
    answered: usize,
    position: usize,
    total: usize,
    version: u32,
    updated: Moment,
}

fn list(json: bool, app: &App) -> CliResult {
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
    let width = width();
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}\n", texts.list.heading.trim())?;
    let id_width = items.iter().map(|i| i.id.len()).max().unwrap_or(0);
    for i in &items {
        let when = match &i.last_taken {
            Some(at) => render(&texts.list.last_taken, &[("date", day(at, this_year))]),
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
    for line in wrap(texts.list.footer.trim(), width, "", "") {
        writeln!(w, "{DIM}{line}{DIM:#}")?;
    }
    Ok(())
}

// ---- taking one --------------------------------------------------------------------------

/// What `--json` prints when a questionnaire was stopped before the end.
#[derive(Serialize)]
struct Stopped<'a> {
    status: &'static str,
    instrument: &'a str,
    version: u32,
    answered: usize,
    position: usize,
    total: usize,
    saved: bool,
}

/// What `--json` prints at the end.
#[derive(Serialize)]
struct Finished<'a> {
    status: &'static str,
    result: &'a Taken,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    point: Option<Point>,
    steps: Vec<Emphasis>,
    /// In safety mode: that safety comes first, and what is offered in
    /// place of the steps with the partner.
    #[serde(skip_serializing_if = "Option::is_none")]
    safety_first: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<SourceProfile>,
}

/// How a run of questions ended.
enum Outcome {
    Done,
    Stopped,
}

fn take(args: &AssessArgs, app: &App) -> CliResult {
    let Loaded { library, texts } = load(app)?;
    let inst = match (&args.id, &args.file) {
        (_, Some(path)) => from_file(path, &library)?,
        (Some(id), None) => by_id(&library, id)?,
        (None, None) => return Err(CliError::user("name a questionnaire, or give --file").exit(Exit::User)),
    };
    if args.check {
        if args.json {
            return out::json(&serde_json::json!({
                "valid": true,
                "id": inst.id,
                "title": inst.title,
                "version": inst.version,
                "items": inst.items.len(),
                "subscales": inst.subscales.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            }));
        }
        let mut w = out::stdout();
        writeln!(
            w,
            "{GOOD}Valid{GOOD:#}: \"{}\" (id {}, version {}), {} questions in {} subscales.",
            inst.title,
            inst.id,
            inst.version,
            inst.items.len(),
            inst.subscales.len()
        )?;
        return Ok(());
    }
    // Everything that can be checked without the journal is checked; now open it.
    let (instruments, _) = assess::instruments(&library);
    let rules = StepRules::load(&library, &instruments).map_err(content_error)?;
    let index = LearnIndex::load(&library).map_err(content_error)?;
    let mut opened = app.open()?;
    let store = &mut opened.store;
    let this_year = app.now.year();

    let mut session = match store.assessment_session(&inst.id)? {
        Some(_) if args.restart => {
            store.discard_assessment_session(&inst.id)?;
            Session::new(&inst, app.now_moment())
        }
        Some(s) if s.fits(&inst) => {
            if !s.is_done(&inst) {
                say(&render(
                    &texts.take.resumed,
                    &[
                        ("answered", s.answered().to_string()),
                        ("total", inst.items.len().to_string()),
                        ("date", day(&s.updated, this_year)),
                    ],
                ));
            }
            s
        }
        Some(s) => {
            say(&render(
                &texts.take.restarted_changed,
                &[("old", s.version.to_string()), ("new", inst.version.to_string())],
            ));
            store.discard_assessment_session(&inst.id)?;
            Session::new(&inst, app.now_moment())
        }
        None => Session::new(&inst, app.now_moment()),
    };
    let fresh = session.position == 0 && session.answers.is_empty();

    intro(&inst, &texts, fresh);
    let arrows = app.interactive && !args.plain;
    let outcome = if arrows {
        ask_with_arrows(&inst, &texts, &mut session, store, app)?
    } else {
        ask_plain(&inst, &texts, &mut session, store, app)?
    };

    if let Outcome::Stopped = outcome {
        let saved = session.position > 0 || !session.answers.is_empty();
        let text = if saved {
            render(
                &texts.take.stopped,
                &[
                    ("answered", session.answered().to_string()),
                    ("total", inst.items.len().to_string()),
                    ("id", resume_id(args, &inst)),
                ],
            )
        } else {
            texts.take.stopped_empty.trim().to_string()
        };
        say(&format!("\n{text}"));
        if args.json {
            return out::json(&Stopped {
                status: "stopped",
                instrument: &inst.id,
                version: inst.version,
                answered: session.answered(),
                position: session.position,
                total: inst.items.len(),
                saved,
            });
        }
        return Ok(());
    }

    if session.answers.is_empty() {
        store.discard_assessment_session(&inst.id)?;
        say(&format!("\n{}", texts.take.nothing_answered.trim()));
        if args.json {
            return out::json(&Stopped {
                status: "nothing-answered",
                instrument: &inst.id,
                version: inst.version,
                answered: 0,
                position: session.position,
                total: inst.items.len(),
                saved: false,
            });
        }
        return Ok(());
    }

    let previous = store.last_assessment(&inst.id)?;
    let policy = app.safety_policy(store)?;
    let taken = session
        .finish(&inst, app.new_id(), app.now_moment())
        .map_err(|e| CliError::user(format!("the saved answers no longer fit the questionnaire: {e}")))?;
    store.save_assessment(&taken)?;
    say(&format!("\n{}\n", texts.take.done.trim()));

    let changes = previous.as_ref().map(|p| assess::compare(&taken, p, texts.profile.same_within));
    let finished = Finished {
        status: "finished",
        result: &taken,
        changes,
        point: assess::point(&inst, &taken.scores),
        steps: rules.emphasis(&taken, policy),
        safety_first: rules.safety_note(policy),
        sources: assess::source_profile(&inst, &taken),
    };
    if args.json {
        return out::json(&finished);
    }
    profile(&inst, &texts, &index, &library, &finished, this_year)
}

/// How to resume: the id, or the --file flag for a questionnaire from a file.
fn resume_id(args: &AssessArgs, inst: &Instrument) -> String {
    match &args.file {
        Some(path) => format!("--file {}", path.display()),
        None => inst.id.clone(),
    }
}

/// A line on standard error (the questions and their chrome), so standard
/// output carries only the profile (or the JSON).
fn say(text: &str) {
    let width = width();
    let mut w = anstream::stderr();
    for para in text.split('\n') {
        if para.trim().is_empty() {
            let _ = writeln!(w);
            continue;
        }
        for line in wrap(para, width, "", "") {
            let _ = writeln!(w, "{line}");
        }
    }
}

fn intro(inst: &Instrument, texts: &AssessTexts, fresh: bool) {
    let mut w = anstream::stderr();
    let _ = writeln!(w, "\n{BOLD}{}{BOLD:#}", inst.title);
    if fresh {
        say(inst.intro.trim());
        let _ = writeln!(w);
    }
    let width = width();
    for line in wrap(texts.reflection_note.trim(), width, "", "") {
        let _ = writeln!(w, "{DIM}{line}{DIM:#}");
    }
}

fn progress(texts: &AssessTexts, session: &Session, inst: &Instrument) -> String {
    render(&texts.take.progress, &[("n", (session.position + 1).to_string()), ("total", inst.items.len().to_string())])
}

/// "4  Quite like me" (or just "4" for a point without a label).
fn choice(inst: &Instrument, value: i32) -> String {
    match inst.scale.label(value) {
        Some(label) => format!("{value}  {label}"),
        None => value.to_string(),
    }
}

fn save(store: &mut Store, session: &Session) -> CliResult {
    store.save_assessment_session(session)?;
    Ok(())
}

fn ask_plain(
    inst: &Instrument,
    texts: &AssessTexts,
    session: &mut Session,
    store: &mut Store,
    app: &App,
) -> CliResult<Outcome> {
    let width = width();
    say(&format!("\n{}", texts.take.how_plain.trim()));
    // No-break spaces keep each choice on one line when the legend wraps.
    let legend: Vec<String> = inst.scale.values().map(|v| choice(inst, v).replace(' ', "\u{a0}")).collect();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut invalid_in_a_row = 0;
    while let Some(item) = session.current(inst) {
        let mut w = anstream::stderr();
        writeln!(w, "\n{DIM}{}{DIM:#}", progress(texts, session, inst))?;
        if let Some(stem) = &inst.stem {
            for line in wrap(stem, width, "", "") {
                writeln!(w, "{DIM}{line}{DIM:#}")?;
            }
        }
        for line in wrap(&item.text, width, "", "") {
            writeln!(w, "{BOLD}{line}{BOLD:#}")?;
        }
        for line in wrap(&legend.join(" · "), width, "  ", "  ") {
            writeln!(w, "{line}")?;
        }
        if let Some(v) = session.answers.get(&item.id) {
            writeln!(w, "{DIM}  (your answer was {v}){DIM:#}")?;
        }
        write!(w, "> ")?;
        w.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            let _ = writeln!(w);
            return Ok(Outcome::Stopped);
        }
        let answer = line.trim().to_lowercase();
        match answer.as_str() {
            "q" | "quit" | "stop" => return Ok(Outcome::Stopped),
            "s" | "skip" => {
                session.skip(inst, app.now_moment());
                save(store, session)?;
            }
            "b" | "back" => {
                if session.back(app.now_moment()) {
                    save(store, session)?;
                }
            }
            text => match text.parse::<i32>().ok().filter(|v| inst.scale.contains(*v)) {
                Some(v) => {
                    session
                        .answer(inst, v, app.now_moment())
                        .map_err(|e| CliError::user(e.to_string()).exit(Exit::Internal))?;
                    save(store, session)?;
                    invalid_in_a_row = 0;
                    continue;
                }
                None => {
                    invalid_in_a_row += 1;
                    say(&render(
                        &texts.take.invalid,
                        &[("first", inst.scale.first.to_string()), ("last", inst.scale.last().to_string())],
                    ));
                    if invalid_in_a_row >= 20 {
                        return Err(CliError::user(
                            "stopped after 20 answers in a row that were not on the scale; your earlier answers are kept",
                        )
                        .hint(format!("type a number from {} to {}", inst.scale.first, inst.scale.last())));
                    }
                    continue;
                }
            },
        }
        invalid_in_a_row = 0;
    }
    Ok(Outcome::Done)
}

fn ask_with_arrows(
    inst: &Instrument,
    texts: &AssessTexts,
    session: &mut Session,
    store: &mut Store,
    app: &App,
) -> CliResult<Outcome> {
    let width = width();
    let theme = ColorfulTheme::default();
    let term = Term::stderr();
    say(&format!("\n{}", texts.take.how_arrows.trim()));
    let values: Vec<i32> = inst.scale.values().collect();
    while let Some(item) = session.current(inst) {
        let mut w = anstream::stderr();
        writeln!(w)?;
        if let Some(stem) = &inst.stem {
            for line in wrap(stem, width, "", "") {
                writeln!(w, "{DIM}{line}{DIM:#}")?;
            }
        }
        for line in wrap(&item.text, width, "", "") {
            writeln!(w, "{BOLD}{line}{BOLD:#}")?;
        }
        let mut choices: Vec<String> = values.iter().map(|v| choice(inst, *v)).collect();
        choices.push(texts.take.skip.trim().to_string());
        let can_go_back = session.position > 0;
        if can_go_back {
            choices.push(texts.take.back.trim().to_string());
        }
        choices.push(texts.take.stop.trim().to_string());
        let default =
            session.answers.get(&item.id).and_then(|v| values.iter().position(|x| x == v)).unwrap_or(values.len() / 2);
        let picked = Select::with_theme(&theme)
            .with_prompt(progress(texts, session, inst))
            .items(&choices)
            .default(default)
            .max_length(14)
            .interact_on_opt(&term);
        let picked = match picked {
            Ok(p) => p,
            // The terminal went away or the read failed: answers so far are saved.
            Err(_) => return Ok(Outcome::Stopped),
        };
        let Some(k) = picked else { return Ok(Outcome::Stopped) };
        if let Some(&v) = values.get(k) {
            session
                .answer(inst, v, app.now_moment())
                .map_err(|e| CliError::user(e.to_string()).exit(Exit::Internal))?;
        } else if k == values.len() {
            session.skip(inst, app.now_moment());
        } else if can_go_back && k == values.len() + 1 {
            session.back(app.now_moment());
        } else {
            return Ok(Outcome::Stopped);
        }
        save(store, session)?;
    }
    Ok(Outcome::Done)
}

// ---- the profile --------------------------------------------------------------------------

fn profile(
    inst: &Instrument,
    texts: &AssessTexts,
    index: &LearnIndex,
    library: &Library,
    f: &Finished<'_>,
    this_year: i16,
) -> CliResult {
    let p = &texts.profile;
    let width = width();
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", render(&p.heading, &[("title", inst.title.clone())]))?;
    for line in wrap(texts.reflection_note.trim(), width, "", "") {
        writeln!(w, "{DIM}{line}{DIM:#}")?;
    }
    for s in &f.result.scores {
        let Some(sub) = inst.subscale(&s.subscale) else { continue };
        writeln!(w)?;
        writeln!(w, "{BOLD}{}{BOLD:#}", sub.name)?;
        match s.score {
            Some(score) => {
                let band = s.band.as_deref().map(|b| format!(" · {b}")).unwrap_or_default();
                writeln!(
                    w,
                    "  {}  {}  {DIM}{}{DIM:#}{band}",
                    level_bar(s),
                    num(score),
                    render(&p.range, &[("min", num(s.min)), ("max", num(s.max))])
                )?;
                if let (Some(z), Some(pct)) = (s.z, s.percentile) {
                    let text = render(&p.norm, &[("percentile", format!("{pct:.0}")), ("z", format!("{z:+.2}"))]);
                    for line in wrap(&text, width, "  ", "  ") {
                        writeln!(w, "{line}")?;
                    }
                }
            }
            None => {
                let text = render(&p.no_score, &[("answered", s.answered.to_string()), ("items", s.items.to_string())]);
                writeln!(w, "  {DIM}{text}{DIM:#}")?;
            }
        }
        for line in wrap(&sub.about, width, "  ", "  ") {
            writeln!(w, "{DIM}{line}{DIM:#}")?;
        }
        if let Some(band) = s.score.and_then(|score| assess::score::band_for(sub, score)) {
            for line in wrap(&band.text, width, "  ", "  ") {
                writeln!(w, "{line}")?;
            }
        }
    }

    writeln!(w)?;
    match &f.changes {
        Some(c) => {
            writeln!(w, "{BOLD}{}{BOLD:#}", render(&p.since, &[("date", day(&c.previous_at, this_year))]))?;
            if c.version_changed {
                let text = render(
                    &p.version_changed,
                    &[("old", c.previous_version.to_string()), ("new", inst.version.to_string())],
                );
                for line in wrap(&text, width, "  ", "  ") {
                    writeln!(w, "{line}")?;
                }
            }
            for ch in &c.changes {
                let name = inst.subscale(&ch.subscale).map_or(ch.subscale.as_str(), |s| s.name.as_str());
                let template = match ch.direction {
                    Direction::Higher => &p.higher,
                    Direction::Lower => &p.lower,
                    Direction::AboutTheSame => &p.same,
                };
                let text = render(template, &[("before", num(ch.before)), ("now", num(ch.now))]);
                for line in wrap(&format!("{name}: {text}"), width, "  ", "    ") {
                    writeln!(w, "{line}")?;
                }
            }
        }
        None => {
            for line in wrap(p.first_time.trim(), width, "", "") {
                writeln!(w, "{DIM}{line}{DIM:#}")?;
            }
        }
    }

    if let (Some(point), Some(axes)) = (&f.point, &inst.axes) {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", p.picture.trim())?;
        for line in wrap(&axes.about, width, "", "") {
            writeln!(w, "{line}")?;
        }
        writeln!(w)?;
        picture(&mut w, inst, point)?;
        let here = axes.regions.iter().find(|r| r.x == point.x_side && r.y == point.y_side);
        if let Some(region) = here {
            writeln!(w)?;
            for line in wrap(&render(&p.now_in, &[("region", region.name.clone())]), width, "", "") {
                writeln!(w, "{line}")?;
            }
        }
        if point.near_a_line {
            for line in wrap(p.near_line.trim(), width, "", "") {
                writeln!(w, "{line}")?;
            }
        }
        let x_name = inst.subscale(&axes.x).map_or(axes.x.as_str(), |s| s.name.as_str()).to_lowercase();
        let y_name = inst.subscale(&axes.y).map_or(axes.y.as_str(), |s| s.name.as_str()).to_lowercase();
        for r in &axes.regions {
            let mark = if Some(r) == here { "●" } else { "○" };
            let side = |s: Side| if s == Side::High { "more" } else { "less" };
            writeln!(w, "\n{mark} {BOLD}{}{BOLD:#}", r.name)?;
            for line in wrap(&format!("{} {x_name} · {} {y_name}", side(r.x), side(r.y)), width, "  ", "  ") {
                writeln!(w, "{DIM}{line}{DIM:#}")?;
            }
            for line in wrap(&r.text, width, "  ", "  ") {
                writeln!(w, "{line}")?;
            }
        }
    }

    writeln!(w, "\n{BOLD}{}{BOLD:#}", p.steps.trim())?;
    if let Some(note) = f.safety_first {
        for line in wrap(note, width, "  ", "  ") {
            writeln!(w, "{line}")?;
        }
        writeln!(w, "  {DIM}`attune safety`{DIM:#}")?;
    }
    for e in &f.steps {
        let title = index
            .section(library, Vocabulary::Step, e.step.as_str())
            .map(|s| s.title)
            .unwrap_or_else(|| e.step.as_str().to_string());
        writeln!(w, "  {HINT}{}. {title}{HINT:#}", e.number)?;
        for because in &e.because {
            for line in wrap(because, width, "     ", "     ") {
                writeln!(w, "{line}")?;
            }
        }
    }
    for line in wrap(p.learn_more.trim(), width, "", "") {
        writeln!(w, "{DIM}{line}{DIM:#}")?;
    }
    Ok(())
}

/// "██████░░░░" for where a score sits in its range.
fn level_bar(s: &SubscaleScore) -> String {
    let filled = s.level().map_or(0, |l| (l * 10.0).round() as usize).min(10);
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// 3, 3.5, 3.25 (no needless zeros).
fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The two axes as a small picture, with the point.
fn picture(w: &mut impl Write, inst: &Instrument, point: &Point) -> CliResult {
    const COLS: usize = 29;
    const ROWS: usize = 11;
    let Some(axes) = &inst.axes else { return Ok(()) };
    let (Some(sx), Some(sy)) = (inst.subscale(&axes.x), inst.subscale(&axes.y)) else { return Ok(()) };
    let ((x0, x1), (y0, y1)) = (inst.range(sx), inst.range(sy));
    let col = |v: f64| (((v - x0) / (x1 - x0)).clamp(0.0, 1.0) * (COLS - 1) as f64).round() as usize;
    let row = |v: f64| ((1.0 - ((v - y0) / (y1 - y0)).clamp(0.0, 1.0)) * (ROWS - 1) as f64).round() as usize;
    let (split_c, split_r) = (col(axes.x_split), row(axes.y_split));
    let (pc, pr) = (col(point.x), row(point.y));
    let y_label = format!("↑ {}", sy.name);
    writeln!(w, "  {y_label}")?;
    for r in 0..ROWS {
        let edge = if r == 0 {
            num(y1)
        } else if r == ROWS - 1 {
            num(y0)
        } else {
            String::new()
        };
        let mut line = String::new();
        for c in 0..COLS {
            let ch = if (r, c) == (pr, pc) {
                '●'
            } else if r == split_r && c == split_c {
                '┼'
            } else if r == split_r {
                '─'
            } else if c == split_c {
                '│'
            } else {
                ' '
            };
            line.push(ch);
        }
        let line = line.trim_end().replace('●', &format!("{GOOD}●{GOOD:#}"));
        writeln!(w, "  {edge:>3} │{line}")?;
    }
    writeln!(w, "      └{}→ {}", "─".repeat(COLS), sx.name)?;
    writeln!(w, "      {:<width$}{}", num(x0), num(x1), width = COLS)?;
    Ok(())
}

// ---- history ----------------------------------------------------------------------------------

fn history(id: Option<&str>, json: bool, app: &App) -> CliResult {
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
    let width = width();
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
                    Some(v) => format!("{name} {}", num(v)),
                    None => format!("{name} -"),
                }
            })
            .collect();
        for line in wrap(&parts.join(" · "), width, "  ", "  ") {
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}

// ---- helpers ------------------------------------------------------------------------------

/// "Thu 26 Nov" (with the year when it is not this year).
fn day(m: &Moment, this_year: i16) -> String {
    let local = m.local();
    if local.year() == this_year {
        local.strftime("%a %d %b").to_string()
    } else {
        local.strftime("%a %d %b %Y").to_string()
    }
}

/// The text width: the terminal's (at most 100), or 80 when not in a terminal.
pub(crate) fn width() -> usize {
    let term = Term::stdout();
    if std::io::stdout().is_terminal()
        && let Some((_, cols)) = term.size_checked()
    {
        return usize::from(cols).clamp(40, 100) - 2;
    }
    78
}

/// Wraps a paragraph.
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    // Break only at spaces: never inside a path, a command or a `--flag`.
    let opts = textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text.trim(), opts).into_iter().map(|c| c.into_owned()).collect()
}
