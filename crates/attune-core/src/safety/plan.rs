//! The two safety plans a person can write: a personal plan for a crisis
//! (the steps of the Stanley–Brown safety planning intervention) and a plan
//! for staying safe, or leaving safely, when a partner is dangerous.
//!
//! The sections of each plan are fixed here ([`PlanKind::section_ids`]):
//! the person's entries are stored by section id. Their titles and guidance
//! are content (`content/safety/plans.toml`), checked by
//! [`SafetyPlans::parse`]. A plan's value is the person's entries per section
//! ([`SafetyPlan`]), made only through [`SafetyPlanDraft::validate`].

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{Purpose, copy_error};
use crate::content::{ContentError, Library};
use crate::error::{Problems, ValidationError, closest};
use crate::moment::Moment;

/// Where the plans' texts live under `content/`.
pub const PLANS_FILE: &str = "safety/plans.toml";

/// `content/safety/plans.toml`, embedded.
pub const PLANS_TOML: &str = include_str!("../../../../content/safety/plans.toml");

/// The most entries one section may hold: a plan is read in a hard moment,
/// so it stays short.
pub const MAX_ITEMS: usize = 12;

/// The most characters one entry may have.
pub const MAX_ITEM_CHARS: usize = 300;

// ---------------------------------------------------------------------------
// Kinds and their sections

/// Which plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanKind {
    /// A personal safety plan for a crisis (thoughts of suicide or self-harm).
    Crisis,
    /// Staying safe, or leaving safely, when a partner is dangerous.
    StayingSafe,
}

const CRISIS_SECTIONS: &[&str] =
    &["warning-signs", "coping", "distraction", "people", "professionals", "surroundings", "reasons"];
const STAYING_SAFE_SECTIONS: &[&str] = &["ready", "contacts", "places", "timing", "children-pets", "device"];

impl PlanKind {
    /// Both plans, in the order they are listed.
    pub const ALL: [PlanKind; 2] = [PlanKind::Crisis, PlanKind::StayingSafe];

    /// The stable id ("crisis", "staying-safe"), also the URL and command word.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Crisis => "crisis",
            PlanKind::StayingSafe => "staying-safe",
        }
    }

    /// The ids of its sections, in the order of the plan.
    pub fn section_ids(self) -> &'static [&'static str] {
        match self {
            PlanKind::Crisis => CRISIS_SECTIONS,
            PlanKind::StayingSafe => STAYING_SAFE_SECTIONS,
        }
    }

    /// The section id as the `'static` name errors carry, if it is one of this plan's.
    pub fn section_id(self, id: &str) -> Option<&'static str> {
        self.section_ids().iter().copied().find(|s| *s == id)
    }
}

impl fmt::Display for PlanKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text that names no plan.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a safety plan; use crisis or staying-safe")]
pub struct BadPlanKind(pub String);

impl FromStr for PlanKind {
    type Err = BadPlanKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace([' ', '_'], "-").as_str() {
            "crisis" => Ok(PlanKind::Crisis),
            "staying-safe" | "stay-safe" => Ok(PlanKind::StayingSafe),
            _ => Err(BadPlanKind(s.to_string())),
        }
    }
}

// ---------------------------------------------------------------------------
// The texts

/// One section's texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSection {
    /// Stable id (one of [`PlanKind::section_ids`]).
    pub id: String,
    /// Heading.
    pub title: String,
    /// What to write here, in a few sentences.
    pub guidance: String,
    /// What a line might look like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Support services of the person's country shown above their entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Purpose>,
}

/// One plan's texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTexts {
    /// Heading.
    pub title: String,
    /// One line for the list of plans.
    pub summary: String,
    /// What the plan is for.
    pub intro: String,
    /// Shown first, before anything else on the plan.
    pub first: Vec<String>,
    /// When to write it and where to keep it.
    pub keep: String,
    /// The sections, in order.
    #[serde(rename = "section")]
    pub sections: Vec<PlanSection>,
}

impl PlanTexts {
    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&PlanSection> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// Words both plans share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedPlanTexts {
    /// For a section with nothing in it.
    pub empty: String,
    /// Heading above the country's services.
    pub services: String,
    /// Heading above the person's own entries where there are services too.
    pub own: String,
    /// How to fill in a section.
    pub one_per_line: String,
}

/// Both plans' texts, from `content/safety/plans.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyPlans {
    /// Format version (1).
    pub version: u32,
    /// Shared words.
    pub texts: SharedPlanTexts,
    /// The crisis plan.
    pub crisis: PlanTexts,
    /// The staying-safe plan.
    #[serde(rename = "staying-safe")]
    pub staying_safe: PlanTexts,
}

/// The embedded plans, parsed once.
pub fn plans() -> Result<&'static SafetyPlans, ContentError> {
    static PLANS: OnceLock<Result<SafetyPlans, ContentError>> = OnceLock::new();
    PLANS.get_or_init(|| SafetyPlans::parse(PLANS_TOML)).as_ref().map_err(copy_error)
}

impl SafetyPlans {
    /// Parses and checks texts in the format of `content/safety/plans.toml`.
    pub fn parse(text: &str) -> Result<Self, ContentError> {
        let err = |message: String| ContentError { file: PLANS_FILE.into(), message };
        let plans: SafetyPlans = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        if plans.version != 1 {
            return Err(err(format!("version {} is not supported (expected 1)", plans.version)));
        }
        let t = &plans.texts;
        for (name, value) in [
            ("texts.empty", &t.empty),
            ("texts.services", &t.services),
            ("texts.own", &t.own),
            ("texts.one_per_line", &t.one_per_line),
        ] {
            if value.trim().is_empty() {
                return Err(err(format!("{name} is empty")));
            }
        }
        for kind in PlanKind::ALL {
            check_plan(kind, plans.get(kind)).map_err(|m| err(format!("[{kind}] {m}")))?;
        }
        Ok(plans)
    }

    /// The texts from a content library (the person's own, or the built-in ones).
    pub fn load(library: &Library) -> Result<Self, ContentError> {
        Self::parse(library.text(PLANS_FILE)?)
    }

    /// One plan's texts.
    pub fn get(&self, kind: PlanKind) -> &PlanTexts {
        match kind {
            PlanKind::Crisis => &self.crisis,
            PlanKind::StayingSafe => &self.staying_safe,
        }
    }
}

fn check_plan(kind: PlanKind, p: &PlanTexts) -> Result<(), String> {
    for (name, value) in [("title", &p.title), ("summary", &p.summary), ("intro", &p.intro), ("keep", &p.keep)] {
        if value.trim().is_empty() {
            return Err(format!("{name} is empty"));
        }
    }
    if p.first.iter().any(|l| l.trim().is_empty()) {
        return Err("first has an empty line".into());
    }
    let ids = kind.section_ids();
    for (i, s) in p.sections.iter().enumerate() {
        if kind.section_id(&s.id).is_none() {
            let hint =
                closest(&s.id, ids.iter().copied()).map(|c| format!(" (did you mean '{c}'?)")).unwrap_or_default();
            return Err(format!("'{}' is not a section of this plan{hint}; its sections are {}", s.id, ids.join(", ")));
        }
        if p.sections[..i].iter().any(|o| o.id == s.id) {
            return Err(format!("section '{}' is listed twice", s.id));
        }
        if s.title.trim().is_empty() || s.guidance.trim().is_empty() {
            return Err(format!("section '{}' needs a title and guidance", s.id));
        }
        if s.example.as_ref().is_some_and(|e| e.trim().is_empty()) {
            return Err(format!("section '{}': example is empty; leave it out instead", s.id));
        }
        if s.services.iter().enumerate().any(|(j, p)| s.services[..j].contains(p)) {
            return Err(format!("section '{}': services lists a purpose twice", s.id));
        }
    }
    if let Some(missing) = ids.iter().find(|id| p.section(id).is_none()) {
        return Err(format!("section '{missing}' is missing"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The person's plan

/// The entries of one section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEntries {
    /// The section's id.
    pub id: String,
    /// One entry per line, in the person's order.
    pub items: Vec<String>,
}

/// A plan as typed: entries per section, not yet checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyPlanDraft {
    /// Which plan.
    pub kind: PlanKind,
    /// Sections given; those left out are empty.
    pub sections: Vec<PlanEntries>,
}

/// A checked plan: every section of its kind, in order, each with at most
/// [`MAX_ITEMS`] trimmed, non-empty entries of at most [`MAX_ITEM_CHARS`]
/// characters on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SafetyPlan {
    /// Which plan.
    pub kind: PlanKind,
    /// Every section of the kind, in the plan's order.
    pub sections: Vec<PlanEntries>,
    /// When it was last saved.
    pub updated: Moment,
}

/// Splits a block of text (a form's text area, an editor section) into
/// entries: one per line, list markers ("- ", "* ", "• ") and blank lines
/// dropped.
pub fn items_from_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let l = l.trim();
            ["- ", "* ", "• "].iter().find_map(|m| l.strip_prefix(m)).unwrap_or(l).trim().to_string()
        })
        .filter(|l| !l.is_empty() && l != "-" && l != "*" && l != "•")
        .collect()
}

impl SafetyPlanDraft {
    /// An empty draft of `kind`.
    pub fn new(kind: PlanKind) -> Self {
        Self { kind, sections: Vec::new() }
    }

    /// A draft holding what a saved plan holds.
    pub fn from_plan(plan: &SafetyPlan) -> Self {
        Self { kind: plan.kind, sections: plan.sections.clone() }
    }

    /// The entries given for a section (empty when not given).
    pub fn items(&self, id: &str) -> &[String] {
        self.sections.iter().find(|s| s.id == id).map_or(&[], |s| s.items.as_slice())
    }

    /// Replaces a section's entries (adds the section if it was not given).
    pub fn set(&mut self, id: &str, items: Vec<String>) {
        match self.sections.iter_mut().find(|s| s.id == id) {
            Some(s) => s.items = items,
            None => self.sections.push(PlanEntries { id: id.to_string(), items }),
        }
    }

    /// Checks every section and entry; all problems are reported at once,
    /// each under its section's id.
    pub fn validate(self, updated: Moment) -> Result<SafetyPlan, ValidationError> {
        let kind = self.kind;
        let ids = kind.section_ids();
        let mut problems = Problems::default();
        for (i, s) in self.sections.iter().enumerate() {
            if kind.section_id(&s.id).is_none() {
                let hint = match closest(&s.id, ids.iter().copied()) {
                    Some(c) => format!("did you mean '{c}'? The sections are {}", ids.join(", ")),
                    None => format!("the sections are {}", ids.join(", ")),
                };
                problems.push("section", format!("'{}' is not a section of the {kind} plan", s.id), Some(hint));
            } else if self.sections[..i].iter().any(|o| o.id == s.id) {
                problems.push("section", format!("'{}' is given twice", s.id), Some("give each section once".into()));
            }
        }
        let mut sections = Vec::with_capacity(ids.len());
        for &id in ids {
            let items: Vec<String> =
                self.items(id).iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
            for (n, item) in items.iter().enumerate() {
                let chars = item.chars().count();
                if chars > MAX_ITEM_CHARS {
                    problems.push(
                        id,
                        format!("line {} is {chars} characters long; the most is {MAX_ITEM_CHARS}", n + 1),
                        Some("shorten it, or split it over two lines".into()),
                    );
                }
                if item.chars().any(char::is_control) {
                    problems.push(
                        id,
                        format!("line {} has a line break or a control character in it", n + 1),
                        Some("put each thing on a line of its own".into()),
                    );
                }
            }
            if items.len() > MAX_ITEMS {
                problems.push(
                    id,
                    format!("has {} lines; the most is {MAX_ITEMS}", items.len()),
                    Some("keep the ones that help most: a short plan is easier to use in a hard moment".into()),
                );
            }
            sections.push(PlanEntries { id: id.to_string(), items });
        }
        problems.finish(|| SafetyPlan { kind, sections, updated })
    }
}

impl SafetyPlan {
    /// The entries of a section (empty for an id that is not one of its sections).
    pub fn items(&self, id: &str) -> &[String] {
        self.sections.iter().find(|s| s.id == id).map_or(&[], |s| s.items.as_slice())
    }

    /// How many sections have at least one entry.
    pub fn filled(&self) -> usize {
        self.sections.iter().filter(|s| !s.items.is_empty()).count()
    }

    /// Whether nothing is written in it.
    pub fn is_empty(&self) -> bool {
        self.filled() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Moment {
        Moment::with_offset(jiff::Timestamp::from_second(1_780_000_000).unwrap(), 3600)
    }

    #[test]
    fn shipped_plans_parse_with_every_section_titled_and_guided() {
        let p = plans().unwrap();
        for kind in PlanKind::ALL {
            let texts = p.get(kind);
            let ids: Vec<&str> = texts.sections.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids, kind.section_ids(), "{kind}: content lists the sections in the plan's order");
            for s in &texts.sections {
                assert!(!s.title.trim().is_empty() && !s.guidance.trim().is_empty(), "{kind}/{}", s.id);
            }
        }
        let pro = p.crisis.section("professionals").unwrap();
        assert_eq!(pro.services, vec![Purpose::Crisis, Purpose::Emergency]);
        assert!(p.staying_safe.section("contacts").unwrap().services.contains(&Purpose::Abuse));
        // The staying-safe plan opens with where to keep it and the quick exit.
        assert!(p.staying_safe.first[0].contains("this device"));
        assert!(p.staying_safe.first.iter().any(|l| l.contains("Escape three times")));
        assert!(p.crisis.keep.contains("calmer day"));
    }

    #[test]
    fn broken_plans_are_refused_with_a_reason() {
        let cases = [
            (PLANS_TOML.replace("version = 1", "version = 2"), "version"),
            (PLANS_TOML.replace("id = \"coping\"", "id = \"copin\""), "did you mean 'coping'"),
            (PLANS_TOML.replace("id = \"coping\"", "id = \"warning-signs\""), "twice"),
            (PLANS_TOML.replace("title = \"2. What I can do on my own\"", "title = \" \""), "title and guidance"),
            (PLANS_TOML.replace("example = \"My sister Ana, 07700 900123\"", "colour = \"red\""), "colour"),
            (PLANS_TOML.replace("services = [\"abuse\", \"emergency\"]", "services = [\"abuse\", \"abuse\"]"), "twice"),
            (PLANS_TOML.replace("services = [\"abuse\", \"emergency\"]", "services = [\"shelter\"]"), "shelter"),
            (PLANS_TOML.replace("empty = \"Nothing written here yet.\"", "empty = \"\""), "texts.empty"),
        ];
        for (text, expected) in cases {
            let e = SafetyPlans::parse(&text).unwrap_err();
            assert_eq!(e.file, PLANS_FILE);
            assert!(e.message.contains(expected), "{expected}: {e}");
        }
        // A whole section left out.
        let start = PLANS_TOML.find("[[staying-safe.section]]\nid = \"timing\"").unwrap();
        let end = PLANS_TOML[start..].find("[[staying-safe.section]]\nid = \"children-pets\"").unwrap() + start;
        let without = format!("{}{}", &PLANS_TOML[..start], &PLANS_TOML[end..]);
        let e = SafetyPlans::parse(&without).unwrap_err();
        assert!(e.message.contains("[staying-safe] section 'timing' is missing"), "{e}");
    }

    #[test]
    fn kinds_parse_and_round_trip() {
        for k in PlanKind::ALL {
            assert_eq!(k.as_str().parse::<PlanKind>().unwrap(), k);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
        }
        assert_eq!("Staying safe".parse::<PlanKind>().unwrap(), PlanKind::StayingSafe);
        assert!("leaving".parse::<PlanKind>().unwrap_err().to_string().contains("crisis or staying-safe"));
    }

    #[test]
    fn a_draft_becomes_a_plan_with_every_section_in_order_and_trimmed() {
        let mut d = SafetyPlanDraft::new(PlanKind::Crisis);
        d.set("reasons", vec!["  my dog  ".into(), "".into(), "the sea".into()]);
        d.set("warning-signs", items_from_lines("- not sleeping\n\n• staying in bed\n*  \n"));
        let plan = d.validate(at()).unwrap();
        let ids: Vec<&str> = plan.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, PlanKind::Crisis.section_ids());
        assert_eq!(plan.items("warning-signs"), ["not sleeping", "staying in bed"]);
        assert_eq!(plan.items("reasons"), ["my dog", "the sea"]);
        assert_eq!(plan.items("nope"), [] as [String; 0]);
        assert_eq!(plan.filled(), 2);
        assert!(!plan.is_empty());
        assert!(SafetyPlanDraft::new(PlanKind::StayingSafe).validate(at()).unwrap().is_empty());
        let again = SafetyPlanDraft::from_plan(&plan).validate(at()).unwrap();
        assert_eq!(again, plan);
    }

    #[test]
    fn every_problem_is_named_with_its_section() {
        let mut d = SafetyPlanDraft::new(PlanKind::StayingSafe);
        d.set("ready", vec!["x".repeat(MAX_ITEM_CHARS + 1), "two\nlines".into()]);
        d.set("places", (0..=MAX_ITEMS).map(|i| format!("place {i}")).collect());
        d.set("contact", vec!["Mia".into()]);
        d.sections.push(PlanEntries { id: "ready".into(), items: vec![] });
        let e = d.validate(at()).unwrap_err();
        let fields: Vec<&str> = e.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["section", "section", "ready", "ready", "places"], "{e}");
        assert!(e.problems[0].hint.as_deref().unwrap().contains("did you mean 'contacts'"), "{e}");
        assert!(e.problems[2].message.contains("301 characters"), "{e}");
        assert!(e.problems[3].message.contains("line 2"), "{e}");
        assert!(e.problems[4].message.contains("13 lines"), "{e}");
        // Exactly at the limits is fine.
        let mut ok = SafetyPlanDraft::new(PlanKind::StayingSafe);
        ok.set("ready", vec!["é".repeat(MAX_ITEM_CHARS)]);
        ok.set("places", (0..MAX_ITEMS).map(|i| format!("place {i}")).collect());
        assert!(ok.validate(at()).is_ok());
    }

    #[test]
    fn the_library_version_is_used_when_given() {
        let lib = Library::embedded();
        assert_eq!(&SafetyPlans::load(&lib).unwrap(), plans().unwrap());
    }
}
