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
//!
//! The records live in `needs`, `trigger` and `agreement`; the texts their
//! screens show in `texts`.

mod agreement;
pub mod control;
pub mod due;
pub mod ics;
mod needs;
pub mod rhythm;
mod texts;
mod trigger;

use crate::entry::clean_text;
use crate::error::Problems;

pub use agreement::{
    Agreement, AgreementChanges, AgreementDraft, AgreementError, AgreementKind, BadKind, BadProposer, Change, Proposer,
    Revision, pause_minutes,
};
pub use control::{Concern, ControlRules, ControlTexts, control_concerns};
pub use needs::{Need, NeedDraft};
pub use rhythm::{Day, Every, ReviewEvery, ReviewUnit, Rhythm};
pub use texts::{
    CalendarTexts, DueTexts, KnownNeed, PlanQuestions, PlanScreen, PlanTexts, SafetyModeNote, known_needs,
};
pub use trigger::{PlanStatus, TriggerPlan, TriggerPlanDraft};

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

#[cfg(test)]
mod tests;
