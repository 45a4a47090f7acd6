//! `attune safety`: support services for the person's country first, how to
//! keep attune private, safety mode, the safety check and the country
//! setting. The rules are `attune_core::safety`; the words
//! `content/safety/`; the shared pieces (settings, printing services)
//! `crate::safety`.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use attune_core::safety::{Answer, INTERNATIONAL, Message, Purpose, ResourceGroup, SavedCheck, ScreenResult, Tier};
use attune_store::Store;
use clap::{Args, Subcommand, ValueEnum};
use dialoguer::Confirm;
use dialoguer::theme::ColorfulTheme;
use serde::Serialize;

use crate::app::App;
use crate::config::format_duration;
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, GOOD};
use crate::safety::{CHECK_KEYS, Context, prompt};

/// `attune safety`.
#[derive(Debug, Args)]
#[command(after_help = "If you are in danger right now, call your local emergency number.")]
pub struct SafetyArgs {
    #[command(subcommand)]
    pub action: Option<SafetyAction>,
    /// Print JSON (the shape is in docs/json.md) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum SafetyAction {
    /// A few yes-or-no questions about how your partner treats you (you can skip any).
    Check(CheckArgs),
    /// Show safety mode, or switch it on or off.
    Mode(ModeArgs),
    /// Show or set the country whose support services attune shows.
    Country(CountryArgs),
    /// Your safety plans: for a crisis, and for staying safe from a partner.
    Plan(crate::commands::safety_plan::PlanArgs),
}

/// `attune safety check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// An answer given as a flag instead of on screen, as ID=yes|no|skip (repeat for
    /// each question; questions left out count as skipped). On screen, type y, n
    /// or s (I'd rather not say) and Enter; nothing is chosen for you.
    #[arg(long = "answer", value_name = "ID=ANSWER")]
    pub answers: Vec<String>,
}

/// `attune safety mode`.
#[derive(Debug, Args)]
pub struct ModeArgs {
    /// on or off; leave out to see whether it is on.
    pub state: Option<ModeState>,
    /// Switch off without being asked to confirm (for scripts).
    #[arg(long)]
    pub yes: bool,
}

/// Safety mode on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeState {
    /// Support services first; nothing that involves the partner.
    On,
    /// attune's usual suggestions, including talking with the partner.
    Off,
}

/// `attune safety country`.
#[derive(Debug, Args)]
pub struct CountryArgs {
    /// A two-letter country code (gb, us, de, …) or "international"; leave out to see the list.
    pub code: Option<String>,
    /// Forget the country (attune then shows services that work anywhere).
    #[arg(long, conflicts_with = "code")]
    pub clear: bool,
}

pub fn run(args: SafetyArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let store = &mut opened.store;
    let ctx = Context::load(app, store)?;
    match args.action {
        None => overview(app, store, &ctx, args.json),
        Some(SafetyAction::Check(a)) => check(app, store, ctx, a, args.json),
        Some(SafetyAction::Mode(a)) => mode(app, store, ctx, a, args.json),
        Some(SafetyAction::Country(a)) => country(store, &ctx, a, args.json),
        Some(SafetyAction::Plan(a)) => crate::commands::safety_plan::run(app, store, &ctx, a, args.json),
    }
}

/// The services in the order the page shows them: in safety mode, abuse
/// services first.
fn page_groups(ctx: &Context) -> Vec<ResourceGroup> {
    if ctx.mode {
        ctx.groups(&[Purpose::Abuse, Purpose::Emergency, Purpose::Crisis])
    } else {
        ctx.groups(&[Purpose::Crisis, Purpose::Abuse, Purpose::Emergency])
    }
}

fn last_check(store: &Store) -> CliResult<Option<SavedCheck>> {
    Ok(store.last_safety_check()?.as_deref().and_then(SavedCheck::from_json))
}

fn known_codes(ctx: &Context) -> Vec<String> {
    ctx.content.resources.country_codes().map(str::to_string).collect()
}

// ---------------------------------------------------------------------------
// The page

#[derive(Serialize)]
struct CountryJson {
    code: String,
    name: String,
    advice: String,
    set: bool,
}

#[derive(Serialize)]
struct OverviewJson {
    country: CountryJson,
    resources: Vec<ResourceGroup>,
    safety_mode: bool,
    lock_after: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_check: Option<String>,
    supported_countries: Vec<String>,
}

fn country_json(ctx: &Context) -> CountryJson {
    let c = ctx.country();
    CountryJson {
        code: c.country.clone(),
        name: c.name.clone(),
        advice: c.advice.clone(),
        set: ctx.country_set.is_some(),
    }
}

fn overview(app: &App, store: &Store, ctx: &Context, json: bool) -> CliResult {
    let m = &ctx.content.messages;
    let screen = &ctx.content.screen;
    let lock_after = format_duration(app.settings.lock_after.value);
    let last = last_check(store)?.and_then(|l| l.at).map(|at| at.local().date().strftime("%-d %B %Y").to_string());
    let groups = page_groups(ctx);
    if json {
        return out::json(&OverviewJson {
            country: country_json(ctx),
            resources: groups,
            safety_mode: ctx.mode,
            lock_after,
            last_check: last,
            supported_countries: known_codes(ctx),
        });
    }
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", m.page.title)?;
    out::paragraph(&mut w, &m.page.intro, "")?;
    writeln!(w)?;
    out::paragraph(&mut w, &ctx.country().advice, "")?;
    ctx.print_groups(&mut w, &groups, true)?;
    writeln!(w)?;
    ctx.print_country_line(&mut w)?;

    writeln!(w, "\n{BOLD}{}{BOLD:#}", screen.safety_mode.title)?;
    if ctx.mode {
        out::paragraph(&mut w, &m.page.mode_on, "")?;
        explain_mode(&mut w, ctx)?;
    } else {
        out::paragraph(&mut w, &m.page.mode_off, "")?;
    }

    writeln!(w, "\n{BOLD}{}{BOLD:#}", m.page.private_title)?;
    if app.settings.lock_after.value.is_zero() {
        out::paragraph(&mut w, &m.page.lock_always, "")?;
    } else {
        out::paragraph(&mut w, &m.page.lock.render(&[("lock_after", lock_after)]), "")?;
    }
    for tip in &screen.safety_mode.keeping_private {
        writeln!(w, "{}", out::fill(tip, "• ", "  "))?;
    }

    writeln!(w, "\n{BOLD}{}{BOLD:#}", m.page.check_title)?;
    out::paragraph(&mut w, &m.page.check, "")?;
    if let Some(date) = last {
        out::paragraph(&mut w, &m.page.last_check.render(&[("date", date)]), "")?;
    }
    writeln!(w, "\n{DIM}{}{DIM:#}", out::fill(&screen.texts.not_a_diagnosis, "", ""))?;
    Ok(())
}

/// What safety mode does, in plain words.
fn explain_mode(w: &mut impl Write, ctx: &Context) -> CliResult {
    let t = &ctx.content.screen.safety_mode;
    out::paragraph(w, &t.summary, "")?;
    for line in &t.changes {
        writeln!(w, "{}", out::fill(line, "• ", "  "))?;
    }
    out::paragraph(w, &ctx.content.messages.safety_mode.commands, "")?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The check

#[derive(Serialize)]
struct CheckJson<'a> {
    result: &'a ScreenResult,
    tier: Tier,
    safety_mode: bool,
    switched_on: bool,
    title: &'a str,
    text: &'a str,
    /// Every message in order (the first is `title`/`text`).
    messages: Vec<&'a Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<ResourceGroup>,
}

/// "afraid-of-partner=yes" into a pair.
fn parse_answer(text: &str) -> CliResult<(String, Answer)> {
    let (id, answer) = text.split_once('=').ok_or_else(|| {
        CliError::user(format!("--answer '{text}' needs an answer"))
            .hint("write it as ID=yes, ID=no or ID=skip, e.g. --answer afraid-of-partner=no")
    })?;
    let answer: Answer = answer.parse().map_err(|e| CliError::user(format!("--answer {id}: {e}")))?;
    Ok((id.trim().to_string(), answer))
}

fn check(app: &App, store: &mut Store, mut ctx: Context, args: CheckArgs, json: bool) -> CliResult {
    let screen = ctx.content.screen.clone();
    let m = ctx.content.messages.clone();
    let answers: BTreeMap<String, Answer> = if !args.answers.is_empty() {
        let mut map = BTreeMap::new();
        for a in &args.answers {
            let (id, answer) = parse_answer(a)?;
            if map.insert(id.clone(), answer).is_some() {
                return Err(
                    CliError::user(format!("--answer {id} is given twice")).hint("give each question one answer")
                );
            }
        }
        // Checked before anything is saved, so a typo cannot hide a "yes".
        screen.score(&map)?;
        map
    } else if app.interactive && !json {
        let stdin = std::io::stdin();
        ask(&ctx, &mut stdin.lock())?
    } else {
        let ids: Vec<&str> = screen.items.iter().map(|i| i.id.as_str()).collect();
        return Err(CliError::user(format!("nothing was saved: {}", m.check.needs_answers))
            .hint(m.check.needs_answers_hint.render(&[("ids", ids.join(", "))])));
    };
    let result = screen.score(&answers)?;
    store.set_last_safety_check(&SavedCheck::new(app.now_moment(), answers).to_json())?;

    let mut switched_on = false;
    if result.safety_mode && !ctx.mode {
        store.set_safety_mode(true)?;
        switched_on = true;
    } else if result.offer_safety_mode && !ctx.mode && app.interactive && !json {
        let stdin = std::io::stdin();
        let keys = [(Answer::Yes, &["y", "yes"][..]), (Answer::No, &["n", "no"][..])];
        let picked = prompt(&mut stdin.lock(), &out::fill(&m.check.offer_confirm, "", ""), &screen, &keys)
            .map_err(|e| e.hint("your answers are saved; `attune safety mode on` switches safety mode on"))?;
        if picked == Answer::Yes {
            store.set_safety_mode(true)?;
            switched_on = true;
        }
    }
    ctx.mode |= switched_on;
    let messages = screen.outcome_messages(&result);
    let message = screen.outcome_message(&result);
    let groups = if result.tier() > Tier::Clear || ctx.mode {
        ctx.groups(&[Purpose::Abuse, Purpose::Emergency])
    } else {
        Vec::new()
    };
    if json {
        return out::json(&CheckJson {
            result: &result,
            tier: result.tier(),
            safety_mode: ctx.mode,
            switched_on,
            title: &message.title,
            text: &message.text,
            messages,
            resources: groups,
        });
    }
    let mut w = out::stdout();
    for (i, message) in messages.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        writeln!(w, "{BOLD}{}{BOLD:#}", message.title)?;
        out::paragraph(&mut w, &message.text, "")?;
    }
    if !groups.is_empty() {
        writeln!(w)?;
        out::paragraph(&mut w, &ctx.country().advice, "")?;
        ctx.print_groups(&mut w, &groups, false)?;
        writeln!(w)?;
        ctx.print_country_line(&mut w)?;
    }
    if ctx.mode {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", screen.safety_mode.title)?;
        if switched_on {
            writeln!(w, "{GOOD}{}{GOOD:#}", m.safety_mode.switched_on)?;
        }
        explain_mode(&mut w, &ctx)?;
        writeln!(w, "\n{BOLD}{}{BOLD:#}", m.page.private_title)?;
        for tip in &screen.safety_mode.keeping_private {
            writeln!(w, "{}", out::fill(tip, "• ", "  "))?;
        }
    } else if result.offer_safety_mode {
        writeln!(w)?;
        out::paragraph(&mut w, &m.check.offer_command, "")?;
    }
    writeln!(w, "\n{DIM}{}{DIM:#}", out::fill(&screen.texts.privacy, "", ""))?;
    writeln!(w, "{DIM}{}{DIM:#}", out::fill(&screen.texts.not_a_diagnosis, "", ""))?;
    Ok(())
}

/// One question at a time, each answerable with "I'd rather not say".
fn ask(ctx: &Context, input: &mut impl BufRead) -> CliResult<BTreeMap<String, Answer>> {
    let screen = &ctx.content.screen;
    let m = &ctx.content.messages;
    let note = |text: &str| out::note(&out::fill(text, "", ""));
    out::note(&format!("{}\n", screen.texts.title));
    note(&screen.texts.intro);
    out::note("");
    note(&screen.texts.privacy);
    out::note("");
    note(&screen.texts.not_a_diagnosis);
    out::note("");
    let total = screen.items.len();
    let mut answers = BTreeMap::new();
    for (n, item) in screen.items.iter().enumerate() {
        out::note(&m.check.progress.render(&[("n", (n + 1).to_string()), ("total", total.to_string())]));
        let answer = prompt(input, &out::fill(&item.text, "", ""), screen, &CHECK_KEYS)?;
        answers.insert(item.id.clone(), answer);
        out::note("");
    }
    Ok(answers)
}

// ---------------------------------------------------------------------------
// Safety mode

#[derive(Serialize)]
struct ModeJson {
    safety_mode: bool,
    changed: bool,
}

fn mode(app: &App, store: &mut Store, mut ctx: Context, args: ModeArgs, json: bool) -> CliResult {
    let m = ctx.content.messages.safety_mode.clone();
    let before = ctx.mode;
    let said = match args.state {
        None => None,
        Some(ModeState::On) if before => Some(&m.already_on),
        Some(ModeState::On) => {
            store.set_safety_mode(true)?;
            ctx.mode = true;
            Some(&m.switched_on)
        }
        Some(ModeState::Off) if !before => Some(&m.already_off),
        Some(ModeState::Off) => {
            let confirmed = if args.yes {
                true
            } else if app.interactive && !json {
                Confirm::with_theme(&ColorfulTheme::default())
                    .with_prompt(out::fill(&m.confirm_off, "", ""))
                    .default(false)
                    .interact()
                    .map_err(|e| {
                        CliError::user(format!("the question was interrupted: {e}")).hint("nothing was changed")
                    })?
            } else {
                return Err(CliError::user("nothing was changed: switching safety mode off needs a confirmation")
                    .hint("run `attune safety mode off` in a terminal to be asked, or add --yes"));
            };
            if confirmed {
                store.set_safety_mode(false)?;
                ctx.mode = false;
                Some(&m.switched_off)
            } else {
                Some(&m.kept_on)
            }
        }
    };
    if json {
        return out::json(&ModeJson { safety_mode: ctx.mode, changed: ctx.mode != before });
    }
    let mut w = out::stdout();
    if let Some(said) = said {
        writeln!(w, "{}", out::fill(said, "", ""))?;
    }
    if ctx.mode {
        if args.state.is_none() {
            out::paragraph(&mut w, &ctx.content.messages.page.mode_on, "")?;
        }
        writeln!(w, "\n{BOLD}{}{BOLD:#}", ctx.content.screen.safety_mode.title)?;
        explain_mode(&mut w, &ctx)?;
        writeln!(w)?;
        out::paragraph(&mut w, &ctx.country().advice, "")?;
        ctx.print_groups(&mut w, &ctx.groups(&[Purpose::Abuse, Purpose::Emergency]), false)?;
        writeln!(w)?;
        ctx.print_country_line(&mut w)?;
    } else if args.state.is_none() {
        out::paragraph(&mut w, &ctx.content.messages.page.mode_off, "")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Country

#[derive(Serialize)]
struct CountrySetJson {
    country: CountryJson,
    /// attune has a list of its own for the code.
    known: bool,
    supported_countries: Vec<String>,
}

fn country(store: &mut Store, ctx: &Context, args: CountryArgs, json: bool) -> CliResult {
    let t = &ctx.content.messages.country;
    let codes = known_codes(ctx);
    let list = codes.join(", ");
    let Some(given) = args.code else {
        let mut ctx = ctx.clone();
        if args.clear {
            store.set_country(None)?;
            ctx.country_set = None;
        }
        if json {
            return out::json(&CountrySetJson {
                country: country_json(&ctx),
                known: ctx.country_set.is_none() || ctx.country().country != INTERNATIONAL,
                supported_countries: codes,
            });
        }
        let mut w = out::stdout();
        if args.clear {
            out::paragraph(&mut w, &t.cleared, "")?;
        } else {
            match &ctx.country_set {
                Some(code) => out::paragraph(
                    &mut w,
                    &t.current.render(&[("name", ctx.country().name.clone()), ("code", code.to_uppercase())]),
                    "",
                )?,
                None => out::paragraph(&mut w, &t.not_set, "")?,
            }
        }
        out::paragraph(&mut w, &t.known.render(&[("codes", list)]), "")?;
        return Ok(());
    };

    let mut code = given.trim().to_ascii_lowercase();
    if code == "uk" {
        code = "gb".into();
    }
    let valid = code == INTERNATIONAL || (code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase()));
    if !valid {
        return Err(CliError::user(format!("'{given}' is not a two-letter country code; nothing was changed"))
            .hint(format!("use a code like gb, us or de; attune has lists for: {list} (any other code shows international services)")));
    }
    store.set_country(Some(&code))?;
    let mut ctx = ctx.clone();
    ctx.country_set = Some(code.clone());
    let known = code == INTERNATIONAL || ctx.country().country == code;
    if json {
        return out::json(&CountrySetJson { country: country_json(&ctx), known, supported_countries: codes });
    }
    let mut w = out::stdout();
    if known {
        let c = ctx.country();
        writeln!(
            w,
            "{GOOD}{}{GOOD:#}",
            out::fill(&t.set.render(&[("name", c.name.clone()), ("code", code.to_uppercase())]), "", "")
        )?;
    } else {
        out::paragraph(&mut w, &t.fallback.render(&[("code", code.to_uppercase())]), "")?;
        out::paragraph(&mut w, &t.known.render(&[("codes", list)]), "")?;
    }
    writeln!(w)?;
    out::paragraph(&mut w, &ctx.country().advice, "")?;
    ctx.print_groups(&mut w, &page_groups(&ctx), false)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Cursor;

    use super::*;

    #[test]
    fn typed_letters_answer_and_nothing_is_chosen_for_you() {
        let screen = attune_core::safety::screen().unwrap();
        let ask = |typed: &str| prompt(&mut Cursor::new(typed.as_bytes()), "?", screen, &CHECK_KEYS);
        assert_eq!(ask("y\n").unwrap(), Answer::Yes);
        assert_eq!(ask(" YES \n").unwrap(), Answer::Yes);
        assert_eq!(ask("N\n").unwrap(), Answer::No);
        for skip in ["s", "skip", "R"] {
            assert_eq!(ask(&format!("{skip}\n")).unwrap(), Answer::PreferNotToSay, "{skip}");
        }
        // Enter alone and anything else ask again; the next real answer counts.
        assert_eq!(ask("\n\nmaybe\ny\n").unwrap(), Answer::Yes);
        // Enter alone up to the end of input answers nothing.
        let err = ask("\n\n").unwrap_err();
        assert!(err.message.contains("stopped before an answer was typed"), "{}", err.message);
    }
}
