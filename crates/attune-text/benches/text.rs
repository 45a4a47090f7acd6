//! The text analysis every save and every `say --check` pays for: compiling
//! the embedded lexicons (once per process, so once per CLI command) and
//! checking a typical entry or message.
//!
//! `cargo bench -p attune-text --bench text` (add `-- --quick` for a short run).

use std::hint::black_box;

use attune_text::{crisis, statement};
use criterion::{Criterion, criterion_group, criterion_main};

/// About the length of a long journal entry: situation, thoughts, fear, what helped.
const ENTRY: &str = "He said he would call after work and did not, and by nine I had checked my phone \
    maybe thirty times. I kept thinking that he is bored of me and that the new colleague is more fun \
    than I am. I told myself I was being silly but my chest was tight the whole evening. When he finally \
    texted it was just 'sorry, long day', and I answered coldly even though I did not want to. What I am \
    afraid of is that one day he just stops making the effort and I will not notice until it is too late. \
    What helped a little: a walk around the block, writing this down, and remembering last weekend when \
    we laughed for an hour about nothing.";

/// A message a person might want to send, with some blame in it.
const MESSAGE: &str = "You never answer when I text you and you always put your friends first. \
    I feel like I don't matter to you. Can we talk about it tonight?";

fn lexicons(c: &mut Criterion) {
    c.bench_function("crisis/compile lexicon", |b| {
        b.iter(|| crisis::Lexicon::parse(black_box(crisis::LEXICON_TOML)).map(|l| l.rule_ids().count()))
    });
    c.bench_function("statement/compile lexicon", |b| {
        b.iter(|| statement::Lexicon::parse(black_box(statement::LEXICON_TOML)).map(|l| l.rule_ids().count()))
    });
}

fn analysis(c: &mut Criterion) {
    let crisis = crisis::Lexicon::embedded().expect("the embedded crisis lexicon is valid");
    let statement = statement::Lexicon::embedded().expect("the embedded statement lexicon is valid");
    c.bench_function("crisis/assess entry", |b| b.iter(|| crisis.assess(black_box(ENTRY)).is_flagged()));
    c.bench_function("statement/check message", |b| b.iter(|| statement.check(black_box(MESSAGE)).is_blaming()));
}

criterion_group!(benches, lexicons, analysis);
criterion_main!(benches);
