//! Seed inputs for each target: the real files attune ships and writes, and
//! the phrases its tests use. cargo-fuzz starts from the same seeds
//! (`scripts/fuzz` writes them to `fuzz/corpus/<target>/`).

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
                seed.extend(file(p));
                seed
            })
            .collect(),
        "crisis" | "statement" => SENTENCES.iter().map(|s| s.as_bytes().to_vec()).collect(),
        "crisis_lexicon" => vec![file("safety/crisis_lexicon.toml")],
        "statement_lexicon" => vec![file("say/statement_lexicon.toml")],
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
