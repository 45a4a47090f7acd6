//! Properties of the insights that must hold for any input.

use attune_core::insights::stats::{GroupSums, ShrinkSettings, mann_kendall, shrink, theil_sen};
use attune_core::insights::{Exposure, Window, insights, insights_with_exposures};
use attune_core::{Checkin, Consequence, Entry, Moment, Sign, Source};
use jiff::Timestamp;
use proptest::prelude::*;

use crate::common::{E, Lcg, assert_clean_json, cfg, checkin, entry, now};

const TRIGGERS: [&str; 6] = ["late-reply", "cancelled-plan", "social-media", "conflict", "criticism", "time-apart"];
const FEELINGS: [&str; 4] = ["anxious", "sad", "jealous", "angry"];

/// A messy history: any offset, unrated entries, duplicate labels, some
/// records in the future, days far back.
fn random_history(seed: u64, n_entries: usize, n_checkins: usize) -> (Vec<Entry>, Vec<Checkin>) {
    let mut rng = Lcg::new(seed);
    let now_s = now().timestamp().as_second();
    let moment = |rng: &mut Lcg| {
        let back = i64::from(rng.below(200 * 86_400)) - 3 * 86_400;
        let offset = (i64::from(rng.below(26 * 4)) - 12 * 4) * 900;
        Moment::with_offset(Timestamp::from_second(now_s - back).unwrap(), i32::try_from(offset).unwrap())
    };
    let mut entries = Vec::new();
    for k in 0..n_entries {
        let when = moment(&mut rng);
        let triggers: Vec<&str> = (0..rng.below(4)).map(|_| TRIGGERS[rng.below(6) as usize]).collect();
        let feelings: Vec<&str> = (0..rng.below(3)).map(|_| FEELINGS[rng.below(4) as usize]).collect();
        let signs: Vec<Sign> = (0..rng.below(3)).map(|_| Sign::ALL[rng.below(5) as usize]).collect();
        let sources: Vec<Source> = (0..rng.below(3)).map(|_| Source::ALL[rng.below(5) as usize]).collect();
        let intensity = rng.chance(0.8).then(|| rng.below(11) as u8);
        entries.push(entry(
            k as u128,
            when,
            E { triggers: &triggers, feelings: &feelings, intensity, signs: &signs, sources: &sources },
        ));
    }
    let mut checkins = Vec::new();
    for k in 0..n_checkins {
        let when = moment(&mut rng);
        let others = rng.chance(0.5).then(|| rng.below(11) as u8);
        let cons: Vec<(Consequence, u8)> =
            (0..rng.below(3)).map(|_| (Consequence::ALL[rng.below(7) as usize], rng.below(4) as u8)).collect();
        checkins.push(checkin(10_000 + k as u128, when, rng.below(11) as u8, others, &cons));
    }
    (entries, checkins)
}

fn window(w: u32) -> Window {
    if w == 0 { Window::All } else { Window::LastWeeks(w) }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn order_of_records_does_not_matter(seed in any::<u64>(), shuffle in any::<u64>(), n in 0usize..150, m in 0usize..120, w in 0u32..30) {
        let (entries, checkins) = random_history(seed, n, m);
        let (mut e2, mut c2) = (entries.clone(), checkins.clone());
        let mut rng = Lcg::new(shuffle);
        rng.shuffle(&mut e2);
        rng.shuffle(&mut c2);
        let a = insights(&entries, &checkins, &now(), window(w), &cfg());
        let b = insights(&e2, &c2, &now(), window(w), &cfg());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn no_panics_and_no_nan(seed in any::<u64>(), n in 0usize..200, m in 0usize..200, w in 0u32..60) {
        let (entries, checkins) = random_history(seed, n, m);
        let mut rng = Lcg::new(seed ^ 1);
        let days = checkins.iter().map(|c| (c.at.local().date(), rng.chance(0.5))).collect();
        let exposures = [Exposure { name: "a walk".into(), days }];
        let out = insights_with_exposures(&entries, &checkins, &exposures, &now(), window(w), &cfg());
        let json = serde_json::to_string(&out).unwrap();
        assert_clean_json(&json);
        for t in &out.triggers.ranked {
            let (lo, hi) = t.interval.map_or((0.0, 0.0), |[l, h]| (l, h));
            prop_assert!(lo <= hi && (0.0..=10.0).contains(&lo) && (0.0..=10.0).contains(&hi));
        }
    }

    #[test]
    fn shrinkage_moves_toward_the_overall_mean_and_never_past_it(
        groups in proptest::collection::vec(proptest::collection::vec(0u64..=10, 0..15), 1..8),
        prior_min in 0.5f64..10.0,
        extra in 0.0f64..30.0,
    ) {
        let sums: Vec<GroupSums> = groups.iter().map(|g| {
            let mut s = GroupSums::default();
            for &v in g { s.add(v); }
            s
        }).collect();
        let settings = ShrinkSettings {
            prior_min, prior_max: prior_min + extra, variance_floor: 1.0, variance_fallback: 4.0, confidence: 0.95,
        };
        let Some(fit) = shrink(&sums, &settings) else {
            prop_assert!(groups.iter().all(Vec::is_empty));
            return Ok(());
        };
        let mu = fit.overall_mean;
        for g in fit.groups.iter().flatten() {
            let moved = g.score - mu;
            let raw = g.raw_mean - mu;
            prop_assert!(moved * raw >= 0.0, "score crossed the mean: {g:?} mu {mu}");
            prop_assert!(moved.abs() <= raw.abs() + 1e-12, "score went past its own mean: {g:?} mu {mu}");
            prop_assert!(g.low <= g.score && g.score <= g.high);
        }
    }

    #[test]
    fn a_strictly_monotonic_series_is_significant_with_the_right_sign(
        steps in proptest::collection::vec(0.01f64..5.0, 9..60),
        start in -5.0f64..10.0,
        rising in any::<bool>(),
    ) {
        let sign = if rising { 1.0 } else { -1.0 };
        let mut y = vec![start];
        for s in &steps {
            let last = *y.last().unwrap();
            y.push(last + sign * s);
        }
        let x: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        let mk = mann_kendall(&y).unwrap();
        prop_assert!(mk.p < 0.05, "n = {}, p = {}", y.len(), mk.p);
        prop_assert_eq!(mk.s.signum() as f64, sign);
        let line = theil_sen(&x, &y, 0.95).unwrap();
        prop_assert!(line.slope * sign > 0.0);
        prop_assert!(line.low_slope <= line.slope && line.slope <= line.high_slope);
    }
}
