//! "What seems to help": next-day felt security after days with and without
//! something (an activity, a ritual), compared with Welch's interval. It
//! describes what goes together, never what causes what.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::config::InsightsConfig;
use super::data::{Data, date_of};
use super::stats::{Welch, welch};
use crate::fmt;

/// A named per-day yes/no, e.g. "a self-worth activity". Days not listed are
/// unknown and left out; a day listed twice counts as "yes" if either says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// How it reads inside a sentence ("a self-worth activity").
    pub name: String,
    /// (local date, whether it happened that day).
    pub days: Vec<(Date, bool)>,
}

/// One exposure compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Association {
    /// The exposure's name.
    pub exposure: String,
    /// Days with it that have a next-day check-in.
    pub with_days: usize,
    /// Days without it that have a next-day check-in.
    pub without_days: usize,
    /// The comparison (with − without), when both groups are large enough.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Welch>,
    /// In a sentence, worded as association.
    pub text: String,
}

/// Splits next-day felt security by exposure into (with, without), given
/// each local day's mean felt security.
pub fn next_day_security(security: &BTreeMap<Date, f64>, exposure: &Exposure) -> (Vec<f64>, Vec<f64>) {
    let mut flags: BTreeMap<Date, bool> = BTreeMap::new();
    for (date, yes) in &exposure.days {
        *flags.entry(*date).or_default() |= *yes;
    }
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for (day, yes) in flags {
        let Ok(next) = day.tomorrow() else { continue };
        if let Some(&s) = security.get(&next) {
            if yes { with.push(s) } else { without.push(s) }
        }
    }
    (with, without)
}

/// Compares the two groups and words the result.
pub fn associate(name: &str, with: &[f64], without: &[f64], cfg: &InsightsConfig) -> Association {
    let a = &cfg.associations;
    let t = &cfg.texts.associations;
    let enough = with.len() >= a.min_group_days && without.len() >= a.min_group_days;
    let comparison = if enough { welch(with, without, a.confidence) } else { None };
    let text = match &comparison {
        Some(w) => t.compared.render(&[
            ("exposure", name.to_string()),
            ("difference", fmt::signed(w.difference)),
            ("low", fmt::signed(w.low)),
            ("high", fmt::signed(w.high)),
            ("with", with.len().to_string()),
            ("without", without.len().to_string()),
        ]),
        None => t.not_enough.render(&[
            ("exposure", name.to_string()),
            ("with", with.len().to_string()),
            ("without", without.len().to_string()),
            ("need", a.min_group_days.to_string()),
        ]),
    };
    Association { exposure: name.to_string(), with_days: with.len(), without_days: without.len(), comparison, text }
}

pub(crate) fn analyse(data: &Data<'_>, exposure: &Exposure, cfg: &InsightsConfig) -> Association {
    // Daily security inside the window (the next day of the window's last day is unknown).
    let window_days = i64::from(data.window_weeks) * 7;
    let days: BTreeMap<Date, f64> = data
        .days
        .iter()
        .enumerate()
        .take(window_days as usize)
        .filter_map(|(back, d)| Some((date_of(data.today - back as i64), d.security.mean()?)))
        .collect();
    let (with, without) = next_day_security(&days, exposure);
    associate(&exposure.name, &with, &without, cfg)
}
