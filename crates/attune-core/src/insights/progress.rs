//! From "I feel unsafe" toward "I feel seen, trusted, respected" (framework
//! §6): weekly measures, an honest trend test, and setbacks framed as a
//! chance to practise. No streaks: nothing here counts consecutive days.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::config::InsightsConfig;
use super::data::{Data, Tally, WeekAgg, consequence_at};
use super::stats::{MannKendall, mann_kendall, median, theil_sen};
use crate::fmt;
use crate::vocab::Consequence;

/// One rolling week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekSummary {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// Entries.
    pub entries: u32,
    /// Entries that count toward the pattern.
    pub episodes: u32,
    /// Strong entries.
    pub strong_entries: u32,
    /// Mean intensity of the rated entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_intensity: Option<f64>,
    /// Check-ins.
    pub checkins: u32,
    /// Weekly mean felt security.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<f64>,
    /// Weekly mean of feeling seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<f64>,
    /// Weekly mean of feeling trusted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted: Option<f64>,
    /// Weekly mean of feeling respected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub respected: Option<f64>,
    /// Days with any entry or check-in.
    pub recorded_days: u32,
    /// Days insecurity dominated (see `dominated_day_rule`).
    pub dominated_days: u32,
    /// dominated_days / recorded_days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dominated_share: Option<f64>,
    /// Weekly mean rating (0–3) of each rated consequence.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub consequences: BTreeMap<Consequence, f64>,
}

pub(crate) fn week_summary(data: &Data<'_>, back: u32) -> WeekSummary {
    let (start, end) = data.week_dates(back);
    let w: &WeekAgg = &data.weeks[back as usize];
    WeekSummary {
        start,
        end,
        entries: w.entries,
        episodes: w.episodes,
        strong_entries: w.strong,
        mean_intensity: w.intensity.mean(),
        checkins: w.checkins,
        security: w.security.mean(),
        seen: w.seen.mean(),
        trusted: w.trusted.mean(),
        respected: w.respected.mean(),
        recorded_days: w.recorded_days,
        dominated_days: w.dominated_days,
        dominated_share: (w.recorded_days > 0).then(|| f64::from(w.dominated_days) / f64::from(w.recorded_days)),
        consequences: w
            .consequences
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((consequence_at(i), t.mean()?)))
            .collect(),
    }
}

/// Weekly series, trends and the setback flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    /// The window's weeks, oldest first.
    pub weeks: Vec<WeekSummary>,
    /// How a dominated day is defined.
    pub dominated_day_rule: String,
    /// Security, seen, trusted, respected.
    pub trends: Vec<Trend>,
    /// Present when the last 7 days were notably harder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setback: Option<Setback>,
}

/// Which weekly measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Felt security.
    Security,
    /// Feeling seen.
    Seen,
    /// Feeling trusted.
    Trusted,
    /// Feeling respected.
    Respected,
}

impl Measure {
    fn tally(self, w: &WeekAgg) -> &Tally {
        match self {
            Measure::Security => &w.security,
            Measure::Seen => &w.seen,
            Measure::Trusted => &w.trusted,
            Measure::Respected => &w.respected,
        }
    }
}

/// Which way a measure is going (higher is better for all four).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Significant upward trend.
    Improving,
    /// Significant downward trend.
    Declining,
    /// No significant trend.
    Steady,
    /// Too little data to test.
    NotEnoughData,
}

/// What is missing before a trend can be called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Needed {
    /// "checkins" or "weeks".
    pub what: &'static str,
    /// How many there are.
    pub have: u32,
    /// How many are needed.
    pub need: u32,
}

/// The trend of one measure over the window's weeks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    /// Which measure.
    pub measure: Measure,
    /// The call.
    pub direction: Direction,
    /// In a sentence.
    pub text: String,
    /// Check-ins that rated the measure in the weeks used.
    pub checkins: u32,
    /// Weeks with a value.
    pub weeks: u32,
    /// Present when there is too little data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needed: Option<Needed>,
    /// Theil–Sen slope, points per week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slope_per_week: Option<f64>,
    /// Sen's interval for the slope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slope_interval: Option<[f64; 2]>,
    /// Mann–Kendall test on the weekly means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mann_kendall: Option<MannKendall>,
}

/// The last 7 days were notably below the usual level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setback {
    /// Mean felt security of the last 7 days.
    pub last_week: f64,
    /// Median of the previous weeks' means.
    pub usual: f64,
    /// usual − last_week.
    pub drop: f64,
    /// Previous weeks with check-ins that were compared.
    pub weeks_compared: u32,
    /// A sentence that frames it as a chance to practise.
    pub text: String,
    /// The rule.
    pub rule: String,
}

pub(crate) fn analyse(data: &Data<'_>, cfg: &InsightsConfig) -> Progress {
    let weeks = (0..data.window_weeks).rev().map(|back| week_summary(data, back)).collect();
    let d = &cfg.dominated_day;
    let dominated_day_rule = cfg
        .texts
        .days
        .dominated_rule
        .render(&[("intensity", d.intensity_at_least.to_string()), ("security", d.security_at_most.to_string())]);
    let trends = [Measure::Security, Measure::Seen, Measure::Trusted, Measure::Respected]
        .into_iter()
        .map(|m| trend(data, m, cfg))
        .collect();
    Progress { weeks, dominated_day_rule, trends, setback: setback(data, cfg) }
}

fn trend(data: &Data<'_>, measure: Measure, cfg: &InsightsConfig) -> Trend {
    let pr = &cfg.progress;
    let used = data.window_weeks.min(pr.max_trend_weeks);
    // Oldest first; x is the week's position, so gaps keep their width.
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut checkins = 0;
    for back in (0..used).rev() {
        let t = measure.tally(&data.weeks[back as usize]);
        if let Some(m) = t.mean() {
            x.push(f64::from(used - 1 - back));
            y.push(m);
            checkins += t.n;
        }
    }
    let n_weeks = u32::try_from(y.len()).unwrap_or(u32::MAX);
    let names = &cfg.texts.measures;
    let name = match measure {
        Measure::Security => &names.security,
        Measure::Seen => &names.seen,
        Measure::Trusted => &names.trusted,
        Measure::Respected => &names.respected,
    };
    let t = &cfg.texts.trend;
    let short = |what: &'static str, have: u32, need: u32| {
        let template = if what == "checkins" { &t.not_enough_checkins } else { &t.not_enough_weeks };
        Trend {
            measure,
            direction: Direction::NotEnoughData,
            text: template.render(&[("measure", name.clone()), ("have", have.to_string()), ("need", need.to_string())]),
            checkins,
            weeks: n_weeks,
            needed: Some(Needed { what, have, need }),
            slope_per_week: None,
            slope_interval: None,
            mann_kendall: None,
        }
    };
    if checkins < pr.min_checkins {
        return short("checkins", checkins, pr.min_checkins);
    }
    if n_weeks < pr.min_weeks {
        return short("weeks", n_weeks, pr.min_weeks);
    }
    let (Some(line), Some(mk)) = (theil_sen(&x, &y, pr.slope_confidence), mann_kendall(&y)) else {
        return short("weeks", n_weeks, pr.min_weeks);
    };
    let direction = if mk.p < pr.significance && line.slope > 0.0 {
        Direction::Improving
    } else if mk.p < pr.significance && line.slope < 0.0 {
        Direction::Declining
    } else {
        Direction::Steady
    };
    let template = match direction {
        Direction::Improving => &t.rising,
        Direction::Declining => &t.falling,
        _ => &t.steady,
    };
    let text = template.render(&[
        ("measure", name.clone()),
        ("slope", fmt::signed(line.slope)),
        ("weeks", used.to_string()),
        ("p", fmt::p_value(mk.p)),
    ]);
    Trend {
        measure,
        direction,
        text,
        checkins,
        weeks: n_weeks,
        needed: None,
        slope_per_week: Some(line.slope),
        slope_interval: Some([line.low_slope, line.high_slope]),
        mann_kendall: Some(mk),
    }
}

fn setback(data: &Data<'_>, cfg: &InsightsConfig) -> Option<Setback> {
    let pr = &cfg.progress;
    let last = data.weeks.first()?.security.mean()?;
    let before: Vec<f64> =
        data.weeks.iter().skip(1).take(pr.setback_weeks as usize).filter_map(|w| w.security.mean()).collect();
    if before.len() < pr.setback_min_weeks as usize {
        return None;
    }
    let usual = median(&before)?;
    let drop = usual - last;
    if drop < pr.setback_drop {
        return None;
    }
    let t = &cfg.texts.setback;
    Some(Setback {
        last_week: last,
        usual,
        drop,
        weeks_compared: u32::try_from(before.len()).unwrap_or(0),
        text: t.text.render(&[("last", fmt::one(last)), ("usual", fmt::one(usual))]),
        rule: t.rule.render(&[("drop", fmt::one(pr.setback_drop)), ("weeks", pr.setback_weeks.to_string())]),
    })
}
