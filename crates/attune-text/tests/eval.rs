//! The targets the language checks must meet on their labelled dev sets
//! (`tests/data/<check>_dev.txt`, format in `attune_text::eval`). A set
//! whose file is not there yet is skipped with a note; once it exists, the
//! asserts bind. Since round 3 the first holdout and the round 2 sealed
//! sets are development data too (they were read and tuned on), so the same
//! targets are asserted on all three together. A fresh sealed set is kept
//! outside the repository and run once, by hand, with `cargo run -p
//! attune-text --release --example eval`; its numbers go in
//! docs/evaluation.md.
//!
//! These targets bind the phrase rules alone, which were tuned on these
//! sets. The sentence reader was trained on them, so its numbers here would
//! say nothing; the tests at the end only hold that it adds to the rules and
//! never takes away. The reader is measured on sealed set 4 and on ordinary
//! comments (`examples/ordinary.rs`), in docs/evaluation.md.
//!
//! `cargo test -p attune-text --test eval -- --nocapture` prints the tables.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use attune_text::eval::{self, Outcome, Report, Spec};

/// The report on `tests/data/<name>_dev.txt`, or `None` (with a note) if
/// the file does not exist yet.
fn dev_report(name: &str, spec: &Spec, check: fn(&str) -> Outcome) -> Option<Report> {
    report(name, &["dev"], spec, check)
}

/// The report on the named splits of `tests/data/<name>_<split>.txt`
/// together, or `None` (with a note) if one of the files is not there.
fn report(name: &str, splits: &[&str], spec: &Spec, check: fn(&str) -> Outcome) -> Option<Report> {
    let mut set = Vec::new();
    for split in splits {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/{name}_{split}.txt"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("note: {} is not there yet; the {name} targets are not checked", path.display());
            return None;
        };
        let part = eval::parse_set(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!part.is_empty(), "{} has no sentences", path.display());
        set.extend(part);
    }
    let report = eval::evaluate(&set, spec, check).unwrap_or_else(|e| panic!("{name} {splits:?}: {e}"));
    println!("{name} {splits:?}:\n{}\n{}", report.table(), report.misses_table());
    Some(report)
}

/// Every labelled set that has been used for development.
const DEVELOPMENT: &[&str] = &["dev", "holdout", "sealed"];

fn at_most_5_percent_false_alarms(name: &str, report: &Report) {
    let rate = report.hard_negative_false_alarm_rate().expect("the set has hard-negative lines");
    assert!(rate <= 0.05, "{name}: {:.1}% false alarms on hard-negative (target ≤5%)", rate * 100.0);
}

#[test]
fn crisis_dev_targets() {
    let Some(report) = dev_report("crisis", &Spec::crisis(), eval::crisis_rules_check) else { return };
    let direct = report.recall_where(|c| c == "direct").expect("the set has direct lines");
    assert!(direct >= 1.0, "crisis: recall {:.1}% on direct (target 100%)", direct * 100.0);
    // The indirect categories pooled: every positive category but `direct`.
    if let Some(indirect) = report.recall_where(|c| c != "direct") {
        assert!(indirect >= 0.95, "crisis: recall {:.1}% on indirect (target ≥95%)", indirect * 100.0);
    }
    at_most_5_percent_false_alarms("crisis", &report);
}

#[test]
fn crisis_targets_on_every_development_set() {
    let Some(report) = report("crisis", DEVELOPMENT, &Spec::crisis(), eval::crisis_rules_check) else { return };
    let direct = report.recall_where(|c| c == "direct").expect("the sets have direct lines");
    assert!(direct >= 1.0, "crisis: recall {:.1}% on direct (target 100%)", direct * 100.0);
    let indirect = report.recall_where(|c| c != "direct").expect("the sets have indirect lines");
    assert!(indirect >= 0.95, "crisis: recall {:.1}% on indirect (target ≥95%)", indirect * 100.0);
    assert!(report.precision() >= 0.95, "crisis: precision {:.1}%", report.precision() * 100.0);
    at_most_5_percent_false_alarms("crisis", &report);
}

#[test]
fn abuse_targets_on_every_development_set() {
    let Some(report) = report("abuse", DEVELOPMENT, &Spec::abuse(), eval::abuse_rules_check) else { return };
    assert!(report.recall() >= 0.95, "abuse: recall {:.1}% (target ≥95%)", report.recall() * 100.0);
    assert!(report.precision() >= 0.95, "abuse: precision {:.1}%", report.precision() * 100.0);
    at_most_5_percent_false_alarms("abuse", &report);
    let writer_as_abuse =
        report.misses.iter().filter(|m| m.item.expect == "by-writer" && m.got.verdict == "abuse").count();
    assert_eq!(writer_as_abuse, 0, "abuse: by-writer lines read as abuse of the writer");
}

#[test]
fn abuse_dev_targets() {
    let Some(report) = dev_report("abuse", &Spec::abuse(), eval::abuse_rules_check) else { return };
    let recall = report.recall();
    assert!(recall >= 0.95, "abuse: recall {:.1}% (target ≥95%)", recall * 100.0);
    at_most_5_percent_false_alarms("abuse", &report);
    // Sentences about the writer's own actions must not read as abuse of the writer.
    let writer_as_abuse =
        report.misses.iter().filter(|m| m.item.expect == "by-writer" && m.got.verdict == "abuse").count();
    assert_eq!(writer_as_abuse, 0, "abuse: by-writer lines read as abuse of the writer");
    // The kind named should be the labelled one nearly always.
    let kinds = report.kind_match_rate().expect("the set labels kinds");
    assert!(kinds >= 0.9, "abuse: labelled kind found in {:.1}% of found lines", kinds * 100.0);
}

/// Every line the rules flag stays flagged with the reader behind them, and
/// recall never drops.
#[test]
fn the_reader_only_adds_to_the_rules() {
    for (name, spec, rules, both) in [
        (
            "crisis",
            Spec::crisis(),
            eval::crisis_rules_check as fn(&str) -> Outcome,
            eval::crisis_check as fn(&str) -> Outcome,
        ),
        ("abuse", Spec::abuse(), eval::abuse_rules_check, eval::abuse_check),
    ] {
        let Some(alone) = report(name, DEVELOPMENT, &spec, rules) else { continue };
        let Some(together) = report(name, DEVELOPMENT, &spec, both) else { continue };
        assert!(together.recall() >= alone.recall(), "{name}: {} vs {}", together.recall(), alone.recall());
        for line in ["dev", "holdout", "sealed"].iter().flat_map(|split| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/{name}_{split}.txt"));
            let text = std::fs::read_to_string(path).unwrap();
            eval::parse_set(&text).unwrap()
        }) {
            let (a, b) = (rules(&line.text), both(&line.text));
            if a.verdict == spec.positive {
                assert_eq!(b.verdict, spec.positive, "{name}: the reader took away {:?}", line.text);
            }
        }
    }
}
