//! The size the issue asks for: 100,000 entries and 3,000 check-ins in well
//! under 100 ms. Run with
//! `cargo test --release -p attune-core --test insights -- --ignored --nocapture timing`.

use std::time::Instant;

use attune_core::insights::{Window, insights};

use crate::common::{E, Lcg, at, cfg, checkin, entry};

#[test]
#[ignore = "timing; run in release"]
fn timing_100k_entries_3k_checkins() {
    let mut rng = Lcg::new(42);
    let triggers = ["late-reply", "cancelled-plan", "social-media", "conflict", "criticism", "time-apart"];
    let feelings = ["anxious", "sad", "jealous", "angry"];
    // Eight years and a bit: about 34 entries and one check-in a day.
    let entries: Vec<_> = (0..100_000u128)
        .map(|k| {
            let back = i64::from(rng.below(3000));
            let t = [triggers[rng.below(6) as usize], triggers[rng.below(6) as usize]];
            let f = [feelings[rng.below(4) as usize]];
            entry(
                k,
                at(back, i64::from(rng.below(24))),
                E { triggers: &t, feelings: &f, intensity: Some(rng.below(11) as u8), ..E::default() },
            )
        })
        .collect();
    let checkins: Vec<_> =
        (0..3000i64).map(|b| checkin(1_000_000 + b as u128, at(b, 20), rng.below(11) as u8, Some(5), &[])).collect();
    let cfg = cfg();
    for window in [Window::LastWeeks(12), Window::All] {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = Instant::now();
            let out = insights(&entries, &checkins, &crate::common::now(), window, &cfg);
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(out);
        }
        println!("insights({window:?}) on 100k entries + 3k check-ins: best of 5 = {best:.1} ms");
    }
}
