//! Plain statistics on small vectors: robust trend, trend test, Welch's
//! interval and empirical-Bayes shrinkage. No domain types here, so each
//! function can be checked against SciPy on fixed vectors.

use serde::Serialize;

use super::special::{normal_sf, normal_upper_quantile, student_t_sf, student_t_upper_quantile};

/// The median (mean of the two middle values for even n); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(0.5 * (v[n / 2 - 1] + v[n / 2])),
    }
}

/// The arithmetic mean; `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Theil–Sen line with Sen's (1968) interval for the slope, as
/// `scipy.stats.theilslopes(y, x, confidence, method="separate")` computes it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TheilSen {
    /// Median of the pairwise slopes.
    pub slope: f64,
    /// median(y) − slope · median(x).
    pub intercept: f64,
    /// Lower end of the slope interval.
    pub low_slope: f64,
    /// Upper end of the slope interval.
    pub high_slope: f64,
}

/// `None` with fewer than two distinct x values or any non-finite input.
/// O(n² log n): meant for weekly points (a few hundred at most).
pub fn theil_sen(x: &[f64], y: &[f64], confidence: f64) -> Option<TheilSen> {
    if x.len() != y.len() || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let n = x.len();
    let mut slopes = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[j] - x[i];
            if dx != 0.0 {
                slopes.push((y[j] - y[i]) / dx);
            }
        }
    }
    if slopes.is_empty() {
        return None;
    }
    slopes.sort_by(f64::total_cmp);
    let slope = median(&slopes)?;
    let intercept = median(y)? - slope * median(x)?;

    // Sen's interval: order statistics of the slopes around the middle, with
    // the variance of Kendall's S corrected for ties in x and in y.
    let z = -normal_upper_quantile((1.0 - confidence) / 2.0);
    let sigma = (kendall_variance(n, &tie_sizes(x), &tie_sizes(y))).sqrt();
    let nt = slopes.len() as f64;
    let last = slopes.len() as i64 - 1;
    let upper = (((nt - z * sigma) / 2.0).round_ties_even() as i64).min(last);
    let lower = (((nt + z * sigma) / 2.0).round_ties_even() as i64 - 1).max(0);
    let at = |i: i64| slopes[i.clamp(0, last) as usize];
    Some(TheilSen { slope, intercept, low_slope: at(lower), high_slope: at(upper) })
}

/// The Mann–Kendall trend test on a series in time order.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MannKendall {
    /// Number of points.
    pub n: usize,
    /// S = Σ_{i<j} sign(y_j − y_i).
    pub s: i64,
    /// Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of t tied values.
    pub var_s: f64,
    /// (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, else 0 (continuity corrected).
    pub z: f64,
    /// Two-sided p from the normal approximation, 2 · (1 − Φ(|Z|)).
    pub p: f64,
}

/// `None` for fewer than two points or non-finite values.
pub fn mann_kendall(y: &[f64]) -> Option<MannKendall> {
    let n = y.len();
    if n < 2 || y.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            s += match y[j].total_cmp(&y[i]) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
            };
        }
    }
    let var_s = kendall_variance(n, &tie_sizes(y), &[]);
    let z = if var_s <= 0.0 {
        0.0
    } else if s > 0 {
        (s - 1) as f64 / var_s.sqrt()
    } else if s < 0 {
        (s + 1) as f64 / var_s.sqrt()
    } else {
        0.0
    };
    let p = (2.0 * normal_sf(z.abs())).min(1.0);
    Some(MannKendall { n, s, var_s, z, p })
}

fn kendall_variance(n: usize, ties_a: &[usize], ties_b: &[usize]) -> f64 {
    let f = |t: usize| {
        let t = t as f64;
        t * (t - 1.0) * (2.0 * t + 5.0)
    };
    (f(n) - ties_a.iter().map(|&t| f(t)).sum::<f64>() - ties_b.iter().map(|&t| f(t)).sum::<f64>()) / 18.0
}

/// Sizes of the groups of equal values (groups of one left out).
fn tie_sizes(values: &[f64]) -> Vec<usize> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && v[j] == v[i] {
            j += 1;
        }
        if j - i > 1 {
            out.push(j - i);
        }
        i = j;
    }
    out
}

/// Welch's unequal-variance comparison of two groups' means.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Welch {
    /// Size of group a.
    pub n_a: usize,
    /// Size of group b.
    pub n_b: usize,
    /// Mean of group a.
    pub mean_a: f64,
    /// Mean of group b.
    pub mean_b: f64,
    /// mean_a − mean_b.
    pub difference: f64,
    /// √(s²_a/n_a + s²_b/n_b).
    pub std_error: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Lower end of the interval for the difference.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Two-sided p for "no difference".
    pub p: f64,
}

/// `None` unless both groups have two or more finite values. When both
/// groups are constant the standard error is 0: the interval is the point
/// difference, df is n_a + n_b − 2 and p is 1 for equal means, 0 otherwise.
pub fn welch(a: &[f64], b: &[f64], confidence: f64) -> Option<Welch> {
    if a.len() < 2 || b.len() < 2 || a.iter().chain(b).any(|v| !v.is_finite()) {
        return None;
    }
    let (n_a, n_b) = (a.len() as f64, b.len() as f64);
    let (mean_a, mean_b) = (mean(a)?, mean(b)?);
    let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() as f64 - 1.0);
    let (qa, qb) = (var(a, mean_a) / n_a, var(b, mean_b) / n_b);
    let difference = mean_a - mean_b;
    let std_error = (qa + qb).sqrt();
    let (df, low, high, p) = if std_error > 0.0 {
        let df = (qa + qb).powi(2) / (qa * qa / (n_a - 1.0) + qb * qb / (n_b - 1.0));
        let t = student_t_upper_quantile((1.0 - confidence) / 2.0, df);
        let p = (2.0 * student_t_sf((difference / std_error).abs(), df)).min(1.0);
        (df, difference - t * std_error, difference + t * std_error, p)
    } else {
        let p = if difference == 0.0 { 1.0 } else { 0.0 };
        (n_a + n_b - 2.0, difference, difference, p)
    };
    Some(Welch { n_a: a.len(), n_b: b.len(), mean_a, mean_b, difference, std_error, df, low, high, p })
}

/// Integer sums for one group (exact, so the result does not depend on the
/// order the values arrived in).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupSums {
    /// Number of values.
    pub n: u64,
    /// Σ x.
    pub sum: u64,
    /// Σ x².
    pub sum_sq: u64,
}

impl GroupSums {
    /// Adds one value.
    pub fn add(&mut self, x: u64) {
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
    }

    fn mean(&self) -> f64 {
        self.sum as f64 / self.n as f64
    }

    /// Σ (x − mean)², exactly: (n Σx² − (Σx)²) / n.
    fn squares(&self) -> f64 {
        let n = u128::from(self.n);
        let num = n * u128::from(self.sum_sq) - u128::from(self.sum) * u128::from(self.sum);
        num as f64 / self.n as f64
    }
}

/// Settings of the shrinkage (see `[triggers]` in `content/insights.toml`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShrinkSettings {
    /// Least weight of the overall mean, in pseudo-episodes.
    pub prior_min: f64,
    /// Most weight of the overall mean (also used when it cannot be estimated).
    pub prior_max: f64,
    /// Least within-group variance, so identical values still shrink.
    pub variance_floor: f64,
    /// Within-group variance when it cannot be estimated (every group has one value).
    pub variance_fallback: f64,
    /// Coverage of the intervals.
    pub confidence: f64,
}

/// The normal–normal empirical-Bayes fit across groups.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shrinkage {
    /// μ, the mean of all values pooled.
    pub overall_mean: f64,
    /// σ², the pooled within-group variance.
    pub within_variance: f64,
    /// τ², the between-group variance (method of moments, at least 0).
    pub between_variance: f64,
    /// k = σ²/τ², clamped: the overall mean counts as k extra values.
    pub prior_weight: f64,
    /// Per group, in input order; `None` for an empty group.
    pub groups: Vec<Option<Shrunk>>,
}

/// One group's shrunken mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Shrunk {
    /// The plain mean.
    pub raw_mean: f64,
    /// μ + n/(n + k) · (mean − μ): always between μ and the plain mean.
    pub score: f64,
    /// score ∓ z·√(σ²/(n + k)).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Shrinks each group's mean toward the pooled mean; groups with few
/// values move most. `None` when no group has a value.
pub fn shrink(groups: &[GroupSums], s: &ShrinkSettings) -> Option<Shrinkage> {
    let filled: Vec<&GroupSums> = groups.iter().filter(|g| g.n > 0).collect();
    let total_n: u64 = filled.iter().map(|g| g.n).sum();
    if total_n == 0 {
        return None;
    }
    let total_sum: u64 = filled.iter().map(|g| g.sum).sum();
    let overall_mean = total_sum as f64 / total_n as f64;
    let j = filled.len() as u64;
    let within_variance = if total_n > j {
        let ssw: f64 = filled.iter().map(|g| g.squares()).sum();
        (ssw / (total_n - j) as f64).max(s.variance_floor)
    } else {
        s.variance_fallback.max(s.variance_floor)
    };
    let between_variance = if filled.len() >= 2 {
        let means: Vec<f64> = filled.iter().map(|g| g.mean()).collect();
        let m = means.iter().sum::<f64>() / means.len() as f64;
        let spread = means.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (means.len() - 1) as f64;
        let noise = filled.iter().map(|g| within_variance / g.n as f64).sum::<f64>() / means.len() as f64;
        (spread - noise).max(0.0)
    } else {
        0.0
    };
    let prior_weight = if between_variance > 0.0 {
        (within_variance / between_variance).clamp(s.prior_min, s.prior_max)
    } else {
        s.prior_max
    };
    let z = normal_upper_quantile((1.0 - s.confidence) / 2.0);
    let out = groups
        .iter()
        .map(|g| {
            (g.n > 0).then(|| {
                let n = g.n as f64;
                let raw_mean = g.mean();
                let score = overall_mean + n / (n + prior_weight) * (raw_mean - overall_mean);
                let half = z * (within_variance / (n + prior_weight)).sqrt();
                Shrunk { raw_mean, score, low: score - half, high: score + half }
            })
        })
        .collect();
    Some(Shrinkage { overall_mean, within_variance, between_variance, prior_weight, groups: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn degenerate_inputs_give_none_not_nan() {
        assert!(theil_sen(&[1.0, 1.0], &[2.0, 3.0], 0.95).is_none());
        assert!(theil_sen(&[1.0, f64::NAN], &[2.0, 3.0], 0.95).is_none());
        assert!(mann_kendall(&[1.0]).is_none());
        let flat = mann_kendall(&[2.0, 2.0, 2.0]).unwrap();
        assert_eq!((flat.s, flat.z, flat.p), (0, 0.0, 1.0));
        assert!(welch(&[1.0], &[1.0, 2.0], 0.95).is_none());
        let same = welch(&[3.0, 3.0], &[1.0, 1.0], 0.95).unwrap();
        assert_eq!((same.low, same.high, same.p), (2.0, 2.0, 0.0));
        assert!(shrink(&[GroupSums::default()], &settings()).is_none());
    }

    fn settings() -> ShrinkSettings {
        ShrinkSettings {
            prior_min: 5.0,
            prior_max: 25.0,
            variance_floor: 1.0,
            variance_fallback: 4.0,
            confidence: 0.95,
        }
    }

    #[test]
    fn one_extreme_value_does_not_beat_a_steady_group() {
        let mut steady = GroupSums::default();
        for x in [7, 8, 8, 8, 7, 8, 8, 8, 7, 8] {
            steady.add(x);
        }
        let mut once = GroupSums::default();
        once.add(10);
        let mut mild = GroupSums::default();
        for x in [4, 5, 4, 5, 4, 5] {
            mild.add(x);
        }
        let fit = shrink(&[steady, once, mild], &settings()).unwrap();
        let s = |i: usize| fit.groups[i].unwrap().score;
        assert!(s(0) > s(1), "{fit:?}");
    }
}
