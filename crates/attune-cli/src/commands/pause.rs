//! `attune pause`: the pause rule's timer. A full-screen countdown with a
//! progress bar, the time left, an optional breathing pacer and a grounding
//! text; at the end a prompt to come back together. Ctrl-C ends it early.
//! Every pause is logged (`attune pause list`).
//!
//! Time comes from a [`Clock`], so tests never sleep: the terminal clock
//! waits for keys with a timeout, and with `ATTUNE_NOW` set (scripts and
//! tests, where "now" stands still) a simulated clock jumps ahead instead.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use attune_core::pause::{Countdown, Frame, Pause, PauseTexts, Phase, pick};
use attune_core::plan::MAX_PAUSE_MINUTES;
use attune_store::Numbered;
use clap::{Args, Subcommand};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, style, terminal};
use serde::Serialize;

use crate::app::App;
use crate::commands::toolkit::{ask_yes_no, content, dim, policy, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, Breaks, DIM, GOOD, Wrap};

/// `attune pause`.
#[derive(Debug, Args)]
pub struct PauseArgs {
    #[command(subcommand)]
    pub action: Option<PauseAction>,
    /// How long, in minutes (default: your agreed pause rule, else 10).
    #[arg(long, short, value_name = "MINUTES")]
    pub minutes: Option<i64>,
    /// Show a calm-breathing pacer.
    #[arg(long, short)]
    pub breathe: bool,
}

/// `attune pause list`.
#[derive(Debug, Subcommand)]
pub enum PauseAction {
    /// The pauses you took, newest first.
    List {
        /// How many.
        #[arg(short = 'n', long = "limit", value_name = "N")]
        limit: Option<usize>,
        /// Print JSON (stable shape, see docs/json.md).
        #[arg(long)]
        json: bool,
    },
}

/// What woke the timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// Time passed.
    Tick,
    /// The screen changed size: draw again.
    Redraw,
    /// Ctrl-C (or q, Esc): end early.
    Stop,
}

/// Where the timer's time comes from.
pub trait Clock {
    /// Milliseconds since the pause started.
    fn elapsed_ms(&mut self) -> u64;
    /// Waits at most `ms`, or until a key ends the pause.
    fn wait(&mut self, ms: u64) -> Wake;
}

/// The real clock, reading keys from the terminal (in raw mode, Ctrl-C is a key).
struct TerminalClock {
    start: Instant,
}

impl Clock for TerminalClock {
    fn elapsed_ms(&mut self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn wait(&mut self, ms: u64) -> Wake {
        match event::poll(Duration::from_millis(ms)) {
            Ok(true) => match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                    if ctrl_c || matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) { Wake::Stop } else { Wake::Tick }
                }
                Ok(Event::Resize(..)) => Wake::Redraw,
                _ => Wake::Tick,
            },
            Ok(false) => Wake::Tick,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(ms));
                Wake::Tick
            }
        }
    }
}

/// Real time without a terminal to read keys from.
struct SleepClock {
    start: Instant,
}

impl Clock for SleepClock {
    fn elapsed_ms(&mut self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn wait(&mut self, ms: u64) -> Wake {
        std::thread::sleep(Duration::from_millis(ms));
        Wake::Tick
    }
}

/// Time that jumps ahead by exactly what is waited for (ATTUNE_NOW set).
pub struct SimulatedClock {
    /// Milliseconds so far.
    pub now_ms: u64,
}

impl Clock for SimulatedClock {
    fn elapsed_ms(&mut self) -> u64 {
        self.now_ms
    }

    fn wait(&mut self, ms: u64) -> Wake {
        self.now_ms = self.now_ms.saturating_add(ms);
        Wake::Tick
    }
}

/// How a countdown ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How long it ran.
    pub elapsed_ms: u64,
    /// Stopped before the time was up.
    pub ended_early: bool,
}

/// Runs the countdown: draws a frame, waits for the next tick, until the
/// time is up or the clock reports Ctrl-C.
pub fn countdown(
    c: &Countdown,
    clock: &mut dyn Clock,
    mut draw: impl FnMut(&Frame) -> std::io::Result<()>,
) -> std::io::Result<Outcome> {
    let planned = u64::from(c.planned_secs()) * 1000;
    loop {
        let elapsed = clock.elapsed_ms();
        let frame = c.frame(elapsed);
        draw(&frame)?;
        if frame.finished {
            return Ok(Outcome { elapsed_ms: planned, ended_early: false });
        }
        if clock.wait(c.next_tick_ms(elapsed)) == Wake::Stop {
            return Ok(Outcome { elapsed_ms: clock.elapsed_ms().min(planned), ended_early: true });
        }
    }
}

/// What stays the same on every frame.
pub struct View<'a> {
    /// Heading.
    pub title: &'a str,
    /// Grounding text.
    pub grounding: &'a str,
    /// Keys hint.
    pub keys: &'a str,
    /// Pacer words (in, hold, out).
    pub breath_words: (&'a str, &'a str, &'a str),
}

/// "07:05".
fn mmss(secs: u64) -> String {
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// The lines of one frame, for a screen `width` columns wide (no colour).
pub fn frame_lines(f: &Frame, v: &View<'_>, width: u16) -> Vec<String> {
    let inner = usize::from(width.clamp(20, 80)).saturating_sub(10);
    let filled = inner * usize::from(f.done) / 1000;
    let mut lines = vec![
        v.title.to_string(),
        String::new(),
        format!("[{}{}]", "█".repeat(filled), "░".repeat(inner - filled)),
        format!("{} left", mmss(f.remaining_secs)),
        String::new(),
    ];
    if let Some(b) = f.breath {
        let word = match b.phase {
            Phase::In => v.breath_words.0,
            Phase::Hold => v.breath_words.1,
            Phase::Out => v.breath_words.2,
        };
        let dots = 12 * usize::from(b.fill) / 1000;
        lines.push(format!("{word} {}  {}{}", b.secs_left, "●".repeat(dots), "○".repeat(12 - dots)));
        lines.push(String::new());
    }
    lines.extend(Wrap::new(inner, Breaks::Words).lines(v.grounding));
    lines.push(String::new());
    lines.push(v.keys.to_string());
    lines
}

/// Leaves the alternate screen and raw mode however the timer ends.
struct Fullscreen;

impl Fullscreen {
    fn enter() -> std::io::Result<Fullscreen> {
        terminal::enable_raw_mode()?;
        let guard = Fullscreen;
        execute!(std::io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        Ok(guard)
    }
}

impl Drop for Fullscreen {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), cursor::Show, terminal::LeaveAlternateScreen);
        let _ = terminal::disable_raw_mode();
    }
}

fn draw_fullscreen(f: &Frame, v: &View<'_>) -> std::io::Result<()> {
    let (w, h) = terminal::size().unwrap_or((80, 24));
    let lines = frame_lines(f, v, w);
    let top = h.saturating_sub(u16::try_from(lines.len()).unwrap_or(h)) / 2;
    let mut out = std::io::stdout();
    queue!(out, terminal::Clear(terminal::ClearType::All))?;
    for (i, line) in lines.iter().enumerate() {
        let len = u16::try_from(line.chars().count()).unwrap_or(w);
        let left = w.saturating_sub(len) / 2;
        queue!(out, cursor::MoveTo(left, top + u16::try_from(i).unwrap_or(0)), style::Print(line))?;
    }
    out.flush()
}

pub fn run(args: PauseArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let store = &mut opened.store;
    if let Some(PauseAction::List { limit, json }) = args.action {
        return list(store, app, limit, json);
    }
    let library = app.library()?;
    let texts = content(PauseTexts::load(&library))?;
    let partner_ok = policy(app, store)?.partner_agreements;
    let minutes = match args.minutes {
        Some(m) if (1..=i64::from(MAX_PAUSE_MINUTES)).contains(&m) => u32::try_from(m).unwrap_or(texts.default_minutes),
        Some(m) => {
            return Err(CliError::user(format!("--minutes: {m} is outside 1 to {MAX_PAUSE_MINUTES}"))
                .hint("a pause is usually 10 to 30 minutes"));
        }
        None if partner_ok => {
            let agreements = store.agreements(false)?;
            attune_core::plan::pause_minutes(agreements.iter().map(|a| &a.item), texts.default_minutes)
        }
        None => texts.default_minutes,
    };
    let taken = store.count_pauses()?;
    let countdown_state = Countdown::new(minutes, args.breathe.then_some(&texts.breathing));
    let view = View {
        title: &texts.title,
        grounding: pick(&texts.grounding, taken),
        keys: &texts.keys,
        breath_words: (&texts.breathing.in_text, &texts.breathing.hold_text, &texts.breathing.out_text),
    };
    let started = app.now_moment();
    let simulated = app.now_is_fixed;
    let fullscreen = std::io::stdout().is_terminal() && std::io::stdin().is_terminal() && !simulated;
    let outcome = if fullscreen {
        let guard = Fullscreen::enter()?;
        let mut clock = TerminalClock { start: Instant::now() };
        let outcome = countdown(&countdown_state, &mut clock, |f| draw_fullscreen(f, &view));
        drop(guard);
        outcome?
    } else {
        let mut w = out::stdout();
        writeln!(w, "{BOLD}{}{BOLD:#}: {minutes} minutes.", texts.title)?;
        wrapped(&mut w, view.grounding, "")?;
        drop(w);
        if simulated {
            countdown(&countdown_state, &mut SimulatedClock { now_ms: 0 }, |_| Ok(()))?
        } else {
            countdown(&countdown_state, &mut SleepClock { start: Instant::now() }, |_| Ok(()))?
        }
    };

    let pause = Pause {
        id: app.new_id(),
        started,
        planned_secs: countdown_state.planned_secs(),
        actual_secs: u32::try_from(outcome.elapsed_ms / 1000).unwrap_or(u32::MAX),
        ended_early: outcome.ended_early,
        reconvened: None,
    };
    // Logged before the question, so an interrupted answer still keeps the pause.
    let seq = store.insert_pause(&pause)?;
    let mut w = out::stdout();
    if outcome.ended_early {
        writeln!(w, "{}", texts.ended_early)?;
    } else {
        writeln!(w, "{BOLD}{}{BOLD:#}", texts.end_title)?;
    }
    if !partner_ok {
        wrapped(&mut w, &texts.end_safety_mode, "")?;
        return Ok(());
    }
    wrapped(&mut w, pick(&texts.reconnect, taken), "")?;
    // Coming back together is for a safe relationship; say so, and where help is.
    writeln!(w)?;
    dim(&mut w, &format!("{} (`attune safety`)", texts.safe_only.trim()))?;
    drop(w);
    let answer = ask_yes_no(&texts.reconvened_question, &mut std::io::stdin().lock());
    if answer.is_some() {
        store.set_pause_reconvened(seq, answer)?;
    }
    let mut w = out::stdout();
    match answer {
        Some(true) => writeln!(w, "{GOOD}{}{GOOD:#}", texts.reconvened_yes)?,
        Some(false) => writeln!(w, "{}", texts.reconvened_no)?,
        None => {}
    }
    dim(&mut w, &format!("Logged as pause {seq}; `attune pause list` shows them all."))?;
    Ok(())
}

#[derive(Serialize)]
struct PauseJson<'a> {
    #[serde(flatten)]
    row: &'a Numbered<Pause>,
}

fn list(store: &attune_store::Store, app: &App, limit: Option<usize>, json: bool) -> CliResult {
    let pauses = store.pauses(limit)?;
    if json {
        let rows: Vec<PauseJson<'_>> = pauses.iter().map(|row| PauseJson { row }).collect();
        return out::json(&rows);
    }
    let mut w = out::stdout();
    if pauses.is_empty() {
        writeln!(w, "No pauses yet. `attune pause` starts one when a talk gets too heated.")?;
        return Ok(());
    }
    let this_year = app.now.year();
    for p in &pauses {
        let x = &p.item;
        let ran = if x.ended_early {
            format!("{} (ended early)", mmss(u64::from(x.actual_secs)))
        } else {
            mmss(u64::from(x.actual_secs))
        };
        let back = match x.reconvened {
            Some(true) => "came back together",
            Some(false) => "did not come back together",
            None => "-",
        };
        writeln!(
            w,
            "{DIM}{:>4}{DIM:#}  {DIM}{}{DIM:#}  planned {}  ran {ran}  {back}",
            p.seq,
            out::short_time(&x.started, this_year),
            mmss(u64::from(x.planned_secs))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock driven by the test: each wait advances time; a stop can be
    /// scheduled at a given elapsed time. Never sleeps.
    struct Scripted {
        now_ms: u64,
        stop_at: Option<u64>,
        waits: usize,
    }

    impl Clock for Scripted {
        fn elapsed_ms(&mut self) -> u64 {
            self.now_ms
        }

        fn wait(&mut self, ms: u64) -> Wake {
            self.waits += 1;
            let next = self.now_ms + ms;
            match self.stop_at {
                Some(at) if next >= at => {
                    self.now_ms = at;
                    Wake::Stop
                }
                _ => {
                    self.now_ms = next;
                    Wake::Tick
                }
            }
        }
    }

    #[test]
    fn runs_to_the_end_one_frame_per_second() {
        let c = Countdown::new(2, None);
        let mut clock = Scripted { now_ms: 0, stop_at: None, waits: 0 };
        let mut frames = Vec::new();
        let start = Instant::now();
        let outcome = countdown(&c, &mut clock, |f| {
            frames.push(*f);
            Ok(())
        })
        .unwrap();
        assert!(start.elapsed() < Duration::from_secs(1), "the test clock must not sleep");
        assert_eq!(outcome, Outcome { elapsed_ms: 120_000, ended_early: false });
        assert_eq!(frames.len(), 121);
        assert_eq!(frames[0].remaining_secs, 120);
        assert_eq!(frames[60].remaining_secs, 60);
        assert!(frames.last().unwrap().finished);
        assert_eq!(clock.waits, 120);
    }

    #[test]
    fn ctrl_c_ends_early_with_the_time_so_far() {
        let c = Countdown::new(10, None);
        let mut clock = Scripted { now_ms: 0, stop_at: Some(125_500), waits: 0 };
        let outcome = countdown(&c, &mut clock, |_| Ok(())).unwrap();
        assert_eq!(outcome, Outcome { elapsed_ms: 125_500, ended_early: true });
    }

    #[test]
    fn the_simulated_clock_jumps_instead_of_sleeping() {
        let c = Countdown::new(120, None);
        let start = Instant::now();
        let outcome = countdown(&c, &mut SimulatedClock { now_ms: 0 }, |_| Ok(())).unwrap();
        assert!(!outcome.ended_early);
        assert_eq!(outcome.elapsed_ms, 7_200_000);
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_frame_shows_bar_time_pacer_and_grounding() {
        let texts = PauseTexts::load(&attune_core::content::Library::embedded()).unwrap();
        let c = Countdown::new(10, Some(&texts.breathing));
        let view = View {
            title: "Pause",
            grounding: "Feel your feet.",
            keys: "Ctrl-C ends it.",
            breath_words: ("In", "Hold", "Out"),
        };
        let lines = frame_lines(&c.frame(300_000), &view, 40);
        assert_eq!(lines[0], "Pause");
        assert_eq!(lines[2], format!("[{}{}]", "█".repeat(15), "░".repeat(15)));
        assert_eq!(lines[3], "05:00 left");
        assert!(lines[5].starts_with("In 4"), "{lines:?}");
        assert!(lines.iter().any(|l| l == "Feel your feet."));
        assert_eq!(lines.last().unwrap(), "Ctrl-C ends it.");
    }

    #[test]
    fn answers_to_the_question() {
        let ask = |s: &str| ask_yes_no("?", &mut std::io::Cursor::new(s.as_bytes()));
        assert_eq!(ask("y\n"), Some(true));
        assert_eq!(ask("No\n"), Some(false));
        assert_eq!(ask("\n"), None);
        assert_eq!(ask(""), None);
    }
}
