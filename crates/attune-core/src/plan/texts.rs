//! What the plan's screens say and the needs the framework names, from
//! `content/plan/`.

use serde::{Deserialize, Serialize};

use crate::content::{ContentError, Library};
use crate::label::Slug;

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
