//! Taking one questionnaire: one item at a time (arrow keys in a terminal,
//! typed numbers otherwise), saved after every answer so a stop is never a loss.

use std::io::{BufRead, Write};

use attune_core::assess::{self, AssessTexts, Instrument, LearnIndex, Session, StepRules, render};
use attune_store::Store;
use dialoguer::Select;
use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use serde::Serialize;

use super::args::AssessArgs;
use super::load::{Loaded, by_id, content_error, from_file, load};
use super::profile::{Finished, profile};
use crate::app::App;
use crate::error::{CliError, CliResult, Exit};
use crate::out::{self, BOLD, Breaks, DIM, GOOD, Stamp, Wrap};

/// What `--json` prints when a questionnaire was stopped before the end.
#[derive(Serialize)]
pub(super) struct Stopped<'a> {
    status: &'static str,
    instrument: &'a str,
    version: u32,
    answered: usize,
    position: usize,
    total: usize,
    saved: bool,
}

/// How a run of questions ended.
pub(super) enum Outcome {
    Done,
    Stopped,
}

pub(super) fn take(args: &AssessArgs, app: &App) -> CliResult {
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
                        ("date", out::stamp(s.updated.local(), this_year, Stamp::Weekday)),
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
pub(super) fn resume_id(args: &AssessArgs, inst: &Instrument) -> String {
    match &args.file {
        Some(path) => format!("--file {}", path.display()),
        None => inst.id.clone(),
    }
}

/// A line on standard error (the questions and their chrome), so standard
/// output carries only the profile (or the JSON).
pub(super) fn say(text: &str) {
    let width = out::width();
    let mut w = anstream::stderr();
    for para in text.split('\n') {
        if para.trim().is_empty() {
            let _ = writeln!(w);
            continue;
        }
        for line in Wrap::new(width, Breaks::Spaces).lines(para.trim()) {
            let _ = writeln!(w, "{line}");
        }
    }
}

pub(super) fn intro(inst: &Instrument, texts: &AssessTexts, fresh: bool) {
    let mut w = anstream::stderr();
    let _ = writeln!(w, "\n{BOLD}{}{BOLD:#}", inst.title);
    if fresh {
        say(inst.intro.trim());
        let _ = writeln!(w);
    }
    let width = out::width();
    for line in Wrap::new(width, Breaks::Spaces).lines(texts.reflection_note.trim()) {
        let _ = writeln!(w, "{DIM}{line}{DIM:#}");
    }
}

pub(super) fn progress(texts: &AssessTexts, session: &Session, inst: &Instrument) -> String {
    render(&texts.take.progress, &[("n", (session.position + 1).to_string()), ("total", inst.items.len().to_string())])
}

/// "4  Quite like me" (or just "4" for a point without a label).
pub(super) fn choice(inst: &Instrument, value: i32) -> String {
    match inst.scale.label(value) {
        Some(label) => format!("{value}  {label}"),
        None => value.to_string(),
    }
}

pub(super) fn save(store: &mut Store, session: &Session) -> CliResult {
    store.save_assessment_session(session)?;
    Ok(())
}

/// The questionnaire's stem (dim), then the item (bold), both ways of answering.
fn question(w: &mut impl Write, inst: &Instrument, item: &str, width: usize) -> CliResult {
    if let Some(stem) = &inst.stem {
        for line in Wrap::new(width, Breaks::Spaces).lines(stem.trim()) {
            writeln!(w, "{DIM}{line}{DIM:#}")?;
        }
    }
    for line in Wrap::new(width, Breaks::Spaces).lines(item.trim()) {
        writeln!(w, "{BOLD}{line}{BOLD:#}")?;
    }
    Ok(())
}

pub(super) fn ask_plain(
    inst: &Instrument,
    texts: &AssessTexts,
    session: &mut Session,
    store: &mut Store,
    app: &App,
) -> CliResult<Outcome> {
    let width = out::width();
    say(&format!("\n{}", texts.take.how_plain.trim()));
    // No-break spaces keep each choice on one line when the legend wraps.
    let legend: Vec<String> = inst.scale.values().map(|v| choice(inst, v).replace(' ', "\u{a0}")).collect();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut invalid_in_a_row = 0;
    while let Some(item) = session.current(inst) {
        let mut w = anstream::stderr();
        writeln!(w, "\n{DIM}{}{DIM:#}", progress(texts, session, inst))?;
        question(&mut w, inst, &item.text, width)?;
        for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(legend.join(" · ").trim()) {
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

pub(super) fn ask_with_arrows(
    inst: &Instrument,
    texts: &AssessTexts,
    session: &mut Session,
    store: &mut Store,
    app: &App,
) -> CliResult<Outcome> {
    let width = out::width();
    let theme = ColorfulTheme::default();
    let term = Term::stderr();
    say(&format!("\n{}", texts.take.how_arrows.trim()));
    let values: Vec<i32> = inst.scale.values().collect();
    while let Some(item) = session.current(inst) {
        let mut w = anstream::stderr();
        writeln!(w)?;
        question(&mut w, inst, &item.text, width)?;
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
