//! Conversation starters (framework section 5) and the statement composer
//! (step 3). The texts live in `content/scripts/*.toml` (one file per
//! purpose) and `content/say/composer.toml`; this module loads them and
//! fills their placeholders from the person's plan.
//!
//! Placeholders: `{partner}` (the partner's name), `{need}` and
//! `{need_looks_like}` (from a need on the plan), `{trigger}` (a trigger's
//! name), `{pause_minutes}` (the pause rule's length). One that has no value
//! is replaced by a bracketed hint from `content/scripts/placeholders.toml`,
//! so the person sees what to fill in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::content::{ContentError, Library};
use crate::template;

/// Every placeholder a script may use.
pub const PLACEHOLDERS: [&str; 5] = ["partner", "need", "need_looks_like", "trigger", "pause_minutes"];

/// The purposes the framework asks for, in the order shown.
pub const PURPOSES: [&str; 7] = [
    "asking-to-be-seen",
    "showing-vulnerability",
    "asking-for-directness",
    "proposing-a-cool-down",
    "naming-a-trigger",
    "repairing-after-a-fight",
    "asking-for-reassurance",
];

/// A group of conversation starters with one purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// Stable id (the file name).
    #[serde(default)]
    pub id: String,
    /// Heading.
    pub title: String,
    /// When and why to use these.
    pub about: String,
    /// The variants.
    #[serde(rename = "variant")]
    pub variants: Vec<Variant>,
}

/// One way of saying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The words, with placeholders.
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceholderFile {
    fallback: BTreeMap<String, String>,
}

/// The whole library, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scripts {
    /// Purposes in [`PURPOSES`] order.
    pub purposes: Vec<Purpose>,
    /// Hint shown for a placeholder without a value.
    pub fallback: BTreeMap<String, String>,
}

impl Scripts {
    /// Loads `scripts/*.toml` and checks every placeholder.
    pub fn load(lib: &Library) -> Result<Scripts, ContentError> {
        let ph: PlaceholderFile = lib.toml("scripts/placeholders.toml")?;
        for name in PLACEHOLDERS {
            if ph.fallback.get(name).is_none_or(|t| t.trim().is_empty()) {
                return Err(ContentError {
                    file: "scripts/placeholders.toml".into(),
                    message: format!("[fallback] needs a text for {name}"),
                });
            }
        }
        let mut purposes = Vec::new();
        for id in PURPOSES {
            let file = format!("scripts/{id}.toml");
            let mut p: Purpose = lib.toml(&file)?;
            p.id = id.to_string();
            let bad = |message: String| ContentError { file: file.clone(), message };
            if p.title.trim().is_empty() || p.about.trim().is_empty() || p.variants.len() < 2 {
                return Err(bad("needs a title, an about and at least two variants".into()));
            }
            for v in &p.variants {
                if v.text.trim().is_empty() {
                    return Err(bad("a variant is empty".into()));
                }
                for name in placeholders_in(&v.text) {
                    if !PLACEHOLDERS.contains(&name.as_str()) {
                        return Err(bad(format!(
                            "unknown placeholder {{{name}}}; use one of {}",
                            PLACEHOLDERS.join(", ")
                        )));
                    }
                }
            }
            purposes.push(p);
        }
        for extra in lib.paths_under("scripts/") {
            let stem = extra.trim_start_matches("scripts/").trim_end_matches(".toml");
            if stem != "placeholders" && !PURPOSES.contains(&stem) {
                return Err(ContentError { file: extra.to_string(), message: "is not a known purpose".into() });
            }
        }
        Ok(Scripts { purposes, fallback: ph.fallback })
    }

    /// The purpose with this id, or the closest one.
    pub fn find(&self, given: &str) -> Result<&Purpose, Option<String>> {
        let norm = given.trim().to_lowercase().replace([' ', '_'], "-");
        if let Some(p) = self.purposes.iter().find(|p| p.id == norm || p.id.starts_with(&norm) && norm.len() >= 4) {
            return Ok(p);
        }
        Err(crate::error::closest(&norm, self.purposes.iter().map(|p| p.id.as_str())))
    }
}

/// The placeholder names in a text, in order.
pub fn placeholders_in(text: &str) -> Vec<String> {
    template::names(text).map(str::to_string).collect()
}

/// Fills `{name}` placeholders from `values`, else from `fallback`; returns
/// the text and the names that had no value.
pub fn fill(
    text: &str,
    values: &BTreeMap<String, String>,
    fallback: &BTreeMap<String, String>,
) -> (String, Vec<String>) {
    let mut missing: Vec<String> = Vec::new();
    let out = template::fill(text, |name| match values.get(name).filter(|v| !v.trim().is_empty()) {
        Some(v) => Some(v.trim()),
        None => {
            if !missing.iter().any(|m| m == name) {
                missing.push(name.to_string());
            }
            Some(fallback.get(name).map(String::as_str).unwrap_or(name))
        }
    });
    (out, missing)
}

/// The composer's texts (`content/say/composer.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposerTexts {
    /// Shown before the questions.
    pub intro: String,
    /// The four questions.
    pub questions: ComposerQuestions,
    /// The message: `{situation}`, `{feeling}`, `{need}`, `{request}`.
    pub message: String,
    /// The rewrite skeleton offered after a check; `{need}` is filled from
    /// the plan or with the fallback.
    pub skeleton: String,
    /// Fallback for `{need}` in the skeleton.
    pub skeleton_need: String,
    /// Shown when a check found nothing.
    pub clean: String,
    /// Shown above the findings.
    pub found: String,
    /// Shown above the skeleton.
    pub try_this: String,
    /// Words that start answers and are dropped ("when", "i feel").
    pub strip: ComposerStrip,
}

/// The four questions.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposerQuestions {
    /// What happened.
    pub situation: String,
    /// How I felt.
    pub feeling: String,
    /// What I need.
    pub need: String,
    /// What I ask for.
    pub request: String,
}

/// Lead-in words people often type, removed before they are put into the
/// message so it does not say "When when …".
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposerStrip {
    /// For the situation.
    pub situation: Vec<String>,
    /// For the feeling.
    pub feeling: Vec<String>,
    /// For the need.
    pub need: Vec<String>,
    /// For the request.
    pub request: Vec<String>,
}

impl ComposerTexts {
    /// Loads and checks `say/composer.toml`.
    pub fn load(lib: &Library) -> Result<ComposerTexts, ContentError> {
        let t: ComposerTexts = lib.toml("say/composer.toml")?;
        let bad = |m: &str| ContentError { file: "say/composer.toml".into(), message: m.into() };
        for field in ["{situation}", "{feeling}", "{need}", "{request}"] {
            if !t.message.contains(field) {
                return Err(bad(&format!("message must contain {field}")));
            }
        }
        let all = [
            &t.intro,
            &t.questions.situation,
            &t.questions.feeling,
            &t.questions.need,
            &t.questions.request,
            &t.skeleton,
            &t.skeleton_need,
            &t.clean,
            &t.found,
            &t.try_this,
        ];
        if all.iter().any(|s| s.trim().is_empty()) {
            return Err(bad("a text is empty"));
        }
        Ok(t)
    }

    /// Builds the message from the four answers.
    pub fn compose(&self, situation: &str, feeling: &str, need: &str, request: &str) -> String {
        let parts = [
            ("situation", strip(situation, &self.strip.situation)),
            ("feeling", strip(feeling, &self.strip.feeling)),
            ("need", strip(need, &self.strip.need)),
            ("request", strip(request, &self.strip.request)),
        ];
        let values: BTreeMap<String, String> = parts.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        fill(&self.message, &values, &BTreeMap::new()).0
    }

    /// The skeleton with the person's need when they have one.
    pub fn skeleton_for(&self, need: Option<&str>) -> String {
        let values = BTreeMap::from([("need".to_string(), need.unwrap_or(&self.skeleton_need).to_string())]);
        fill(&self.skeleton, &values, &BTreeMap::new()).0
    }
}

/// Words that only start an answer because they start a sentence; their
/// capital is dropped inside the message. Anything else (a name, "I") keeps it.
const SENTENCE_STARTERS: [&str; 24] = [
    "you", "he", "she", "we", "they", "it", "my", "our", "your", "his", "her", "their", "the", "a", "an", "this",
    "that", "after", "before", "on", "at", "in", "there", "to",
];

/// Trims an answer: lead-in words, trailing punctuation, and the capital of
/// a sentence-starting word.
fn strip(answer: &str, lead_ins: &[String]) -> String {
    let mut t = answer.trim().trim_end_matches(['.', '!', '?', ',', ';', ':', ' ']).trim().to_string();
    let mut leads: Vec<&String> = lead_ins.iter().collect();
    leads.sort_by_key(|l| std::cmp::Reverse(l.len()));
    for lead in leads {
        let lower = t.to_lowercase();
        let lead = lead.to_lowercase();
        if lower.starts_with(&format!("{lead} ")) && t.is_char_boundary(lead.len()) {
            t = t[lead.len()..].trim_start().to_string();
            break;
        }
    }
    let first = t.split_whitespace().next().unwrap_or("").to_string();
    if SENTENCE_STARTERS.contains(&first.to_lowercase().as_str()) && first.chars().skip(1).all(|c| !c.is_uppercase()) {
        let mut chars = t.chars();
        if let Some(c) = chars.next() {
            t = c.to_lowercase().chain(chars).collect();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_library_is_complete() {
        let s = Scripts::load(&Library::embedded()).unwrap();
        assert_eq!(s.purposes.len(), PURPOSES.len());
        assert!(s.find("asking-for-reassurance").is_ok());
        assert_eq!(s.find("repair").unwrap().id, "repairing-after-a-fight");
        assert_eq!(s.find("asking-to-be-sen").unwrap_err().as_deref(), Some("asking-to-be-seen"));
    }

    #[test]
    fn an_unknown_placeholder_is_refused() {
        let lib = Library::embedded()
            .with_overrides([(
                "scripts/naming-a-trigger.toml".to_string(),
                "title='t'\nabout='a'\n[[variant]]\ntext='{partnr}'\n[[variant]]\ntext='b'".to_string(),
            )])
            .unwrap();
        let err = Scripts::load(&lib).unwrap_err();
        assert!(err.message.contains("partnr"), "{err}");
    }

    #[test]
    fn filling_uses_values_then_hints() {
        let values = BTreeMap::from([("partner".to_string(), "Sam".to_string())]);
        let fallback = BTreeMap::from([("need".to_string(), "[your need]".to_string())]);
        let (text, missing) = fill("{partner}, I need {need}. {need}", &values, &fallback);
        assert_eq!(text, "Sam, I need [your need]. [your need]");
        assert_eq!(missing, ["need"]);
        assert_eq!(fill("a {b", &values, &fallback).0, "a {b");
    }

    #[test]
    fn composing_drops_lead_ins() {
        let t = ComposerTexts::load(&Library::embedded()).unwrap();
        let m = t.compose(
            "When you didn't reply for five hours.",
            "I feel anxious",
            "I need to know we're okay",
            "Would you be willing to send a two-word text when you're busy?",
        );
        assert_eq!(
            m,
            "When you didn't reply for five hours, I feel anxious, because I need to know we're okay. \
             Would you be willing to send a two-word text when you're busy?"
        );
    }
}
