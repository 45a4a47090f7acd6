//! The plan: what I need to feel safe, what I do (and ask) when a trigger
//! hits, and what we agreed together (framework steps 3 and 5).
//!
//! - [`Need`]: a need in the framework's words or my own, with "what this
//!   looks like for me".
//! - [`TriggerPlan`]: for one of my triggers, what I do for myself, what I
//!   ask of my partner, and whether that is proposed, agreed or to revisit.
//!   A plan belongs to a trigger on the person's list (the store keys it by
//!   the list row, so a rename carries the plan along).
//! - [`Agreement`]: something decided together, with who proposed it, the
//!   day both agreed, a review date, its history and whether it is retired.
//!   A check-in rhythm ([`Rhythm`]) makes it a recurring event; a pause rule
//!   carries its length.
//! - [`due`]: what is due on a given day; [`ics`]: the calendar export.
//! - [`control`]: agreements whose words describe one partner monitoring or
//!   restricting the other, so the helpers can ask gently about them.
//!
//! Safety mode is not decided here: callers ask the one rule
//! (`SafetyPolicy`, via the CLI's `App::safety_policy`) and leave out
//! agreements, asks of the partner and partner-facing scripts when it is on.

pub mod control;
pub mod due;
pub mod ics;
pub mod rhythm;

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::content::{ContentError, Library};
use crate::entry::clean_text;
use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::label::{Label, Slug};
use crate::moment::Moment;

pub use control::{Concern, ControlRules, ControlTexts, control_concerns};
pub use rhythm::{Day, Every, ReviewEvery, ReviewUnit, Rhythm};

/// Longest need name.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest free text (looks-like, asks, agreement text).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest pause, in minutes.
pub const MAX_PAUSE_MINUTES: u32 = 120;

/// Cleans a text field (line endings, control characters) and checks its length.
pub(crate) fn text_field(p: &mut Problems, field: &'static str, text: &str, max: usize) -> String {
    let text = clean_text(text, field, p);
    let chars = text.chars().count();
    if chars > max {
        p.push(field, format!("is {chars} characters long; the most is {max}"), Some("shorten it".into()));
        return String::new();
    }
    text
}

/// The store setting that holds the partner's name (for scripts).
pub const PARTNER_NAME_SETTING: &str = "partner_name";

// ---------------------------------------------------------------------------
// Content

/// One of the needs the framework names (`content/plan/needs.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownNeed {
    /// Stable id ("transparency").
    pub id: Slug,
    /// Display name.
    pub name: String,
    /// A line about it.
    pub about: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NeedsFile {
    need: Vec<KnownNeed>,
}

/// The needs the framework names, from `plan/needs.toml`.
pub fn known_needs(lib: &Library) -> Result<Vec<KnownNeed>, ContentError> {
    let file: NeedsFile = lib.toml("plan/needs.toml")?;
    let mut seen = std::collections::BTreeSet::new();
    for n in &file.need {
        if n.name.trim().is_empty() || n.about.trim().is_empty() {
            return Err(ContentError {
                file: "plan/needs.toml".into(),
                message: format!("need {} has empty text", n.id),
            });
        }
        if !seen.insert(n.id.clone()) {
            return Err(ContentError {
                file: "plan/needs.toml".into(),
                message: format!("need {} is listed twice", n.id),
            });
        }
    }
    Ok(file.need)
}

/// The plan's texts (`content/plan/texts.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTexts {
    /// Shown instead of partner features in safety mode.
    pub safety_mode: SafetyModeNote,
    /// Headings and empty states of `attune plan`.
    pub plan: PlanScreen,
    /// Questions asked when editing a trigger plan in a terminal.
    pub questions: PlanQuestions,
    /// Calendar event titles.
    pub calendar: CalendarTexts,
    /// `attune due` wording.
    pub due: DueTexts,
}

/// The short, kind explanation shown in place of partner features.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyModeNote {
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// Where to go next.
    pub next: String,
}

/// Texts of `attune plan`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanScreen {
    /// Intro line.
    pub intro: String,
    /// No needs yet.
    pub no_needs: String,
    /// No trigger plans yet.
    pub no_trigger_plans: String,
    /// No agreements yet.
    pub no_agreements: String,
    /// No partner name set.
    pub no_partner_name: String,
}

/// Questions for a trigger plan.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanQuestions {
    /// What I do for myself.
    pub for_myself: String,
    /// What I ask of my partner.
    pub ask_partner: String,
    /// What this need looks like for me.
    pub looks_like: String,
}

/// Calendar event titles; `{text}` is the agreement's words.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarTexts {
    /// The calendar's name.
    pub name: String,
    /// A rhythm's event.
    pub rhythm: String,
    /// A review date.
    pub review: String,
    /// A trigger plan to revisit; `{text}` is the trigger's name.
    pub revisit: String,
    /// Titles without the agreement's words (`--discreet`).
    pub discreet_rhythm: String,
    /// Discreet review title.
    pub discreet_review: String,
    /// Discreet revisit title.
    pub discreet_revisit: String,
}

/// `attune due` wording.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueTexts {
    /// Nothing due.
    pub nothing: String,
    /// A rhythm today: `{time}`, `{text}`.
    pub rhythm: String,
    /// A review: `{text}`.
    pub review: String,
    /// A trigger plan to revisit: `{text}`.
    pub revisit: String,
    /// The discreet one-line summary (`due --short`), never an agreement's
    /// words: one rhythm today, `{times}`.
    pub short_rhythm_one: String,
    /// Several rhythms today: `{count}`, `{times}`.
    pub short_rhythm_many: String,
    /// Agreements to review: `{count}`.
    pub short_review: String,
    /// Trigger plans to revisit: `{count}`.
    pub short_revisit: String,
}

impl PlanTexts {
    /// Loads and checks `plan/texts.toml`.
    pub fn load(lib: &Library) -> Result<PlanTexts, ContentError> {
        let t: PlanTexts = lib.toml("plan/texts.toml")?;
        let all = [
            &t.safety_mode.title,
            &t.safety_mode.text,
            &t.safety_mode.next,
            &t.plan.intro,
            &t.plan.no_needs,
            &t.plan.no_trigger_plans,
            &t.plan.no_agreements,
            &t.plan.no_partner_name,
            &t.questions.for_myself,
            &t.questions.ask_partner,
            &t.questions.looks_like,
            &t.calendar.name,
            &t.calendar.rhythm,
            &t.calendar.review,
            &t.calendar.revisit,
            &t.calendar.discreet_rhythm,
            &t.calendar.discreet_review,
            &t.calendar.discreet_revisit,
            &t.due.nothing,
            &t.due.rhythm,
            &t.due.review,
            &t.due.revisit,
            &t.due.short_rhythm_one,
            &t.due.short_rhythm_many,
            &t.due.short_review,
            &t.due.short_revisit,
        ];
        if all.iter().any(|s| s.trim().is_empty()) {
            return Err(ContentError { file: "plan/texts.toml".into(), message: "a text is empty".into() });
        }
        Ok(t)
    }
}

// ---------------------------------------------------------------------------
// Needs

/// A need: what I need to feel safe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    /// Stable identity.
    pub id: RecordId,
    /// Typeable id ("transparency", or derived from my own words).
    pub slug: Slug,
    /// The name ("Transparency", or my own words).
    pub name: String,
    /// What this looks like for me.
    pub looks_like: String,
    /// Whether it is one of the framework's needs (false: my own words).
    pub known: bool,
    /// When it was first written down.
    pub created: Moment,
}

/// A need as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NeedDraft {
    /// A framework id or name ("transparency"), or my own words.
    pub name: String,
    /// What it looks like for me.
    pub looks_like: String,
}

impl NeedDraft {
    /// Checks the draft; a name matching a known need takes its id and name.
    pub fn into_need(self, id: RecordId, created: Moment, known: &[KnownNeed]) -> Result<Need, ValidationError> {
        let mut p = Problems::default();
        let name = text_field(&mut p, "need", &self.name, MAX_TEXT_CHARS);
        let looks_like = text_field(&mut p, "looks-like", &self.looks_like, MAX_TEXT_CHARS);
        let mut slug = None;
        if name.is_empty() && !p.has("need") {
            p.push("need", "is empty", Some("name a need, e.g. transparency, or write it in your own words".into()));
        } else if name.chars().count() > MAX_NAME_CHARS {
            p.push(
                "need",
                format!("is longer than {MAX_NAME_CHARS} characters"),
                Some("keep the name short; put the rest in --looks-like".into()),
            );
        } else {
            match Slug::from_name(&name) {
                Ok(s) => slug = Some(s),
                Err(e) => p.push("need", e.to_string(), None),
            }
        }
        let found = slug
            .as_ref()
            .and_then(|s| known.iter().find(|k| &k.id == s || Slug::from_name(&k.name).ok().as_ref() == Some(s)));
        p.finish(|| match found {
            Some(k) => Need { id, slug: k.id.clone(), name: k.name.clone(), looks_like, known: true, created },
            None => Need {
                id,
                slug: slug.unwrap_or_else(|| Slug::from_name("need").expect("a valid slug")),
                name,
                looks_like,
                known: false,
                created,
            },
        })
    }
}

// ---------------------------------------------------------------------------
// Trigger plans

/// Where a trigger plan (or what I ask of my partner) stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum PlanStatus {
    /// Written down, not yet agreed.
    Proposed,
    /// Agreed with my partner on this day.
    Agreed {
        /// The day.
        on: Date,
    },
    /// To look at again on this day.
    Revisit {
        /// The day.
        on: Date,
    },
}

impl PlanStatus {
    /// "proposed", "agreed", "revisit".
    pub fn as_str(&self) -> &'static str {
        match self {
            PlanStatus::Proposed => "proposed",
            PlanStatus::Agreed { .. } => "agreed",
            PlanStatus::Revisit { .. } => "revisit",
        }
    }

    /// Its day, if it has one.
    pub fn date(&self) -> Option<Date> {
        match self {
            PlanStatus::Proposed => None,
            PlanStatus::Agreed { on } | PlanStatus::Revisit { on } => Some(*on),
        }
    }

    /// Builds a status from its name and day (as stored or typed).
    pub fn from_parts(state: &str, on: Option<Date>) -> Option<PlanStatus> {
        match (state, on) {
            ("proposed", _) => Some(PlanStatus::Proposed),
            ("agreed", Some(on)) => Some(PlanStatus::Agreed { on }),
            ("revisit", Some(on)) => Some(PlanStatus::Revisit { on }),
            _ => None,
        }
    }
}

impl fmt::Display for PlanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanStatus::Proposed => f.write_str("proposed"),
            PlanStatus::Agreed { on } => write!(f, "agreed on {on}"),
            PlanStatus::Revisit { on } => write!(f, "to revisit on {on}"),
        }
    }
}

/// My plan for one trigger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerPlan {
    /// Stable identity.
    pub id: RecordId,
    /// The trigger, as it is on my list now (renames follow).
    pub trigger: Label,
    /// What I will do for myself when it happens.
    pub for_myself: String,
    /// What I ask of my partner.
    pub ask_partner: String,
    /// Proposed, agreed or to revisit.
    pub status: PlanStatus,
    /// Last changed.
    pub updated: Moment,
}

/// The editable fields of a trigger plan, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerPlanDraft {
    /// What I will do for myself.
    pub for_myself: String,
    /// What I ask of my partner.
    pub ask_partner: String,
    /// The status.
    pub status: PlanStatus,
}

impl TriggerPlanDraft {
    /// Checks the texts and builds the plan for `trigger`.
    pub fn into_plan(self, id: RecordId, trigger: Label, updated: Moment) -> Result<TriggerPlan, ValidationError> {
        let mut p = Problems::default();
        let for_myself = text_field(&mut p, "myself", &self.for_myself, MAX_TEXT_CHARS);
        let ask_partner = text_field(&mut p, "ask", &self.ask_partner, MAX_TEXT_CHARS);
        if for_myself.is_empty() && ask_partner.is_empty() && !p.has("myself") && !p.has("ask") {
            p.push(
                "plan",
                "is empty",
                Some(
                    "say what you will do for yourself (--myself \"…\") or what you ask of your partner (--ask \"…\")"
                        .into(),
                ),
            );
        }
        p.finish(|| TriggerPlan { id, trigger, for_myself, ask_partner, status: self.status, updated })
    }
}

// ---------------------------------------------------------------------------
// Agreements

/// What an agreement is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgreementKind {
    /// How often we check in (a text at lunch, a talk on Sundays).
    CheckIn,
    /// A ritual we share.
    Ritual,
    /// What we say (e.g. "busy now, I'll check in later").
    Words,
    /// How we reconnect after distance or a fight.
    Reconnect,
    /// The pause rule: a break of an agreed length when one of us is flooded.
    PauseRule,
    /// Anything else.
    Other,
}

impl AgreementKind {
    /// Every kind.
    pub const ALL: [AgreementKind; 6] = [
        AgreementKind::CheckIn,
        AgreementKind::Ritual,
        AgreementKind::Words,
        AgreementKind::Reconnect,
        AgreementKind::PauseRule,
        AgreementKind::Other,
    ];

    /// Stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementKind::CheckIn => "check-in",
            AgreementKind::Ritual => "ritual",
            AgreementKind::Words => "words",
            AgreementKind::Reconnect => "reconnect",
            AgreementKind::PauseRule => "pause-rule",
            AgreementKind::Other => "other",
        }
    }
}

impl fmt::Display for AgreementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a kind of agreement.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a kind of agreement; use check-in, ritual, words, reconnect, pause-rule or other")]
pub struct BadKind(pub String);

impl FromStr for AgreementKind {
    type Err = BadKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_lowercase().replace([' ', '_'], "-");
        AgreementKind::ALL
            .into_iter()
            .find(|k| k.as_str() == norm || k.as_str().replace('-', "") == norm.replace('-', ""))
            .or(match norm.as_str() {
                "pause" => Some(AgreementKind::PauseRule),
                "checkin" | "rhythm" => Some(AgreementKind::CheckIn),
                _ => None,
            })
            .ok_or_else(|| BadKind(s.to_string()))
    }
}

/// Who proposed an agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Proposer {
    /// I did.
    Me,
    /// My partner did.
    Partner,
    /// We came to it together.
    Both,
}

impl Proposer {
    /// Stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            Proposer::Me => "me",
            Proposer::Partner => "partner",
            Proposer::Both => "both",
        }
    }
}

impl fmt::Display for Proposer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a proposer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not who proposed it; use me, partner or both")]
pub struct BadProposer(pub String);

impl FromStr for Proposer {
    type Err = BadProposer;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "me" | "i" | "myself" => Ok(Proposer::Me),
            "partner" | "them" | "they" => Ok(Proposer::Partner),
            "both" | "us" | "we" | "together" => Ok(Proposer::Both),
            _ => Err(BadProposer(s.to_string())),
        }
    }
}

/// What happened to an agreement at one point of its history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Written down.
    Created,
    /// The wording or details changed.
    Revised,
    /// Both agreed.
    Agreed,
    /// Looked at again together.
    Reviewed,
    /// Set aside.
    Retired,
    /// Taken up again.
    Restored,
}

impl Change {
    /// Every change.
    pub const ALL: [Change; 6] =
        [Change::Created, Change::Revised, Change::Agreed, Change::Reviewed, Change::Retired, Change::Restored];

    /// Stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Revised => "revised",
            Change::Agreed => "agreed",
            Change::Reviewed => "reviewed",
            Change::Retired => "retired",
            Change::Restored => "restored",
        }
    }

    /// Parses a stored id.
    pub fn parse(s: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One step of an agreement's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// When.
    pub at: Moment,
    /// What happened.
    pub change: Change,
    /// The agreement's words after this step.
    pub text: String,
    /// An optional note ("we moved it to Sunday").
    pub note: String,
}

/// Something we decided together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// Stable identity.
    pub id: RecordId,
    /// What it is about.
    pub kind: AgreementKind,
    /// The words we agreed on.
    pub text: String,
    /// Who proposed it.
    pub proposed_by: Proposer,
    /// The day both agreed (none: still a proposal).
    pub agreed_on: Option<Date>,
    /// For check-ins and rituals: when it happens.
    pub rhythm: Option<Rhythm>,
    /// For the pause rule: how long a pause lasts.
    pub pause_minutes: Option<u32>,
    /// When to look at it again together.
    pub review_on: Option<Date>,
    /// How often it comes up for review.
    pub review_every: Option<ReviewEvery>,
    /// The day it was set aside.
    pub retired_on: Option<Date>,
    /// When it was first written down.
    pub created: Moment,
    /// Every step, oldest first; the first is `created`.
    pub history: Vec<Revision>,
}

/// An agreement as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementDraft {
    /// Kind.
    pub kind: AgreementKind,
    /// Words.
    pub text: String,
    /// Who proposed it.
    pub proposed_by: Proposer,
    /// Agreed by both on this day.
    pub agreed_on: Option<Date>,
    /// Rhythm.
    pub rhythm: Option<Rhythm>,
    /// Pause length in minutes (pause rule).
    pub pause_minutes: Option<i64>,
    /// Review date.
    pub review_on: Option<Date>,
    /// Review interval.
    pub review_every: Option<ReviewEvery>,
}

fn check_text(p: &mut Problems, text: &str) -> String {
    let text = text_field(p, "text", text, MAX_TEXT_CHARS);
    if text.is_empty() && !p.has("text") {
        p.push("text", "is empty", Some("write the agreement in a sentence, e.g. \"a short text at lunch\"".into()));
    }
    text
}

fn check_minutes(p: &mut Problems, kind: AgreementKind, minutes: Option<i64>) -> Option<u32> {
    match (kind, minutes) {
        (AgreementKind::PauseRule, None) => {
            p.push(
                "minutes",
                "is missing: how long is a pause?",
                Some("add --minutes 10 (10 minutes is a common start)".into()),
            );
            None
        }
        (AgreementKind::PauseRule, Some(m)) if (1..=i64::from(MAX_PAUSE_MINUTES)).contains(&m) => u32::try_from(m).ok(),
        (AgreementKind::PauseRule, Some(m)) => {
            p.push(
                "minutes",
                format!("{m} is outside 1 to {MAX_PAUSE_MINUTES}"),
                Some("a pause is usually 10 to 30 minutes".into()),
            );
            None
        }
        (_, Some(_)) => {
            p.push(
                "minutes",
                "only a pause rule has a length",
                Some("use --kind pause-rule, or leave out --minutes".into()),
            );
            None
        }
        (_, None) => None,
    }
}

impl AgreementDraft {
    /// Checks the draft and builds the agreement with its first history step.
    pub fn into_agreement(self, id: RecordId, created: Moment) -> Result<Agreement, ValidationError> {
        let mut p = Problems::default();
        let text = check_text(&mut p, &self.text);
        let pause_minutes = check_minutes(&mut p, self.kind, self.pause_minutes);
        let review_on = match (self.review_on, self.review_every) {
            (Some(d), _) => Some(d),
            (None, Some(every)) => Some(every.after(created.local().date())),
            (None, None) => None,
        };
        let mut history =
            vec![Revision { at: created.clone(), change: Change::Created, text: text.clone(), note: String::new() }];
        if let Some(on) = self.agreed_on {
            history.push(Revision {
                at: created.clone(),
                change: Change::Agreed,
                text: text.clone(),
                note: format!("agreed on {on}"),
            });
        }
        p.finish(|| Agreement {
            id,
            kind: self.kind,
            text,
            proposed_by: self.proposed_by,
            agreed_on: self.agreed_on,
            rhythm: self.rhythm,
            pause_minutes,
            review_on,
            review_every: self.review_every,
            retired_on: None,
            created,
            history,
        })
    }
}

/// Changes asked for by `attune agree revise`; `None` keeps a field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgreementChanges {
    /// New words.
    pub text: Option<String>,
    /// New rhythm; `Some(None)` removes it.
    pub rhythm: Option<Option<Rhythm>>,
    /// New pause length.
    pub pause_minutes: Option<i64>,
    /// New review date; `Some(None)` removes it.
    pub review_on: Option<Option<Date>>,
    /// New review interval; `Some(None)` removes it.
    pub review_every: Option<Option<ReviewEvery>>,
    /// New proposer.
    pub proposed_by: Option<Proposer>,
}

impl AgreementChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == AgreementChanges::default()
    }
}

/// Why an agreement cannot change that way.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    /// Invalid field values.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A retired agreement cannot be changed (restore it first).
    #[error("this agreement is retired; restore it first (`attune agree restore N`)")]
    Retired,
    /// It is not retired.
    #[error("this agreement is not retired")]
    NotRetired,
    /// Nothing to change.
    #[error("nothing to change: give new words or another flag")]
    NoChange,
}

impl Agreement {
    /// Whether it is in force (not retired).
    pub fn is_active(&self) -> bool {
        self.retired_on.is_none()
    }

    fn live(&self) -> Result<(), AgreementError> {
        if self.is_active() { Ok(()) } else { Err(AgreementError::Retired) }
    }

    fn step(&mut self, at: Moment, change: Change, note: &str) {
        let note: String = note.trim().chars().filter(|c| !c.is_control() || *c == '\n').take(MAX_TEXT_CHARS).collect();
        self.history.push(Revision { at, change, text: self.text.clone(), note });
    }

    /// Revises it. New words need both to agree again, so `agreed_on` is
    /// cleared when the text changes.
    pub fn revise(&mut self, changes: AgreementChanges, at: Moment, note: &str) -> Result<(), AgreementError> {
        self.live()?;
        if changes.is_empty() {
            return Err(AgreementError::NoChange);
        }
        let mut p = Problems::default();
        let text = changes.text.as_deref().map(|t| check_text(&mut p, t));
        let minutes = match changes.pause_minutes {
            Some(m) => check_minutes(&mut p, self.kind, Some(m)),
            None => self.pause_minutes,
        };
        p.finish(|| ())?;
        if let Some(text) = text
            && text != self.text
        {
            self.text = text;
            self.agreed_on = None;
        }
        self.pause_minutes = minutes;
        if let Some(r) = changes.rhythm {
            self.rhythm = r;
        }
        if let Some(r) = changes.review_every {
            self.review_every = r;
        }
        if let Some(r) = changes.review_on {
            self.review_on = r;
        } else if changes.review_every.is_some() && self.review_on.is_none() {
            self.review_on = self.review_every.map(|e| e.after(at.local().date()));
        }
        if let Some(p) = changes.proposed_by {
            self.proposed_by = p;
        }
        self.step(at, Change::Revised, note);
        Ok(())
    }

    /// Marks it agreed by both on `on`.
    pub fn confirm(&mut self, on: Date, at: Moment, note: &str) -> Result<(), AgreementError> {
        self.live()?;
        self.agreed_on = Some(on);
        self.step(at, Change::Agreed, note);
        Ok(())
    }

    /// Records a review on `on`; the next review is `next`, or one interval
    /// later when it has one, or none.
    pub fn review(&mut self, on: Date, next: Option<Date>, at: Moment, note: &str) -> Result<(), AgreementError> {
        self.live()?;
        self.review_on = next.or_else(|| self.review_every.map(|e| e.after(on)));
        self.step(at, Change::Reviewed, note);
        Ok(())
    }

    /// Sets it aside on `on`.
    pub fn retire(&mut self, on: Date, at: Moment, note: &str) -> Result<(), AgreementError> {
        self.live()?;
        self.retired_on = Some(on);
        self.step(at, Change::Retired, note);
        Ok(())
    }

    /// Takes it up again.
    pub fn restore(&mut self, at: Moment, note: &str) -> Result<(), AgreementError> {
        if self.is_active() {
            return Err(AgreementError::NotRetired);
        }
        self.retired_on = None;
        self.step(at, Change::Restored, note);
        Ok(())
    }
}

/// The pause length in effect: the newest active, agreed pause rule's, else
/// `default_minutes` (from content; the framework's default is 10).
pub fn pause_minutes<'a>(agreements: impl IntoIterator<Item = &'a Agreement>, default_minutes: u32) -> u32 {
    agreements
        .into_iter()
        .filter(|a| a.kind == AgreementKind::PauseRule && a.is_active() && a.agreed_on.is_some())
        .filter_map(|a| a.pause_minutes.map(|m| (a.agreed_on, m)))
        .max_by_key(|(on, _)| *on)
        .map(|(_, m)| m)
        .unwrap_or(default_minutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn at(s: &str) -> Moment {
        Moment::with_offset(s.parse::<Timestamp>().unwrap(), 3600)
    }

    fn rid(n: u128) -> RecordId {
        RecordId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn draft(kind: AgreementKind, text: &str) -> AgreementDraft {
        AgreementDraft {
            kind,
            text: text.into(),
            proposed_by: Proposer::Me,
            agreed_on: None,
            rhythm: None,
            pause_minutes: None,
            review_on: None,
            review_every: None,
        }
    }

    #[test]
    fn needs_take_the_known_name() {
        let known = known_needs(&Library::embedded()).unwrap();
        let n = NeedDraft { name: "Transparency".into(), looks_like: "tell me when plans change".into() }
            .into_need(rid(1), at("2026-11-26T20:00:00Z"), &known)
            .unwrap();
        assert!(n.known);
        assert_eq!(n.slug.as_str(), "transparency");
        let own = NeedDraft { name: "Feeling chosen".into(), looks_like: String::new() }
            .into_need(rid(2), at("2026-11-26T20:00:00Z"), &known)
            .unwrap();
        assert!(!own.known);
        assert_eq!(own.slug.as_str(), "feeling-chosen");
        assert!(NeedDraft::default().into_need(rid(3), at("2026-11-26T20:00:00Z"), &known).is_err());
    }

    #[test]
    fn a_pause_rule_needs_its_length() {
        let err = draft(AgreementKind::PauseRule, "we take a break")
            .into_agreement(rid(1), at("2026-11-26T20:00:00Z"))
            .unwrap_err();
        assert_eq!(err.problems[0].field, "minutes");
        let mut d = draft(AgreementKind::Words, "busy now, I'll check in later");
        d.pause_minutes = Some(10);
        assert!(d.into_agreement(rid(1), at("2026-11-26T20:00:00Z")).is_err());
        assert!(draft(AgreementKind::Other, "  ").into_agreement(rid(1), at("2026-11-26T20:00:00Z")).is_err());
    }

    #[test]
    fn revising_the_words_needs_agreement_again_and_keeps_history() {
        let mut d = draft(AgreementKind::CheckIn, "a short text at lunch");
        d.agreed_on = Some("2026-11-20".parse().unwrap());
        d.review_every = Some(ReviewEvery::parse("4 weeks").unwrap());
        let mut a = d.into_agreement(rid(1), at("2026-11-20T20:00:00Z")).unwrap();
        assert_eq!(a.review_on, Some("2026-12-18".parse().unwrap()));
        assert_eq!(a.history.len(), 2);
        a.revise(
            AgreementChanges { text: Some("a short call at lunch".into()), ..Default::default() },
            at("2026-11-26T20:00:00Z"),
            "texts felt cold",
        )
        .unwrap();
        assert_eq!(a.agreed_on, None);
        assert_eq!(a.history.last().unwrap().change, Change::Revised);
        assert_eq!(a.history.last().unwrap().note, "texts felt cold");
        assert_eq!(a.history[0].text, "a short text at lunch");
        assert_eq!(
            a.revise(AgreementChanges::default(), at("2026-11-26T20:00:00Z"), ""),
            Err(AgreementError::NoChange)
        );
        a.confirm("2026-11-27".parse().unwrap(), at("2026-11-27T20:00:00Z"), "").unwrap();
        a.review("2026-12-18".parse().unwrap(), None, at("2026-12-18T20:00:00Z"), "still good").unwrap();
        assert_eq!(a.review_on, Some("2027-01-15".parse().unwrap()));
        a.retire("2027-01-01".parse().unwrap(), at("2027-01-01T20:00:00Z"), "").unwrap();
        assert_eq!(
            a.confirm("2027-01-02".parse().unwrap(), at("2027-01-02T20:00:00Z"), ""),
            Err(AgreementError::Retired)
        );
        a.restore(at("2027-01-03T20:00:00Z"), "").unwrap();
        assert!(a.is_active());
        let changes: Vec<Change> = a.history.iter().map(|r| r.change).collect();
        assert_eq!(
            changes,
            [
                Change::Created,
                Change::Agreed,
                Change::Revised,
                Change::Agreed,
                Change::Reviewed,
                Change::Retired,
                Change::Restored
            ]
        );
    }

    #[test]
    fn the_pause_length_comes_from_the_agreed_rule() {
        let mut d = draft(AgreementKind::PauseRule, "a break when flooded");
        d.pause_minutes = Some(20);
        let proposed = d.clone().into_agreement(rid(1), at("2026-11-26T20:00:00Z")).unwrap();
        assert_eq!(pause_minutes([&proposed], 10), 10);
        d.agreed_on = Some("2026-11-26".parse().unwrap());
        let agreed = d.into_agreement(rid(2), at("2026-11-26T20:00:00Z")).unwrap();
        assert_eq!(pause_minutes([&proposed, &agreed], 10), 20);
    }

    #[test]
    fn kinds_and_proposers_parse() {
        assert_eq!("pause".parse::<AgreementKind>().unwrap(), AgreementKind::PauseRule);
        assert_eq!("Check in".parse::<AgreementKind>().unwrap(), AgreementKind::CheckIn);
        assert!("cuddles".parse::<AgreementKind>().is_err());
        assert_eq!("we".parse::<Proposer>().unwrap(), Proposer::Both);
        assert!("nobody".parse::<Proposer>().is_err());
    }

    #[test]
    fn shipped_plan_texts_are_valid() {
        PlanTexts::load(&Library::embedded()).unwrap();
    }
}
