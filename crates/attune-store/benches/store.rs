//! How the store behaves with a big journal: 100,000 entries (years of daily
//! writing, several times over), encrypted.
//!
//! `cargo bench -p attune-store` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::time::Instant;

use attune_core::{Entry, Intensity, Moment, RecordId, Sign, Slug, Source};
use attune_store::{EntryFilter, KdfParams, Passphrase, Protection, Store};
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use uuid::Uuid;

const ENTRIES: u64 = 100_000;

const WORDS: &[&str] = &[
    "reply", "message", "evening", "phone", "dinner", "friends", "quiet", "distant", "weekend", "work", "late", "plan",
    "tone", "call", "walk", "talk", "tired", "busy", "night", "morning", "party", "trip", "family", "text", "photo",
    "smile", "silence", "argument", "apology", "hug", "worry", "promise", "jealous", "calm", "breathe", "waited",
    "checked", "seen", "ignored", "laughed",
];
const TRIGGERS: &[&str] = &["late-reply", "cancelled-plan", "change-of-tone", "partner-distant", "social-media"];
const FEELINGS: &[&str] = &["anxious", "afraid", "sad", "lonely", "hurt", "calm"];

/// A small deterministic generator, so every run measures the same journal.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn sentence(&mut self, vocabulary: &[String], words: usize) -> String {
        let picked: Vec<&str> =
            (0..words).map(|_| vocabulary[(self.next() % vocabulary.len() as u64) as usize].as_str()).collect();
        picked.join(" ")
    }
}

/// The real words plus made-up ones from syllables: 600 in all, so a word
/// turns up in about one entry in twenty, as in real writing.
fn vocabulary() -> Vec<String> {
    const SYLLABLES: &[&str] = &["ka", "lo", "mi", "ten", "ra", "vus", "el", "dor", "pa", "shi", "nu", "gre"];
    let mut words: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
    'outer: for a in SYLLABLES {
        for b in SYLLABLES {
            for c in SYLLABLES {
                if words.len() == 600 {
                    break 'outer;
                }
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words
}

fn synthetic(i: u64, rng: &mut Rng, vocabulary: &[String]) -> Entry {
    let at = Timestamp::from_second(1_500_000_000 + i as i64 * 900).unwrap_or(Timestamp::UNIX_EPOCH);
    let moment = Moment::with_offset(at, 3600);
    // About one entry in twenty mentions "word", so a search has a few
    // thousand matches to order by time.
    let mut situation = rng.sentence(vocabulary, 12);
    if rng.next().is_multiple_of(20) {
        situation.push_str(" word");
    }
    Entry {
        id: RecordId::from_uuid(Uuid::from_u64_pair(i, rng.next())),
        occurred: moment.clone(),
        recorded: moment,
        situation,
        triggers: vec![Slug::from_name(rng.pick(TRIGGERS)).unwrap_or_else(|_| unreachable!())],
        thoughts: rng.sentence(vocabulary, 8),
        fear: rng.sentence(vocabulary, 5),
        feelings: vec![Slug::from_name(rng.pick(FEELINGS)).unwrap_or_else(|_| unreachable!())],
        intensity: Intensity::new((rng.next() % 11) as i64),
        signs: vec![Sign::ALL[(rng.next() % 5) as usize]],
        sources: vec![Source::ALL[(rng.next() % 5) as usize]],
        helped: rng.sentence(vocabulary, 6),
        tags: vec![rng.pick(&["weekend", "work", "home", "holiday"]).to_string()],
        starred: rng.next().is_multiple_of(10),
    }
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let dir = tmp.path().join("journal");
    let fast = KdfParams::MINIMUM;
    let (mut store, _key) = Store::create(&dir, Protection::Passphrase(Passphrase::new("bench".into()), fast))
        .unwrap_or_else(|e| panic!("create: {e}"));

    let started = Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocabulary = vocabulary();
    let entries: Vec<Entry> = (0..ENTRIES).map(|i| synthetic(i, &mut rng, &vocabulary)).collect();
    for chunk in entries.chunks(20_000) {
        store.bulk_insert_entries(chunk).unwrap_or_else(|e| panic!("insert: {e}"));
    }
    eprintln!("setup: {ENTRIES} entries in {:.1?}", started.elapsed());

    let newest = EntryFilter { limit: Some(10), ..Default::default() };
    c.bench_function("entries(limit 10) of 100k", |b| {
        b.iter(|| black_box(store.entries(black_box(&newest)).unwrap_or_default()))
    });
    let filtered = EntryFilter {
        triggers: vec![Slug::from_name("late-reply").unwrap_or_else(|_| unreachable!())],
        min_intensity: Some(8),
        limit: Some(10),
        ..Default::default()
    };
    c.bench_function("entries(trigger, intensity, limit 10) of 100k", |b| {
        b.iter(|| black_box(store.entries(black_box(&filtered)).unwrap_or_default()))
    });
    c.bench_function("search(\"word\", 20) of 100k", |b| {
        b.iter(|| black_box(store.search(black_box("word"), 20).map(|(h, n)| (h.len(), n)).unwrap_or_default()))
    });
    c.bench_function("search(\"apology hug promise\", 20) of 100k", |b| {
        b.iter(|| {
            black_box(store.search(black_box("apology hug promise"), 20).map(|(h, n)| (h.len(), n)).unwrap_or_default())
        })
    });
    let mut n = ENTRIES;
    c.bench_function("insert_entry into 100k", |b| {
        b.iter(|| {
            n += 1;
            let e = synthetic(n, &mut rng, &vocabulary);
            black_box(store.insert_entry(&e).unwrap_or_else(|e| panic!("insert: {e}")))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
