//! Every parser of outside data, as a fuzz target: a plain function that
//! takes any bytes and must return without panicking, quickly.
//!
//! The same functions run in two harnesses:
//! - `cargo test -p attune-fuzz` (part of `scripts/test`): each target over
//!   its seeds and a few thousand deterministic mutations of them;
//! - `scripts/fuzz` (cargo-fuzz, libFuzzer; `fuzz/`): long, coverage-guided
//!   runs of a million executions or more per target.
//!
//! Adding a parser (an importer, say) takes one function here, one line in
//! [`TARGETS`], seeds in [`seeds::for_target`], and one three-line file in
//! `fuzz/fuzz_targets/` (copy any of them).

pub mod mutate;
pub mod seeds;

use std::path::PathBuf;

use attune_core::assess::{self, Instrument, LearnIndex, StepRules};
use attune_core::content::Library;
use attune_core::plan::{Every, ReviewEvery, rhythm};
use attune_core::when::{self, Edge};
use attune_store::{DataKey, drafts, keyfile};
use jiff::ZonedDateTime;

/// A target: its name (as in `fuzz/fuzz_targets/<name>.rs`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target.
pub const TARGETS: &[Target] = &[
    ("when", when),
    ("instrument", instrument),
    ("content", content),
    ("crisis", crisis),
    ("crisis_lexicon", crisis_lexicon),
    ("statement", statement),
    ("statement_lexicon", statement_lexicon),
    ("keyfile", keyfile),
    ("drafts", drafts),
    // Importers (attune-formats) join here: ("import_jrnl", import_jrnl), …
];

/// The key the draft seeds are sealed with, so mutations reach the decoder.
pub const DRAFT_KEY: [u8; 32] = [7; 32];

/// Text as a parser receives it: attune reads files and arguments as UTF-8,
/// so invalid bytes never reach a parser; replace them the way a lossy
/// reader would, to still exercise what follows.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

fn now() -> ZonedDateTime {
    // A fixed "now" with a zone that has clock changes.
    "2026-03-29T01:30:00+01:00[Europe/Berlin]".parse().unwrap_or_else(|_| ZonedDateTime::now())
}

/// Date and time phrases (`--at`, `--since`, `--until`), rhythms ("every
/// sunday"), review intervals ("4w"), times of day, stored moments.
pub fn when(data: &[u8]) {
    let t = text(data);
    let now = now();
    for edge in [Edge::Start, Edge::End, Edge::SameTime] {
        let _ = when::parse(&t, &now, edge);
    }
    let _ = Every::parse(&t, now.date());
    let _ = ReviewEvery::parse(&t).map(|r| r.after(now.date()));
    let _ = rhythm::parse_time(&t);
    let _ = t.parse::<attune_core::Moment>();
    let _ = t.parse::<attune_core::RecordId>();
    let _ = t.parse::<attune_core::Slug>();
}

/// A questionnaire file (content/instruments/*.toml or a person's own), and
/// scoring it with answers taken from the same bytes.
pub fn instrument(data: &[u8]) {
    let t = text(data);
    let Ok(instrument) = Instrument::parse(&t, "fuzz.toml") else { return };
    let mut answers = assess::Answers::new();
    for (i, item) in instrument.items.iter().enumerate() {
        let value = data.get(i).map_or(0, |b| i32::from(*b % 8)) + instrument.scale.first;
        answers.insert(item.id.clone(), value);
    }
    if let Ok(scores) = assess::score(&instrument, &answers) {
        let _ = assess::profile::point(&instrument, &scores);
    }
    let _ = StepRules::parse(&t, std::slice::from_ref(&instrument));
}

/// Any content file, as a person's override in `content_dir`: the first
/// byte picks which file, the rest replaces it; then everything that reads
/// content loads and checks it.
pub fn content(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let library = Library::embedded();
    let paths: Vec<String> = library.paths().map(str::to_string).collect();
    if paths.is_empty() {
        return;
    }
    let path = paths[usize::from(pick) % paths.len()].clone();
    let Ok(library) = library.with_overrides([(path, text(rest).into_owned())]) else { return };
    let _ = assess::check_library(&library);
    let _ = LearnIndex::load(&library);
    let _ = attune_core::plan::PlanTexts::load(&library);
    let _ = attune_core::plan::known_needs(&library);
    let _ = attune_core::scripts::Scripts::load(&library);
    let _ = attune_core::scripts::ComposerTexts::load(&library);
    let _ = attune_core::selfworth::suggestions(&library);
    let _ = attune_core::selfworth::SelfWorthTexts::load(&library);
    let _ = attune_core::pause::PauseTexts::load(&library);
    let _ = assess::learn::sections(&text(rest));
}

/// The crisis-language check that runs on every saved text.
pub fn crisis(data: &[u8]) {
    let t = text(data);
    if let Ok(a) = attune_text::crisis::assess(&t) {
        assert_eq!(a.excerpts(&t).len(), a.matches.len(), "a match span is not on character boundaries");
    }
}

/// The crisis lexicon (`safety/crisis_lexicon.toml`, overridable).
pub fn crisis_lexicon(data: &[u8]) {
    let _ = attune_text::crisis::Lexicon::parse(&text(data));
}

/// `attune say --check`: blaming or absolute language.
pub fn statement(data: &[u8]) {
    let t = text(data);
    if let Ok(check) = attune_text::statement::check(&t) {
        for f in &check.findings {
            assert!(t.get(f.span.clone()).is_some(), "a finding's span is not on character boundaries");
        }
    }
}

/// The statement lexicon (`say/statement_lexicon.toml`).
pub fn statement_lexicon(data: &[u8]) {
    let _ = attune_text::statement::Lexicon::parse(&text(data));
}

/// `key.json` as found on disk (damaged, tampered, from another version).
pub fn keyfile(data: &[u8]) {
    let _ = keyfile::inspect(data);
}

/// A file in `drafts/`, with the right key, with none, and as plain JSON.
pub fn drafts(data: &[u8]) {
    let key = DataKey::from_bytes(DRAFT_KEY);
    let _ = drafts::decode(PathBuf::from("fuzz.draft"), data, Some(&key));
    let _ = drafts::decode(PathBuf::from("fuzz.draft"), data, None);
}
