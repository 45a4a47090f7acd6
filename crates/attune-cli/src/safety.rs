//! Safety first, for every command: safety mode and the person's country
//! (both kept in the encrypted journal's settings), the support services to
//! show, and the check that runs after every save.
//!
//! The rules live in `attune_core::safety` (the check, safety mode's policy,
//! the check-in signal, the resources) and `attune_text::crisis` (crisis
//! language); the words in `content/safety/`. This module only joins them
//! and prints. What it shows after a save never blocks or undoes the save:
//! it runs only after COMMIT returned, and a problem inside it becomes a note
//! on standard error, never a failed command.

use std::io::Write;

use attune_core::Checkin;
use attune_core::content::{ContentError, Library};
use attune_core::insights::Template;
use attune_core::safety::{
    Answer, CheckinSignal, CountryResources, INTERNATIONAL, Purpose, Resource, ResourceDirectory, ResourceGroup,
    Screen, checkin_signal,
};
use attune_store::Store;
use attune_text::crisis::{self, Level};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{CliError, CliResult, Exit};
use crate::out::{self, BOLD, DIM};

/// Setting: "on" while safety mode is on (absent when off).
pub const MODE_KEY: &str = "safety_mode";
/// Setting: the person's country code ("gb"), for local services.
pub const COUNTRY_KEY: &str = "country";

/// The content file with the command line's safety texts.
pub const MESSAGES_FILE: &str = "safety/messages.toml";
/// The safety check.
pub const SCREEN_FILE: &str = "safety/screen.toml";
/// The folder of per-country services.
pub const RESOURCES_DIR: &str = "safety/resources/";

/// Text width for wrapped paragraphs.
pub const WIDTH: usize = 78;

/// Whether safety mode is on. A stored value other than "on" or "off" (a
/// damaged setting) counts as on: when in doubt, safety first.
pub fn mode(store: &Store) -> CliResult<bool> {
    Ok(store.setting(MODE_KEY)?.is_some_and(|v| v != "off"))
}

/// The person's country code, if they set one.
pub fn country(store: &Store) -> CliResult<Option<String>> {
    Ok(store.setting(COUNTRY_KEY)?.filter(|c| !c.trim().is_empty()))
}

// ---------------------------------------------------------------------------
// Texts

/// `content/safety/messages.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    pub crisis: CrisisTexts,
    pub checkin: CheckinTexts,
    pub safety_mode: ModeTexts,
    pub resources: ResourceTexts,
    pub country: CountryTexts,
    pub page: PageTexts,
    pub check: CheckTexts,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisTexts {
    pub concern_title: String,
    pub concern_text: String,
    pub urgent_title: String,
    pub urgent_text: String,
    pub noticed: Template,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinTexts {
    pub offer_title: String,
    pub offer_command: String,
    pub question_hint: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeTexts {
    pub note_title: String,
    pub note_text: String,
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

impl Messages {
    /// Parses the file.
    pub fn parse(text: &str) -> Result<Self, ContentError> {
        toml::from_str(text).map_err(|e| ContentError { file: MESSAGES_FILE.into(), message: e.to_string() })
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

/// Everything the safety screens need, from one content library.
#[derive(Clone, Debug)]
pub struct Content {
    /// The command line's texts.
    pub messages: Messages,
    /// The safety check.
    pub screen: Screen,
    /// Services per country.
    pub resources: ResourceDirectory,
}

impl Content {
    /// Reads the three parts from a library.
    pub fn from_library(library: &Library) -> Result<Self, ContentError> {
        let messages = Messages::parse(library.text(MESSAGES_FILE)?)?;
        let screen = Screen::parse(library.text(SCREEN_FILE)?)?;
        let files: Vec<(String, &str)> = library
            .paths_under(RESOURCES_DIR)
            .filter_map(|p| {
                let code = p.strip_prefix(RESOURCES_DIR)?.strip_suffix(".toml")?;
                Some((code.to_string(), library.text(p).ok()?))
            })
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(c, t)| (c.as_str(), *t)).collect();
        let resources = ResourceDirectory::parse(&files)?;
        Ok(Self { messages, screen, resources })
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
        Ok(Self { content: Content::load(app)?, mode: app.safety_mode(store)?, country_set: country(store)? })
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
        self.mode.then(|| ModeNote {
            title: self.content.messages.safety_mode.note_title.clone(),
            text: self.content.messages.safety_mode.note_text.clone(),
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

/// Why a safety notice is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The saved words may point to thoughts of suicide or self-harm.
    CrisisLanguage,
    /// The person said in a check-in that they are afraid right now.
    AfraidNow,
    /// A check-in rated felt security or respect very low.
    VeryLowRating,
    /// Safety mode is on: services come after every save.
    SafetyMode,
}

/// What the crisis check noticed.
#[derive(Clone, Debug, Serialize)]
pub struct CrisisFound {
    /// "concern" or "urgent".
    pub level: Level,
    /// Raised to urgent because several signs came together.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escalated: bool,
    /// Each noticed passage.
    pub noticed: Vec<Noticed>,
}

/// One noticed passage.
#[derive(Clone, Debug, Serialize)]
pub struct Noticed {
    /// The lexicon rule.
    pub rule: String,
    /// What the rule notices, in plain words.
    pub about: String,
    /// The words, as written.
    pub words: String,
}

/// A heading and a paragraph.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeMessage {
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
}

/// What to show after a save, when anything: the `"safety"` field of
/// `--json` output (docs/json.md).
#[derive(Clone, Debug, Serialize)]
pub struct Notice {
    /// Why it is shown (several may apply).
    pub reasons: Vec<Reason>,
    /// Present when the words may point to a crisis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crisis: Option<CrisisFound>,
    /// The check-in's safety signal, for check-ins that raised one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkin: Option<CheckinSignal>,
    /// Whether safety mode is on (after this save).
    pub safety_mode: bool,
    /// Whose services are listed ("gb", or "international").
    pub country: String,
    /// What to do in immediate danger.
    pub advice: String,
    /// What the terminal says, in order.
    pub messages: Vec<NoticeMessage>,
    /// Services, most urgent group first.
    pub resources: Vec<ResourceGroup>,
    /// Suggests taking the safety check (`attune safety check`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub offer_check: bool,
}

/// Reads all the words of a saved record at once (fields joined with blank
/// lines, which end sentences, so nothing matches across two fields).
pub fn assess(texts: &[&str]) -> Result<Option<CrisisFound>, crisis::LexiconError> {
    let joined = texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n");
    let a = crisis::assess(&joined)?;
    if !a.is_flagged() {
        return Ok(None);
    }
    let noticed = a
        .matches
        .iter()
        .map(|m| Noticed {
            rule: m.rule.clone(),
            about: m.about.clone(),
            words: joined.get(m.span.clone()).unwrap_or_default().to_string(),
        })
        .collect();
    Ok(Some(CrisisFound { level: a.level, escalated: a.escalated, noticed }))
}

/// What the words of a saved record show. In doubt (a broken lexicon, which
/// the tests rule out for the embedded one) that counts as a concern, so the
/// crisis services are shown anyway.
fn read_words(texts: &[&str]) -> Option<CrisisFound> {
    assess(texts).unwrap_or_else(|e| {
        out::note(&format!("note: the words could not be checked for signs of crisis ({e})"));
        Some(CrisisFound { level: Level::Concern, escalated: false, noticed: Vec::new() })
    })
}

/// Compiles the crisis lexicon on another core while the command opens the
/// journal and saves, so the check after the save does not wait for it.
/// Best effort: without a thread, the check compiles it itself.
pub fn warm_up() {
    let _ = std::thread::Builder::new().name("lexicon".into()).spawn(|| {
        // An error surfaces (and is reported) where the lexicon is used.
        let _ = crisis::Lexicon::embedded();
    });
}

/// A check-in and the answer to the optional "afraid right now" question.
#[derive(Clone, Copy, Debug)]
pub struct CheckinAnswers<'a> {
    /// The saved check-in.
    pub checkin: &'a Checkin,
    /// The answer, when the question was asked.
    pub afraid_now: Option<Answer>,
}

impl Context {
    /// The notice for a record that was just saved, if any. `texts` are all
    /// its words. Never fails: a problem becomes a note, and in doubt the
    /// services are shown.
    #[cfg(test)]
    pub fn after_save(&self, texts: &[&str], checkin: Option<CheckinAnswers<'_>>) -> Option<Notice> {
        self.notice(read_words(texts), checkin)
    }

    /// The notice, given what the words showed.
    fn notice(&self, crisis: Option<CrisisFound>, checkin: Option<CheckinAnswers<'_>>) -> Option<Notice> {
        let m = &self.content.messages;
        let mut reasons = Vec::new();
        let mut messages = Vec::new();
        let mut purposes: Vec<Purpose> = Vec::new();
        if let Some(found) = &crisis {
            reasons.push(Reason::CrisisLanguage);
            let (title, text) = match found.level {
                Level::Urgent => (&m.crisis.urgent_title, &m.crisis.urgent_text),
                _ => (&m.crisis.concern_title, &m.crisis.concern_text),
            };
            messages.push(NoticeMessage { title: title.clone(), text: text.clone() });
            purposes.push(Purpose::Crisis);
        }
        let signal = checkin.map(|c| checkin_signal(c.checkin, c.afraid_now));
        let screen = &self.content.screen.checkin;
        match signal {
            Some(CheckinSignal::Danger) => {
                reasons.push(Reason::AfraidNow);
                messages
                    .insert(0, NoticeMessage { title: screen.danger_title.clone(), text: screen.danger_text.clone() });
                purposes.insert(0, Purpose::Abuse);
                purposes.insert(1, Purpose::Emergency);
            }
            Some(CheckinSignal::OfferCheck) if !self.mode => {
                reasons.push(Reason::VeryLowRating);
                messages.push(NoticeMessage {
                    title: m.checkin.offer_title.clone(),
                    text: format!("{} {}", screen.offer_text.trim(), m.checkin.offer_command),
                });
            }
            _ => {}
        }
        if self.mode {
            reasons.push(Reason::SafetyMode);
            messages
                .push(NoticeMessage { title: m.safety_mode.note_title.clone(), text: m.safety_mode.note_text.clone() });
            for p in [Purpose::Abuse, Purpose::Emergency] {
                if !purposes.contains(&p) {
                    purposes.push(p);
                }
            }
        }
        if reasons.is_empty() {
            return None;
        }
        if purposes.contains(&Purpose::Crisis) && !purposes.contains(&Purpose::Emergency) {
            purposes.push(Purpose::Emergency);
        }
        Some(Notice {
            offer_check: reasons.contains(&Reason::VeryLowRating),
            reasons,
            crisis,
            checkin: signal.filter(|s| *s != CheckinSignal::None),
            safety_mode: self.mode,
            country: self.country().country.clone(),
            advice: self.country().advice.clone(),
            messages,
            resources: self.groups(&purposes),
        })
    }

    /// Prints a notice after the save message, set apart by rules.
    pub fn print_notice(&self, w: &mut impl Write, notice: &Notice) -> CliResult {
        let m = &self.content.messages;
        let rule = "─".repeat(WIDTH);
        writeln!(w, "\n{rule}")?;
        for (i, msg) in notice.messages.iter().enumerate() {
            if i > 0 {
                writeln!(w)?;
            }
            writeln!(w, "{BOLD}{}{BOLD:#}", msg.title)?;
            paragraph(w, &msg.text, "")?;
        }
        if !notice.resources.is_empty() {
            writeln!(w)?;
            paragraph(w, &notice.advice, "")?;
            self.print_groups(w, &notice.resources, false)?;
        }
        if let Some(found) = &notice.crisis
            && !found.noticed.is_empty()
        {
            let words: Vec<String> = found.noticed.iter().map(|n| format!("“{}”", n.words)).collect();
            writeln!(w)?;
            paragraph(w, &m.crisis.noticed.render(&[("words", words.join(", "))]), "")?;
        }
        if !notice.resources.is_empty() {
            self.print_country_line(w)?;
        }
        if notice.safety_mode {
            paragraph(w, &m.safety_mode.commands, "")?;
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
        writeln!(w, "{DIM}{}{DIM:#}", wrap(&line, ""))?;
        Ok(())
    }

    /// Prints groups of services; `detail` adds what each is and when it was checked.
    pub fn print_groups(&self, w: &mut impl Write, groups: &[ResourceGroup], detail: bool) -> CliResult {
        let r = &self.content.messages.resources;
        for g in groups {
            writeln!(w, "\n{BOLD}{}{BOLD:#}", r.heading(g.purpose))?;
            for res in &g.resources {
                writeln!(w, "{}", wrap(&format!("• {}", resource_line(r, res)), "  "))?;
                if detail {
                    let checked = r.checked.render(&[
                        ("source", res.checked.source.clone()),
                        ("date", format!("{}-{:02}", res.checked.year, res.checked.month)),
                    ]);
                    writeln!(w, "{}", wrap_indent(&res.about, "  ", "  "))?;
                    writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&checked, "  ", "  "))?;
                }
            }
        }
        Ok(())
    }

    /// Prints the safety-mode note that starts other screens.
    pub fn print_mode_note(&self, w: &mut impl Write, note: &ModeNote) -> CliResult {
        let rule = "─".repeat(WIDTH);
        writeln!(w, "{rule}")?;
        writeln!(w, "{BOLD}{}{BOLD:#}", note.title)?;
        paragraph(w, &note.text, "")?;
        writeln!(w)?;
        paragraph(w, &note.advice, "")?;
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
    if let Some(p) = &res.phone {
        let mut number = p.clone();
        if let Some(alt) = &res.phone_alt {
            number.push_str(&format!(" / {alt}"));
        }
        ways.push(r.call.render(&[("number", number)]));
    }
    match (&res.text, &res.text_keyword) {
        (Some(n), Some(k)) => ways.push(r.text_keyword.render(&[("keyword", k.clone()), ("number", n.clone())])),
        (Some(n), None) => ways.push(r.text.render(&[("number", n.clone())])),
        _ => {}
    }
    if let Some(web) = &res.web {
        ways.push(web.clone());
    }
    let mut line = format!("{}: {}", res.name, ways.join(", "));
    if let Some(h) = &res.hours {
        line.push_str(&format!(" ({h})"));
    }
    line
}

/// Wraps text to the page width, every line indented by `indent`.
pub fn wrap(text: &str, indent: &str) -> String {
    wrap_indent(text, "", indent)
}

/// Wraps text with a first-line and a following-line indent.
pub fn wrap_indent(text: &str, first: &str, rest: &str) -> String {
    // Break only at spaces, so web addresses and commands stay whole.
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .break_words(false);
    textwrap::fill(text.trim(), options)
}

/// A wrapped paragraph.
pub fn paragraph(w: &mut impl Write, text: &str, indent: &str) -> CliResult {
    writeln!(w, "{}", wrap_indent(text, indent, indent))?;
    Ok(())
}

/// A saved record with the `"safety"` field `--json` adds when there is a
/// notice (docs/json.md).
#[derive(Serialize)]
pub struct WithSafety<'a, T: Serialize> {
    /// The record, as without a notice.
    #[serde(flatten)]
    pub record: &'a T,
    /// The notice, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety: Option<&'a Notice>,
}

/// During a guided check-in, the "afraid right now" question is asked when
/// felt security is rated at most this (0–10).
pub const ASK_AFRAID_AT_MOST: i64 = 3;

/// After an entry was saved: the context and the notice, if there is one.
/// Never fails (the entry is saved): a problem becomes a note.
pub fn after_save(app: &App, store: &Store, texts: &[&str]) -> Option<(Context, Notice)> {
    let crisis = read_words(texts);
    // Most saves show nothing: then the texts and services are not even read.
    if crisis.is_none() && matches!(mode(store), Ok(false)) {
        return None;
    }
    let ctx = load_quietly(app, store)?;
    let notice = ctx.notice(crisis, None)?;
    Some((ctx, notice))
}

/// After a check-in was saved. A "yes" to the "afraid right now" question
/// switches safety mode on (and the notice says so).
pub fn after_checkin(app: &App, store: &mut Store, answers: CheckinAnswers<'_>) -> Option<(Context, Notice)> {
    let crisis = read_words(&[&answers.checkin.note]);
    let signal = checkin_signal(answers.checkin, answers.afraid_now);
    if crisis.is_none() && signal == CheckinSignal::None && matches!(mode(store), Ok(false)) {
        return None;
    }
    let mut ctx = load_quietly(app, store)?;
    if signal == CheckinSignal::Danger && !ctx.mode {
        match store.set_setting(MODE_KEY, Some("on")) {
            Ok(()) => ctx.mode = true,
            Err(e) => out::note(&format!("note: safety mode could not be switched on ({e}); `attune safety mode on`")),
        }
    }
    let notice = ctx.notice(crisis, Some(answers))?;
    Some((ctx, notice))
}

fn load_quietly(app: &App, store: &Store) -> Option<Context> {
    match Context::load(app, store) {
        Ok(ctx) => Some(ctx),
        Err(e) => {
            out::note(&format!(
                "note: your record is saved, but attune could not check it for safety ({}). `attune safety` shows support services.",
                e.message
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use attune_core::Moment;

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
            (&m.crisis.noticed, v(&["words"])),
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

    #[test]
    fn ordinary_words_show_nothing_and_crisis_words_show_crisis_services() {
        let c = ctx(false, Some("gb"));
        assert!(c.after_save(&["this deadline is killing me", ""], None).is_none());
        let n = c.after_save(&["a calm day", "I want to die"], None).unwrap();
        assert_eq!(n.reasons, vec![Reason::CrisisLanguage]);
        assert_eq!(n.crisis.as_ref().unwrap().level, Level::Urgent);
        assert_eq!(n.crisis.as_ref().unwrap().noticed[0].words, "I want to die");
        assert_eq!(n.resources[0].purpose, Purpose::Crisis);
        assert!(n.resources[0].resources.iter().any(|r| r.name == "Samaritans"));
        assert_eq!(n.resources.last().unwrap().purpose, Purpose::Emergency);
        let mut out = Vec::new();
        c.print_notice(&mut out, &n).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("116 123") && text.contains("999"), "{text}");
    }

    #[test]
    fn unknown_countries_use_the_international_list() {
        let c = ctx(false, Some("zz"));
        assert_eq!(c.country().country, INTERNATIONAL);
        let n = c.after_save(&["I don't want to be alive anymore"], None).unwrap();
        assert!(
            n.resources
                .iter()
                .flat_map(|g| &g.resources)
                .any(|r| r.web.as_deref() == Some("https://findahelpline.com"))
        );
    }

    #[test]
    fn checkin_signals_and_safety_mode() {
        let at = Moment::with_offset(jiff::Timestamp::from_second(1_700_000_000).unwrap(), 0);
        let low = attune_core::CheckinDraft { security: Some(1), ..Default::default() }
            .into_checkin(attune_core::RecordId::from_uuid(uuid::Uuid::nil()), at)
            .unwrap();
        let c = ctx(false, Some("us"));
        let n = c.after_save(&[""], Some(CheckinAnswers { checkin: &low, afraid_now: None })).unwrap();
        assert_eq!(n.reasons, vec![Reason::VeryLowRating]);
        assert!(n.offer_check && n.resources.is_empty());
        let n = c.after_save(&[""], Some(CheckinAnswers { checkin: &low, afraid_now: Some(Answer::Yes) })).unwrap();
        assert_eq!(n.checkin, Some(CheckinSignal::Danger));
        assert_eq!(n.resources[0].purpose, Purpose::Abuse);
        assert!(n.resources[0].resources.iter().any(|r| r.phone.as_deref() == Some("1-800-799-7233")));

        let on = ctx(true, Some("us"));
        let n = on.after_save(&["a calm evening"], None).unwrap();
        assert_eq!(n.reasons, vec![Reason::SafetyMode]);
        assert_eq!(n.resources[0].purpose, Purpose::Abuse);
    }
}
