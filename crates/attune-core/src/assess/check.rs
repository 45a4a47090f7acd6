//! The content check: every file under `content/` (or a person's overrides)
//! against its schema, with no empty text, every reference pointing at
//! something that exists, and every id the code relies on present.

use std::collections::BTreeSet;

use super::instrument::{Instrument, Link};
use super::learn::{LEARN_INDEX, LearnIndex, Vocabulary, sections};
use super::steps::{STEPS_FILE, StepRules};
use super::texts::{AssessTexts, TEXTS_FILE};
use super::{BUILT_IN, HOW_IT_SHOWS, INSTRUMENTS_DIR, SEEN_TRUSTED_RESPECTED, WHERE_IT_COMES_FROM, instruments};
use crate::checkin::SCALE_MAX;
use crate::content::{ContentError, Library};
use crate::vocab::{Sign, Source};

fn problem(file: &str, message: impl Into<String>) -> ContentError {
    ContentError { file: file.to_string(), message: message.into() }
}

/// Every problem in the library; empty when all is well.
pub fn check_library(library: &Library) -> Vec<ContentError> {
    check(library, |_| true)
}

/// The problems a person's version of one file can cause: that file against
/// its schema, and every check that reads it. The other files are taken to be
/// the built-in ones, which [`check_library`] passes (a test makes sure), so
/// this finds what `check_library` finds, without re-reading the whole library.
pub fn check_file(library: &Library, path: &str) -> Vec<ContentError> {
    check(library, |p| p == path)
}

/// The checks that read a file for which `reads` holds.
fn check(library: &Library, reads: impl Fn(&str) -> bool) -> Vec<ContentError> {
    let under = |prefix: &str| library.paths_under(prefix).any(&reads);
    let mut out = Vec::new();
    check_generic(library, &reads, &mut out);
    check_known_files(library, &reads, &mut out);
    if under("learn/") {
        check_learn(library, &mut out);
    }
    // The step rules name the questionnaires' subscales.
    if under(INSTRUMENTS_DIR) || reads(STEPS_FILE) {
        let instruments = check_instruments(library, &mut out);
        if let Ok(text) = library.text(STEPS_FILE) {
            if let Err(e) = StepRules::parse(text, &instruments) {
                out.push(e);
            }
        } else {
            out.push(problem(STEPS_FILE, "missing"));
        }
    }
    if reads(TEXTS_FILE)
        && let Err(e) = library.text(TEXTS_FILE).and_then(AssessTexts::parse)
    {
        out.push(e);
    }
    out
}

/// Every TOML file parses and holds no blank text; every other file has text.
fn check_generic(library: &Library, reads: impl Fn(&str) -> bool, out: &mut Vec<ContentError>) {
    for path in library.paths().filter(|p| reads(p)) {
        let Ok(text) = library.text(path) else { continue };
        if text.trim().is_empty() {
            out.push(problem(path, "the file is empty"));
            continue;
        }
        if path.ends_with(".toml") {
            match toml::from_str::<toml::Table>(text) {
                Err(e) => out.push(problem(path, format!("not valid TOML: {}", e.message()))),
                Ok(table) => blank_strings(&toml::Value::Table(table), String::new(), path, out),
            }
        }
    }
}

fn blank_strings(value: &toml::Value, at: String, path: &str, out: &mut Vec<ContentError>) {
    match value {
        toml::Value::String(s) if s.trim().is_empty() => out.push(problem(path, format!("{at} is an empty text"))),
        toml::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                blank_strings(v, format!("{at}[{i}]"), path, out);
            }
        }
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                blank_strings(v, key, path, out);
            }
        }
        _ => {}
    }
}

/// Files with their own parsers elsewhere in core.
fn check_known_files(library: &Library, reads: impl Fn(&str) -> bool, out: &mut Vec<ContentError>) {
    if reads("insights.toml")
        && let Ok(text) = library.text("insights.toml")
        && let Err(e) = crate::insights::InsightsConfig::from_toml(text)
    {
        out.push(e);
    }
    if reads("safety/screen.toml")
        && let Ok(text) = library.text("safety/screen.toml")
        && let Err(e) = crate::safety::Screen::parse(text)
    {
        out.push(e);
    }
    if reads(crate::safety::PLANS_FILE)
        && let Ok(text) = library.text(crate::safety::PLANS_FILE)
        && let Err(e) = crate::safety::SafetyPlans::parse(text)
    {
        out.push(e);
    }
    if reads(crate::privacy::ERASE_FILE)
        && let Err(e) = crate::privacy::EraseTexts::load(library)
    {
        out.push(e);
    }
    let resources: Vec<(&str, &str)> = library
        .paths_under("safety/resources/")
        .filter(|p| p.ends_with(".toml"))
        .filter_map(|p| {
            let code = p.trim_start_matches("safety/resources/").trim_end_matches(".toml");
            Some((code, library.text(p).ok()?))
        })
        .collect();
    if !resources.is_empty()
        && library.paths_under("safety/resources/").any(&reads)
        && let Err(e) = crate::safety::ResourceDirectory::parse(&resources)
    {
        out.push(e);
    }
}

fn check_learn(library: &Library, out: &mut Vec<ContentError>) {
    let index = match LearnIndex::load(library) {
        Ok(i) => i,
        Err(e) => {
            out.push(e);
            return;
        }
    };
    let f = LEARN_INDEX;
    if index.version != 1 {
        out.push(problem(f, format!("version {} is not supported (expected 1)", index.version)));
    }
    if index.topics.is_empty() {
        out.push(problem(f, "there are no topics"));
    }
    let mut words = BTreeSet::new();
    for t in &index.topics {
        for w in std::iter::once(&t.id).chain(&t.aliases) {
            if !super::instrument::valid_id(w) || w.chars().any(|c| c.is_ascii_uppercase()) {
                out.push(problem(f, format!("topic '{}': '{w}' is not a lower-case-dashed word", t.id)));
            }
            if !words.insert(w.clone()) {
                out.push(problem(f, format!("topic '{}': '{w}' is used by two topics", t.id)));
            }
        }
        for (name, v) in [("title", &t.title), ("summary", &t.summary)] {
            if v.trim().is_empty() {
                out.push(problem(f, format!("topic '{}': {name} is empty", t.id)));
            }
        }
        for other in &t.see_also {
            if index.topic(other).is_none() {
                out.push(problem(f, format!("topic '{}': see_also names '{other}', which is not a topic", t.id)));
            }
        }
        let Ok(text) = library.text(&t.file) else {
            out.push(problem(f, format!("topic '{}': its file {} does not exist", t.id, t.file)));
            continue;
        };
        let secs = sections(text);
        for s in &secs {
            if s.body.is_empty() && s.level > 0 {
                let next_is_child =
                    secs.iter().skip_while(|x| !std::ptr::eq(*x, s)).nth(1).is_some_and(|next| next.level > s.level);
                if !next_is_child {
                    out.push(problem(&t.file, format!("the section '{}' has no text", s.title)));
                }
            }
        }
        let anchors: Vec<&str> = secs.iter().filter_map(|s| s.id.as_deref()).collect();
        let mut seen = BTreeSet::new();
        for a in &anchors {
            if !seen.insert(*a) {
                out.push(problem(&t.file, format!("the anchor {{#{a}}} is used twice")));
            }
        }
        if let Some(v) = t.covers {
            let ids = v.ids();
            for id in &ids {
                if !anchors.contains(id) {
                    out.push(problem(
                        &t.file,
                        format!("no section explains the {} '{id}' (add a heading ending in {{#{id}}})", v.as_str()),
                    ));
                }
            }
            for a in &anchors {
                if !ids.contains(a) {
                    out.push(problem(
                        &t.file,
                        format!("{{#{a}}} is not a {} id (known: {})", v.as_str(), ids.join(", ")),
                    ));
                }
            }
        }
    }
    for v in Vocabulary::ALL {
        let n = index.topics.iter().filter(|t| t.covers == Some(v)).count();
        if n != 1 {
            out.push(problem(f, format!("{n} topics cover the {}s; exactly one must", v.as_str())));
        }
    }
    let listed: BTreeSet<&str> = index.topics.iter().map(|t| t.file.as_str()).collect();
    for path in library.paths_under("learn/") {
        if path.ends_with(".md") && !listed.contains(path) {
            out.push(problem(path, "no topic in learn/index.toml points to this file"));
        }
    }
}

/// Parses every instrument and checks what the code needs of the built-in ones.
fn check_instruments(library: &Library, out: &mut Vec<ContentError>) -> Vec<Instrument> {
    let (found, errors) = instruments(library);
    for e in errors {
        let message = e.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        out.push(problem(&e.file, message));
    }
    let mut ids = BTreeSet::new();
    for i in &found {
        let file = format!("{INSTRUMENTS_DIR}{}.toml", i.id);
        if library.text(&file).is_err() {
            out.push(problem(&file, format!("the questionnaire '{}' must live in {file}", i.id)));
        }
        if !ids.insert(i.id.clone()) {
            out.push(problem(&file, format!("two questionnaires have the id '{}'", i.id)));
        }
    }
    for id in BUILT_IN {
        let file = format!("{INSTRUMENTS_DIR}{id}.toml");
        // A file that is there but invalid was reported above.
        if !ids.contains(*id) && library.text(&file).is_err() {
            out.push(problem(&file, format!("the questionnaire '{id}' is missing")));
        }
    }
    let by_id = |id: &str| found.iter().find(|i| i.id == id);
    let linked = |inst: &Instrument, want: Link| inst.subscales.iter().filter(|s| s.link == Some(want)).count();
    if let Some(i) = by_id(WHERE_IT_COMES_FROM) {
        for &s in Source::ALL {
            if linked(i, Link::Source(s)) != 1 {
                out.push(problem(
                    &format!("{INSTRUMENTS_DIR}{}.toml", i.id),
                    format!("exactly one subscale must have source = \"{s}\""),
                ));
            }
        }
    }
    if let Some(i) = by_id(HOW_IT_SHOWS) {
        for &s in Sign::ALL {
            if linked(i, Link::Sign(s)) != 1 {
                out.push(problem(
                    &format!("{INSTRUMENTS_DIR}{}.toml", i.id),
                    format!("exactly one subscale must have sign = \"{s}\""),
                ));
            }
        }
    }
    if let Some(i) = by_id(super::CLOSENESS_AND_DISTANCE)
        && i.axes.is_none()
    {
        out.push(problem(&format!("{INSTRUMENTS_DIR}{}.toml", i.id), "needs [axes] to be shown as a point"));
    }
    if let Some(i) = by_id(SEEN_TRUSTED_RESPECTED) {
        let file = format!("{INSTRUMENTS_DIR}{}.toml", i.id);
        if i.scale.first != 0 || i.scale.last() != i32::from(SCALE_MAX) {
            out.push(problem(&file, format!("must use the check-in's scale, 0 to {SCALE_MAX}, so both line up")));
        }
        for want in super::OUTCOME_SUBSCALES {
            if i.subscale(want).is_none() {
                out.push(problem(&file, format!("needs the subscale '{want}' (the check-in measures it)")));
            }
        }
    }
    found
}
