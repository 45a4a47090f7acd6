//! Product texts and starting lists, kept as data under `content/` and
//! embedded at build time, so wording can change without touching code.

use serde::Deserialize;

use crate::label::{Label, LabelKind, Slug};

/// `content/defaults.toml`, embedded.
pub const DEFAULTS_TOML: &str = include_str!("../../../content/defaults.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    trigger: Vec<Item>,
    feeling: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    id: Slug,
    name: String,
}

/// A content file that does not match its schema.
#[derive(Debug, thiserror::Error)]
#[error("content file {file} is invalid: {message}")]
pub struct ContentError {
    /// Which file.
    pub file: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The trigger and feeling lists a new journal starts with.
pub fn default_labels() -> Result<Vec<Label>, ContentError> {
    parse_defaults(DEFAULTS_TOML)
}

fn parse_defaults(text: &str) -> Result<Vec<Label>, ContentError> {
    let err = |message: String| ContentError { file: "defaults.toml", message };
    let d: Defaults = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    let mut out = Vec::new();
    for (kind, items) in [(LabelKind::Trigger, d.trigger), (LabelKind::Feeling, d.feeling)] {
        for item in items {
            if item.name.trim().is_empty() {
                return Err(err(format!("{kind} '{}' has an empty name", item.id)));
            }
            if out.iter().any(|l: &Label| l.kind == kind && l.slug == item.id) {
                return Err(err(format!("{kind} '{}' is listed twice", item.id)));
            }
            out.push(Label { kind, slug: item.id, name: item.name, retired: false, merged_into: None });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_defaults_are_valid_and_cover_the_issue_examples() {
        let labels = default_labels().unwrap();
        let triggers: Vec<_> =
            labels.iter().filter(|l| l.kind == LabelKind::Trigger).map(|l| l.slug.as_str()).collect();
        for wanted in ["late-reply", "cancelled-plan", "change-of-tone", "partner-distant", "social-media", "conflict"]
        {
            assert!(triggers.contains(&wanted), "{wanted} missing");
        }
        assert!(labels.iter().any(|l| l.kind == LabelKind::Feeling && l.slug.as_str() == "anxious"));
    }

    #[test]
    fn duplicates_and_bad_ids_are_caught() {
        let dup = "feeling=[]\n[[trigger]]\nid='a'\nname='A'\n[[trigger]]\nid='a'\nname='B'";
        assert!(parse_defaults(dup).unwrap_err().message.contains("twice"));
        let bad = "trigger=[{id='Not A Slug', name='x'}]\nfeeling=[]";
        assert!(parse_defaults(bad).is_err());
        let empty = "trigger=[{id='a', name=' '}]\nfeeling=[]";
        assert!(parse_defaults(empty).unwrap_err().message.contains("empty name"));
    }
}
