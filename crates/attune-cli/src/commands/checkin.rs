//! `attune checkin`: how safe, seen, trusted and respected do I feel?

use std::io::Write;

use attune_core::safety::{Answer, CheckinAnswers, Decision};
use attune_core::{CheckinDraft, Consequence, Moment};
use attune_store::CheckinRow;
use clap::Args;
use dialoguer::Input;
use dialoguer::theme::ColorfulTheme;
use serde::Serialize;

use crate::app::App;
use crate::commands::insights;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};
use crate::safety;

/// `attune checkin`.
#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// How safe the relationship feels right now, 0 (very unsafe) to 10 (completely safe).
    #[arg(short, long, value_name = "0-10", allow_negative_numbers = true)]
    pub security: Option<i64>,
    /// How seen you feel, 0–10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub seen: Option<i64>,
    /// How trusted you feel, 0–10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub trusted: Option<i64>,
    /// How respected you feel, 0–10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub respected: Option<i64>,
    /// A cost of the insecurity lately, 0 (not at all) to 3 (a lot), as NAME=N:
    /// blame, suspicion, jealousy, less-intimacy, less-trust, exhaustion, spill-over.
    #[arg(short, long = "consequence", value_name = "NAME=N")]
    pub consequences: Vec<String>,
    /// A few words about it.
    #[arg(short, long)]
    pub note: Option<String>,
    /// Right now, are you afraid of your partner, or afraid of being hurt?
    /// yes, no or skip. A "yes" puts emergency and abuse services first and
    /// switches safety mode on.
    #[arg(long, value_name = "yes|no|skip")]
    pub afraid_now: Option<String>,
    /// When (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// Print the saved check-in as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: CheckinArgs, app: &App) -> CliResult {
    safety::warm_up();
    let at = match &args.at {
        Some(text) => Moment::from_zoned(&app.happened("--at", text)?),
        None => app.now_moment(),
    };
    let mut draft = CheckinDraft {
        security: args.security,
        seen: args.seen,
        trusted: args.trusted,
        respected: args.respected,
        consequences: args.consequences.iter().map(|c| parse_pair(c)).collect::<CliResult<_>>()?,
        note: args.note.clone().unwrap_or_default(),
    };
    // Check before opening, so a typo does not cost a passphrase prompt.
    let flags_given = draft.security.is_some();
    if flags_given {
        draft.clone().into_checkin(app.new_id(), at.clone())?;
    }
    let mut afraid_now = match &args.afraid_now {
        None => None,
        Some(a) => Some(a.parse::<Answer>().map_err(|_| {
            CliError::user(format!("--afraid-now: '{a}' is not an answer")).hint("answer yes, no or skip")
        })?),
    };
    let mut opened = app.open()?;
    if !flags_given {
        if !app.interactive {
            return Err(CliError::user("nothing was saved: security is missing")
                .hint("give a number from 0 (very unsafe) to 10 (completely safe), e.g. attune checkin --security 6"));
        }
        afraid_now = guided(app, &mut draft)?;
    }
    let checkin = draft.into_checkin(app.new_id(), at)?;
    let seq = opened.store.insert_checkin(&checkin)?;
    let row = CheckinRow { seq, item: checkin };
    // Saved: now look at safety (the note's words, the ratings, the answer),
    // then at whether to suggest professional help (at most once a week).
    let store = &mut opened.store;
    let answers = CheckinAnswers { checkin: &row.item, afraid_now };
    let safety = safety::after_save(app, store, &[&row.item.note], Some(answers));
    let help = match insights::help_after_checkin(app, store) {
        Ok(help) => help,
        Err(e) => {
            out::note(&format!("note: your check-in is saved; looking at the recent weeks failed: {}", e.message));
            None
        }
    };
    if args.json {
        return out::json(&Json {
            record: &row,
            safety: safety.as_ref().map(|(_, n)| n),
            professional_help: help.as_ref().map(|(h, _)| h),
        });
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Saved{GOOD:#} check-in c{seq}. Thank you for taking a moment for this.")?;
    writeln!(w, "{DIM}`attune list --checkins` shows your check-ins over time.{DIM:#}")?;
    if let Some((ctx, notice)) = &safety {
        ctx.print_notice(&mut w, notice)?;
    }
    if let Some((help, texts)) = &help {
        writeln!(w)?;
        insights::print_help(&mut w, texts, help)?;
    }
    Ok(())
}

/// `--json`: the check-in, plus `"safety"` and `"professional_help"` when
/// they apply (docs/json.md).
#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    record: &'a CheckinRow,
    #[serde(skip_serializing_if = "Option::is_none")]
    safety: Option<&'a Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    professional_help: Option<&'a insights::HelpShown>,
}

/// "blame=2" into a pair; the number is checked with the rest of the draft.
fn parse_pair(text: &str) -> CliResult<(String, i64)> {
    let (name, value) = text.split_once('=').ok_or_else(|| {
        CliError::user(format!("--consequence '{text}' needs a value"))
            .hint("write it as NAME=N, e.g. --consequence jealousy=2")
    })?;
    let value: i64 = value.trim().parse().map_err(|_| {
        CliError::user(format!("--consequence {name}: '{value}' is not a number"))
            .hint("use 0 (not at all) to 3 (a lot)")
    })?;
    Ok((name.trim().to_string(), value))
}

/// Asks the questions one at a time; returns the answer to the optional
/// "afraid right now" question, asked when felt security is rated low.
fn guided(app: &App, draft: &mut CheckinDraft) -> CliResult<Option<Answer>> {
    let theme = ColorfulTheme::default();
    let scale = |prompt: &str, max: u8, required: bool| -> CliResult<Option<i64>> {
        let text = Input::<String>::with_theme(&theme)
            .with_prompt(prompt)
            .allow_empty(!required)
            .validate_with(move |s: &String| -> Result<(), String> {
                match s.trim() {
                    "" if !required => Ok(()),
                    t => match t.parse::<u8>() {
                        Ok(v) if v <= max => Ok(()),
                        _ => Err(format!("a whole number from 0 to {max}")),
                    },
                }
            })
            .interact_text()
            .map_err(|e| CliError::user(format!("the question was interrupted: {e}")).hint("nothing was saved"))?;
        Ok(text.trim().parse().ok())
    };
    draft.security =
        scale("Right now, how safe does the relationship feel? (0 very unsafe … 10 completely safe)", 10, true)?;
    let mut afraid_now = None;
    if draft.security.is_some_and(|s| s <= safety::ASK_AFRAID_AT_MOST) {
        let content = safety::Content::load(app)?;
        let screen = &content.screen;
        out::note(&content.messages.checkin.question_hint);
        // No answer is pre-selected: y, n or s must be typed.
        let stdin = std::io::stdin();
        let keys = safety::CHECK_KEYS;
        afraid_now = Some(safety::prompt(&mut stdin.lock(), &screen.checkin.question, screen, &keys)?);
    }
    draft.seen = scale("How seen do you feel? (0–10, Enter to skip)", 10, false)?;
    draft.trusted = scale("How trusted? (0–10, Enter to skip)", 10, false)?;
    draft.respected = scale("How respected? (0–10, Enter to skip)", 10, false)?;
    out::note("\nLately, how much has the insecurity brought these? 0 not at all … 3 a lot (Enter to skip)");
    for c in Consequence::ALL {
        if let Some(v) = scale(&format!("  {}", c.as_str().replace('-', " ")), 3, false)? {
            draft.consequences.push((c.to_string(), v));
        }
    }
    draft.note = Input::<String>::with_theme(&theme)
        .with_prompt("Anything you want to add? (Enter to skip)")
        .allow_empty(true)
        .interact_text()
        .map_err(|e| CliError::user(format!("the question was interrupted: {e}")))?;
    Ok(afraid_now)
}
