//! Measures the crisis detector against the sentences in `tests/data/`.
//!
//! `cargo test -p attune-text --test crisis -- --nocapture` prints recall and
//! false-alarm rate; `-- --ignored --nocapture` also runs the detector over
//! the shared therapist-question data set (read in place, never copied) and
//! prints what it flags there, to look for false alarms by eye.

#![allow(clippy::unwrap_used)]

use attune_text::crisis::{Level, Lexicon, assess};

const POSITIVE: &str = include_str!("data/crisis_positive.txt");
const NEGATIVE: &str = include_str!("data/crisis_negative.txt");

fn sentences(file: &str) -> Vec<&str> {
    file.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

#[test]
fn corpus_is_big_and_varied_enough() {
    let pos = sentences(POSITIVE);
    let neg = sentences(NEGATIVE);
    assert!(pos.len() >= 80, "{} positive sentences", pos.len());
    assert!(neg.len() >= 120, "{} negative sentences", neg.len());
    assert!(pos.iter().filter(|s| s.chars().all(|c| !c.is_uppercase())).count() >= 10, "lowercase examples");
    assert!(pos.iter().filter(|s| !s.ends_with(['.', '!', '?'])).count() >= 10, "unpunctuated examples");
    for s in pos.iter().chain(&neg) {
        assert_eq!(pos.iter().chain(&neg).filter(|t| *t == s).count(), 1, "duplicate: {s}");
    }
}

#[test]
fn recall_and_false_alarm_rate() {
    let pos = sentences(POSITIVE);
    let neg = sentences(NEGATIVE);
    let missed: Vec<&str> = pos.iter().copied().filter(|s| !assess(s).unwrap().is_flagged()).collect();
    let alarms: Vec<String> = neg
        .iter()
        .filter_map(|s| {
            let a = assess(s).unwrap();
            a.is_flagged().then(|| format!("{s}  <- {:?} {:?}", a.level, a.excerpts(s)))
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let recall = 1.0 - missed.len() as f64 / pos.len() as f64;
    #[allow(clippy::cast_precision_loss)]
    let false_alarm_rate = alarms.len() as f64 / neg.len() as f64;
    println!(
        "crisis corpus: recall {recall:.3} ({} of {} flagged), false-alarm rate {false_alarm_rate:.3} ({} of {} flagged)",
        pos.len() - missed.len(),
        pos.len(),
        alarms.len(),
        neg.len()
    );
    for m in &missed {
        println!("  missed: {m}");
    }
    for a in &alarms {
        println!("  false alarm: {a}");
    }
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95; missed: {missed:#?}");
    assert!(false_alarm_rate <= 0.05, "false-alarm rate {false_alarm_rate:.3} > 0.05: {alarms:#?}");
}

#[test]
fn explicit_sentences_are_urgent() {
    for s in ["I want to kill myself", "I wrote a suicide note", "I've started cutting myself again"] {
        assert_eq!(assess(s).unwrap().level, Level::Urgent, "{s}");
    }
}

#[test]
fn spans_are_valid_for_every_corpus_sentence() {
    for s in sentences(POSITIVE).into_iter().chain(sentences(NEGATIVE)) {
        let a = assess(s).unwrap();
        for m in &a.matches {
            assert!(s.get(m.span.clone()).is_some_and(|t| !t.trim().is_empty()), "{s}: {:?}", m.span);
        }
    }
}

#[test]
fn a_custom_lexicon_can_be_loaded() {
    let lexicon = Lexicon::parse(attune_text::crisis::LEXICON_TOML).unwrap();
    assert_eq!(lexicon.assess("i cant go on").level, Level::Concern);
}

/// Splits CSV text into records (quoted fields with commas, doubled quotes
/// and line breaks supported).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Words that make an unflagged question worth printing for review.
const REVIEW_WORDS: &[&str] = &[
    "suicid",
    "kill my",
    "want to die",
    "wanna die",
    "better off",
    "end it",
    "end my",
    "disappear",
    "hurt my",
    "harm my",
    "cut my",
    "overdos",
    "not be here",
    "no point",
    "worth living",
    "dead",
];

/// Not a pass/fail test: prints what the detector flags in real questions
/// people wrote to therapists, so false alarms can be spotted by eye. The
/// data stays in shared/; nothing from it is copied into the repository.
#[test]
#[ignore = "reads /work/shared/data/eval/therapistqa/dev.csv; run with --ignored --nocapture"]
fn therapistqa_dev_flags_for_review() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/eval/therapistqa/dev.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is not there", path.display());
        return;
    };
    let records = csv_records(&text);
    let header = &records[0];
    let column = header.iter().position(|h| h == "Patient Question").unwrap();
    let mut counts = [0usize; 3];
    let mut by_rule = std::collections::BTreeMap::<String, usize>::new();
    let started = std::time::Instant::now();
    for r in &records[1..] {
        let Some(q) = r.get(column) else { continue };
        let a = assess(q).unwrap();
        counts[a.level as usize] += 1;
        if a.is_flagged() {
            for m in &a.matches {
                *by_rule.entry(m.rule.clone()).or_default() += 1;
            }
            let excerpts: Vec<String> = a
                .matches
                .iter()
                .map(|m| {
                    // A little context around each match, on char boundaries.
                    let from = q.floor_char_boundary(m.span.start.saturating_sub(50));
                    let to = q.ceil_char_boundary((m.span.end + 30).min(q.len()));
                    format!("[{}] …{}…", m.rule, q[from..to].replace('\n', " "))
                })
                .collect();
            println!("{:?}: {}", a.level, excerpts.join(" | "));
        } else if let Some(at) = REVIEW_WORDS.iter().filter_map(|w| q.to_lowercase().find(w)).min() {
            // Not flagged but near a word worth a second look: print for review.
            let lower = q.to_lowercase();
            let from = lower.floor_char_boundary(at.saturating_sub(60));
            let to = lower.ceil_char_boundary((at + 60).min(lower.len()));
            println!("not flagged: …{}…", lower[from..to].replace('\n', " "));
        }
    }
    println!(
        "therapistqa dev: {} questions: none {}, concern {}, urgent {} (in {:?}); matches by rule: {by_rule:?}",
        records.len() - 1,
        counts[0],
        counts[1],
        counts[2],
        started.elapsed()
    );
}
