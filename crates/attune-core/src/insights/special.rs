//! The few special functions the statistics need, written here so that the
//! core keeps no numeric dependency. Each is checked against SciPy in
//! `tests/data/stats_reference.json` (the tests ask for 1e-9 relative).

use std::f64::consts::{FRAC_1_SQRT_2, PI};

const EPS: f64 = 1e-16;
const TINY: f64 = 1e-300;

/// ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 coefficients), relative
/// error around 1e-15.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Shift up; only positive arguments occur here.
        return ln_gamma(x + 1.0) - x.ln();
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The complementary error function. Below 2.5: 1 − erf from the series
/// erf x = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are
/// all positive (no cancellation). From 2.5: Laplace's continued fraction,
/// evaluated with the modified Lentz method, so small tails keep their
/// relative precision.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        let mut n = 0.0;
        while term > sum * EPS {
            n += 1.0;
            term *= 2.0 * x2 / (2.0 * n + 1.0);
            sum += term;
        }
        return 1.0 - 2.0 / PI.sqrt() * (-x2).exp() * sum;
    }
    if x > 27.0 {
        return 0.0;
    }
    // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for n in 1..1000 {
        let a = f64::from(n) * 0.5;
        d = x + a * d;
        if d.abs() < TINY {
            d = TINY;
        }
        d = 1.0 / d;
        c = x + a / c;
        if c.abs() < TINY {
            c = TINY;
        }
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    (-x * x).exp() / PI.sqrt() / f
}

/// Φ(x), the standard normal distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * FRAC_1_SQRT_2)
}

/// The upper tail 1 − Φ(x), precise for large x.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * erfc(x * FRAC_1_SQRT_2)
}

/// The z with upper tail `tail` (0 < tail < 1), by bisection on [`normal_sf`].
pub fn normal_upper_quantile(tail: f64) -> f64 {
    bisect_decreasing(normal_sf, tail, -40.0, 40.0)
}

/// The regularized incomplete beta function I_x(a, b), by the continued
/// fraction of Numerical Recipes §6.4 (modified Lentz), using the symmetry
/// I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x.is_nan() || a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let clamp = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / clamp(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..100_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / clamp(1.0 + aa * d);
        c = clamp(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / clamp(1.0 + aa * d);
        c = clamp(1.0 + aa / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// P(T > t) for Student's t with `df` degrees of freedom (df may be fractional).
pub fn student_t_sf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    let tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
    if t >= 0.0 { tail } else { 1.0 - tail }
}

/// P(T ≤ t) for Student's t.
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    student_t_sf(-t, df)
}

/// The t with upper tail `tail` (0 < tail < 1), by bisection on [`student_t_sf`].
pub fn student_t_upper_quantile(tail: f64, df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    // Widen the bracket until it holds the answer (heavy tails at small df).
    let mut hi = 8.0;
    while student_t_sf(hi, df) > tail && hi < 1e12 {
        hi *= 4.0;
    }
    bisect_decreasing(|t| student_t_sf(t, df), tail, -hi, hi)
}

/// Solves f(x) = target for a decreasing f on [lo, hi].
fn bisect_decreasing(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    if target.is_nan() || target <= 0.0 || target >= 1.0 {
        return f64::NAN;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-16);
        assert!((normal_upper_quantile(0.025) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((ln_gamma(0.5) - PI.sqrt().ln()).abs() < 1e-14);
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-12);
        // t with 1 degree of freedom is Cauchy: P(T > 1) = 1/4.
        assert!((student_t_sf(1.0, 1.0) - 0.25).abs() < 1e-14);
    }

    #[test]
    fn the_series_and_the_fraction_meet() {
        let below = erfc(2.5 - 1e-12);
        let above = erfc(2.5);
        assert!((below - above).abs() / above < 1e-10, "{below} {above}");
    }
}
