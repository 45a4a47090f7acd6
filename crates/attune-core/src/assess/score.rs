//! Scoring: reverse keying, missing answers, norms and bands.
//!
//! Rules, in the order they apply to each subscale:
//! 1. A reverse-keyed answer `v` counts as `first + last − v` (on a 1–7
//!    scale, 7 counts as 1 and 2 as 6).
//! 2. Unanswered items are left out. If fewer than `min_answered` of the
//!    subscale's items were answered, the subscale has no score.
//! 3. `mean`: the mean of the answered (keyed) items. `sum`: the sum; when
//!    items are missing, the mean × the number of items (prorated), so a
//!    skipped item does not read as a low score.
//! 4. With norms: z = (score − mean) / sd, and the percentile is the share of
//!    a normal reference group scoring lower (100·Φ(z)).
//! 5. The band is the one whose `from ≤ score < to` (the highest band also
//!    takes its `to`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::instrument::{Aggregate, Band, Instrument, Subscale};

/// Answers by item id. Skipped items are absent.
pub type Answers = BTreeMap<String, i32>;

/// The score of one subscale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscaleScore {
    /// Subscale id.
    pub subscale: String,
    /// Items in the subscale.
    pub items: u32,
    /// Items answered.
    pub answered: u32,
    /// The score; absent when too few items were answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Lowest possible score.
    pub min: f64,
    /// Highest possible score.
    pub max: f64,
    /// Standard score against the norms, when the instrument has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z: Option<f64>,
    /// Share of the reference group scoring lower, 0–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile: Option<f64>,
    /// Label of the band the score falls in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
}

impl SubscaleScore {
    /// Where the score sits between the lowest (0) and highest (1) possible.
    pub fn level(&self) -> Option<f64> {
        let span = self.max - self.min;
        self.score.map(|s| if span > 0.0 { ((s - self.min) / span).clamp(0.0, 1.0) } else { 0.0 })
    }
}

/// An answer that does not fit the instrument.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// No item with that id.
    #[error("the questionnaire has no item '{0}'")]
    UnknownItem(String),
    /// A value off the scale.
    #[error("{value} is not an answer to item '{item}': use a whole number from {first} to {last}")]
    OffScale {
        /// The item.
        item: String,
        /// What was given.
        value: i32,
        /// Lowest answer.
        first: i32,
        /// Highest answer.
        last: i32,
    },
}

/// Checks one answer against the instrument.
pub fn check_answer(instrument: &Instrument, item: &str, value: i32) -> Result<(), AnswerError> {
    if instrument.item(item).is_none() {
        return Err(AnswerError::UnknownItem(item.to_string()));
    }
    if !instrument.scale.contains(value) {
        return Err(AnswerError::OffScale {
            item: item.to_string(),
            value,
            first: instrument.scale.first,
            last: instrument.scale.last(),
        });
    }
    Ok(())
}

/// Scores every subscale, in the instrument's order.
pub fn score(instrument: &Instrument, answers: &Answers) -> Result<Vec<SubscaleScore>, AnswerError> {
    for (item, value) in answers {
        check_answer(instrument, item, *value)?;
    }
    Ok(instrument.subscales.iter().map(|s| score_subscale(instrument, s, answers)).collect())
}

fn score_subscale(instrument: &Instrument, sub: &Subscale, answers: &Answers) -> SubscaleScore {
    let scale = &instrument.scale;
    let (mut n, mut answered, mut sum) = (0u32, 0u32, 0i64);
    for item in instrument.items_of(&sub.id) {
        n += 1;
        if let Some(&v) = answers.get(&item.id) {
            answered += 1;
            sum += i64::from(if item.reverse { scale.reverse(v) } else { v });
        }
    }
    let (min, max) = instrument.range(sub);
    let enough = n > 0 && f64::from(answered) >= sub.min_answered * f64::from(n) - 1e-9 && answered > 0;
    let score = enough.then(|| {
        let sum = sum as f64;
        match sub.score {
            Aggregate::Mean => sum / f64::from(answered),
            // Exact when everything was answered (sum·n/n), prorated otherwise.
            Aggregate::Sum => sum * f64::from(n) / f64::from(answered),
        }
    });
    let z = score.zip(sub.norm).map(|(s, norm)| (s - norm.mean) / norm.sd);
    SubscaleScore {
        subscale: sub.id.clone(),
        items: n,
        answered,
        score,
        min,
        max,
        z,
        percentile: z.map(|z| 100.0 * normal_cdf(z)),
        band: score.and_then(|s| band_for(sub, s)).map(|b| b.label.clone()),
    }
}

/// The band a score falls in.
pub fn band_for(sub: &Subscale, score: f64) -> Option<&Band> {
    let last = sub.bands.iter().max_by(|a, b| a.to.total_cmp(&b.to))?;
    sub.bands
        .iter()
        .find(|b| score >= b.from - 1e-9 && score < b.to - 1e-9)
        .or_else(|| (score >= last.from - 1e-9 && score <= last.to + 1e-9).then_some(last))
}

/// The standard normal distribution function Φ(z), accurate to about 1e-7
/// (Abramowitz & Stegun 7.1.26 for erf).
pub fn normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return 0.5;
    }
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_the_table() {
        for (z, p) in [(0.0, 0.5), (1.0, 0.841_344_7), (-1.0, 0.158_655_3), (1.96, 0.975_002_1), (-2.5, 0.006_209_7)] {
            assert!((normal_cdf(z) - p).abs() < 1e-6, "{z}: {}", normal_cdf(z));
        }
        assert_eq!(normal_cdf(f64::INFINITY), 1.0);
        assert_eq!(normal_cdf(f64::NEG_INFINITY), 0.0);
    }
}
