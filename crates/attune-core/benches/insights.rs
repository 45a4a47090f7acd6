//! Full insights over the size issue 3 asks for: 100,000 entries and 3,000
//! check-ins (the target is under 100 ms).
//!
//! `cargo bench -p attune-core --bench insights` (add `-- --quick` for a short run).
//! On a busy, shared machine set `ATTUNE_BENCH_CPU_TIME=1` to time the
//! thread's CPU time instead of the wall clock (Linux): the code is
//! single-threaded, so on an idle machine the two agree.

use std::hint::black_box;
use std::time::{Duration, Instant};

use attune_core::insights::{InsightsConfig, Window, insights};
use attune_core::{Checkin, Consequence, Entry, Intensity, Moment, RecordId, Sign, Slug, Source};
use criterion::{Bencher, Criterion, criterion_group, criterion_main};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

const ENTRIES: u64 = 100_000;
const CHECKINS: i64 = 3_000;
const TRIGGERS: &[&str] =
    &["late-reply", "cancelled-plan", "change-of-tone", "partner-distant", "social-media", "conflict", "criticism"];
const FEELINGS: &[&str] = &["anxious", "afraid", "sad", "lonely", "hurt", "jealous"];

/// A small deterministic generator, so every run measures the same history.
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

/// Today 20:00 at UTC+1.
fn now() -> ZonedDateTime {
    let ts: Timestamp = "2026-11-26T19:00:00Z".parse().unwrap_or_else(|e| panic!("{e}"));
    ts.to_zoned_datetime(TimeZone::fixed(Offset::from_seconds(3600).unwrap_or(Offset::UTC)))
}

fn moment(seconds_back: i64) -> Moment {
    let now = now().timestamp().as_second();
    Moment::with_offset(Timestamp::from_second(now - seconds_back).unwrap_or(Timestamp::UNIX_EPOCH), 3600)
}

/// 100,000 entries spread over the last 3,000 days (about 33 a day), with
/// one or two triggers and feelings each, signs and sources on about half.
fn history() -> (Vec<Entry>, Vec<Checkin>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let span = CHECKINS * 86_400;
    let entries = (0..ENTRIES)
        .map(|i| {
            let at = moment((rng.next() % span as u64) as i64);
            let mut triggers = vec![slug(TRIGGERS[rng.below(TRIGGERS.len())])];
            let second = slug(TRIGGERS[rng.below(TRIGGERS.len())]);
            if rng.below(3) == 0 && !triggers.contains(&second) {
                triggers.push(second);
            }
            let tagged = rng.below(2) == 0;
            Entry {
                id: RecordId::from_uuid(uuid::Uuid::from_u64_pair(i, rng.next())),
                occurred: at.clone(),
                recorded: at,
                situation: String::new(),
                triggers,
                thoughts: String::new(),
                fear: String::new(),
                feelings: vec![slug(FEELINGS[rng.below(FEELINGS.len())])],
                intensity: Intensity::new(rng.below(11) as i64),
                signs: if tagged { vec![Sign::ALL[rng.below(5)]] } else { Vec::new() },
                sources: if tagged { vec![Source::ALL[rng.below(5)]] } else { Vec::new() },
                helped: String::new(),
                tags: Vec::new(),
                starred: false,
            }
        })
        .collect();
    let checkins = (0..CHECKINS)
        .map(|day| Checkin {
            id: RecordId::from_uuid(uuid::Uuid::from_u64_pair(1 << 40, day as u64)),
            at: moment(day * 86_400 + 3_600),
            security: rng.below(11) as u8,
            seen: Some(rng.below(11) as u8),
            trusted: Some(rng.below(11) as u8),
            respected: Some(rng.below(11) as u8),
            consequences: [(Consequence::ALL[rng.below(7)], rng.below(4) as u8)].into_iter().collect(),
            note: String::new(),
        })
        .collect();
    (entries, checkins)
}

/// CPU time used by this thread so far (Linux), when asked for.
fn cpu_time() -> Option<Duration> {
    std::env::var_os("ATTUNE_BENCH_CPU_TIME")?;
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
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
    let (entries, checkins) = history();
    let cfg = InsightsConfig::embedded().unwrap_or_else(|e| panic!("{e}"));
    let now = now();
    c.bench_function("insights(all) 100k entries + 3k check-ins", |b| {
        measure(b, || insights(black_box(&entries), black_box(&checkins), &now, Window::All, &cfg))
    });
    c.bench_function("insights(last 12 weeks) 100k entries + 3k check-ins", |b| {
        measure(b, || insights(black_box(&entries), black_box(&checkins), &now, Window::LastWeeks(12), &cfg))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
