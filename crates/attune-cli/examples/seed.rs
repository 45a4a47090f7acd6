//! Fills a new journal with deterministic synthetic entries, for benchmarks.
//!
//! `cargo run --release -p attune-cli --example seed -- DIR COUNT`
//! The passphrase is read from ATTUNE_SEED_PASSPHRASE (required; the KDF
//! parameters are the product's defaults).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use attune_core::entry::Known;
use attune_core::{EntryDraft, LabelKind, Moment, RecordId};
use attune_store::{KdfParams, Passphrase, Protection, Store};
use jiff::Timestamp;

/// A tiny, seeded generator: the same journal on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const OPENINGS: &[&str] = &[
    "No reply for hours after I texted about dinner",
    "We argued about the weekend plans again",
    "He went quiet when I asked about his day",
    "She laughed with someone at the party and I felt invisible",
    "Saw photos from the trip I was not invited to",
    "The plan for Friday changed at the last minute",
    "A short answer on the phone that sounded cold",
    "They were out late and did not say when they would be back",
];
const MIDDLES: &[&str] = &[
    "I kept checking my phone",
    "my chest felt tight and I could not focus at work",
    "I started writing a long message and deleted it",
    "I asked twice whether everything was fine",
    "I told myself it meant nothing but did not believe it",
    "I remembered how the last relationship ended",
];
const THOUGHTS: &[&str] = &[
    "maybe I am too much for them",
    "they are losing interest",
    "I always ruin things",
    "if I were more interesting this would not happen",
    "they would tell me if something was wrong",
];
const WORDS: &[&str] =
    &["anniversary", "kitchen", "train", "sister", "walk", "coffee", "rain", "movie", "birthday", "office"];

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: seed DIR COUNT"));
    let count: usize = args.next().expect("usage: seed DIR COUNT").parse().expect("COUNT is a number");
    let pass = std::env::var("ATTUNE_SEED_PASSPHRASE").expect("set ATTUNE_SEED_PASSPHRASE");
    let (mut store, _key) =
        Store::create(&dir, Protection::Passphrase(Passphrase::new(pass), KdfParams::DEFAULT)).unwrap();
    let triggers = store.labels(LabelKind::Trigger).unwrap();
    let feelings = store.labels(LabelKind::Feeling).unwrap();
    let known = Known { triggers: &triggers, feelings: &feelings };
    let mut rng = Lcg(42);
    // Two years back from a fixed day, evenly spread.
    let start = Timestamp::from_second(1_730_000_000).unwrap();
    let step = (2 * 365 * 86_400) / count.max(1) as i64;
    let mut batch = Vec::with_capacity(1000);
    for i in 0..count {
        let at =
            Moment::with_offset(start.checked_add(jiff::SignedDuration::from_secs(step * i as i64)).unwrap(), 3600);
        let draft = EntryDraft {
            situation: format!("{}; {} ({})", rng.pick(OPENINGS), rng.pick(MIDDLES), rng.pick(WORDS)),
            thoughts: rng.pick(THOUGHTS).to_string(),
            fear: "that I will end up alone".into(),
            triggers: vec![triggers[(rng.next() % triggers.len() as u64) as usize].slug.to_string()],
            feelings: vec![feelings[(rng.next() % feelings.len() as u64) as usize].slug.to_string()],
            intensity: Some((rng.next() % 11) as i64),
            tags: vec![format!("t{}", rng.next() % 20)],
            ..Default::default()
        };
        let random: [u8; 10] = std::array::from_fn(|_| rng.next() as u8);
        let id =
            RecordId::from_uuid(uuid::Builder::from_unix_timestamp_millis(at.unix_ms() as u64, &random).into_uuid());
        batch.push(draft.into_entry(id, at.clone(), at, known).unwrap());
        if batch.len() == 1000 {
            store.bulk_insert_entries(&batch).unwrap();
            batch.clear();
        }
    }
    store.bulk_insert_entries(&batch).unwrap();
    println!("seeded {count} entries into {}", dir.display());
}
