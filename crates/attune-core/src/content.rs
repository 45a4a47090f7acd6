//! Product texts and starting lists, kept as data under `content/` and
//! embedded at build time, so wording can change without touching code.
//!
//! [`Library`] is the whole `content/` tree. A counsellor or translator can
//! override any file: the binary reads their directory and passes the files
//! to [`Library::with_overrides`] (core itself reads no files).

use std::collections::BTreeMap;

use include_dir::{Dir, include_dir};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::label::{Label, LabelKind, Slug};

static CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../content");

/// Every content file by its path under `content/` ("learn/sources.md").
#[derive(Clone, Debug)]
pub struct Library {
    files: BTreeMap<String, String>,
    overridden: Vec<String>,
}

impl Library {
    /// The texts built into this version of attune.
    pub fn embedded() -> Self {
        let mut files = BTreeMap::new();
        collect(&CONTENT, &mut files);
        Self { files, overridden: Vec::new() }
    }

    /// Replaces files with the person's own versions. Only files that exist
    /// may be overridden (a misspelt name is an error, not silently ignored),
    /// except new questionnaires under `instruments/`.
    pub fn with_overrides(mut self, files: impl IntoIterator<Item = (String, String)>) -> Result<Self, ContentError> {
        for (path, text) in files {
            let path = path.replace('\\', "/");
            if !self.files.contains_key(&path) && !path.starts_with("instruments/") {
                return Err(ContentError {
                    file: path.clone(),
                    message: format!("there is no built-in content file '{path}' to override"),
                });
            }
            self.files.insert(path.clone(), text);
            self.overridden.push(path);
        }
        Ok(self)
    }

    /// The text of one file.
    pub fn text(&self, path: &str) -> Result<&str, ContentError> {
        self.files
            .get(path)
            .map(String::as_str)
            .ok_or_else(|| ContentError { file: path.to_string(), message: "missing".into() })
    }

    /// One TOML file parsed into `T`, with the file named in any error.
    pub fn toml<T: DeserializeOwned>(&self, path: &str) -> Result<T, ContentError> {
        let text = self.text(path)?;
        // The line number and the parser's reason, not its quote of the line
        // (which can be a whole megabyte long).
        toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| text.get(..s.start).map_or(1, |t| t.lines().count().max(1)));
            ContentError { file: path.to_string(), message: format!("line {line}: {}", e.message()) }
        })
    }

    /// Paths under a folder ("learn/"), sorted.
    pub fn paths_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.files.keys().map(String::as_str).filter(move |p| p.starts_with(prefix))
    }

    /// Every path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Paths replaced by the person's own files.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }
}

fn collect(dir: &Dir<'static>, out: &mut BTreeMap<String, String>) {
    for file in dir.files() {
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            out.insert(path.replace('\\', "/"), text.to_string());
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

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
#[derive(Clone, Debug, thiserror::Error)]
#[error("content file {file} is invalid: {message}")]
pub struct ContentError {
    /// Which file, relative to `content/`.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// The trigger and feeling lists a new journal starts with.
pub fn default_labels() -> Result<Vec<Label>, ContentError> {
    parse_defaults(DEFAULTS_TOML)
}

fn parse_defaults(text: &str) -> Result<Vec<Label>, ContentError> {
    let err = |message: String| ContentError { file: "defaults.toml".into(), message };
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
    fn library_embeds_the_tree_and_takes_overrides() {
        let lib = Library::embedded();
        assert!(lib.text("defaults.toml").unwrap().contains("late-reply"));
        assert!(lib.paths_under("safety/").count() > 0);
        let lib = lib.with_overrides([("defaults.toml".to_string(), "x".to_string())]).unwrap();
        assert_eq!(lib.text("defaults.toml").unwrap(), "x");
        assert_eq!(lib.overridden(), ["defaults.toml"]);
        let err = Library::embedded().with_overrides([("defualts.toml".to_string(), String::new())]).unwrap_err();
        assert!(err.message.contains("no built-in content file"), "{err}");
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
