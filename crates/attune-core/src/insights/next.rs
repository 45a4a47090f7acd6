//! The next step at the end of the insights: something to try on one's own,
//! and talking with the partner, which safety mode replaces with a line that
//! safety comes first. One rule for the terminal and the web app.

use serde::Serialize;

use super::Insights;
use super::config::InsightsConfig;
use crate::safety::SafetyPolicy;

/// What kind of next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NextKind {
    /// Safety comes first (safety mode only, and then first).
    SafetyFirst,
    /// Something to try on one's own with a trigger.
    Yourself,
    /// Telling the partner what one has noticed (never in safety mode).
    Partner,
}

/// One next step, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// Which kind.
    pub kind: NextKind,
    /// The sentence.
    pub text: String,
}

/// The next steps for these insights under `policy`, in the order to show
/// them: in safety mode the safety line first and nothing with the partner.
pub fn next_steps(insights: &Insights, cfg: &InsightsConfig, policy: SafetyPolicy) -> Vec<NextStep> {
    let t = &cfg.texts.next;
    let step = |kind, text: &super::Template| NextStep { kind, text: text.render(&[]).trim().to_string() };
    let mut out = Vec::new();
    if !policy.suggest_partner_talk {
        out.push(step(NextKind::SafetyFirst, &t.safety_first));
    }
    if !insights.triggers.ranked.is_empty() {
        out.push(step(NextKind::Yourself, &t.yourself));
    }
    if policy.suggest_partner_talk {
        out.push(step(NextKind::Partner, &t.partner));
    }
    out
}
