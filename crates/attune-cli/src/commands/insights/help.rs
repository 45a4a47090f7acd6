//! The professional-help suggestion after a check-in: at most once a week,
//! when core's rule holds over the recent weeks.

use std::io::Write;

use attune_core::insights::{HelpSuggestion, Window, insights_of};
use attune_store::Store;
use jiff::civil::Date;
use serde::Serialize;

use super::load::{load, load_content};
use super::texts::Texts;
use crate::app::App;
use crate::error::CliResult;
use crate::out::{self, BOLD};

/// The setting that remembers when the suggestion was last shown.
pub const HELP_SHOWN_KEY: &str = "help_suggested_on";
/// At most once in this many days.
pub const HELP_EVERY_DAYS: i32 = 7;

/// The suggestion with the texts around it, for JSON and the terminal.
#[derive(Clone, Debug, Serialize)]
pub struct HelpShown {
    /// Core's suggestion: the text, the rule and why it holds.
    #[serde(flatten)]
    pub suggestion: HelpSuggestion,
    /// What to bring to a first conversation.
    pub bring: Vec<String>,
    /// How to find someone.
    pub find: Vec<String>,
}

/// After a check-in: whether the professional-help rule holds over the
/// recent weeks, and it was not shown in the last week. Records that it was
/// shown. Reads only the few weeks the rule looks at.
pub fn help_after_checkin(app: &App, store: &mut Store) -> CliResult<Option<(HelpShown, Texts)>> {
    let today = app.now.date();
    if let Some(last) = store.setting(HELP_SHOWN_KEY)?.and_then(|d| d.parse::<Date>().ok())
        && last <= today
        && (today - last).get_days() < HELP_EVERY_DAYS
    {
        return Ok(None);
    }
    let library = app.library()?;
    let (cfg, texts) = load_content(&library)?;
    let window = Window::LastWeeks(cfg.pattern.recent_weeks);
    let data = load(store, &cfg, &app.now, window, false, None)?;
    let result = insights_of(&data.facts, &data.checkins, &[], &app.now, window, &cfg);
    let Some(suggestion) = result.professional_help else { return Ok(None) };
    store.set_setting(HELP_SHOWN_KEY, Some(&today.to_string()))?;
    let shown = HelpShown { suggestion, bring: texts.help.bring.clone(), find: texts.help.find.clone() };
    Ok(Some((shown, texts)))
}

/// Prints the suggestion (insights and check-in use the same words).
pub fn print_help(w: &mut impl Write, t: &Texts, help: &HelpShown) -> CliResult {
    writeln!(w, "{BOLD}{}{BOLD:#}", t.help.title)?;
    out::paragraph(w, &help.suggestion.text, "  ")?;
    out::paragraph(w, &format!("{} {}", t.help.why, help.suggestion.rule), "  ")?;
    out::paragraph(w, &help.suggestion.not_diagnosis, "  ")?;
    writeln!(w, "\n  {}", t.help.bring_title)?;
    for line in &help.bring {
        writeln!(w, "{}", out::fill(line, "    • ", "      "))?;
    }
    writeln!(w, "\n  {}", t.help.find_title)?;
    for line in &help.find {
        writeln!(w, "{}", out::fill(line, "    • ", "      "))?;
    }
    Ok(())
}
