//! The explanations people read with `attune learn`: Markdown files under
//! `content/learn/`, listed in `content/learn/index.toml`.
//!
//! A heading may end in an anchor, `## Old hurts {#past-wounds}`, which
//! names the framework id it explains. A topic that `covers` a vocabulary
//! must have a section for every id of it (checked by
//! [`check_library`](super::check_library)), so `attune learn past-wounds`
//! and the questionnaires' profiles always find their text.

use serde::{Deserialize, Serialize};

use super::steps::Step;
use crate::content::{ContentError, Library};
use crate::error::closest;
use crate::vocab::{Consequence, Sign, Source};

/// Where the index lives.
pub const LEARN_INDEX: &str = "learn/index.toml";

/// `content/learn/index.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnIndex {
    /// Format version (1).
    pub version: u32,
    /// Topics in reading order.
    #[serde(rename = "topic")]
    pub topics: Vec<Topic>,
}

/// One topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// What people type: `attune learn sources`.
    pub id: String,
    /// Heading.
    pub title: String,
    /// One line for the list of topics.
    pub summary: String,
    /// The Markdown file, relative to `content/`.
    pub file: String,
    /// Other words that find it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The vocabulary it explains, one section per id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<Vocabulary>,
    /// Related topics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see_also: Vec<String>,
}

/// The framework's fixed vocabularies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vocabulary {
    /// The five signs.
    Sign,
    /// The five sources.
    Source,
    /// The consequences.
    Consequence,
    /// The five steps.
    Step,
}

impl Vocabulary {
    /// Every vocabulary.
    pub const ALL: [Vocabulary; 4] = [Vocabulary::Sign, Vocabulary::Source, Vocabulary::Consequence, Vocabulary::Step];

    /// The ids the code uses.
    pub fn ids(self) -> Vec<&'static str> {
        match self {
            Vocabulary::Sign => Sign::ids(),
            Vocabulary::Source => Source::ids(),
            Vocabulary::Consequence => Consequence::ids(),
            Vocabulary::Step => Step::ids(),
        }
    }

    /// "source".
    pub fn as_str(self) -> &'static str {
        match self {
            Vocabulary::Sign => "sign",
            Vocabulary::Source => "source",
            Vocabulary::Consequence => "consequence",
            Vocabulary::Step => "step",
        }
    }
}

/// A part of a Markdown file: a heading and the text below it. Text before
/// the first heading is a section with level 0 and no title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// `#` count (0 for the text before the first heading).
    pub level: usize,
    /// The heading without `#`s and anchor.
    pub title: String,
    /// The anchor id, if the heading has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The Markdown below the heading, up to the next heading, trimmed.
    pub body: String,
}

/// Splits Markdown into sections at its headings.
pub fn sections(markdown: &str) -> Vec<Section> {
    let mut out = vec![Section { level: 0, title: String::new(), id: None, body: String::new() }];
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && let Some((level, title, id)) = heading(line) {
            out.push(Section { level, title, id, body: String::new() });
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.body.push_str(line);
            last.body.push('\n');
        }
    }
    for s in &mut out {
        s.body = s.body.trim().to_string();
    }
    if out.first().is_some_and(|s| s.body.is_empty()) {
        out.remove(0);
    }
    out
}

/// `## Title {#id}` → (2, "Title", Some("id")).
pub fn heading(line: &str) -> Option<(usize, String, Option<String>)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = line[level..].strip_prefix(' ')?.trim();
    if let Some(open) = rest.rfind("{#")
        && rest.ends_with('}')
    {
        let id = rest[open + 2..rest.len() - 1].trim().to_string();
        return Some((level, rest[..open].trim().to_string(), Some(id)));
    }
    Some((level, rest.to_string(), None))
}

/// What a word typed after `attune learn` points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found<'a> {
    /// A whole topic.
    Topic(&'a Topic),
    /// One section of a topic, by anchor id.
    Section(&'a Topic, String),
}

impl LearnIndex {
    /// Parses the index (its references are checked by `check_library`).
    pub fn parse(text: &str) -> Result<LearnIndex, ContentError> {
        toml::from_str(text).map_err(|e| ContentError { file: LEARN_INDEX.into(), message: e.to_string() })
    }

    /// Loads the index from the library.
    pub fn load(library: &Library) -> Result<LearnIndex, ContentError> {
        Self::parse(library.text(LEARN_INDEX)?)
    }

    /// The topic with this id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The topic covering a vocabulary.
    pub fn covering(&self, vocabulary: Vocabulary) -> Option<&Topic> {
        self.topics.iter().find(|t| t.covers == Some(vocabulary))
    }

    /// Finds a topic by id or alias, or a section by its anchor id
    /// ("past-wounds"); the error says what was meant when it looks like a typo.
    pub fn find<'a>(&'a self, library: &Library, query: &str) -> Result<Found<'a>, String> {
        let q = query.trim().to_lowercase().replace([' ', '_'], "-");
        if let Some(t) = self.topics.iter().find(|t| t.id == q || t.aliases.contains(&q)) {
            return Ok(Found::Topic(t));
        }
        let mut anchors: Vec<String> = Vec::new();
        for t in &self.topics {
            let Ok(text) = library.text(&t.file) else { continue };
            for s in sections(text) {
                if let Some(id) = s.id {
                    if id == q {
                        return Ok(Found::Section(t, id));
                    }
                    anchors.push(id);
                }
            }
        }
        let words: Vec<&str> = self
            .topics
            .iter()
            .flat_map(|t| std::iter::once(t.id.as_str()).chain(t.aliases.iter().map(String::as_str)))
            .chain(anchors.iter().map(String::as_str))
            .collect();
        let topics: Vec<&str> = self.topics.iter().map(|t| t.id.as_str()).collect();
        Err(match closest(&q, words) {
            Some(near) => format!("did you mean '{near}'? Topics: {}", topics.join(", ")),
            None => format!("topics: {}", topics.join(", ")),
        })
    }

    /// The section for a vocabulary id (the heading and its text).
    pub fn section(&self, library: &Library, vocabulary: Vocabulary, id: &str) -> Option<Section> {
        let topic = self.covering(vocabulary)?;
        sections(library.text(&topic.file).ok()?).into_iter().find(|s| s.id.as_deref() == Some(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_anchors() {
        assert_eq!(heading("## Old hurts {#past-wounds}"), Some((2, "Old hurts".into(), Some("past-wounds".into()))));
        assert_eq!(heading("# Title"), Some((1, "Title".into(), None)));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("text"), None);
    }

    #[test]
    fn sections_split_at_headings_outside_code() {
        let md = "intro\n\n# A {#a}\nbody a\n```\n# not a heading\n```\n## B\nbody b\n";
        let s = sections(md);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].body, "intro");
        assert_eq!(s[1].id.as_deref(), Some("a"));
        assert!(s[1].body.contains("# not a heading"));
        assert_eq!(s[2].title, "B");
        assert_eq!(s[2].body, "body b");
    }
}
