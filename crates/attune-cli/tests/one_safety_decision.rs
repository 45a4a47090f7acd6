//! The front ends render core's safety decision and never compose their
//! own: no front-end source reads saved words for crisis or abuse, works
//! out a check-in's signal, calls core's decision directly (the store's
//! `safety_after_save` does, and stores what it asks), or touches the
//! safety settings' keys. Test code is not scanned.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// What only core (or the store, for the settings) may do.
const FORBIDDEN: &[(&str, &str)] = &[
    ("crisis::assess", "reads words for crisis language"),
    ("abuse::assess", "reads words for abuse"),
    ("Lexicon::embedded().assess", "reads words with a lexicon"),
    ("checkin_signal(", "works out a check-in's safety signal"),
    ("decide(", "calls core's decision without storing what it asks"),
    ("decide_from(", "calls core's decision without storing what it asks"),
    ("\"safety_mode\"", "uses the safety mode setting's key"),
    ("setting(\"country\"", "uses the country setting's key"),
    ("= \"country\";", "names the country setting's key"),
    ("\"safety_check\"", "uses the safety check setting's key"),
    ("Reason::", "makes up a reason for a safety note"),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code before its test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

#[test]
fn no_front_end_composes_its_own_safety_response() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for front in ["attune-cli/src", "attune-web/src"] {
        sources(&root.join(front), &mut files);
    }
    assert!(files.len() > 40, "the front ends' sources were found: {}", files.len());
    let mut found = Vec::new();
    for file in &files {
        let code = code(file);
        for (needle, what) in FORBIDDEN {
            // Lines naming it only in a comment are fine.
            let hit = code.lines().any(|l| l.contains(needle) && !l.trim_start().starts_with("//"));
            if hit {
                found.push(format!("{}: {what} ({needle})", file.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(found.is_empty(), "front ends must render attune_core::safety's decision:\n{}", found.join("\n"));
}

/// The scan itself can fail: a line that composes a response is caught.
#[test]
fn the_scan_catches_a_front_end_that_reads_words_itself() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.rs");
    std::fs::write(&file, "fn f(t: &str) { let _ = attune_text::crisis::assess(t); }\n#[cfg(test)]\nmod t {}\n")
        .unwrap();
    let code = code(&file);
    assert!(FORBIDDEN.iter().any(|(needle, _)| code.contains(needle)));
}
