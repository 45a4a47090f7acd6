//! The text analysis every save and every `say --check` pays for: compiling
//! the embedded lexicons (once per process, so once per CLI command) and
//! checking a typical entry or message; loading the sentence reader and
//! reading an entry with rules and reader together.
//!
//! `cargo bench -p attune-text --bench text` (add `-- --quick` for a short run).

use std::hint::black_box;

use attune_text::{abuse, crisis, reader, statement};
use criterion::{Criterion, criterion_group, criterion_main};

/// About the length of a long journal entry: situation, thoughts, fear, what helped.
const ENTRY: &str = "He said he would call after work and did not, and by nine I had checked my phone \
    maybe thirty times. I kept thinking that he is bored of me and that the new colleague is more fun \
    than I am. I told myself I was being silly but my chest was tight the whole evening. When he finally \
    texted it was just 'sorry, long day', and I answered coldly even though I did not want to. What I am \
    afraid of is that one day he just stops making the effort and I will not notice until it is too late. \
    What helped a little: a walk around the block, writing this down, and remembering last weekend when \
    we laughed for an hour about nothing.";

/// A longer entry, about 300 words, for the after-save check (crisis and
/// abuse together): an ordinary hard evening, with a little of everything
/// the lexicons look at but nothing they should flag.
const LONG_ENTRY: &str = "Sunday night. We were supposed to go to his sister's for lunch but he woke up \
    in a mood and said he didn't want to see anyone, so I went alone and made excuses for him. His mum \
    asked if everything was all right between us and I said yes, of course, which is mostly true. On \
    the drive back I kept replaying the argument from Thursday about money. I want us to save for a \
    deposit and he wants a holiday first, and when I said he never thinks ahead he said I was \
    overreacting. Maybe I was. I checked my phone maybe twenty times on the way home to see if he had \
    texted, and when he finally did it was just a photo of the dog asleep on the sofa, which made me \
    laugh despite everything. At home we sat in the kitchen and actually talked. He said work has been \
    killing him and he feels like he is letting everyone down. I told him I get scared when he goes \
    quiet, because my brain fills the silence with the worst explanation, usually that he is bored of \
    me or that someone at work is more interesting than I am. He listened, which I did not expect. We \
    agreed to have one evening a week with no phones and to look at the budget together next weekend \
    instead of sniping at each other about it. I still feel a knot in my stomach writing this, like the \
    calm will not last. Things I want to remember: he made tea without being asked, he said sorry \
    first, and I did not storm out even though part of me wanted to. Tomorrow I will go for a run before \
    work and try not to read his silences as verdicts on me.";

/// A message a person might want to send, with some blame in it.
const MESSAGE: &str = "You never answer when I text you and you always put your friends first. \
    I feel like I don't matter to you. Can we talk about it tonight?";

fn lexicons(c: &mut Criterion) {
    c.bench_function("crisis/compile lexicon", |b| {
        b.iter(|| crisis::Lexicon::parse(black_box(crisis::LEXICON_TOML)).map(|l| l.rule_ids().count()))
    });
    c.bench_function("abuse/compile lexicon", |b| {
        b.iter(|| abuse::Lexicon::parse(black_box(abuse::LEXICON_TOML)).map(|l| l.rule_ids().count()))
    });
    c.bench_function("reader/load model", |b| b.iter(|| reader::Reader::load_embedded().map(|r| r.ids("a").len())));
    c.bench_function("statement/compile lexicon", |b| {
        b.iter(|| statement::Lexicon::parse(black_box(statement::LEXICON_TOML)).map(|l| l.rule_ids().count()))
    });
}

fn analysis(c: &mut Criterion) {
    let crisis = crisis::Lexicon::embedded().expect("the embedded crisis lexicon is valid");
    let statement = statement::Lexicon::embedded().expect("the embedded statement lexicon is valid");
    c.bench_function("crisis/assess entry", |b| b.iter(|| crisis.assess(black_box(ENTRY)).is_flagged()));
    let abuse = abuse::Lexicon::embedded().expect("the embedded abuse lexicon is valid");
    c.bench_function("abuse/assess entry", |b| b.iter(|| abuse.assess(black_box(ENTRY)).is_flagged()));
    // What every save pays: both checks on a long entry.
    c.bench_function("after-save/crisis+abuse 300-word entry", |b| {
        b.iter(|| {
            let text = black_box(LONG_ENTRY);
            (crisis.assess(text).is_flagged(), abuse.assess(text).is_flagged())
        })
    });
    // What every save pays now: the rules, then the sentence reader on
    // every sentence the rules left alone (all of them here), for both.
    let _ = reader::Reader::embedded().expect("the embedded model loads");
    let r = reader::Reader::embedded().expect("the embedded model loads");
    c.bench_function("reader/word pieces 300-word entry", |b| b.iter(|| r.ids(black_box(LONG_ENTRY)).len()));
    c.bench_function("reader/sentence vectors 300-word entry", |b| {
        b.iter(|| r.sentence_vectors(black_box(LONG_ENTRY)).len())
    });
    c.bench_function("after-save/rules+reader 300-word entry", |b| {
        b.iter(|| {
            let text = black_box(LONG_ENTRY);
            let (c, a) = attune_text::assess_safety(text);
            (c.map(|c| c.is_flagged()), a.map(|a| a.is_flagged()))
        })
    });
    c.bench_function("statement/check message", |b| b.iter(|| statement.check(black_box(MESSAGE)).is_blaming()));
}

criterion_group!(benches, lexicons, analysis);
criterion_main!(benches);
