//! `attune say --check` measured against sentences written for it: half
//! blaming, half not (including tricky ones such as "you look tired, can I
//! help?"). Prints the numbers; fails below 90% accuracy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use attune_text::statement::{Lexicon, check};

fn sentences(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

#[test]
fn accuracy_on_the_written_set() {
    let blaming = sentences(include_str!("data/statement_blaming.txt"));
    let fair = sentences(include_str!("data/statement_fair.txt"));
    assert!(blaming.len() >= 20 && fair.len() >= 20, "the set needs at least 20 of each");
    assert_eq!(blaming.len(), fair.len(), "half blaming, half not");

    let missed: Vec<&str> = blaming.iter().copied().filter(|s| !check(s).unwrap().is_blaming()).collect();
    let false_alarms: Vec<&str> = fair.iter().copied().filter(|s| check(s).unwrap().is_blaming()).collect();
    let total = blaming.len() + fair.len();
    let correct = total - missed.len() - false_alarms.len();
    let accuracy = correct as f64 / total as f64;
    println!(
        "say --check: {correct}/{total} correct ({:.1}% accuracy); blaming found {}/{} (recall {:.1}%), \
         false alarms {}/{} ({:.1}%)",
        accuracy * 100.0,
        blaming.len() - missed.len(),
        blaming.len(),
        (blaming.len() - missed.len()) as f64 * 100.0 / blaming.len() as f64,
        false_alarms.len(),
        fair.len(),
        false_alarms.len() as f64 * 100.0 / fair.len() as f64,
    );
    for s in &missed {
        println!("  missed:      {s}");
    }
    for s in &false_alarms {
        println!("  false alarm: {s}");
        for f in check(s).unwrap().findings {
            println!("               {} ({}): {}", &s[f.span.clone()], f.kind, f.rule);
        }
    }
    assert!(accuracy >= 0.90, "accuracy {:.1}% is below 90%", accuracy * 100.0);
}

#[test]
fn every_rule_is_used_by_the_set() {
    let blaming = sentences(include_str!("data/statement_blaming.txt"));
    let lexicon = Lexicon::embedded().unwrap();
    let used: std::collections::BTreeSet<String> =
        blaming.iter().flat_map(|s| lexicon.check(s).findings.into_iter().map(|f| f.rule)).collect();
    for id in lexicon.rule_ids() {
        assert!(used.contains(id), "rule {id} is not exercised by any test sentence");
    }
}

#[test]
fn held_out_sentences_give_an_honest_estimate() {
    let mut correct = 0;
    let mut total = 0;
    for line in sentences(include_str!("data/statement_holdout.txt")) {
        let (label, text) = line.split_once(':').unwrap();
        let want = label.trim() == "blame";
        let got = check(text.trim()).unwrap().is_blaming();
        total += 1;
        if want == got {
            correct += 1;
        } else {
            println!("  held-out {}: {}", if want { "missed" } else { "false alarm" }, text.trim());
        }
    }
    println!("say --check, held out: {correct}/{total} correct ({:.1}%)", correct as f64 * 100.0 / total as f64);
    assert!(correct * 4 >= total * 3, "held-out accuracy fell below 75%");
}
