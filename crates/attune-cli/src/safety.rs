//! Safety first, for every command: the person's safety settings (safety
//! mode and the country, kept in the encrypted journal by the store's typed
//! accessors), the support services to show, and what follows every save.
//!
//! Every rule lives in `attune_core::safety`: what is noticed in saved words
//! and check-ins, which notes and services to show and in which order, and
//! when safety mode switches on ([`decide`]). This module only renders
//! core's [`Decision`] for the terminal and stores what it asks to store.
//! What it shows after a save never blocks or undoes the save: it runs only
//! after COMMIT returned, and a problem inside it becomes a note on standard
//! error, never a failed command.

use std::io::{BufRead, Write};
use std::ops::Deref;

use attune_core::content::{ContentError, Library};
use attune_core::insights::Template;
use attune_core::safety::{
    Answer, CheckinAnswers, CountryResources, Decision, Found, INTERNATIONAL, NextStep, Purpose, Resource,
    ResourceGroup, SafetyContent, Saved, Screen,
};
use attune_store::Store;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{CliError, CliResult, Exit};
use crate::out::{self, BOLD, DIM};

/// The content file with the command line's safety texts.
pub const MESSAGES_FILE: &str = "safety/messages.toml";

// ---------------------------------------------------------------------------
// Texts

/// `content/safety/messages.toml`: the terminal's own words (commands, the
/// `attune safety` page). The notes after a save are core's (`notes.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    pub checkin: CheckinTexts,
    pub safety_mode: ModeTexts,
    pub resources: ResourceTexts,
    pub country: CountryTexts,
    pub page: PageTexts,
    pub check: CheckTexts,
    pub next: NextTexts,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinTexts {
    pub question_hint: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeTexts {
    pub commands: String,
    pub switched_on: String,
    pub switched_off: String,
    pub already_on: String,
    pub already_off: String,
    pub confirm_off: String,
    pub kept_on: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceTexts {
    pub crisis: String,
    pub abuse: String,
    pub emergency: String,
    pub own_behaviour: String,
    pub call: Template,
    pub text: Template,
    pub text_keyword: Template,
    pub showing: Template,
    pub showing_international: String,
    pub set_country: String,
    pub checked: Template,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryTexts {
    pub current: Template,
    pub not_set: String,
    pub known: Template,
    pub set: Template,
    pub fallback: Template,
    pub cleared: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageTexts {
    pub title: String,
    pub intro: String,
    pub mode_on: String,
    pub mode_off: String,
    pub private_title: String,
    pub lock: Template,
    pub lock_always: String,
    pub check_title: String,
    pub check: String,
    pub last_check: Template,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckTexts {
    pub progress: Template,
    pub needs_answers: String,
    pub needs_answers_hint: Template,
    pub offer_confirm: String,
    pub offer_command: String,
}

/// `[next]`: each of core's next steps as a terminal command.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextTexts {
    pub title: String,
    pub crisis_plan: String,
    pub staying_safe_plan: String,
    pub safety_check: String,
}

impl Messages {
    /// Parses the file.
    pub fn parse(text: &str) -> Result<Self, ContentError> {
        toml::from_str(text).map_err(|e| ContentError { file: MESSAGES_FILE.into(), message: e.to_string() })
    }

    /// The line for a next step; `None` for steps printed elsewhere (the
    /// country line, safety mode's commands).
    pub fn next_step(&self, step: NextStep) -> Option<&str> {
        match step {
            NextStep::CrisisPlan => Some(&self.next.crisis_plan),
            NextStep::StayingSafePlan => Some(&self.next.staying_safe_plan),
            NextStep::SafetyCheck => Some(&self.next.safety_check),
            NextStep::SetCountry | NextStep::SafetyMode => None,
        }
    }
}

impl ResourceTexts {
    fn heading(&self, purpose: Purpose) -> &str {
        match purpose {
            Purpose::Crisis => &self.crisis,
            Purpose::Abuse => &self.abuse,
            Purpose::Emergency => &self.emergency,
            Purpose::OwnBehaviour => &self.own_behaviour,
        }
    }
}

/// Everything the safety screens need, from one content library: core's
/// safety content (the notes, the check, the services: reached through
/// `Deref`) and the terminal's own words.
#[derive(Clone, Debug)]
pub struct Content {
    /// The command line's texts.
    pub messages: Messages,
    /// Core's safety content.
    pub core: SafetyContent,
}

impl Deref for Content {
    type Target = SafetyContent;

    fn deref(&self) -> &SafetyContent {
        &self.core
    }
}

impl Content {
    /// Reads both parts from a library.
    pub fn from_library(library: &Library) -> Result<Self, ContentError> {
        Ok(Self {
            messages: Messages::parse(library.text(MESSAGES_FILE)?)?,
            core: SafetyContent::from_library(library)?,
        })
    }

    /// The person's texts, or the built-in ones if theirs do not parse:
    /// safety texts must always be there, so a broken override is reported
    /// and set aside rather than stopping the command.
    pub fn load(app: &App) -> CliResult<Self> {
        let own = app.library().and_then(|lib| {
            Self::from_library(&lib).map_err(|e| CliError::user(format!("content file {}: {}", e.file, e.message)))
        });
        match own {
            Ok(c) => Ok(c),
            Err(e) => {
                out::note(&format!("note: {}; using attune's built-in safety texts", e.message));
                Self::from_library(&Library::embedded()).map_err(|e| {
                    CliError::user(format!("built-in content file {} is invalid: {}", e.file, e.message))
                        .exit(Exit::Internal)
                })
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The person's safety settings, read once per command

/// Safety mode, the country, and the texts.
#[derive(Clone, Debug)]
pub struct Context {
    /// The texts and services.
    pub content: Content,
    /// Whether safety mode is on.
    pub mode: bool,
    /// The code the person set, if any.
    pub country_set: Option<String>,
}

impl Context {
    /// Reads the settings and the content.
    pub fn load(app: &App, store: &Store) -> CliResult<Self> {
        Ok(Self { content: Content::load(app)?, mode: store.safety_mode()?, country_set: store.country()? })
    }

    /// The settings core decides with (the store reads them itself after a save).
    #[cfg(test)]
    pub fn settings(&self) -> attune_core::safety::SafetySettings {
        attune_core::safety::SafetySettings { mode: self.mode, country: self.country_set.clone() }
    }

    /// The code used to pick services ("international" when none is set).
    pub fn country_code(&self) -> &str {
        self.country_set.as_deref().unwrap_or(INTERNATIONAL)
    }

    /// The services of the person's country (or the international ones).
    pub fn country(&self) -> &CountryResources {
        self.content.resources.for_country(self.country_code())
    }

    /// Groups of services in the order they should be shown.
    pub fn groups(&self, purposes: &[Purpose]) -> Vec<ResourceGroup> {
        self.content.resources.groups(self.country_code(), purposes)
    }

    /// The short note other screens start with in safety mode.
    pub fn mode_note(&self) -> Option<ModeNote> {
        let n = &self.content.notes.safety_mode;
        self.mode.then(|| ModeNote {
            title: n.note_title.clone(),
            text: n.note_text.clone(),
            country: self.country().country.clone(),
            advice: self.country().advice.clone(),
            resources: self.groups(&[Purpose::Abuse, Purpose::Emergency]),
        })
    }
}

/// The note at the top of other screens in safety mode.
#[derive(Clone, Debug, Serialize)]
pub struct ModeNote {
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// Whose services.
    pub country: String,
    /// What to do in immediate danger.
    pub advice: String,
    /// Abuse services, then emergency numbers.
    pub resources: Vec<ResourceGroup>,
}

// ---------------------------------------------------------------------------
// After a save

/// Compiles the lexicons and loads the sentence reader on other cores while
/// the command opens the journal and saves, so the check after the save does
/// not wait for them: one thread each, as either lexicon alone takes longer
/// than a save. Best effort:
/// without threads, the check compiles them itself.
pub fn warm_up() {
    // An error surfaces (and is reported) where the lexicons are used.
    let _ = std::thread::Builder::new().name("crisis-lexicon".into()).spawn(|| {
        let _ = attune_text::crisis::Lexicon::embedded();
    });
    let _ = std::thread::Builder::new().name("abuse-lexicon".into()).spawn(|| {
        let _ = attune_text::abuse::Lexicon::embedded();
    });
    let _ = std::thread::Builder::new().name("sentence-reader".into()).spawn(|| {
        let _ = attune_text::reader::Reader::embedded();
    });
}

/// During a guided check-in, the "afraid right now" question is asked when
/// felt security is rated at most this (0–10).
pub const ASK_AFRAID_AT_MOST: i64 = 3;

/// After a record was saved: core's decision, with what it asks stored
/// (safety mode switched on, the notes shown today). `None` when nothing at
/// all was noticed. Never fails (the record is saved): a problem becomes a
/// note, and in doubt the services are shown.
pub fn after_save(
    app: &App,
    store: &mut Store,
    texts: &[&str],
    checkin: Option<CheckinAnswers<'_>>,
) -> Option<(Context, Decision)> {
    let found = Found::read(Saved { texts, checkin });
    // Most saves show nothing: then no text or service is even read.
    if found.is_quiet(store.safety_mode().unwrap_or(true)) {
        return None;
    }
    let ctx = match Context::load(app, store) {
        Ok(ctx) => ctx,
        Err(e) => {
            out::note(&format!(
                "note: your record is saved, but attune could not check it for safety ({}). `attune safety` shows support services.",
                e.message
            ));
            return None;
        }
    };
    let today = app.now_moment().local().date().to_string();
    let after = store.safety_after_save_found(&ctx.content, found, &today);
    for problem in &after.problems {
        out::note(&format!(
            "note: a safety setting could not be read or saved ({problem}); `attune safety` shows support services"
        ));
    }
    let decision = after.decision;
    if decision.reasons.is_empty() {
        return None;
    }
    let mut ctx = ctx;
    ctx.mode = decision.safety_mode;
    Some((ctx, decision))
}

impl Context {
    /// Prints core's decision after the save message, set apart by rules.
    pub fn print_notice(&self, w: &mut impl Write, notice: &Decision) -> CliResult {
        if !notice.is_visible() {
            return Ok(());
        }
        let m = &self.content.messages;
        let rule = "─".repeat(out::PAGE);
        writeln!(w, "\n{rule}")?;
        for (i, note) in notice.messages.iter().enumerate() {
            if i > 0 {
                writeln!(w)?;
            }
            writeln!(w, "{BOLD}{}{BOLD:#}", note.title)?;
            out::paragraph(w, &note.text, "")?;
            if let Some(noticed) = &note.noticed {
                writeln!(w, "{DIM}{}{DIM:#}", out::fill(noticed, "", ""))?;
            }
        }
        if !notice.resources.is_empty() {
            writeln!(w)?;
            out::paragraph(w, &notice.advice, "")?;
            self.print_groups(w, &notice.resources, false)?;
        }
        let steps: Vec<&str> = notice.next.iter().filter_map(|s| m.next_step(*s)).collect();
        if !steps.is_empty() {
            writeln!(w, "\n{BOLD}{}{BOLD:#}", m.next.title)?;
            for step in steps {
                writeln!(w, "{}", out::fill(step, "• ", "  "))?;
            }
        }
        if !notice.resources.is_empty() {
            writeln!(w)?;
            self.print_country_line(w)?;
        }
        if notice.safety_mode {
            out::paragraph(w, &m.safety_mode.commands, "")?;
        }
        writeln!(w, "{rule}")?;
        Ok(())
    }

    /// "These are services for …" and, when no country is set, how to set it.
    pub fn print_country_line(&self, w: &mut impl Write) -> CliResult {
        let r = &self.content.messages.resources;
        let c = self.country();
        let mut line = if c.country == INTERNATIONAL {
            r.showing_international.clone()
        } else {
            r.showing.render(&[("name", c.name.clone()), ("code", c.country.clone())])
        };
        if self.country_set.is_none() {
            line.push(' ');
            line.push_str(&r.set_country);
        }
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(&line, "", ""))?;
        Ok(())
    }

    /// Prints groups of services; `detail` adds what each is and when it was checked.
    pub fn print_groups(&self, w: &mut impl Write, groups: &[ResourceGroup], detail: bool) -> CliResult {
        let r = &self.content.messages.resources;
        for g in groups {
            writeln!(w, "\n{BOLD}{}{BOLD:#}", r.heading(g.purpose))?;
            for res in &g.resources {
                writeln!(w, "{}", out::fill(&format!("• {}", resource_line(r, res)), "", "  "))?;
                if detail {
                    let checked = r.checked.render(&[
                        ("source", res.checked.source.clone()),
                        ("date", format!("{}-{:02}", res.checked.year, res.checked.month)),
                    ]);
                    writeln!(w, "{}", out::fill(&res.about, "  ", "  "))?;
                    writeln!(w, "{DIM}{}{DIM:#}", out::fill(&checked, "  ", "  "))?;
                }
            }
        }
        Ok(())
    }

    /// Prints the safety-mode note that starts other screens.
    pub fn print_mode_note(&self, w: &mut impl Write, note: &ModeNote) -> CliResult {
        let rule = "─".repeat(out::PAGE);
        writeln!(w, "{rule}")?;
        writeln!(w, "{BOLD}{}{BOLD:#}", note.title)?;
        out::paragraph(w, &note.text, "")?;
        writeln!(w)?;
        out::paragraph(w, &note.advice, "")?;
        self.print_groups(w, &note.resources, false)?;
        writeln!(w)?;
        self.print_country_line(w)?;
        writeln!(w, "{rule}")?;
        Ok(())
    }
}

/// "Samaritans: call 116 123, https://www.samaritans.org (24/7)".
pub fn resource_line(r: &ResourceTexts, res: &Resource) -> String {
    let mut ways = Vec::new();
    // A number is never split across two lines: its spaces are no-break
    // spaces until `wrap_indent` has wrapped the line.
    let whole = |n: &str| n.replace(' ', "\u{a0}");
    if let Some(p) = &res.phone {
        let mut number = whole(p);
        if let Some(alt) = &res.phone_alt {
            number.push_str(&format!(" / {}", whole(alt)));
        }
        ways.push(r.call.render(&[("number", number)]));
    }
    match (&res.text, &res.text_keyword) {
        (Some(n), Some(k)) => ways.push(r.text_keyword.render(&[("keyword", k.clone()), ("number", whole(n))])),
        (Some(n), None) => ways.push(r.text.render(&[("number", whole(n))])),
        _ => {}
    }
    if let Some(web) = &res.web {
        ways.push(web.clone());
    }
    let name = match &res.region {
        Some(region) if !res.name.contains(region.as_str()) => format!("{} ({region})", res.name),
        _ => res.name.clone(),
    };
    let mut line = format!("{name}: {}", ways.join(", "));
    if let Some(h) = &res.hours {
        line.push_str(&format!(" ({h})"));
    }
    line
}

// ---------------------------------------------------------------------------
// Asking a safety question in the terminal (the safety check, the check-in)

/// What may be typed for each answer of a check question.
pub(crate) const CHECK_KEYS: [(Answer, &[&str]); 3] =
    [(Answer::Yes, &["y", "yes"]), (Answer::No, &["n", "no"]), (Answer::PreferNotToSay, &["s", "skip", "r"])];

/// The answer `typed` names among `keys` (case and spaces do not matter).
fn typed_answer(typed: &str, keys: &[(Answer, &[&str])]) -> Option<Answer> {
    let typed = typed.trim().to_lowercase();
    keys.iter().find(|(_, words)| words.contains(&typed.as_str())).map(|(a, _)| *a)
}

/// Asks `question` until one of `keys` is typed. Nothing is pre-selected:
/// Enter alone, or anything else, asks again. The end of input stops.
pub(crate) fn prompt(
    input: &mut impl BufRead,
    question: &str,
    screen: &Screen,
    keys: &[(Answer, &[&str])],
) -> CliResult<Answer> {
    let choices: Vec<String> =
        keys.iter().map(|(a, words)| format!("{} = {}", words[0], screen.answers.get(*a))).collect();
    let choices = choices.join("   ");
    let hint = match keys.iter().map(|(_, words)| words[0]).collect::<Vec<_>>().as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("Type {} or {last}, then press Enter.", rest.join(", ")),
        all => format!("Type {}, then press Enter.", all.join("")),
    };
    out::note(question);
    loop {
        out::note(&format!("  {choices}"));
        let mut err = anstream::stderr();
        let _ = write!(err, "> ");
        let _ = err.flush();
        let mut line = String::new();
        let read = input.read_line(&mut line).map_err(|e| {
            CliError::user(format!("attune could not read your answer: {e}")).hint("nothing was saved or changed")
        })?;
        if read == 0 {
            return Err(CliError::user("the questions were stopped before an answer was typed")
                .hint("nothing was saved or changed; run the command again whenever you like"));
        }
        match typed_answer(&line, keys) {
            Some(a) => return Ok(a),
            None => out::note(&hint),
        }
    }
}

/// A saved record with the `"safety"` field `--json` adds when anything was
/// noticed (docs/json.md).
#[derive(Serialize)]
pub struct WithSafety<'a, T: Serialize> {
    /// The record, as without a notice.
    #[serde(flatten)]
    pub record: &'a T,
    /// Core's decision, when anything was noticed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety: Option<&'a Decision>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use super::*;

    fn content() -> Content {
        Content::from_library(&Library::embedded()).unwrap()
    }

    /// Every template renders completely with the placeholders its
    /// comment names, so a typo in the file shows up here.
    #[test]
    fn messages_parse_and_templates_fill() {
        let m = content().messages;
        fn v<'a>(names: &[&'a str]) -> Vec<(&'a str, String)> {
            names.iter().map(|n| (*n, "x".to_string())).collect()
        }
        let cases: Vec<(&Template, Vec<(&str, String)>)> = vec![
            (&m.resources.call, v(&["number"])),
            (&m.resources.text, v(&["number"])),
            (&m.resources.text_keyword, v(&["number", "keyword"])),
            (&m.resources.showing, v(&["name", "code"])),
            (&m.resources.checked, v(&["source", "date"])),
            (&m.country.current, v(&["name", "code"])),
            (&m.country.known, v(&["codes"])),
            (&m.country.set, v(&["name", "code"])),
            (&m.country.fallback, v(&["code"])),
            (&m.page.lock, v(&["lock_after"])),
            (&m.page.last_check, v(&["date"])),
            (&m.check.progress, v(&["n", "total"])),
            (&m.check.needs_answers_hint, v(&["ids"])),
        ];
        for (t, vars) in cases {
            let out = t.render(&vars);
            assert!(!out.contains('{') && !out.contains('}'), "{}", t.as_str());
        }
    }

    fn ctx(mode: bool, country: Option<&str>) -> Context {
        Context { content: content(), mode, country_set: country.map(str::to_string) }
    }

    fn printed(c: &Context, texts: &[&str]) -> String {
        let d =
            attune_core::safety::decide(&c.content, &c.settings(), Saved { texts, checkin: None }, &BTreeSet::new());
        let mut out = Vec::new();
        c.print_notice(&mut out, &d).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The terminal prints core's decision: every note, the services, and
    /// each next step as a command.
    #[test]
    fn the_terminal_prints_cores_decision_with_commands() {
        let c = ctx(false, Some("gb"));
        assert_eq!(printed(&c, &["this deadline is killing me"]), "");
        let text = printed(&c, &["a calm day", "I want to die"]);
        assert!(text.contains("116 123") && text.contains("999"), "{text}");
        assert!(text.contains("“I want to die”"), "{text}");
        assert!(text.contains("`attune safety plan crisis`"), "{text}");
        assert!(!text.contains("`attune safety country XX`"), "a country is set: {text}");
        let c = ctx(true, None);
        let text = printed(&c, &["a calm evening"]);
        assert!(text.contains("`attune safety mode off`"), "{text}");
        assert!(text.contains("`attune safety country XX`"), "{text}");
    }
}
