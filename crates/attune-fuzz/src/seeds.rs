//! Seed inputs for each target: the real files attune ships and writes, and
//! the phrases its tests use. cargo-fuzz starts from the same seeds
//! (`scripts/fuzz` writes them to `fuzz/corpus/<target>/`).

use std::collections::BTreeMap;

use attune_core::content::Library;
use attune_core::{EntryDraft, Moment};
use attune_store::{DataKey, KdfParams, Passphrase, Protection, Store, drafts};

use crate::DRAFT_KEY;

const PHRASES: &[&str] = &[
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "3 days ago",
    "2 weeks ago",
    "last week",
    "last month",
    "this week",
    "monday",
    "last friday",
    "21:30",
    "9pm",
    "12am",
    "2026-11-01",
    "2026-11-01 21:30",
    "2026-11-01T21:30:00+01:00",
    "2026-03-29 02:30",
    "yesterday 21:00",
    "every sunday",
    "every day",
    "every 2 weeks",
    "every weekday",
    "every month",
    "4w",
    "2 weeks",
    "1 month",
    "3d",
    "2026-11-26T21:00:00+01:00[Europe/Berlin]",
    "0190f7c2-8d6e-7c3a-9f00-000000000001",
    "late-reply",
    "Left on read",
];

const SENTENCES: &[&str] = &[
    "no reply for 5 hours and I felt invisible",
    "you never answer me, you always do this",
    "I feel anxious when plans change; could you text me?",
    "sometimes I think everyone would be better off without me",
    "I don't want to be here anymore",
    "Tu ne réponds jamais 🙂 — I'm fine, really.",
    "he grabbed me by the throat, and I checked his phone after",
    "She says I'm crazy; he never hit me — in the film he strangles her.",
];

/// The seeds of the target called `name` (empty for an unknown name).
pub fn for_target(name: &str) -> Vec<Vec<u8>> {
    let library = Library::embedded();
    let file = |path: &str| library.text(path).map(|t| t.as_bytes().to_vec()).unwrap_or_default();
    match name {
        "when" => PHRASES.iter().map(|p| p.as_bytes().to_vec()).collect(),
        "instrument" => library.paths_under("instruments/").map(file).collect(),
        "content" => library
            .paths()
            .enumerate()
            .map(|(i, p)| {
                let mut seed = vec![u8::try_from(i).unwrap_or(0)];
                seed.extend(smallest_valid(&library, p));
                seed
            })
            .collect(),
        "crisis" | "statement" | "abuse" => SENTENCES.iter().map(|s| s.as_bytes().to_vec()).collect(),
        "crisis_lexicon" => {
            valid_cuts(&file("safety/crisis_lexicon.toml"), |t| attune_text::crisis::Lexicon::parse(t).is_ok())
        }
        "abuse_lexicon" => {
            valid_cuts(&file("safety/abuse_lexicon.toml"), |t| attune_text::abuse::Lexicon::parse(t).is_ok())
        }
        "statement_lexicon" => {
            valid_cuts(&file("say/statement_lexicon.toml"), |t| attune_text::statement::Lexicon::parse(t).is_ok())
        }
        "keyfile" => key_files(),
        "drafts" => draft_files(),
        "import_jrnl" => picks(&fixtures("jrnl", ".txt"), 3),
        "import_jrnl_config" => {
            let mut out = fixtures("jrnl", ".yaml");
            out.extend(JRNL_CONFIGS.iter().map(|c| c.as_bytes().to_vec()));
            out
        }
        "import_jrnl_json" => fixtures("jrnl", ".json"),
        "import_dayone" => fixtures("dayone", ""),
        "import_daylio" => picks(&fixtures("daylio", ".csv"), 2),
        "import_bearable" => fixtures("bearable", ".csv"),
        "import_freecbt" => fixtures("freecbt", ".csv"),
        "import_attune" => attune_exports(),
        "import_attune_age" => attune_exports().iter().filter_map(|e| encrypt(e)).collect(),
        _ => Vec::new(),
    }
}

/// The smallest of a content file's cut-down versions ([`one_of_each`],
/// then without comments) that still passes the content check and its
/// loaders, else the file itself. Parsing costs about a millisecond per few
/// kilobytes in the fuzzing build, so this makes the content target faster.
fn smallest_valid(library: &Library, path: &str) -> Vec<u8> {
    let whole = library.text(path).map(|t| t.as_bytes().to_vec()).unwrap_or_default();
    if !path.ends_with(".toml") {
        return whole;
    }
    let valid = |text: &[u8]| {
        let Ok(lib) = library.clone().with_overrides([(path.to_string(), String::from_utf8_lossy(text).into_owned())])
        else {
            return false;
        };
        attune_core::assess::check_file(&lib, path).is_empty()
            && crate::CONTENT_LOADERS.iter().filter(|(prefix, _)| path.starts_with(prefix)).all(|(_, load)| load(&lib))
    };
    let mut candidates = one_of_each(&whole);
    candidates.truncate(1);
    candidates.push(without_comments(&whole));
    candidates.into_iter().find(|c| valid(c)).unwrap_or(whole)
}

/// The cut-down versions of a file ([`one_of_each`]) that `valid` accepts,
/// else the file without comments (a lexicon refuses a macro no rule uses,
/// so cutting rules can break it), else the file itself.
fn valid_cuts(toml: &[u8], valid: fn(&str) -> bool) -> Vec<Vec<u8>> {
    let ok = |t: &Vec<u8>| std::str::from_utf8(t).is_ok_and(valid);
    let cuts: Vec<Vec<u8>> = one_of_each(toml).into_iter().filter(ok).collect();
    if !cuts.is_empty() {
        return cuts;
    }
    let plain = without_comments(toml);
    vec![if ok(&plain) { plain } else { toml.to_vec() }]
}

/// A TOML file without its comment lines and blank lines.
fn without_comments(toml: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(toml);
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

/// A TOML file cut into small seeds: the n-th seed keeps the first, n-th and
/// last entries of every `[[array]]` table (and every plain table), without
/// comments. The
/// whole lexicons are 10 to 30 kB; fuzzing them whole ran a few hundred
/// times a second, and a smaller file reaches the same parser code.
pub fn one_of_each(toml: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(toml);
    // (header, body) in file order; the lines before the first header have an empty one.
    let mut sections: Vec<(String, String)> = vec![(String::new(), String::new())];
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('[') && !line.starts_with(' ') {
            sections.push((line.to_string(), String::new()));
        }
        if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (header, _) in &sections {
        *counts.entry(header.as_str()).or_default() += 1;
    }
    let most = counts.iter().filter(|(h, _)| h.starts_with("[[")).map(|(_, n)| *n).max().unwrap_or(1);
    (0..most)
        .map(|n| {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            let mut seed = String::new();
            for (header, body) in &sections {
                let index = seen.entry(header.as_str()).or_default();
                // The first, n-th and last entries of an array table: a file
                // may need both kinds of something (the crisis lexicon needs a
                // concern and an urgent rule), and those often come in runs.
                let last = counts.get(header.as_str()).map_or(0, |c| c - 1);
                if !header.starts_with("[[") || [0, n.min(last), last].contains(index) {
                    seed.push_str(body);
                }
                *index += 1;
            }
            seed.into_bytes()
        })
        .collect()
}

/// Other `jrnl.yaml` settings: both default time formats, spelled out.
const JRNL_CONFIGS: &[&str] = &[
    "timeformat: '%F %r'\ntagsymbols: '#@'\n",
    "timeformat: '%Y-%m-%d %H:%M'\n",
    "journals:\n  default: ~/journal.txt\n",
];

/// The importers' test files, good and malformed (the CLI's formats tests use the same).
fn fixtures(format: &str, ending: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../attune-formats/tests/fixtures").join(format);
    files(&dir, ending)
}

/// The files in `dir` whose names end with `ending`, in name order.
fn files(dir: &std::path::Path, ending: &str) -> Vec<Vec<u8>> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<_> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(ending))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// Each seed once for every value of a target's first (picking) byte.
fn picks(seeds: &[Vec<u8>], choices: u8) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for pick in 0..choices {
        for seed in seeds {
            let mut s = vec![pick];
            s.extend_from_slice(seed);
            out.push(s);
        }
    }
    out
}

/// attune's own exports (`crates/attune-fuzz/seeds/`, made by `attune export json`).
fn attune_exports() -> Vec<Vec<u8>> {
    files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"), ".json")
}

/// `export json --encrypt` of `plain`, at the target's small work factor.
fn encrypt(plain: &[u8]) -> Option<Vec<u8>> {
    let mut recipient =
        age::scrypt::Recipient::new(age::secrecy::SecretString::from(crate::AGE_PASSPHRASE.to_string()));
    recipient.set_work_factor(crate::AGE_WORK_FACTOR);
    age::encrypt(&recipient, plain).ok()
}

/// A real key file of each kind, made by the store.
fn key_files() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let Ok(tmp) = tempfile::tempdir() else { return out };
    for (name, protection) in [
        ("plain", Protection::None),
        ("encrypted", Protection::Passphrase(Passphrase::new("fuzz passphrase".into()), KdfParams::MINIMUM)),
    ] {
        let dir = tmp.path().join(name);
        if Store::create(&dir, protection).is_ok()
            && let Ok(bytes) = std::fs::read(dir.join(attune_store::KEY_FILE))
        {
            out.push(bytes);
        }
    }
    out
}

/// A sealed and a plain draft, as `attune log` keeps them.
fn draft_files() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let Ok(tmp) = tempfile::tempdir() else { return out };
    let draft = EntryDraft {
        situation: SENTENCES[0].into(),
        triggers: vec!["late-reply".into()],
        intensity: Some(7),
        tags: vec!["a tag".into()],
        ..Default::default()
    };
    let when: Option<Moment> = "2026-11-26T21:00:00+01:00[Europe/Berlin]".parse().ok();
    let now = jiff::Timestamp::UNIX_EPOCH;
    let key = DataKey::from_bytes(DRAFT_KEY);
    for key in [Some(&key), None] {
        if let Ok(path) = drafts::save(tmp.path(), key, &draft, when.as_ref(), now)
            && let Ok(bytes) = std::fs::read(path)
        {
            out.push(bytes);
        }
    }
    out
}
