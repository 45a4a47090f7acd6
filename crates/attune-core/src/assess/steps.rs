//! Which of the five steps to emphasise after a questionnaire. The rules
//! live in `content/assess/steps.toml`, so a counsellor can read and change
//! them; this module only applies them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::instrument::{Instrument, num};
use super::session::Taken;
use crate::content::{ContentError, Library};
use crate::error::closest;
use crate::safety::SafetyPolicy;

/// Where the rules live.
pub const STEPS_FILE: &str = "assess/steps.toml";

/// The five steps of the framework (section 4), in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// 1. Reflect: write down situation, trigger, thoughts, feelings; find the patterns.
    Reflect,
    /// 2. Consider professional help.
    ProfessionalHelp,
    /// 3. Talk openly with the partner, agree things together.
    TalkOpenly,
    /// 4. Build self-worth, and support beyond the partner.
    BuildSelfWorth,
    /// 5. Set boundaries, trigger plans and a pause rule.
    BoundariesAndPlans,
}

impl Step {
    /// Every step, in the framework's order.
    pub const ALL: &'static [Step] =
        &[Step::Reflect, Step::ProfessionalHelp, Step::TalkOpenly, Step::BuildSelfWorth, Step::BoundariesAndPlans];

    /// The stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Reflect => "reflect",
            Step::ProfessionalHelp => "professional-help",
            Step::TalkOpenly => "talk-openly",
            Step::BuildSelfWorth => "build-self-worth",
            Step::BoundariesAndPlans => "boundaries-and-plans",
        }
    }

    /// 1 to 5.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).map_or(1, |i| i + 1)
    }

    /// Whether the step involves the partner, and so is left out when
    /// `policy` forbids it: talking openly needs partner talk; boundaries,
    /// shared trigger plans and the pause rule need partner agreements.
    pub fn offered(self, policy: SafetyPolicy) -> bool {
        match self {
            Step::TalkOpenly => policy.suggest_partner_talk,
            Step::BoundariesAndPlans => policy.partner_agreements,
            Step::Reflect | Step::ProfessionalHelp | Step::BuildSelfWorth => true,
        }
    }

    /// Every id.
    pub fn ids() -> Vec<&'static str> {
        Self::ALL.iter().map(|s| s.as_str()).collect()
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Step {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_lowercase().replace([' ', '_'], "-");
        Self::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| {
            let known = Self::ids().join(", ");
            match closest(&wanted, Self::ids()) {
                Some(near) => format!("'{s}' is not a step; did you mean '{near}'? Steps: {known}"),
                None => format!("'{s}' is not a step; steps: {known}"),
            }
        })
    }
}

/// `content/assess/steps.toml`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRules {
    /// Format version (1).
    pub version: u32,
    /// At most this many steps are shown.
    pub show_at_most: usize,
    /// What to say when no rule matches.
    pub default: DefaultStep,
    /// What safety mode shows in place of the partner steps.
    pub safety_mode: SafetyModeSteps,
    /// The rules, most important first.
    #[serde(rename = "rule")]
    pub rules: Vec<StepRule>,
}

/// Shown in safety mode, where the steps with the partner are left out.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyModeSteps {
    /// That safety comes first, and what is offered instead.
    pub instead: String,
}

/// The step shown when no rule matched.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultStep {
    /// Step id.
    pub step: String,
    /// Why.
    pub because: String,
}

/// "If this subscale's score is at least (or at most) X, emphasise step S, because …".
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRule {
    /// Instrument id.
    pub instrument: String,
    /// Subscale id in that instrument.
    pub subscale: String,
    /// Matches scores at or above this (in the subscale's own units).
    pub at_least: Option<f64>,
    /// Matches scores at or below this.
    pub at_most: Option<f64>,
    /// Step id.
    pub step: String,
    /// Why, in plain words, shown to the person.
    pub because: String,
}

/// A step to emphasise, with the reasons that led to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Emphasis {
    /// Which step.
    pub step: Step,
    /// Its number, 1–5.
    pub number: usize,
    /// Why, one sentence per matching rule.
    pub because: Vec<String>,
}

impl StepRules {
    /// Parses the rules and checks them against the instruments: every id
    /// must exist and every threshold must lie within the subscale's scores.
    pub fn parse(text: &str, instruments: &[Instrument]) -> Result<StepRules, ContentError> {
        let err = |message: String| ContentError { file: STEPS_FILE.into(), message };
        let rules: StepRules = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut problems = Vec::new();
        if rules.version != 1 {
            problems.push(format!("version {} is not supported (expected 1)", rules.version));
        }
        if rules.show_at_most == 0 {
            problems.push("show_at_most must be at least 1".into());
        }
        if let Err(e) = rules.default.step.parse::<Step>() {
            problems.push(format!("[default] step: {e}"));
        }
        if rules.default.because.trim().is_empty() {
            problems.push("[default] because is empty".into());
        }
        if rules.default.step.parse::<Step>().is_ok_and(|s| !s.offered(SafetyPolicy::SAFETY_MODE)) {
            problems.push(
                "[default] step must be one that safety mode offers (not talk-openly or boundaries-and-plans)".into(),
            );
        }
        if rules.safety_mode.instead.trim().is_empty() {
            problems.push("[safety_mode] instead is empty".into());
        }
        for (n, r) in rules.rules.iter().enumerate() {
            let at = format!("rule {} ({} / {})", n + 1, r.instrument, r.subscale);
            if let Err(e) = r.step.parse::<Step>() {
                problems.push(format!("{at}: step {e}"));
            }
            if r.because.trim().is_empty() {
                problems.push(format!("{at}: `because` is empty"));
            }
            let Some(inst) = instruments.iter().find(|i| i.id == r.instrument) else {
                let hint = closest(&r.instrument, instruments.iter().map(|i| i.id.as_str()))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                problems.push(format!("{at}: there is no questionnaire '{}'{hint}", r.instrument));
                continue;
            };
            let Some(sub) = inst.subscale(&r.subscale) else {
                let known: Vec<&str> = inst.subscales.iter().map(|s| s.id.as_str()).collect();
                problems.push(format!(
                    "{at}: '{}' has no subscale '{}' (it has: {})",
                    r.instrument,
                    r.subscale,
                    known.join(", ")
                ));
                continue;
            };
            let (lo, hi) = inst.range(sub);
            match (r.at_least, r.at_most) {
                (None, None) | (Some(_), Some(_)) => {
                    problems.push(format!("{at}: give exactly one of at_least or at_most"));
                }
                (Some(x), None) | (None, Some(x)) => {
                    if !x.is_finite() || x < lo || x > hi {
                        problems.push(format!(
                            "{at}: the threshold {} is outside the possible scores {} to {}",
                            num(x),
                            num(lo),
                            num(hi)
                        ));
                    }
                }
            }
        }
        if problems.is_empty() { Ok(rules) } else { Err(err(problems.join("; "))) }
    }

    /// Loads the rules from the library, checked against `instruments`.
    pub fn load(library: &Library, instruments: &[Instrument]) -> Result<StepRules, ContentError> {
        Self::parse(library.text(STEPS_FILE)?, instruments)
    }

    /// The steps to emphasise after `taken`, most important first, leaving
    /// out the steps `policy` does not offer (safety mode: nothing with the
    /// partner; [`StepRules::safety_note`] says what is offered instead).
    pub fn emphasis(&self, taken: &Taken, policy: SafetyPolicy) -> Vec<Emphasis> {
        let mut out: Vec<Emphasis> = Vec::new();
        for r in &self.rules {
            if r.instrument != taken.instrument {
                continue;
            }
            let Some(score) = taken.score(&r.subscale).and_then(|s| s.score) else { continue };
            let hit = match (r.at_least, r.at_most) {
                (Some(x), None) => score >= x - 1e-9,
                (None, Some(x)) => score <= x + 1e-9,
                _ => false,
            };
            let Ok(step) = r.step.parse::<Step>() else { continue };
            if !hit || !step.offered(policy) {
                continue;
            }
            if let Some(e) = out.iter_mut().find(|e| e.step == step) {
                e.because.push(r.because.trim().to_string());
            } else if out.len() < self.show_at_most {
                out.push(Emphasis { step, number: step.number(), because: vec![r.because.trim().to_string()] });
            }
        }
        if out.is_empty()
            && let Ok(step) = self.default.step.parse::<Step>()
        {
            out.push(Emphasis { step, number: step.number(), because: vec![self.default.because.trim().to_string()] });
        }
        out
    }

    /// In safety mode, the line that safety comes first and what is offered
    /// in place of the steps with the partner; `None` otherwise.
    pub fn safety_note(&self, policy: SafetyPolicy) -> Option<&str> {
        let all_offered = Step::ALL.iter().all(|s| s.offered(policy));
        (!all_offered).then(|| self.safety_mode.instead.trim())
    }
}
