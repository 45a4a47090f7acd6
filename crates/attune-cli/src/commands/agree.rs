//! `attune agree`: what we decided together (framework step 3): check-in
//! rhythms, what we say, how we reconnect, the pause rule. Create, revise,
//! mark agreed, review, retire, and export to a calendar.

use std::io::Write;
use std::path::PathBuf;

use attune_core::content::Library;
use attune_core::plan::rhythm::{RHYTHM_EXAMPLES, parse_time};
use attune_core::plan::{
    Agreement, AgreementChanges, AgreementDraft, AgreementError, AgreementKind, Concern, ControlRules, Every, Proposer,
    ReviewEvery, Rhythm, ics,
};
use attune_store::{Numbered, Store};
use clap::{Args, Subcommand};

use crate::app::App;
use crate::commands::toolkit::{agreement_line, day, dim, plan_texts, policy, safety_note, with_list_hint, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, Breaks, DIM, GOOD, HINT, PAGE, Stamp, Wrap};

/// `attune agree`.
#[derive(Debug, Args)]
pub struct AgreeArgs {
    #[command(subcommand)]
    pub action: Option<AgreeAction>,
    /// Also list retired agreements.
    #[arg(long)]
    pub all: bool,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long, global = true)]
    pub json: bool,
}

/// When and how long, shared by `add` and `revise`.
#[derive(Debug, Args, Default)]
pub struct RhythmFlags {
    /// How often it happens: day, weekday, weekend, sunday, "mon,thu", "2 weeks on sunday", month.
    #[arg(long, value_name = "WHEN")]
    pub every: Option<String>,
    /// At what time: 19:00, 7pm.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// How long: the talk or ritual (with --every), or a pause (pause rule).
    #[arg(long, value_name = "MINUTES")]
    pub minutes: Option<i64>,
    /// When to look at it again together: a date, "in 4 weeks" is written --review-every 4w.
    #[arg(long, value_name = "WHEN")]
    pub review: Option<String>,
    /// How often to look at it again: 4w, 3m, "6 weeks".
    #[arg(long, value_name = "EVERY")]
    pub review_every: Option<String>,
}

/// What to do with agreements.
#[derive(Debug, Subcommand)]
pub enum AgreeAction {
    /// Write down something you decided (or propose) together.
    Add {
        /// The agreement in a sentence: "a short text at lunch", "a 20-minute talk on Sundays".
        text: String,
        /// check-in, ritual, words, reconnect, pause-rule or other
        /// (default: check-in with --every, else other).
        #[arg(long)]
        kind: Option<String>,
        /// Who proposed it: me, partner or both (default both).
        #[arg(long, value_name = "WHO")]
        by: Option<String>,
        /// You have both agreed (on this day; default today).
        #[arg(long, value_name = "WHEN", num_args = 0..=1, default_missing_value = "today")]
        agreed: Option<String>,
        #[command(flatten)]
        when: RhythmFlags,
    },
    /// Show one agreement with its history.
    Show {
        /// Its number.
        number: i64,
    },
    /// Change the words or details; new words need agreeing again.
    Revise {
        /// Its number.
        number: i64,
        /// The new words.
        text: Option<String>,
        #[command(flatten)]
        when: RhythmFlags,
        /// Remove the rhythm.
        #[arg(long, conflicts_with = "every")]
        no_rhythm: bool,
        /// Who proposed it.
        #[arg(long, value_name = "WHO")]
        by: Option<String>,
        /// Why it changed, for the history.
        #[arg(long)]
        note: Option<String>,
    },
    /// Mark it agreed by both of you.
    Agreed {
        /// Its number.
        number: i64,
        /// The day (default today).
        #[arg(long, value_name = "WHEN")]
        on: Option<String>,
        /// A note for the history.
        #[arg(long)]
        note: Option<String>,
    },
    /// Record that you looked at it again together.
    Review {
        /// Its number.
        number: i64,
        /// The next review (default: one review interval on, if it has one).
        #[arg(long, value_name = "WHEN")]
        next: Option<String>,
        /// What you decided, for the history.
        #[arg(long)]
        note: Option<String>,
    },
    /// Set it aside (it stays in the history).
    Retire {
        /// Its number.
        number: i64,
        /// Why, for the history.
        #[arg(long)]
        note: Option<String>,
    },
    /// Take a retired agreement up again.
    Restore {
        /// Its number.
        number: i64,
    },
    /// Write your rhythms and review dates as a calendar file.
    Export {
        /// iCalendar (.ics), for any calendar app. (The only format so far.)
        #[arg(long, required = true)]
        ics: bool,
        /// Write to this file instead of standard output. It is not encrypted.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Leave the agreements' words out of the event titles.
        #[arg(long)]
        discreet: bool,
    },
}

pub fn run(args: AgreeArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let store = &mut opened.store;
    if !policy(app, store)?.partner_agreements {
        return safety_note(app, args.json);
    }
    let json = args.json;
    match args.action {
        None => list(store, app, args.all, json),
        Some(AgreeAction::Add { text, kind, by, agreed, when }) => add(store, app, text, kind, by, agreed, when, json),
        Some(AgreeAction::Show { number }) => {
            let a = store.agreement(number).map_err(with_list_hint("attune agree --all"))?;
            if json {
                return out::json(&a);
            }
            detail(&mut out::stdout(), &a, app.now.year())
        }
        Some(AgreeAction::Revise { number, text, when, no_rhythm, by, note }) => {
            let mut a = store.agreement(number).map_err(with_list_hint("attune agree"))?;
            let mut changes =
                AgreementChanges { text, proposed_by: by.as_deref().map(proposer).transpose()?, ..Default::default() };
            let from = app.now.date();
            if no_rhythm {
                changes.rhythm = Some(None);
            } else if when.every.is_some() || (when.at.is_some() || when.minutes.is_some()) && a.item.rhythm.is_some() {
                changes.rhythm = Some(Some(rhythm(&when, a.item.rhythm.as_ref(), a.item.kind, from)?));
            }
            if a.item.kind == AgreementKind::PauseRule {
                changes.pause_minutes = when.minutes;
            } else if when.minutes.is_some() && changes.rhythm.is_none() {
                return Err(CliError::user("--minutes is the length of a rhythm or a pause")
                    .hint("add --every, or use it on a pause rule"));
            }
            if let Some(r) = &when.review {
                changes.review_on = Some(Some(day(app, "--review", r)?));
            }
            if let Some(r) = &when.review_every {
                changes.review_every = Some(Some(review_every(r)?));
            }
            let new_words = changes.text.is_some();
            a.item.revise(changes, app.now_moment(), note.as_deref().unwrap_or("")).map_err(agreement_error)?;
            store.update_agreement(a.seq, &a.item)?;
            // Only new words are asked about again: a changed time is no reason to ask twice.
            let control = if new_words { Control::of(app, &a.item.text) } else { Control::default() };
            if json {
                return out::json(&Saved { row: &a, control_concerns: &control.concerns });
            }
            writeln!(out::stdout(), "{GOOD}Revised{GOOD:#} agreement {}: {}", a.seq, a.item.text)?;
            control.show()?;
            if a.item.agreed_on.is_none() && !json {
                dim(&mut out::stdout(), &format!("When you have both agreed: attune agree agreed {number}"))?;
            }
            Ok(())
        }
        Some(AgreeAction::Agreed { number, on, note }) => {
            let mut a = store.agreement(number).map_err(with_list_hint("attune agree"))?;
            let on = on.as_deref().map(|t| day(app, "--on", t)).transpose()?.unwrap_or(app.now.date());
            a.item.confirm(on, app.now_moment(), note.as_deref().unwrap_or("")).map_err(agreement_error)?;
            save(store, &a, json, "Marked as agreed by both:")
        }
        Some(AgreeAction::Review { number, next, note }) => {
            let mut a = store.agreement(number).map_err(with_list_hint("attune agree"))?;
            let next = next.as_deref().map(|t| day(app, "--next", t)).transpose()?;
            a.item
                .review(app.now.date(), next, app.now_moment(), note.as_deref().unwrap_or(""))
                .map_err(agreement_error)?;
            save(store, &a, json, "Reviewed")?;
            if !json {
                match a.item.review_on {
                    Some(d) => dim(
                        &mut out::stdout(),
                        &format!("Next review: {}", out::stamp(d, app.now.year(), Stamp::Weekday)),
                    )?,
                    None => dim(&mut out::stdout(), "No next review set; --next sets one.")?,
                }
            }
            Ok(())
        }
        Some(AgreeAction::Retire { number, note }) => {
            let mut a = store.agreement(number).map_err(with_list_hint("attune agree"))?;
            a.item.retire(app.now.date(), app.now_moment(), note.as_deref().unwrap_or("")).map_err(agreement_error)?;
            save(store, &a, json, "Retired")?;
            if !json {
                dim(
                    &mut out::stdout(),
                    &format!("It stays in the history; `attune agree restore {number}` brings it back."),
                )?;
            }
            Ok(())
        }
        Some(AgreeAction::Restore { number }) => {
            let mut a = store.agreement(number).map_err(with_list_hint("attune agree --all"))?;
            a.item.restore(app.now_moment(), "").map_err(agreement_error)?;
            save(store, &a, json, "Restored")
        }
        Some(AgreeAction::Export { ics: _, out: path, discreet }) => export(store, app, path, discreet),
    }
}

fn agreement_error(e: AgreementError) -> CliError {
    match e {
        AgreementError::Invalid(v) => v.into(),
        other => CliError::user(format!("nothing was changed: {other}")),
    }
}

fn proposer(s: &str) -> CliResult<Proposer> {
    s.parse().map_err(|e: attune_core::plan::BadProposer| CliError::user(format!("--by: {e}")))
}

fn review_every(s: &str) -> CliResult<ReviewEvery> {
    ReviewEvery::parse(s).map_err(|e| CliError::user(format!("--review-every: {e}")))
}

/// The rhythm the flags describe (on top of `old` when revising).
fn rhythm(f: &RhythmFlags, old: Option<&Rhythm>, kind: AgreementKind, from: jiff::civil::Date) -> CliResult<Rhythm> {
    let every = match (&f.every, old) {
        (Some(e), _) => Every::parse(e, from).map_err(|e| CliError::user(format!("--every: {e}")))?,
        (None, Some(o)) => o.every.clone(),
        (None, None) => return Err(CliError::user("a rhythm needs --every").hint(RHYTHM_EXAMPLES)),
    };
    let at = match (&f.at, old) {
        (Some(t), _) => parse_time(t).ok_or_else(|| {
            CliError::user(format!("--at: '{t}' is not a time of day")).hint("write it like 19:00 or 7pm")
        })?,
        (None, Some(o)) => o.at,
        (None, None) => {
            return Err(CliError::user("a rhythm needs a time of day").hint("add --at, e.g. --at 19:00"));
        }
    };
    let minutes = match (kind, f.minutes, old) {
        (AgreementKind::PauseRule, _, Some(o)) => o.minutes,
        (AgreementKind::PauseRule, _, None) => 15,
        (_, Some(m), _) => u32::try_from(m).unwrap_or(0),
        (_, None, Some(o)) => o.minutes,
        (_, None, None) => 15,
    };
    let starts_from = old.map(|o| o.starts.min(from)).unwrap_or(from);
    Rhythm::new(every, at, minutes, starts_from).map_err(|e| CliError::user(format!("--minutes: {e}")))
}

#[allow(clippy::too_many_arguments)]
fn add(
    store: &mut Store,
    app: &App,
    text: String,
    kind: Option<String>,
    by: Option<String>,
    agreed: Option<String>,
    when: RhythmFlags,
    json: bool,
) -> CliResult {
    let kind = match kind {
        Some(k) => k.parse().map_err(|e: attune_core::plan::BadKind| CliError::user(format!("--kind: {e}")))?,
        None if when.every.is_some() => AgreementKind::CheckIn,
        None => AgreementKind::Other,
    };
    let today = app.now.date();
    let rhythm = if when.every.is_some() || when.at.is_some() { Some(rhythm(&when, None, kind, today)?) } else { None };
    let pause_minutes = if kind == AgreementKind::PauseRule {
        when.minutes
    } else if when.minutes.is_some() && rhythm.is_none() {
        return Err(CliError::user("nothing was saved: --minutes is the length of a rhythm or of a pause")
            .hint("add --every and --at for a rhythm, or --kind pause-rule for the pause rule"));
    } else {
        None
    };
    let draft = AgreementDraft {
        kind,
        text,
        proposed_by: by.as_deref().map(proposer).transpose()?.unwrap_or(Proposer::Both),
        agreed_on: agreed.as_deref().map(|t| day(app, "--agreed", t)).transpose()?,
        rhythm,
        pause_minutes,
        review_on: when.review.as_deref().map(|t| day(app, "--review", t)).transpose()?,
        review_every: when.review_every.as_deref().map(review_every).transpose()?,
    };
    let a = draft.into_agreement(app.new_id(), app.now_moment())?;
    let seq = store.add_agreement(&a)?;
    let row = Numbered { seq, item: a };
    let control = Control::of(app, &row.item.text);
    if json {
        return out::json(&Saved { row: &row, control_concerns: &control.concerns });
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Saved{GOOD:#} agreement {seq}: {}", row.item.text)?;
    drop(w);
    control.show()?;
    let mut w = out::stdout();
    if row.item.agreed_on.is_none() {
        dim(&mut w, &format!("It is a proposal for now. When you have both agreed: attune agree agreed {seq}"))?;
    }
    if row.item.rhythm.is_some() {
        dim(&mut w, "`attune agree export --ics --out attune.ics` puts it in your calendar.")?;
    }
    Ok(())
}

/// A saved agreement, and what in its words may be about control.
#[derive(serde::Serialize)]
struct Saved<'a> {
    #[serde(flatten)]
    row: &'a Numbered<Agreement>,
    #[serde(skip_serializing_if = "<[Concern]>::is_empty")]
    control_concerns: &'a [Concern],
}

/// The gentle questions about an agreement that may encode control (one
/// partner monitoring or restricting the other). Asked after the save,
/// never instead of it.
#[derive(Default)]
struct Control {
    concerns: Vec<Concern>,
    rules: Option<ControlRules>,
}

impl Control {
    /// The concerns in `text`. A broken `plan/control.toml` in the
    /// content_dir falls back to the built-in phrases: the question is
    /// about safety, so it is not dropped over a typo.
    fn of(app: &App, text: &str) -> Control {
        let rules = app
            .library()
            .ok()
            .and_then(|lib| ControlRules::load(&lib).ok())
            .or_else(|| ControlRules::load(&Library::embedded()).ok());
        let concerns = rules.as_ref().map(|r| r.concerns(text)).unwrap_or_default();
        Control { concerns, rules }
    }

    fn show(&self) -> CliResult {
        let (Some(rules), false) = (&self.rules, self.concerns.is_empty()) else { return Ok(()) };
        let t = &rules.texts;
        let mut w = out::stdout();
        writeln!(w, "\n{BOLD}{}{BOLD:#}", t.title)?;
        wrapped(&mut w, &t.found_line(&self.concerns), "")?;
        for q in &t.questions {
            Wrap::new(PAGE, Breaks::Words).indent("  · ", "    ").print(&mut w, q.trim())?;
        }
        wrapped(&mut w, &t.note, "")?;
        writeln!(w, "  {DIM}`attune safety check`{DIM:#}")?;
        dim(&mut w, t.saved_anyway.trim())?;
        Ok(())
    }
}

fn save(store: &mut Store, a: &Numbered<Agreement>, json: bool, verb: &str) -> CliResult {
    store.update_agreement(a.seq, &a.item)?;
    if json {
        return out::json(a);
    }
    writeln!(out::stdout(), "{GOOD}{verb}{GOOD:#} agreement {}: {}", a.seq, a.item.text)?;
    Ok(())
}

fn list(store: &Store, app: &App, all: bool, json: bool) -> CliResult {
    let agreements = store.agreements(all)?;
    if json {
        return out::json(&agreements);
    }
    let mut w = out::stdout();
    if agreements.is_empty() {
        wrapped(&mut w, &plan_texts(app)?.plan.no_agreements, "")?;
        return Ok(());
    }
    for a in &agreements {
        agreement_line(&mut w, a, app.now.year())?;
    }
    dim(&mut w, "`attune agree show N` shows one with its history.")?;
    Ok(())
}

fn detail(w: &mut impl Write, a: &Numbered<Agreement>, this_year: i16) -> CliResult {
    let x = &a.item;
    writeln!(w, "{BOLD}Agreement {}{BOLD:#}  {HINT}{}{HINT:#}", a.seq, x.kind)?;
    wrapped(w, &x.text, "  ")?;
    writeln!(w)?;
    let field = |w: &mut dyn Write, name: &str, value: String| -> CliResult {
        writeln!(w, "{BOLD}{name:<12}{BOLD:#} {value}")?;
        Ok(())
    };
    field(w, "Proposed by", x.proposed_by.to_string())?;
    field(
        w,
        "Agreed",
        x.agreed_on.map(|d| out::stamp(d, this_year, Stamp::Weekday)).unwrap_or_else(|| "not yet".into()),
    )?;
    if let Some(r) = &x.rhythm {
        field(w, "Rhythm", format!("{r}, from {}", out::stamp(r.starts, this_year, Stamp::Weekday)))?;
    }
    if let Some(m) = x.pause_minutes {
        field(w, "Pause", format!("{m} minutes"))?;
    }
    let review = match (x.review_on, x.review_every) {
        (Some(d), Some(e)) => format!("{} ({e})", out::stamp(d, this_year, Stamp::Weekday)),
        (Some(d), None) => out::stamp(d, this_year, Stamp::Weekday),
        (None, Some(e)) => e.to_string(),
        (None, None) => "-".into(),
    };
    field(w, "Review", review)?;
    if let Some(d) = x.retired_on {
        field(w, "Retired", out::stamp(d, this_year, Stamp::Weekday))?;
    }
    writeln!(w, "\n{BOLD}History{BOLD:#}")?;
    let mut last_text: Option<&str> = None;
    for r in &x.history {
        let words = if last_text != Some(r.text.as_str()) { format!("  \"{}\"", r.text) } else { String::new() };
        let note = if r.note.is_empty() { String::new() } else { format!("  {DIM}({}){DIM:#}", r.note) };
        writeln!(w, "  {DIM}{}{DIM:#}  {}{words}{note}", out::short_time(&r.at, this_year), r.change.as_str())?;
        last_text = Some(r.text.as_str());
    }
    writeln!(w, "\n{DIM}id {}{DIM:#}", x.id)?;
    Ok(())
}

fn export(store: &Store, app: &App, path: Option<PathBuf>, discreet: bool) -> CliResult {
    let texts = plan_texts(app)?;
    let agreements = store.agreements(false)?;
    let plans = store.trigger_plans()?;
    let refs: Vec<&Agreement> = agreements.iter().map(|a| &a.item).collect();
    let plan_refs: Vec<_> = plans.iter().collect();
    let text = ics::export(&refs, &plan_refs, &texts.calendar, app.now.timestamp(), discreet);
    match path {
        None => {
            let mut w = std::io::stdout().lock();
            w.write_all(text.as_bytes())?;
            w.flush()?;
        }
        Some(p) => {
            // Private (0600) and atomic, like every file attune writes.
            crate::files::write(&p, text.as_bytes(), "choose another file with --out")?;
            let events = text.matches("BEGIN:VEVENT").count();
            let mut w = out::stdout();
            writeln!(w, "{GOOD}Wrote{GOOD:#} {events} calendar events to {}.", p.display())?;
            dim(&mut w, "The file is not encrypted; --discreet leaves your agreements' words out of the titles.")?;
        }
    }
    Ok(())
}
