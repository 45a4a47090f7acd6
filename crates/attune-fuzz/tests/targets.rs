//! The short fuzzing mode, part of the regular test suite: every target over
//! its seeds and deterministic mutations of them. No panic, and no input may
//! take a second. `ATTUNE_LONG_TESTS=1` runs 100 times as many; real
//! coverage-guided runs are `scripts/fuzz` (see docs/threat-model.md).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use attune_fuzz::mutate::{Rng, mutate};
use attune_fuzz::{TARGETS, seeds};

/// One second per input, as libFuzzer's `-timeout=1` in `scripts/fuzz`. This
/// harness runs unoptimised code (about ten times slower), so it allows ten.
const SLOW: Duration = Duration::from_secs(if cfg!(debug_assertions) { 10 } else { 1 });

/// Mutations per target: a few thousand where one run takes microseconds,
/// fewer where it checks a content file with the files that go with it
/// (all the questionnaires, say), or where age builds its (localised) error
/// for every refused file.
fn runs(name: &str) -> usize {
    let base = if matches!(name, "content" | "import_attune_age") { 200 } else { 2_000 };
    if std::env::var("ATTUNE_LONG_TESTS").is_ok_and(|v| v == "1") { base * 100 } else { base }
}

/// Where a failing input is kept, to replay with `cargo fuzz run <target> <file>`.
fn keep(name: &str, input: &[u8]) -> String {
    let dir = std::env::temp_dir().join("attune-fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!(
        "{name}-{:016x}",
        input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| { (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3) })
    ));
    let _ = std::fs::write(&path, input);
    path.display().to_string()
}

fn check(name: &str, body: fn(&[u8]), input: &[u8]) {
    let start = Instant::now();
    if catch_unwind(AssertUnwindSafe(|| body(input))).is_err() {
        panic!("target {name} panicked; the input is kept at {}", keep(name, input));
    }
    let took = start.elapsed();
    assert!(took < SLOW, "target {name} took {took:?} on one input; kept at {}", keep(name, input));
}

fn fuzz(name: &str) {
    let (_, body) = TARGETS.iter().find(|(n, _)| *n == name).expect("a known target");
    let seeds = seeds::for_target(name);
    assert!(!seeds.is_empty(), "target {name} has no seeds");
    for seed in &seeds {
        check(name, *body, seed);
    }
    let mut rng = Rng(0xa77e_u64 ^ name.len() as u64);
    let mut last = seeds[0].clone();
    let max_len = seeds.iter().map(Vec::len).max().unwrap_or(0).max(4096);
    for i in 0..runs(name) {
        // Mostly mutate a seed, sometimes keep mutating the last input.
        let base = if i % 4 == 3 { last.clone() } else { seeds[rng.below(seeds.len())].clone() };
        let other = &seeds[rng.below(seeds.len())];
        let mut input = mutate(&mut rng, &base, other);
        // libFuzzer keeps inputs to the size of the largest seed; so does this.
        input.truncate(max_len);
        check(name, *body, &input);
        last = input;
    }
}

#[test]
fn every_target_has_a_test_here_and_a_cargo_fuzz_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    for (name, _) in TARGETS {
        assert!(dir.join(format!("{name}.rs")).is_file(), "fuzz/fuzz_targets/{name}.rs is missing");
    }
    let tests = include_str!("targets.rs");
    for (name, _) in TARGETS {
        assert!(tests.contains(&format!("fn {name}() {{\n    fuzz(\"{name}\")")), "no test runs target {name}");
    }
}

#[test]
fn each_content_loader_reads_the_files_the_content_target_gives_it() {
    // The content target runs a loader only when the file it overrides is
    // one the loader reads: a wrong prefix would quietly fuzz nothing.
    let (embedded, paths) = attune_fuzz::embedded_library();
    for (prefix, load) in attune_fuzz::CONTENT_LOADERS {
        assert!(load(embedded), "the loader for {prefix} refuses the built-in content");
        let mut read = 0;
        for path in paths.iter().filter(|p| p.ends_with(".toml")) {
            let broken =
                embedded.clone().with_overrides([(path.clone(), "[broken".to_string())]).expect("a known path");
            // Refuses a broken file it reads, and never depends on one it is not given.
            assert_eq!(!load(&broken), path.starts_with(prefix), "the loader for {prefix}, with {path} broken");
            read += usize::from(path.starts_with(prefix));
        }
        assert!(read > 0, "no content file starts with {prefix}");
    }
}

#[test]
fn the_content_seeds_pass_the_content_check() {
    // Seeds are cut down to keep runs fast; each must still be a valid file.
    let (embedded, paths) = attune_fuzz::embedded_library();
    let seeds = seeds::for_target("content");
    assert_eq!(seeds.len(), paths.len());
    let mut smaller = 0;
    for (seed, path) in seeds.iter().zip(paths) {
        assert_eq!(usize::from(seed[0]) % paths.len(), paths.iter().position(|p| p == path).expect("a path"));
        let text = String::from_utf8(seed[1..].to_vec()).expect("UTF-8");
        smaller += usize::from(text.len() < embedded.text(path).expect("a file").len());
        let library = embedded.clone().with_overrides([(path.clone(), text)]).expect("a known path");
        let problems = attune_core::assess::check_file(&library, path);
        assert!(problems.is_empty(), "the seed for {path}: {problems:?}");
    }
    assert!(smaller > paths.len() / 2, "only {smaller} of {} seeds are cut down", paths.len());
}

#[test]
fn the_lexicon_seeds_are_valid_lexicons() {
    // Cut-down seeds still get past the checks, so mutations reach them.
    type Parse = fn(&str) -> Result<(), String>;
    let lexicons: [(&str, Parse); 3] = [
        ("crisis_lexicon", |t| attune_text::crisis::Lexicon::parse(t).map(drop).map_err(|e| e.to_string())),
        ("abuse_lexicon", |t| attune_text::abuse::Lexicon::parse(t).map(drop).map_err(|e| e.to_string())),
        ("statement_lexicon", |t| attune_text::statement::Lexicon::parse(t).map(drop).map_err(|e| e.to_string())),
    ];
    for (name, parse) in lexicons {
        let whole = attune_core::content::Library::embedded()
            .text(&format!("{}/{name}.toml", if name == "statement_lexicon" { "say" } else { "safety" }))
            .expect("a lexicon")
            .len();
        let seeds = seeds::for_target(name);
        assert!(!seeds.is_empty(), "{name}: no seeds");
        for seed in &seeds {
            let text = std::str::from_utf8(seed).expect("UTF-8");
            assert!(seed.len() < whole, "{name}: a seed of {} bytes, the file has {whole}", seed.len());
            if let Err(e) = parse(text) {
                panic!("{name}: a seed is refused: {e}\n{text}");
            }
        }
    }
}

#[test]
fn when() {
    fuzz("when")
}

#[test]
fn instrument() {
    fuzz("instrument")
}

#[test]
fn content() {
    fuzz("content")
}

#[test]
fn crisis() {
    fuzz("crisis")
}

#[test]
fn crisis_lexicon() {
    fuzz("crisis_lexicon")
}

#[test]
fn abuse() {
    fuzz("abuse")
}

#[test]
fn abuse_lexicon() {
    fuzz("abuse_lexicon")
}

#[test]
fn statement() {
    fuzz("statement")
}

#[test]
fn statement_lexicon() {
    fuzz("statement_lexicon")
}

#[test]
fn keyfile() {
    fuzz("keyfile")
}

#[test]
fn drafts() {
    fuzz("drafts")
}

#[test]
fn import_jrnl() {
    fuzz("import_jrnl")
}

#[test]
fn import_jrnl_config() {
    fuzz("import_jrnl_config")
}

#[test]
fn import_jrnl_json() {
    fuzz("import_jrnl_json")
}

#[test]
fn import_dayone() {
    fuzz("import_dayone")
}

#[test]
fn import_daylio() {
    fuzz("import_daylio")
}

#[test]
fn import_bearable() {
    fuzz("import_bearable")
}

#[test]
fn import_freecbt() {
    fuzz("import_freecbt")
}

#[test]
fn import_attune() {
    fuzz("import_attune")
}

#[test]
fn import_attune_age() {
    fuzz("import_attune_age")
}
