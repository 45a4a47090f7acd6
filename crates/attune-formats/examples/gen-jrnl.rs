//! Writes a realistic jrnl plain-text journal for benchmarks and comparisons.
//!
//! Usage (stable; other tools build on it):
//!   cargo run --release -p attune-formats --example gen-jrnl -- <count> <out.txt> [--seed N] [--old-timeformat]
//!
//! The same count and seed always give the same file. Entries are in time
//! order, one to three a day on average, starting 2016-01-01, or earlier for
//! a journal too long to end before 2026 (attune, like a person typing,
//! refuses entries dated in the future; 100,000 entries start in 1949); dates use
//! jrnl's default timeformat (`%F %r`, e.g. `2020-06-28 06:22:00 PM`) or,
//! with `--old-timeformat`, `%Y-%m-%d %H:%M`. Lengths, tags (`@` and `#`)
//! and stars follow what personal journals look like: mostly short
//! entries, a long one now and then, a tag on about half of them.

use std::io::Write;
use std::process::ExitCode;

/// SplitMix64: tiny, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const OPENINGS: &[&str] = &[
    "No reply for hours again",
    "We had a quiet evening together",
    "He cancelled our plans at the last minute",
    "She was distant at dinner",
    "Saw photos from a party I wasn't invited to",
    "A good talk this morning",
    "I kept checking my phone",
    "Felt calm today",
    "An argument about the dishes that wasn't about the dishes",
    "Long walk alone after work",
    "Coffee with a friend",
    "Woke up anxious for no clear reason",
];
const SENTENCES: &[&str] = &[
    "I told myself it probably means nothing.",
    "My chest felt tight the whole afternoon.",
    "I wanted to ask but didn't want to seem needy.",
    "Later we talked and it turned out work had been chaotic.",
    "I noticed the old story starting again: that I am too much.",
    "Breathing slowly for a few minutes helped more than I expected.",
    "I wrote the message three times before sending it.",
    "It reminded me of how things were at home growing up.",
    "We agreed to check in at lunch when plans change.",
    "I went to bed early and felt better in the morning.",
    "Nothing happened, really, and still it took up my whole day.",
    "I'm proud that I said what I needed without blaming.",
    "The pottery class took my mind off it.",
    "Scrolling made it worse, so I put the phone in another room.",
];
const TAGS: &[&str] = &[
    "@late-reply",
    "@work",
    "@family",
    "#anxious",
    "#calm",
    "@social-media",
    "#jealous",
    "@weekend",
    "@cancelled-plan",
    "#lonely",
    "@friends",
    "#hopeful",
];
const MONTH_DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn leap(y: u64) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen-jrnl <count> <out.txt> [--seed N] [--old-timeformat]";
    let (Some(count), Some(out)) = (args.first().and_then(|c| c.parse::<u64>().ok()), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(7);
    let old = args.iter().any(|a| a == "--old-timeformat");
    let mut rng = Rng(seed);
    let mut text = String::with_capacity(count as usize * 300);
    // About 1,350 entries a year: start early enough to end by 2025.
    let start = 2016u64.min(2025u64.saturating_sub(count / 1300)).max(1900);
    let (mut year, mut month, mut day) = (start, 1u64, 1u64);
    let mut minute_of_day = 7 * 60u64;
    for _ in 0..count {
        // Move on 0–12 hours; roll over days, months and years.
        minute_of_day += 30 + rng.below(12 * 60);
        while minute_of_day >= 24 * 60 {
            minute_of_day -= 24 * 60;
            day += 1;
            let days = MONTH_DAYS[(month - 1) as usize] + u64::from(month == 2 && leap(year));
            if day > days {
                day = 1;
                month += 1;
                if month > 12 {
                    month = 1;
                    year += 1;
                }
            }
        }
        let (h, m, s) = (minute_of_day / 60, minute_of_day % 60, rng.below(60));
        let date = if old {
            format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}")
        } else {
            let (h12, pm) = (if h % 12 == 0 { 12 } else { h % 12 }, h >= 12);
            format!("{year:04}-{month:02}-{day:02} {h12:02}:{m:02}:{s:02} {}", if pm { "PM" } else { "AM" })
        };
        text.push('[');
        text.push_str(&date);
        text.push_str("] ");
        text.push_str(rng.pick(OPENINGS));
        text.push('.');
        // jrnl marks a starred entry at the end of its first line.
        if rng.below(10) == 0 {
            text.push_str(" *");
        }
        // Mostly short entries, a long one now and then.
        let sentences = match rng.below(20) {
            0 => 12 + rng.below(20),
            1..=5 => 4 + rng.below(6),
            _ => rng.below(4),
        };
        for i in 0..sentences {
            text.push(if i % 4 == 0 { '\n' } else { ' ' });
            text.push_str(rng.pick(SENTENCES));
        }
        let tags = match rng.below(10) {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        for _ in 0..tags {
            text.push(' ');
            text.push_str(rng.pick(TAGS));
        }
        text.push_str("\n\n");
    }
    let written = std::fs::File::create(out).and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
