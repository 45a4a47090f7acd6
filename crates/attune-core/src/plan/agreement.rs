//! Agreements made together, with their history, review and retirement.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::moment::Moment;

use super::rhythm::{ReviewEvery, Rhythm};
use super::{MAX_PAUSE_MINUTES, MAX_TEXT_CHARS, text_field};

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
