//! The sentences around the questionnaires (`content/assess/texts.toml`):
//! instructions, progress, the profile's headings. Each may use the
//! `{placeholders}` listed in [`AssessTexts::templates`]; anything else is
//! refused when the file is checked.

use serde::Deserialize;

use crate::content::{ContentError, Library};
use crate::template::{self, Piece};

/// Where the texts live.
pub const TEXTS_FILE: &str = "assess/texts.toml";

/// Every text of `attune assess`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessTexts {
    /// Format version (1).
    pub version: u32,
    /// Shown with every questionnaire, built-in or not.
    pub reflection_note: String,
    /// `attune assess` (the list).
    pub list: ListTexts,
    /// Taking a questionnaire.
    pub take: TakeTexts,
    /// The profile at the end.
    pub profile: ProfileTexts,
    /// `attune assess history`.
    pub history: HistoryTexts,
}

/// The list of questionnaires.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListTexts {
    /// Heading.
    pub heading: String,
    /// Never taken.
    pub never: String,
    /// `{date}`.
    pub last_taken: String,
    /// `{answered}`, `{total}`, `{id}`.
    pub in_progress: String,
    /// Below the list.
    pub footer: String,
}

/// While answering.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeTexts {
    /// How to answer with the arrow keys.
    pub how_arrows: String,
    /// How to answer by typing numbers.
    pub how_plain: String,
    /// `{n}`, `{total}`.
    pub progress: String,
    /// The "skip" choice.
    pub skip: String,
    /// The "go back" choice.
    pub back: String,
    /// The "stop for now" choice.
    pub stop: String,
    /// `{answered}`, `{total}`, `{date}`.
    pub resumed: String,
    /// `{old}`, `{new}`.
    pub restarted_changed: String,
    /// `{answered}`, `{total}`, `{id}`.
    pub stopped: String,
    /// Stopped before the first answer.
    pub stopped_empty: String,
    /// Every question was skipped.
    pub nothing_answered: String,
    /// `{first}`, `{last}`.
    pub invalid: String,
    /// Shown when the last item was answered, before the profile.
    pub done: String,
}

/// The profile.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileTexts {
    /// `{title}`.
    pub heading: String,
    /// `{min}`, `{max}`.
    pub range: String,
    /// `{answered}`, `{items}`.
    pub no_score: String,
    /// `{percentile}`, `{z}`.
    pub norm: String,
    /// `{date}`.
    pub since: String,
    /// `{before}`, `{now}`.
    pub higher: String,
    /// `{before}`, `{now}`.
    pub lower: String,
    /// `{before}`, `{now}`.
    pub same: String,
    /// `{old}`, `{new}`.
    pub version_changed: String,
    /// No earlier result.
    pub first_time: String,
    /// A change smaller than this share of the range is "about the same".
    pub same_within: f64,
    /// Heading of the two-axes picture.
    pub picture: String,
    /// `{region}`: which region the point is in now.
    pub now_in: String,
    /// The point is close to a dividing line.
    pub near_line: String,
    /// Heading of the steps.
    pub steps: String,
    /// Below the steps.
    pub learn_more: String,
}

/// The history.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryTexts {
    /// Heading.
    pub heading: String,
    /// Nothing taken yet.
    pub empty: String,
}

impl AssessTexts {
    /// Parses and checks the texts.
    pub fn parse(text: &str) -> Result<AssessTexts, ContentError> {
        let err = |message: String| ContentError { file: TEXTS_FILE.into(), message };
        let texts: AssessTexts = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut problems = Vec::new();
        if texts.version != 1 {
            problems.push(format!("version {} is not supported (expected 1)", texts.version));
        }
        if !(texts.profile.same_within >= 0.0 && texts.profile.same_within < 1.0) {
            problems
                .push(format!("profile.same_within = {} must be a share from 0 to below 1", texts.profile.same_within));
        }
        for (name, value, allowed) in texts.templates() {
            if value.trim().is_empty() {
                problems.push(format!("{name} is empty"));
            }
            for p in placeholders(value) {
                if !allowed.contains(&p.as_str()) {
                    let known = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
                    problems.push(format!("{name} uses {{{p}}}, which it cannot fill (it knows: {known})"));
                }
            }
        }
        if problems.is_empty() { Ok(texts) } else { Err(err(problems.join("; "))) }
    }

    /// Loads the texts from the library.
    pub fn load(library: &Library) -> Result<AssessTexts, ContentError> {
        Self::parse(library.text(TEXTS_FILE)?)
    }

    /// Every text, with its name and the placeholders it may use.
    pub fn templates(&self) -> Vec<(&'static str, &str, &'static [&'static str])> {
        let (l, t, p, h) = (&self.list, &self.take, &self.profile, &self.history);
        vec![
            ("reflection_note", &self.reflection_note, &[]),
            ("list.heading", &l.heading, &[]),
            ("list.never", &l.never, &[]),
            ("list.last_taken", &l.last_taken, &["date"]),
            ("list.in_progress", &l.in_progress, &["answered", "total", "id"]),
            ("list.footer", &l.footer, &[]),
            ("take.how_arrows", &t.how_arrows, &[]),
            ("take.how_plain", &t.how_plain, &[]),
            ("take.progress", &t.progress, &["n", "total"]),
            ("take.skip", &t.skip, &[]),
            ("take.back", &t.back, &[]),
            ("take.stop", &t.stop, &[]),
            ("take.resumed", &t.resumed, &["answered", "total", "date"]),
            ("take.restarted_changed", &t.restarted_changed, &["old", "new"]),
            ("take.stopped", &t.stopped, &["answered", "total", "id"]),
            ("take.stopped_empty", &t.stopped_empty, &[]),
            ("take.nothing_answered", &t.nothing_answered, &[]),
            ("take.invalid", &t.invalid, &["first", "last"]),
            ("take.done", &t.done, &[]),
            ("profile.heading", &p.heading, &["title"]),
            ("profile.range", &p.range, &["min", "max"]),
            ("profile.no_score", &p.no_score, &["answered", "items"]),
            ("profile.norm", &p.norm, &["percentile", "z"]),
            ("profile.since", &p.since, &["date"]),
            ("profile.higher", &p.higher, &["before", "now"]),
            ("profile.lower", &p.lower, &["before", "now"]),
            ("profile.same", &p.same, &["before", "now"]),
            ("profile.version_changed", &p.version_changed, &["old", "new"]),
            ("profile.first_time", &p.first_time, &[]),
            ("profile.picture", &p.picture, &[]),
            ("profile.now_in", &p.now_in, &["region"]),
            ("profile.near_line", &p.near_line, &[]),
            ("profile.steps", &p.steps, &[]),
            ("profile.learn_more", &p.learn_more, &[]),
            ("history.heading", &h.heading, &[]),
            ("history.empty", &h.empty, &[]),
        ]
    }
}

/// The `{names}` in a template; an unclosed `{` names the rest of the text,
/// so the check refuses it.
fn placeholders(text: &str) -> Vec<String> {
    template::pieces(text)
        .filter_map(|p| match p {
            Piece::Name(name) | Piece::Unclosed(name) => Some(name.to_string()),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Fills `{name}` placeholders; unknown ones are left as they are.
pub fn render(template: &str, vars: &[(&str, String)]) -> String {
    template::render(template.trim(), vars)
}
