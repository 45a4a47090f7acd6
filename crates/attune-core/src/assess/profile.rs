//! What a result means next to the last one, where it sits on two axes, and
//! the mix of sources it suggests, merged with what the journal shows.

use std::collections::BTreeMap;

use serde::Serialize;

use super::instrument::{Instrument, Link, Side};
use super::score::SubscaleScore;
use super::session::Taken;
use crate::moment::Moment;
use crate::vocab::Source;

/// How one subscale moved since the last time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Higher by more than the "about the same" margin.
    Higher,
    /// Lower by more than the margin.
    Lower,
    /// Within the margin.
    AboutTheSame,
}

/// One subscale then and now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Subscale id.
    pub subscale: String,
    /// Score last time.
    pub before: f64,
    /// Score now.
    pub now: f64,
    /// now − before.
    pub delta: f64,
    /// Higher, lower or about the same.
    pub direction: Direction,
}

/// This result next to the previous one of the same questionnaire.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// When the previous one was taken.
    pub previous_at: Moment,
    /// Its instrument version.
    pub previous_version: u32,
    /// Whether the questionnaire changed in between (compare with care).
    pub version_changed: bool,
    /// Subscales scored both times.
    pub changes: Vec<Change>,
}

/// Compares `current` with `previous`. A change smaller than `same_within`
/// of the subscale's range counts as about the same.
pub fn compare(current: &Taken, previous: &Taken, same_within: f64) -> Comparison {
    let changes = current
        .scores
        .iter()
        .filter_map(|now| {
            let before = previous.score(&now.subscale)?;
            let (b, n) = (before.score?, now.score?);
            let delta = n - b;
            let margin = same_within * (now.max - now.min).abs();
            let direction = if delta.abs() <= margin + 1e-9 {
                Direction::AboutTheSame
            } else if delta > 0.0 {
                Direction::Higher
            } else {
                Direction::Lower
            };
            Some(Change { subscale: now.subscale.clone(), before: b, now: n, delta, direction })
        })
        .collect();
    Comparison {
        previous_at: previous.at.clone(),
        previous_version: previous.version,
        version_changed: previous.version != current.version,
        changes,
    }
}

/// A result drawn on the instrument's two axes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    /// Subscale on x.
    pub x_subscale: String,
    /// Subscale on y.
    pub y_subscale: String,
    /// Score on x.
    pub x: f64,
    /// Score on y.
    pub y: f64,
    /// The side of the x split it is on, for now.
    pub x_side: Side,
    /// The side of the y split.
    pub y_side: Side,
    /// Within a tenth of the range of one of the dividing lines.
    pub near_a_line: bool,
}

/// Where `scores` sit on the instrument's axes (None without axes or scores).
pub fn point(instrument: &Instrument, scores: &[SubscaleScore]) -> Option<Point> {
    let axes = instrument.axes.as_ref()?;
    let get = |id: &str| scores.iter().find(|s| s.subscale == id);
    let (sx, sy) = (get(&axes.x)?, get(&axes.y)?);
    let (x, y) = (sx.score?, sy.score?);
    let side = |v: f64, split: f64| if v >= split { Side::High } else { Side::Low };
    let near = |v: f64, split: f64, s: &SubscaleScore| (v - split).abs() <= 0.1 * (s.max - s.min);
    Some(Point {
        x_subscale: axes.x.clone(),
        y_subscale: axes.y.clone(),
        x,
        y,
        x_side: side(x, axes.x_split),
        y_side: side(y, axes.y_split),
        near_a_line: near(x, axes.x_split, sx) || near(y, axes.y_split, sy),
    })
}

/// The mix of sources a questionnaire suggests: for each source that a
/// subscale measures, where its score sits between lowest (0) and highest (1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceProfile {
    /// The questionnaire.
    pub instrument: String,
    /// Its version.
    pub version: u32,
    /// When it was taken.
    pub taken_at: Moment,
    /// Level 0–1 per source measured.
    pub levels: BTreeMap<Source, f64>,
}

/// The source profile of a result, from the subscales linked to a source
/// (`source = "…"` in the instrument). None when no subscale is linked or
/// none could be scored.
pub fn source_profile(instrument: &Instrument, taken: &Taken) -> Option<SourceProfile> {
    let mut levels = BTreeMap::new();
    for sub in &instrument.subscales {
        if let Some(Link::Source(source)) = sub.link
            && let Some(level) = taken.score(&sub.id).and_then(SubscaleScore::level)
        {
            levels.insert(source, level);
        }
    }
    (!levels.is_empty()).then(|| SourceProfile {
        instrument: taken.instrument.clone(),
        version: taken.version,
        taken_at: taken.at.clone(),
        levels,
    })
}

/// Where an estimate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// Only a questionnaire.
    Assessment,
    /// Only the journal's source tags.
    Journal,
    /// Both.
    Both,
}

/// One source in the merged profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceEstimate {
    /// Which source.
    pub source: Source,
    /// Level from the questionnaire, 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed: Option<f64>,
    /// Share of source-tagged entries that name it, 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<f64>,
    /// Entries naming it.
    pub entries: u32,
    /// The merged estimate, 0–1.
    pub combined: f64,
    /// What the estimate rests on.
    pub basis: Basis,
}

/// How many source-tagged entries weigh as much as one questionnaire, by default.
pub const DEFAULT_JOURNAL_PRIOR: f64 = 10.0;

/// Merges a questionnaire's source profile with the journal's source tags.
///
/// `tags` are (source, entries naming it) pairs and `tagged_entries` the
/// number of entries with any source (in insights:
/// `contexts.sources.iter().map(|p| (p.id, p.entries))` and
/// `contexts.source_tagged_entries`). Each source's estimate is a weighted
/// mean of the questionnaire level and the journal share, where the journal
/// weighs `n / (n + prior)` for `n` tagged entries: with few entries the
/// questionnaire dominates, with many the journal does. Without a
/// questionnaire the journal share is used alone, and without tagged
/// entries the questionnaire alone. Sources with neither are left out.
/// The result is sorted by the combined estimate, highest first (ties in the
/// framework's order). Pure and order-independent.
pub fn merge_source_profile(
    assessed: Option<&SourceProfile>,
    tags: &[(Source, u32)],
    tagged_entries: u32,
    prior: f64,
) -> Vec<SourceEstimate> {
    let prior = if prior.is_finite() && prior >= 0.0 { prior } else { DEFAULT_JOURNAL_PRIOR };
    let mut counts: BTreeMap<Source, u32> = BTreeMap::new();
    for &(s, n) in tags {
        let c = counts.entry(s).or_insert(0);
        *c = c.saturating_add(n);
    }
    let n = f64::from(tagged_entries);
    let w_journal = if tagged_entries == 0 { 0.0 } else { n / (n + prior) };
    let mut out: Vec<SourceEstimate> = Source::ALL
        .iter()
        .filter_map(|&source| {
            let a = assessed.and_then(|p| p.levels.get(&source).copied()).map(|v| v.clamp(0.0, 1.0));
            let entries = counts.get(&source).copied().unwrap_or(0);
            let j = (tagged_entries > 0).then(|| (f64::from(entries) / n).clamp(0.0, 1.0));
            let (combined, basis) = match (a, j) {
                (Some(a), Some(j)) => ((1.0 - w_journal) * a + w_journal * j, Basis::Both),
                (Some(a), None) => (a, Basis::Assessment),
                (None, Some(j)) => (j, Basis::Journal),
                (None, None) => return None,
            };
            Some(SourceEstimate { source, assessed: a, journal: j, entries, combined, basis })
        })
        .collect();
    out.sort_by(|x, y| y.combined.total_cmp(&x.combined).then(x.source.cmp(&y.source)));
    out
}
