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
use std::sync::OnceLock;

use attune_core::assess::{self, Instrument, LearnIndex, StepRules};
use attune_core::content::Library;
use attune_core::plan::{Every, ReviewEvery, rhythm};
use attune_core::when::{self, Edge};
use attune_core::{Label, LabelKind, RecordId};
use attune_formats::{Batch, Format, attune_json, bearable, daylio, dayone, freecbt, jrnl, map};
use attune_store::{DataKey, drafts, keyfile};
use jiff::ZonedDateTime;
use jiff::tz::TimeZone;

/// A target: its name (as in `fuzz/fuzz_targets/<name>.rs`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target.
pub const TARGETS: &[Target] = &[
    ("when", when),
    ("instrument", instrument),
    ("content", content),
    ("crisis", crisis),
    ("crisis_lexicon", crisis_lexicon),
    ("abuse", abuse),
    ("abuse_lexicon", abuse_lexicon),
    ("statement", statement),
    ("statement_lexicon", statement_lexicon),
    ("keyfile", keyfile),
    ("drafts", drafts),
    ("import_jrnl", import_jrnl),
    ("import_jrnl_config", import_jrnl_config),
    ("import_jrnl_json", import_jrnl_json),
    ("import_dayone", import_dayone),
    ("import_daylio", import_daylio),
    ("import_bearable", import_bearable),
    ("import_freecbt", import_freecbt),
    ("import_attune", import_attune),
    ("import_attune_age", import_attune_age),
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
/// byte picks which file, the rest replaces it; then the content check of
/// that file and every loader that reads it (the other files are the
/// built-in ones, which the regular tests check).
pub fn content(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (embedded, paths) = embedded_library();
    let Some(path) = paths.get(usize::from(pick) % paths.len().max(1)) else { return };
    let Ok(library) = embedded.clone().with_overrides([(path.clone(), text(rest).into_owned())]) else { return };
    let _ = assess::check_file(&library, path);
    for (prefix, load) in CONTENT_LOADERS {
        if path.starts_with(prefix) {
            load(&library);
        }
    }
}

/// The built-in library and its paths, read once: re-reading them for every
/// input made the content target thousands of times slower.
pub fn embedded_library() -> &'static (Library, Vec<String>) {
    static EMBEDDED: OnceLock<(Library, Vec<String>)> = OnceLock::new();
    EMBEDDED.get_or_init(|| {
        let library = Library::embedded();
        let paths = library.paths().map(str::to_string).collect();
        (library, paths)
    })
}

/// A content loader: the file (or folder) it reads, and the loader, which
/// says whether it accepted the library.
pub type ContentLoader = (&'static str, fn(&Library) -> bool);

/// The content loaders outside [`assess::check_file`].
pub const CONTENT_LOADERS: &[ContentLoader] = &[
    ("plan/texts.toml", |l| attune_core::plan::PlanTexts::load(l).is_ok()),
    ("plan/needs.toml", |l| attune_core::plan::known_needs(l).is_ok()),
    ("plan/control.toml", |l| attune_core::plan::ControlRules::load(l).is_ok()),
    ("plan/pause.toml", |l| attune_core::pause::PauseTexts::load(l).is_ok()),
    ("scripts/", |l| attune_core::scripts::Scripts::load(l).is_ok()),
    ("say/composer.toml", |l| attune_core::scripts::ComposerTexts::load(l).is_ok()),
    ("selfworth/affirmations.toml", |l| attune_core::selfworth::suggestions(l).is_ok()),
    ("selfworth/texts.toml", |l| attune_core::selfworth::SelfWorthTexts::load(l).is_ok()),
    ("learn/index.toml", |l| LearnIndex::load(l).is_ok()),
];

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

/// The abuse-language check that runs on every saved text: spans on
/// character boundaries, findings in text order, and the summary agreeing
/// with the findings.
pub fn abuse(data: &[u8]) {
    let t = text(data);
    if let Ok(a) = attune_text::abuse::assess(&t) {
        for f in &a.findings {
            assert!(t.get(f.span.clone()).is_some(), "a finding's span is not on character boundaries");
        }
        assert!(a.findings.windows(2).all(|w| w[0].span.start <= w[1].span.start), "findings out of order");
        assert_eq!(a.is_flagged(), a.tier().is_some(), "flagged and tier disagree");
    }
}

/// The abuse lexicon (`safety/abuse_lexicon.toml`).
pub fn abuse_lexicon(data: &[u8]) {
    let _ = attune_text::abuse::Lexicon::parse(&text(data));
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

/// The passphrase of the encrypted-export seeds.
pub const AGE_PASSPHRASE: &str = "fuzz passphrase";
/// The scrypt work factor of those seeds, and the most the target accepts: a
/// real export asks for far more (seconds per try), which would make every
/// input that keeps the header a "slow input" without exercising anything new.
pub const AGE_WORK_FACTOR: u8 = 2;

/// The jrnl configuration the formats tests use (`timeformat: '%d.%m.%Y %H:%M'`, tags `+`).
pub const JRNL_YAML: &[u8] = include_bytes!("../../attune-formats/tests/fixtures/jrnl/jrnl.yaml");
/// Journals read with a fuzzed configuration: one in each shape of date.
const JRNL_JOURNALS: [&[u8]; 3] = [
    include_bytes!("../../attune-formats/tests/fixtures/jrnl/journal.txt"),
    include_bytes!("../../attune-formats/tests/fixtures/jrnl/journal-old.txt"),
    include_bytes!("../../attune-formats/tests/fixtures/jrnl/custom.txt"),
];

/// A zone with clock changes, so wall-clock times can fall in a gap or a fold.
fn zone() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC)
}

/// What `attune import` does with a batch next: map it onto a new journal's
/// trigger and feeling lists (the tags decide where each word goes).
fn map_batch(batch: &Batch, format: Format) {
    // The lists do not depend on the input: made once.
    static LISTS: OnceLock<(Vec<Label>, Vec<Label>)> = OnceLock::new();
    let (triggers, feelings) = LISTS.get_or_init(|| {
        let labels = attune_core::content::default_labels().unwrap_or_default();
        let list = |kind: LabelKind| labels.iter().filter(|l| l.kind == kind).cloned().collect::<Vec<Label>>();
        (list(LabelKind::Trigger), list(LabelKind::Feeling))
    });
    let mut n = 0u128;
    let mut new_id = || {
        n += 1;
        RecordId::from_uuid(uuid::Uuid::from_u128(n))
    };
    let now = now().timestamp();
    let _ = map::to_records(batch, format, triggers, feelings, now, &mut new_id);
}

/// `attune import jrnl`: the first byte picks the configuration (jrnl's
/// default `%F %r`, the older `%Y-%m-%d %H:%M`, or the formats tests'
/// `jrnl.yaml`), the rest is the journal.
pub fn import_jrnl(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let config = match pick % 3 {
        0 => jrnl::Config::default(),
        1 => jrnl::Config { timeformat: jrnl::OLD_TIMEFORMAT.into(), ..jrnl::Config::default() },
        _ => {
            static FROM_YAML: OnceLock<jrnl::Config> = OnceLock::new();
            FROM_YAML.get_or_init(|| jrnl::parse_config(JRNL_YAML).unwrap_or_default()).clone()
        }
    };
    if let Ok(batch) = jrnl::parse(rest, &config, &zone()) {
        map_batch(&batch, Format::Jrnl);
    }
}

/// `--jrnl-config`: a `jrnl.yaml`, then journals read with what it says
/// (its `timeformat` reaches the date parser as a format string).
pub fn import_jrnl_config(data: &[u8]) {
    let Ok(config) = jrnl::parse_config(data) else { return };
    for journal in JRNL_JOURNALS {
        let _ = jrnl::parse(journal, &config, &zone());
    }
}

/// `attune import jrnl-json` (jrnl's `--export json`).
pub fn import_jrnl_json(data: &[u8]) {
    if let Ok(batch) = jrnl::parse_json(data, &zone()) {
        map_batch(&batch, Format::JrnlJson);
    }
}

/// `attune import dayone`: the JSON export, or the zip holding it.
pub fn import_dayone(data: &[u8]) {
    if let Ok(batch) = dayone::parse(data) {
        map_batch(&batch, Format::DayOne);
    }
}

/// `attune import daylio`: the first byte picks the mood map (Daylio's
/// five moods, or with the `--mood-map` additions the CLI tests use).
pub fn import_daylio(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let mut moods = daylio::MoodMap::default();
    if pick % 2 == 1 {
        let pairs = ["ecstatic=10".to_string(), "Meh = 4".to_string()];
        moods = moods.with_overrides(&pairs).unwrap_or_default();
    }
    if let Ok(batch) = daylio::parse(rest, &moods, &zone()) {
        map_batch(&batch, Format::Daylio);
    }
}

/// `attune import bearable`.
pub fn import_bearable(data: &[u8]) {
    if let Ok(batch) = bearable::parse(data, &zone()) {
        map_batch(&batch, Format::Bearable);
    }
}

/// `attune import freecbt` (FreeCBT / Quirk thought records).
pub fn import_freecbt(data: &[u8]) {
    if let Ok(batch) = freecbt::parse(data, &zone()) {
        map_batch(&batch, Format::FreeCbt);
    }
}

/// `attune import attune`: attune's own export. Whatever it accepts, it
/// must also accept once written back out (an export must always import).
pub fn import_attune(data: &[u8]) {
    let Ok(doc) = attune_json::parse(data) else { return };
    let again = attune_json::write(&doc);
    if let Err(e) = attune_json::parse(again.as_bytes()) {
        panic!("an accepted export, written back out, is refused: {e}");
    }
}

/// `attune import attune` of an `export json --encrypt` file: age's header
/// and payload, then the export inside.
pub fn import_attune_age(data: &[u8]) {
    // Made once: `Identity::new` times scrypt on this machine to pick its
    // limit, which took longer than all the rest of a run.
    static IDENTITY: OnceLock<age::scrypt::Identity> = OnceLock::new();
    let identity = IDENTITY.get_or_init(|| {
        let mut identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(AGE_PASSPHRASE.to_string()));
        identity.set_max_work_factor(AGE_WORK_FACTOR);
        identity
    });
    if let Ok(plain) = age::decrypt(identity, data) {
        import_attune(&plain);
    }
}
