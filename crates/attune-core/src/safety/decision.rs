//! The one safety decision after a save, for every front end.
//!
//! [`decide`] takes what was just saved (its words, and a check-in's safety
//! signal), the person's safety settings and which notes were already shown
//! today, reads the words for crisis language (`attune_text::crisis`) and
//! for abuse (`attune_text::abuse`), and returns the whole response as a
//! [`Decision`]: why, the notes in order, the support services in order,
//! whether safety mode must be switched on, and the next steps. The CLI and
//! the web app only render it and store what it asks them to store, so the
//! two cannot drift apart.
//!
//! The tiers follow the safety check's: words describing danger (violence,
//! strangulation, threats, sexual coercion) switch safety mode on; words
//! describing control (monitoring, money, isolation) switch it on when two
//! kinds come together and otherwise inform; emotional abuse alone informs
//! and offers support, never switching the mode on (it fires for many
//! people attune is for, and accusations can go both ways). A note about
//! abuse of a kind already shown today is not shown again that day; crisis
//! services are shown every time; the reasons are always in the decision.

use std::collections::BTreeSet;

use attune_text::abuse::{self, Actor, Tier};
use attune_text::crisis::{self, Level};
use serde::{Deserialize, Serialize};

use super::{
    Answer, CheckinSignal, INTERNATIONAL, Purpose, ResourceDirectory, ResourceGroup, SafetyPolicy, Screen,
    checkin_signal, copy_error,
};
use crate::checkin::Checkin;
use crate::content::{ContentError, Library};
use crate::insights::Template;

/// The content file of the notes.
pub const NOTES_FILE: &str = "safety/notes.toml";
/// The content file of the safety check.
pub const SCREEN_FILE: &str = "safety/screen.toml";
/// The folder of services per country.
pub const RESOURCES_DIR: &str = "safety/resources/";

/// How many different control kinds in one text switch safety mode on, as
/// [`super::CONTROL_ITEMS_FOR_SAFETY_MODE`] control answers do in the check.
pub const CONTROL_KINDS_FOR_SAFETY_MODE: usize = super::CONTROL_ITEMS_FOR_SAFETY_MODE;

// ---------------------------------------------------------------------------
// Texts

/// `content/safety/notes.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    /// `{words}`: what was noticed, quoted.
    pub noticed: Template,
    /// Crisis language.
    pub crisis: CrisisNotes,
    /// Abuse described in the words.
    pub abuse: AbuseNotes,
    /// The person describes controlling or hurting their partner.
    pub own_behaviour: TitledText,
    /// Safety mode.
    pub safety_mode: ModeNotes,
    /// A very low check-in.
    pub checkin: CheckinNotes,
    /// After an import.
    pub import: ImportNotes,
    /// A draft message that describes control or harm done to the person.
    pub draft: TitledText,
}

/// `[import]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportNotes {
    pub summary: Template,
    pub crisis_one: String,
    pub crisis_many: Template,
    pub abuse_one: String,
    pub abuse_many: Template,
    pub own_one: String,
    pub own_many: Template,
}

/// `[crisis]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisNotes {
    pub concern_title: String,
    pub concern_text: String,
    pub urgent_title: String,
    pub urgent_text: String,
}

/// `[abuse]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbuseNotes {
    pub danger_title: String,
    pub danger_text: String,
    pub control_title: String,
    pub control_text: String,
    pub emotional_title: String,
    pub emotional_text: String,
}

/// A heading and a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitledText {
    pub title: String,
    pub text: String,
}

/// `[safety_mode]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeNotes {
    pub note_title: String,
    pub note_text: String,
    pub switched_on: String,
}

/// `[checkin]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinNotes {
    pub offer_title: String,
}

/// Everything the decision needs from the content: the notes, the safety
/// check (its check-in texts) and the services.
#[derive(Clone, Debug)]
pub struct SafetyContent {
    /// `notes.toml`.
    pub notes: Notes,
    /// `screen.toml`.
    pub screen: Screen,
    /// `resources/*.toml`.
    pub resources: ResourceDirectory,
}

impl SafetyContent {
    /// Reads the three parts from a library.
    pub fn from_library(library: &Library) -> Result<Self, ContentError> {
        let notes: Notes = library.toml(NOTES_FILE)?;
        if notes.noticed.render(&[("words", String::new())]).contains('{') {
            return Err(ContentError { file: NOTES_FILE.into(), message: "noticed may use only {words}".into() });
        }
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
        Ok(Self { notes, screen, resources })
    }

    /// The built-in texts, parsed once.
    pub fn embedded() -> Result<&'static Self, ContentError> {
        static EMBEDDED: std::sync::OnceLock<Result<SafetyContent, ContentError>> = std::sync::OnceLock::new();
        EMBEDDED.get_or_init(|| Self::from_library(&Library::embedded())).as_ref().map_err(copy_error)
    }

    /// The person's texts, or the built-in ones when theirs do not parse:
    /// safety texts must always be there, so a broken override is set
    /// aside (and returned, for the caller to mention) rather than stopping
    /// anything.
    pub fn or_embedded(library: &Library) -> Result<(Self, Option<ContentError>), ContentError> {
        match Self::from_library(library) {
            Ok(own) => Ok((own, None)),
            Err(e) => Ok((Self::embedded()?.clone(), Some(e))),
        }
    }
}

// ---------------------------------------------------------------------------
// What goes in

/// The person's safety settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SafetySettings {
    /// Whether safety mode is on.
    pub mode: bool,
    /// The country code they chose, if any.
    pub country: Option<String>,
}

impl SafetySettings {
    /// The code used to pick services ("international" when none is set).
    pub fn country_code(&self) -> &str {
        self.country.as_deref().unwrap_or(INTERNATIONAL)
    }

    /// What the front ends offer in this mode.
    pub fn policy(&self) -> SafetyPolicy {
        SafetyPolicy::for_mode(self.mode)
    }
}

/// A saved check-in and the answer to the "afraid right now" question.
#[derive(Clone, Copy, Debug)]
pub struct CheckinAnswers<'a> {
    /// The saved check-in.
    pub checkin: &'a Checkin,
    /// The answer, when the question was asked.
    pub afraid_now: Option<Answer>,
}

/// What was just saved.
#[derive(Clone, Copy, Debug, Default)]
pub struct Saved<'a> {
    /// All its words (fields are read apart: nothing matches across two).
    pub texts: &'a [&'a str],
    /// For a check-in, its answers.
    pub checkin: Option<CheckinAnswers<'a>>,
}

// ---------------------------------------------------------------------------
// What comes out

/// Why a safety note is shown. Several may apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The words may point to thoughts of suicide or self-harm.
    CrisisLanguage,
    /// The words describe being hurt, threatened or controlled.
    AbuseLanguage,
    /// The words describe the person controlling or hurting their partner.
    OwnBehaviour,
    /// The person said in a check-in that they are afraid right now.
    AfraidNow,
    /// A check-in rated felt security or respect very low.
    VeryLowRating,
    /// Safety mode is on: services come after every save.
    SafetyMode,
}

impl Reason {
    /// Every reason, for tests and documentation.
    pub const ALL: [Reason; 6] = [
        Reason::CrisisLanguage,
        Reason::AbuseLanguage,
        Reason::OwnBehaviour,
        Reason::AfraidNow,
        Reason::VeryLowRating,
        Reason::SafetyMode,
    ];

    /// The stable id ("crisis-language").
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::CrisisLanguage => "crisis-language",
            Reason::AbuseLanguage => "abuse-language",
            Reason::OwnBehaviour => "own-behaviour",
            Reason::AfraidNow => "afraid-now",
            Reason::VeryLowRating => "very-low-rating",
            Reason::SafetyMode => "safety-mode",
        }
    }
}

/// One noticed passage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Noticed {
    /// The lexicon rule.
    pub rule: String,
    /// What the rule notices, in plain words.
    pub about: String,
    /// The words, as written.
    pub words: String,
}

/// What the crisis check noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrisisFound {
    /// "concern" or "urgent".
    pub level: Level,
    /// Raised to urgent because several signs came together.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escalated: bool,
    /// Each noticed passage.
    pub noticed: Vec<Noticed>,
}

/// What the abuse check noticed (about the person, or by them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AbuseFound {
    /// The most serious tier noticed.
    pub tier: Tier,
    /// The kinds noticed, by id ("strangulation").
    pub kinds: Vec<abuse::Kind>,
    /// Each noticed passage.
    pub noticed: Vec<Noticed>,
    /// A note of these kinds was already shown today, so none is shown now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub already_shown_today: bool,
}

/// Something the person can do next. Each front end words it its own way
/// (a command in the terminal, a link in the web app).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NextStep {
    /// Make or read a personal safety plan for a crisis.
    CrisisPlan,
    /// Make or read a plan for staying safe or leaving safely.
    StayingSafePlan,
    /// Take the relationship-safety check.
    SafetyCheck,
    /// Choose a country, for local services.
    SetCountry,
    /// Safety mode is on: how to switch it off (or on again).
    SafetyMode,
}

/// One note, tied to the reason it is shown for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Why.
    pub reason: Reason,
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// What attune noticed in the words, as a sentence, when it noticed words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noticed: Option<String>,
}

/// The whole response after a save: the `"safety"` field of `--json` output
/// (docs/json.md) and what the web app shows before anything else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Why anything is shown; may hold a reason whose note was already shown today.
    pub reasons: Vec<Reason>,
    /// Present when the words may point to a crisis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crisis: Option<CrisisFound>,
    /// Present when the words describe abuse of the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abuse: Option<AbuseFound>,
    /// Present when the words describe the person controlling or hurting their partner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_behaviour: Option<AbuseFound>,
    /// The check-in's safety signal, for check-ins that raised one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkin: Option<CheckinSignal>,
    /// Whether safety mode is on after this save.
    pub safety_mode: bool,
    /// This save switched safety mode on: the caller stores it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub switched_on: bool,
    /// Whose services are listed ("gb", or "international").
    pub country: String,
    /// Whether the person chose a country.
    pub country_set: bool,
    /// What to do in immediate danger (the country's first line).
    pub advice: String,
    /// What to say, in order.
    pub messages: Vec<Note>,
    /// Services, most urgent group first.
    pub resources: Vec<ResourceGroup>,
    /// What the person can do next, most useful first.
    pub next: Vec<NextStep>,
    /// Suggests taking the safety check (kept for older readers of the JSON).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub offer_check: bool,
    /// Note kinds shown now, for the caller to remember with today's date.
    #[serde(skip)]
    pub shown: Vec<String>,
}

impl Decision {
    /// Whether there is anything to show.
    pub fn is_visible(&self) -> bool {
        !self.messages.is_empty()
    }
}

// ---------------------------------------------------------------------------
// Reading the words

/// Joins a record's fields with blank lines, which end sentences, so
/// nothing matches across two fields.
fn join(texts: &[&str]) -> String {
    texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n")
}

fn noticed(text: &str, rule: &str, about: &str, span: std::ops::Range<usize>) -> Noticed {
    Noticed { rule: rule.to_string(), about: about.to_string(), words: text.get(span).unwrap_or_default().to_string() }
}

/// What the crisis check finds in `text`. A broken lexicon (which the
/// crate's tests rule out) counts as a concern: in doubt, show the services.
pub fn read_crisis(text: &str) -> Option<CrisisFound> {
    match crisis::assess(text) {
        Ok(a) if !a.is_flagged() => None,
        Ok(a) => Some(CrisisFound {
            level: a.level,
            escalated: a.escalated,
            noticed: a.matches.iter().map(|m| noticed(text, &m.rule, &m.about, m.span.clone())).collect(),
        }),
        Err(_) => Some(CrisisFound { level: Level::Concern, escalated: false, noticed: Vec::new() }),
    }
}

/// What the abuse check finds in `text`: done to the person, and done by them.
pub fn read_abuse(text: &str) -> (Option<AbuseFound>, Option<AbuseFound>) {
    let Ok(a) = abuse::assess(text) else {
        // A broken lexicon cannot be told from silence; the crisis side
        // already leans to showing services, and the tests rule this out.
        return (None, None);
    };
    let found = |actor: Actor| {
        let findings: Vec<&abuse::Finding> = a.findings.iter().filter(|f| f.actor == actor).collect();
        let tier = findings.iter().map(|f| f.kind.tier()).max()?;
        let kinds: BTreeSet<abuse::Kind> = findings.iter().map(|f| f.kind).collect();
        Some(AbuseFound {
            tier,
            kinds: kinds.into_iter().collect(),
            noticed: findings.iter().map(|f| noticed(text, &f.rule, &f.about, f.span.clone())).collect(),
            already_shown_today: false,
        })
    };
    (found(Actor::Other), found(Actor::Writer))
}

/// Words of `noticed` passages, quoted, for the "attune noticed" sentence.
fn quoted(list: &[Noticed]) -> Option<String> {
    let words: Vec<String> = list.iter().filter(|n| !n.words.is_empty()).map(|n| format!("“{}”", n.words)).collect();
    (!words.is_empty()).then(|| words.join(", "))
}

/// The note key remembered per day: one per abuse kind, and one for own behaviour.
fn note_key(prefix: &str, kind: abuse::Kind) -> String {
    format!("{prefix}:{}", kind.as_str())
}

// ---------------------------------------------------------------------------
// The decision

/// The response after a save. `shown_today` holds the note keys already
/// shown today (from [`Decision::shown`] of earlier saves the same day).
pub fn decide(
    content: &SafetyContent,
    settings: &SafetySettings,
    saved: Saved<'_>,
    shown_today: &BTreeSet<String>,
) -> Decision {
    decide_from(content, settings, Found::read(saved), shown_today)
}

/// What was noticed, already read (the import reads words in bulk).
#[derive(Clone, Debug, Default)]
pub struct Found<'a> {
    /// Crisis language.
    pub crisis: Option<CrisisFound>,
    /// Abuse of the person.
    pub abuse: Option<AbuseFound>,
    /// The person's own controlling or harmful behaviour.
    pub own: Option<AbuseFound>,
    /// A check-in's answers.
    pub checkin: Option<CheckinAnswers<'a>>,
}

impl<'a> Found<'a> {
    /// Reads what was saved: its words for crisis language and abuse, and
    /// a check-in's answers.
    pub fn read(saved: Saved<'a>) -> Found<'a> {
        let text = join(saved.texts);
        let crisis = read_crisis(&text);
        let (abuse, own) = read_abuse(&text);
        Found { crisis, abuse, own, checkin: saved.checkin }
    }

    /// Whether the decision can only be "nothing to say": nothing noticed,
    /// no check-in signal, and safety mode off. Then no text or service
    /// needs loading (most saves).
    pub fn is_quiet(&self, safety_mode: bool) -> bool {
        !safety_mode
            && self.crisis.is_none()
            && self.abuse.is_none()
            && self.own.is_none()
            && self.checkin.is_none_or(|c| checkin_signal(c.checkin, c.afraid_now) == CheckinSignal::None)
    }
}

/// [`decide`] for words already read.
pub fn decide_from(
    content: &SafetyContent,
    settings: &SafetySettings,
    found: Found<'_>,
    shown_today: &BTreeSet<String>,
) -> Decision {
    let n = &content.notes;
    let Found { crisis, mut abuse, mut own, checkin } = found;
    let mut reasons = Vec::new();
    let mut messages = Vec::new();
    let mut purposes: Vec<Purpose> = Vec::new();
    let mut next: Vec<NextStep> = Vec::new();
    let mut shown = Vec::new();
    let mut switch_on = false;

    let signal = checkin.map(|c| checkin_signal(c.checkin, c.afraid_now));
    if signal == Some(CheckinSignal::Danger) {
        reasons.push(Reason::AfraidNow);
        let t = &content.screen.checkin;
        messages.push(Note {
            reason: Reason::AfraidNow,
            title: t.danger_title.clone(),
            text: t.danger_text.clone(),
            noticed: None,
        });
        purposes.extend([Purpose::Emergency, Purpose::Abuse]);
        next.extend([NextStep::StayingSafePlan, NextStep::SafetyCheck]);
        switch_on = true;
    }

    if let Some(found) = &crisis {
        reasons.push(Reason::CrisisLanguage);
        let (title, text) = match found.level {
            Level::Urgent => (&n.crisis.urgent_title, &n.crisis.urgent_text),
            _ => (&n.crisis.concern_title, &n.crisis.concern_text),
        };
        let noticed = quoted(&found.noticed).map(|w| n.noticed.render(&[("words", w)]));
        messages.push(Note { reason: Reason::CrisisLanguage, title: title.clone(), text: text.clone(), noticed });
        purposes.extend([Purpose::Crisis, Purpose::Emergency]);
        next.push(NextStep::CrisisPlan);
    }

    if let Some(found) = abuse.as_mut() {
        reasons.push(Reason::AbuseLanguage);
        let keys: Vec<String> = found.kinds.iter().map(|k| note_key("abuse", *k)).collect();
        let control_kinds = found.kinds.iter().filter(|k| k.tier() == Tier::Control).count();
        let danger = found.tier == Tier::Danger || control_kinds >= CONTROL_KINDS_FOR_SAFETY_MODE;
        if danger {
            switch_on = true;
        }
        // A new kind, or a danger that is not yet handled by safety mode,
        // is always shown; a note the person saw today for the same kinds is not.
        let handled = settings.mode || !danger;
        found.already_shown_today = handled && keys.iter().all(|k| shown_today.contains(k));
        if !found.already_shown_today {
            let (title, text) = match found.tier {
                Tier::Danger => (&n.abuse.danger_title, &n.abuse.danger_text),
                Tier::Control => (&n.abuse.control_title, &n.abuse.control_text),
                Tier::Emotional => (&n.abuse.emotional_title, &n.abuse.emotional_text),
            };
            let noticed = quoted(&found.noticed).map(|w| n.noticed.render(&[("words", w)]));
            messages.push(Note { reason: Reason::AbuseLanguage, title: title.clone(), text: text.clone(), noticed });
            if danger {
                purposes.extend([Purpose::Abuse, Purpose::Emergency]);
                next.extend([NextStep::StayingSafePlan, NextStep::SafetyCheck]);
            } else {
                purposes.push(Purpose::Abuse);
                next.extend([NextStep::SafetyCheck, NextStep::StayingSafePlan]);
            }
            shown.extend(keys);
        }
    }

    if let Some(found) = own.as_mut() {
        reasons.push(Reason::OwnBehaviour);
        let keys: Vec<String> = found.kinds.iter().map(|k| note_key("own", *k)).collect();
        found.already_shown_today = keys.iter().all(|k| shown_today.contains(k));
        if !found.already_shown_today {
            let noticed = quoted(&found.noticed).map(|w| n.noticed.render(&[("words", w)]));
            messages.push(Note {
                reason: Reason::OwnBehaviour,
                title: n.own_behaviour.title.clone(),
                text: n.own_behaviour.text.clone(),
                noticed,
            });
            purposes.push(Purpose::OwnBehaviour);
            shown.extend(keys);
        }
    }

    let mode = settings.mode || switch_on;
    if signal == Some(CheckinSignal::OfferCheck) && !mode {
        reasons.push(Reason::VeryLowRating);
        messages.push(Note {
            reason: Reason::VeryLowRating,
            title: n.checkin.offer_title.clone(),
            text: content.screen.checkin.offer_text.trim().to_string(),
            noticed: None,
        });
        next.push(NextStep::SafetyCheck);
    }

    if mode {
        reasons.push(Reason::SafetyMode);
        let text = if settings.mode { n.safety_mode.note_text.clone() } else { n.safety_mode.switched_on.clone() };
        messages.push(Note {
            reason: Reason::SafetyMode,
            title: n.safety_mode.note_title.clone(),
            text,
            noticed: None,
        });
        purposes.extend([Purpose::Abuse, Purpose::Emergency]);
        next.push(NextStep::SafetyMode);
    }

    let code = settings.country_code();
    let resources = if messages.is_empty() { Vec::new() } else { content.resources.groups(code, &dedup(purposes)) };
    if !resources.is_empty() && settings.country.is_none() {
        next.push(NextStep::SetCountry);
    }
    let country = content.resources.for_country(code);
    Decision {
        offer_check: reasons.contains(&Reason::VeryLowRating),
        reasons,
        crisis,
        abuse,
        own_behaviour: own,
        checkin: signal.filter(|s| *s != CheckinSignal::None),
        safety_mode: mode,
        switched_on: switch_on && !settings.mode,
        country: country.country.clone(),
        country_set: settings.country.is_some(),
        advice: country.advice.clone(),
        messages,
        resources,
        next: dedup(next),
        shown,
    }
}

/// Keeps the first of each, in order.
fn dedup<T: PartialEq + Copy>(list: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for x in list {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// What the statement helper says first when a draft message to the partner
/// describes control or harm done to the person ("you keep checking my
/// phone"): instead of coaching them out of "blame", it says gently that
/// this may be about their safety and points to the safety check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DraftNote {
    /// Why.
    pub reason: Reason,
    /// The most serious tier noticed.
    pub tier: Tier,
    /// The kinds noticed.
    pub kinds: Vec<abuse::Kind>,
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// What attune noticed, as a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noticed: Option<String>,
    /// What the person can do next.
    pub next: Vec<NextStep>,
}

/// The note for a draft message, when it describes control or harm done to
/// the person. A draft says "you" to the partner, so what "you" do to "me"
/// is read as done to the writer.
pub fn draft_note(content: &SafetyContent, draft: &str) -> Option<DraftNote> {
    let (found, _) = read_abuse(draft);
    let found = found?;
    let mut next = vec![NextStep::SafetyCheck];
    if found.tier == Tier::Danger {
        next.insert(0, NextStep::StayingSafePlan);
    }
    Some(DraftNote {
        reason: Reason::AbuseLanguage,
        tier: found.tier,
        kinds: found.kinds,
        title: content.notes.draft.title.clone(),
        text: content.notes.draft.text.clone(),
        noticed: quoted(&found.noticed).map(|w| content.notes.noticed.render(&[("words", w)])),
        next,
    })
}

/// How an import reports what its words showed: a count per reason, never
/// a note per record (a person importing years of journal is not in the
/// moment those words were written).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSafety {
    /// Records whose words may point to a crisis.
    pub crisis: usize,
    /// Records whose words describe abuse of the person.
    pub abuse: usize,
    /// Records whose words describe the person controlling or hurting their partner.
    pub own_behaviour: usize,
}

impl ImportSafety {
    /// An import reads the words of the records of the last this many days:
    /// the count is there for what may still be true now, and reading years
    /// of notes would make a large import many times slower.
    pub const RECENT_DAYS: i64 = 90;
    /// At most this many of those records, the most recent first.
    pub const MAX_READ: usize = 5_000;

    /// Whether a record from `occurred_ms` is read by an import at `now_ms`
    /// (both Unix milliseconds).
    pub fn is_recent(occurred_ms: i64, now_ms: i64) -> bool {
        now_ms.saturating_sub(occurred_ms) <= Self::RECENT_DAYS * 86_400_000
    }

    /// Reads each record's words (`texts` per record).
    pub fn count<'a>(records: impl IntoIterator<Item = &'a [&'a str]>) -> Self {
        let mut out = Self::default();
        for texts in records {
            let text = join(texts);
            out.crisis += usize::from(read_crisis(&text).is_some());
            let (abuse, own) = read_abuse(&text);
            out.abuse += usize::from(abuse.is_some());
            out.own_behaviour += usize::from(own.is_some());
        }
        out
    }

    /// Whether any record showed anything.
    pub fn any(&self) -> bool {
        self.crisis + self.abuse + self.own_behaviour > 0
    }

    /// The one calm sentence an import shows, when anything was noticed.
    pub fn sentence(&self, t: &ImportNotes) -> Option<String> {
        let count = |n: usize, one: &str, many: &Template| match n {
            0 => None,
            1 => Some(one.to_string()),
            n => Some(many.render(&[("n", n.to_string())])),
        };
        let parts: Vec<String> = [
            count(self.crisis, &t.crisis_one, &t.crisis_many),
            count(self.abuse, &t.abuse_one, &t.abuse_many),
            count(self.own_behaviour, &t.own_one, &t.own_many),
        ]
        .into_iter()
        .flatten()
        .collect();
        let days = Self::RECENT_DAYS.to_string();
        (!parts.is_empty()).then(|| t.summary.render(&[("parts", parts.join("; ")), ("days", days)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkin::CheckinDraft;
    use crate::ids::RecordId;
    use crate::moment::Moment;
    use proptest::prelude::*;

    fn content() -> &'static SafetyContent {
        SafetyContent::embedded().unwrap()
    }

    fn settings(mode: bool, country: Option<&str>) -> SafetySettings {
        SafetySettings { mode, country: country.map(str::to_string) }
    }

    fn decide_text(s: &SafetySettings, text: &str, shown: &BTreeSet<String>) -> Decision {
        decide(content(), s, Saved { texts: &[text], checkin: None }, shown)
    }

    fn purposes(d: &Decision) -> Vec<Purpose> {
        d.resources.iter().map(|g| g.purpose).collect()
    }

    const STRANGLED: &str = "He grabbed my throat during the argument and said nobody would believe me";
    const CONTROLLED: &str = "She reads all my messages and I'm not allowed to see my friends";

    #[test]
    fn quiet_saves_need_no_texts_and_decide_nothing() {
        let calm = Found::read(Saved { texts: &["we cooked together"], checkin: None });
        assert!(calm.is_quiet(false));
        assert!(!calm.is_quiet(true), "in safety mode every save gets its services");
        assert!(decide_from(content(), &settings(false, None), calm, &BTreeSet::new()).reasons.is_empty());
        assert!(!Found::read(Saved { texts: &[STRANGLED], checkin: None }).is_quiet(false));
        let low = checkin(1);
        let answers = CheckinAnswers { checkin: &low, afraid_now: None };
        assert!(!Found::read(Saved { texts: &[""], checkin: Some(answers) }).is_quiet(false));
    }

    #[test]
    fn ordinary_words_notice_nothing() {
        let d =
            decide_text(&settings(false, Some("gb")), "we argued about whose turn it was to call", &BTreeSet::new());
        assert!(d.reasons.is_empty() && !d.is_visible() && d.resources.is_empty() && d.next.is_empty());
    }

    #[test]
    fn crisis_words_put_crisis_services_first_and_offer_a_plan() {
        let d = decide_text(&settings(false, Some("gb")), "I want to die", &BTreeSet::new());
        assert_eq!(d.reasons, vec![Reason::CrisisLanguage]);
        assert_eq!(d.crisis.as_ref().map(|c| c.level), Some(Level::Urgent));
        assert_eq!(purposes(&d), vec![Purpose::Crisis, Purpose::Emergency]);
        assert_eq!(d.messages[0].title, content().notes.crisis.urgent_title);
        assert!(d.messages[0].noticed.as_deref().is_some_and(|n| n.contains("“I want to die”")));
        assert_eq!(d.next, vec![NextStep::CrisisPlan]);
        assert!(!d.safety_mode && !d.switched_on);
    }

    #[test]
    fn strangulation_is_danger_switches_safety_mode_on_and_leads_with_abuse_services() {
        let d = decide_text(&settings(false, Some("us")), STRANGLED, &BTreeSet::new());
        assert_eq!(d.reasons, vec![Reason::AbuseLanguage, Reason::SafetyMode]);
        let found = d.abuse.as_ref().unwrap();
        assert_eq!(found.tier, Tier::Danger);
        assert!(found.kinds.contains(&abuse::Kind::Strangulation));
        assert!(d.switched_on && d.safety_mode);
        assert_eq!(d.messages[0].title, content().notes.abuse.danger_title);
        assert_eq!(d.messages[1].text, content().notes.safety_mode.switched_on);
        assert_eq!(purposes(&d), vec![Purpose::Abuse, Purpose::Emergency]);
        assert_eq!(d.next[..2], [NextStep::StayingSafePlan, NextStep::SafetyCheck]);
        assert!(d.shown.iter().any(|k| k == "abuse:strangulation"));
    }

    #[test]
    fn two_kinds_of_control_switch_safety_mode_on_one_informs() {
        let d = decide_text(&settings(false, Some("gb")), CONTROLLED, &BTreeSet::new());
        assert_eq!(d.abuse.as_ref().map(|a| a.tier), Some(Tier::Control));
        assert!(d.switched_on, "{:?}", d.abuse);
        let d = decide_text(&settings(false, Some("gb")), "She reads all my messages.", &BTreeSet::new());
        assert!(!d.switched_on && !d.safety_mode);
        assert_eq!(d.messages[0].title, content().notes.abuse.control_title);
        assert_eq!(purposes(&d), vec![Purpose::Abuse]);
        assert_eq!(d.next, vec![NextStep::SafetyCheck, NextStep::StayingSafePlan]);
    }

    #[test]
    fn emotional_abuse_alone_informs_and_never_switches_the_mode_on() {
        let d = decide_text(&settings(false, Some("gb")), "He calls me stupid in front of everyone.", &BTreeSet::new());
        assert_eq!(d.abuse.as_ref().map(|a| a.tier), Some(Tier::Emotional));
        assert!(!d.switched_on && !d.safety_mode);
        assert_eq!(d.messages[0].title, content().notes.abuse.emotional_title);
        assert_eq!(d.reasons, vec![Reason::AbuseLanguage]);
        // Every abuse note, whatever its tier, reaches the staying-safe plan.
        assert!(d.next.contains(&NextStep::StayingSafePlan));
    }

    #[test]
    fn an_abuse_note_is_shown_once_a_day_per_kind_but_crisis_every_time() {
        let s = settings(true, Some("gb"));
        let first = decide_text(&s, STRANGLED, &BTreeSet::new());
        let shown: BTreeSet<String> = first.shown.iter().cloned().collect();
        let again = decide_text(&s, STRANGLED, &shown);
        assert!(again.reasons.contains(&Reason::AbuseLanguage), "the reason stays in the JSON");
        assert!(again.abuse.as_ref().unwrap().already_shown_today);
        assert!(again.messages.iter().all(|m| m.reason != Reason::AbuseLanguage));
        assert!(again.shown.is_empty());
        // Crisis words get their note and services every time.
        let both = format!("{STRANGLED}. I want to die.");
        let d = decide_text(&s, &both, &shown);
        assert!(d.messages.iter().any(|m| m.reason == Reason::CrisisLanguage));
        assert_eq!(purposes(&d)[0], Purpose::Crisis);
        // Outside safety mode a danger note is shown again until the mode is on.
        let off = decide_text(&settings(false, Some("gb")), STRANGLED, &shown);
        assert!(off.messages.iter().any(|m| m.reason == Reason::AbuseLanguage));
    }

    #[test]
    fn the_writers_own_controlling_behaviour_gets_its_own_calm_note() {
        let d = decide_text(&settings(false, Some("gb")), "I checked his phone again last night.", &BTreeSet::new());
        assert_eq!(d.reasons, vec![Reason::OwnBehaviour]);
        assert!(d.abuse.is_none() && !d.switched_on);
        assert_eq!(d.messages[0].title, content().notes.own_behaviour.title);
    }

    fn checkin(security: i64) -> Checkin {
        let at = Moment::with_offset(jiff::Timestamp::from_second(1_700_000_000).unwrap(), 0);
        CheckinDraft { security: Some(security), ..Default::default() }
            .into_checkin(RecordId::from_uuid(uuid::Uuid::nil()), at)
            .unwrap()
    }

    #[test]
    fn afraid_right_now_comes_first_with_emergency_numbers_and_switches_the_mode_on() {
        let c = checkin(1);
        let saved =
            Saved { texts: &[""], checkin: Some(CheckinAnswers { checkin: &c, afraid_now: Some(Answer::Yes) }) };
        let d = decide(content(), &settings(false, Some("us")), saved, &BTreeSet::new());
        assert_eq!(d.reasons, vec![Reason::AfraidNow, Reason::SafetyMode]);
        assert_eq!(d.checkin, Some(CheckinSignal::Danger));
        assert!(d.switched_on);
        assert_eq!(d.messages[0].title, content().screen.checkin.danger_title);
        assert_eq!(purposes(&d), vec![Purpose::Emergency, Purpose::Abuse]);
        assert!(!d.offer_check, "no offer of a check on top of danger");
    }

    #[test]
    fn a_very_low_rating_offers_the_check_outside_safety_mode_only() {
        let c = checkin(1);
        let saved = Saved { texts: &[""], checkin: Some(CheckinAnswers { checkin: &c, afraid_now: None }) };
        let d = decide(content(), &settings(false, None), saved, &BTreeSet::new());
        assert_eq!(d.reasons, vec![Reason::VeryLowRating]);
        assert!(d.offer_check && d.resources.is_empty());
        assert_eq!(d.next, vec![NextStep::SafetyCheck]);
        let d = decide(content(), &settings(true, None), saved, &BTreeSet::new());
        assert_eq!(d.reasons, vec![Reason::SafetyMode]);
        assert!(d.next.contains(&NextStep::SetCountry));
    }

    #[test]
    fn the_json_names_reasons_and_steps_by_id() {
        let d = decide_text(&settings(false, None), STRANGLED, &BTreeSet::new());
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["reasons"], serde_json::json!(["abuse-language", "safety-mode"]));
        assert_eq!(json["abuse"]["tier"], "danger");
        assert_eq!(json["next"][0], "staying-safe-plan");
        assert_eq!(json["country"], "international");
        for r in Reason::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }

    #[test]
    fn import_counts_records_and_shows_no_note() {
        let records: Vec<Vec<&str>> = vec![vec!["I want to die"], vec![STRANGLED], vec!["a calm day"]];
        let counts = ImportSafety::count(records.iter().map(Vec::as_slice));
        assert_eq!(counts, ImportSafety { crisis: 1, abuse: 1, own_behaviour: 0 });
        assert!(counts.any());
        let t = &content().notes.import;
        let said = counts.sentence(t).unwrap();
        assert!(said.contains("1 mentions thoughts") && said.contains("1 describes being hurt"), "{said}");
        assert!(!said.contains('{'), "{said}");
        let many = ImportSafety { crisis: 0, abuse: 0, own_behaviour: 3 }.sentence(t).unwrap();
        assert!(many.contains("3 describe checking on"), "{many}");
        assert_eq!(ImportSafety::default().sentence(t), None);
    }

    proptest! {
        /// Whatever is written: safety mode after the save is the mode before
        /// or a switch the caller is told about, services come only with a
        /// note, and crisis words always bring crisis services.
        #[test]
        fn decisions_hold_together(text in "\\PC{0,200}", mode in any::<bool>(), gb in any::<bool>()) {
            let s = settings(mode, gb.then_some("gb"));
            let d = decide_text(&s, &text, &BTreeSet::new());
            prop_assert_eq!(d.safety_mode, mode || d.switched_on);
            prop_assert!(!d.switched_on || !mode);
            prop_assert!(d.is_visible() || d.resources.is_empty());
            prop_assert_eq!(d.reasons.contains(&Reason::SafetyMode), d.safety_mode);
            if d.crisis.is_some() {
                prop_assert!(purposes(&d).contains(&Purpose::Crisis));
            }
        }
    }
}
