//! Loading a whole history for `attune insights`: 100,000 entries and 3,000
//! check-ins, encrypted. Compares the lean statistics read (the insights'
//! `Facts`) with the full entry read that `attune list` uses.
//!
//! `cargo bench -p attune-store --bench history` (add `-- --quick` for a short run).
//! On a busy, shared machine set `ATTUNE_BENCH_CPU_TIME=1` to time the CPU
//! time of the whole process (all threads; Linux, 10 ms ticks) instead of
//! the wall clock: the work done, not inflated by other processes. A long
//! history is read on several threads, so on an idle machine with enough
//! cores the wall clock is lower than this.

use std::hint::black_box;
use std::time::{Duration, Instant};

use attune_core::{Checkin, CheckinDraft, Entry, Intensity, Moment, RecordId, Sign, Slug, Source};
use attune_store::{EntryFilter, KdfParams, Passphrase, Protection, Store};
use criterion::{Bencher, Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use uuid::Uuid;

const ENTRIES: u64 = 100_000;
const CHECKINS: u64 = 3_000;
const TRIGGERS: &[&str] = &["late-reply", "cancelled-plan", "change-of-tone", "partner-distant", "social-media"];
const FEELINGS: &[&str] = &["anxious", "afraid", "sad", "lonely", "hurt", "calm"];
const START: i64 = 1_500_000_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn slug(s: &str) -> Slug {
    Slug::from_name(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn entry(i: u64, rng: &mut Rng) -> Entry {
    // 100,000 entries over about three years: one every ~16 minutes.
    let at = Timestamp::from_second(START + i as i64 * 950).unwrap_or(Timestamp::UNIX_EPOCH);
    let moment = Moment::with_offset(at, 3600);
    Entry {
        id: RecordId::from_uuid(Uuid::from_u64_pair(i, rng.next())),
        occurred: moment.clone(),
        recorded: moment,
        situation: "No reply for hours after I texted about dinner, and I kept checking my phone".into(),
        triggers: vec![slug(TRIGGERS[rng.below(TRIGGERS.len())])],
        thoughts: "maybe they are bored of me".into(),
        fear: "that I am not a priority".into(),
        feelings: vec![slug(FEELINGS[rng.below(FEELINGS.len())]), slug(FEELINGS[rng.below(FEELINGS.len())])]
            .into_iter()
            .fold(Vec::new(), |mut v, f| {
                if !v.contains(&f) {
                    v.push(f);
                }
                v
            }),
        intensity: Intensity::new(rng.below(11) as i64),
        signs: vec![Sign::ALL[rng.below(5)]],
        sources: vec![Source::ALL[rng.below(5)]],
        helped: "went for a walk".into(),
        tags: vec!["evening".into()],
        starred: false,
    }
}

fn checkin(i: u64, rng: &mut Rng) -> Checkin {
    let at = Timestamp::from_second(START + i as i64 * 31_700).unwrap_or(Timestamp::UNIX_EPOCH);
    CheckinDraft {
        security: Some(rng.below(11) as i64),
        seen: Some(rng.below(11) as i64),
        trusted: Some(rng.below(11) as i64),
        respected: Some(rng.below(11) as i64),
        consequences: vec![("jealousy".into(), rng.below(4) as i64)],
        note: "a quiet evening".into(),
    }
    .into_checkin(RecordId::from_uuid(Uuid::from_u64_pair(1 << 40 | i, rng.next())), Moment::with_offset(at, 3600))
    .unwrap_or_else(|e| panic!("check-in: {e}"))
}

/// CPU time used by this process so far, all threads (Linux), when asked for.
fn cpu_time() -> Option<Duration> {
    std::env::var_os("ATTUNE_BENCH_CPU_TIME")?;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name in parentheses; utime and stime are the
    // 14th and 15th fields, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Times `f` by the wall clock, or by CPU time (see the module docs). The
/// results are dropped after the clock stops, as the CLI never frees them
/// (it exits).
fn measure<O>(b: &mut Bencher<'_>, mut f: impl FnMut() -> O) {
    b.iter_custom(|iters| {
        let mut kept = Vec::with_capacity(usize::try_from(iters).unwrap_or(0));
        let (cpu, wall) = (cpu_time(), Instant::now());
        for _ in 0..iters {
            kept.push(black_box(f()));
        }
        let took = match (cpu, cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => wall.elapsed(),
        };
        drop(kept);
        took
    })
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let dir = tmp.path().join("journal");
    let fast = KdfParams::MINIMUM;
    let (mut store, _key) = Store::create(&dir, Protection::Passphrase(Passphrase::new("bench".into()), fast))
        .unwrap_or_else(|e| panic!("create: {e}"));
    let started = Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let entries: Vec<Entry> = (0..ENTRIES).map(|i| entry(i, &mut rng)).collect();
    for chunk in entries.chunks(20_000) {
        store.bulk_insert_entries(chunk).unwrap_or_else(|e| panic!("insert: {e}"));
    }
    let checkins: Vec<Checkin> = (0..CHECKINS).map(|i| checkin(i, &mut rng)).collect();
    store.bulk_insert_checkins(&checkins).unwrap_or_else(|e| panic!("insert: {e}"));
    eprintln!("setup: {ENTRIES} entries and {CHECKINS} check-ins in {:.1?}", started.elapsed());

    c.bench_function("entry_facts(all) of 100k", |b| measure(b, || store.entry_facts(None, None).unwrap_or_default()));
    let last_year = Some(Timestamp::from_second(START + ENTRIES as i64 * 950 - 365 * 86_400).unwrap_or_default());
    c.bench_function("entry_facts(last year) of 100k", |b| {
        measure(b, || store.entry_facts(last_year, None).unwrap_or_default())
    });
    c.bench_function("checkins_between(all) of 3k", |b| {
        measure(b, || store.checkins_between(None, None).unwrap_or_default())
    });
    // For comparison: the full read with every word, as `attune list` does it.
    c.bench_function("entries(all, full) of 100k", |b| {
        measure(b, || store.entries(&EntryFilter::default()).unwrap_or_default())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
