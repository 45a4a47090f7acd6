//! Trigger plans: what I do, and ask, when one of my triggers hits.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::label::Label;
use crate::moment::Moment;

use super::{MAX_TEXT_CHARS, text_field};

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
