//! When it happens (weekday × part of day), which feelings come with each
//! trigger, the signs and sources profile, and the share tied to social media.

use serde::Serialize;

use super::config::InsightsConfig;
use super::data::Data;
use crate::label::Slug;
use crate::vocab::{Sign, Source};

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// A part of the day (start hours in `contexts.day_parts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayPart {
    /// From the first start hour (0).
    Night,
    /// From the second.
    Morning,
    /// From the third.
    Afternoon,
    /// From the fourth.
    Evening,
}

const PARTS: [DayPart; 4] = [DayPart::Night, DayPart::Morning, DayPart::Afternoon, DayPart::Evening];

/// The context insights.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contexts {
    /// Start hour of each part of the day, in [`DayPart`] order.
    pub day_part_starts: [u8; 4],
    /// Monday to Sunday, each with the four parts of the day.
    pub grid: Vec<WeekdayRow>,
    /// The busiest cell, when there are any entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak: Option<GridPeak>,
    /// The feelings named most with each trigger, in trigger rank order.
    pub feelings_by_trigger: Vec<TriggerFeelings>,
    /// Share of entries with any sign that show each sign.
    pub signs: Vec<ProfileShare<Sign>>,
    /// Entries with at least one sign.
    pub sign_tagged_entries: u32,
    /// Share of entries with any source that name each source.
    pub sources: Vec<ProfileShare<Source>>,
    /// Entries with at least one source.
    pub source_tagged_entries: u32,
    /// Entries tied to social media or comparison.
    pub social: SocialShare,
}

/// One weekday.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekdayRow {
    /// "monday" … "sunday".
    pub weekday: &'static str,
    /// Night, morning, afternoon, evening.
    pub cells: Vec<GridCell>,
}

/// One weekday × part of day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridCell {
    /// Which part.
    pub part: DayPart,
    /// Entries.
    pub episodes: u32,
    /// Strong entries.
    pub strong: u32,
    /// Mean intensity of the rated ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_intensity: Option<f64>,
}

/// The busiest weekday × part of day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridPeak {
    /// Which day.
    pub weekday: &'static str,
    /// Which part.
    pub part: DayPart,
    /// Entries there.
    pub episodes: u32,
    /// Their share of all entries (an even spread would be 1/28).
    pub share: f64,
}

/// Feelings named with one trigger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TriggerFeelings {
    /// The trigger.
    pub trigger: Slug,
    /// Most frequent first.
    pub feelings: Vec<FeelingShare>,
}

/// A feeling's share of a trigger's episodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeelingShare {
    /// The feeling.
    pub feeling: Slug,
    /// Episodes of the trigger naming it.
    pub episodes: u32,
    /// As a share of the trigger's episodes.
    pub share: f64,
}

/// One sign or source in the profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileShare<T> {
    /// Which.
    pub id: T,
    /// Entries with it.
    pub entries: u32,
    /// Share of the tagged entries (0 when none are tagged).
    pub share: f64,
}

/// Social media and comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SocialShare {
    /// Entries with the social trigger or the `comparison` source.
    pub episodes: u32,
    /// All entries in the window.
    pub of: u32,
    /// episodes / of (0 when there are none).
    pub share: f64,
    /// A plain sentence, when any entry is tied to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

fn share(part: u32, whole: u32) -> f64 {
    if whole == 0 { 0.0 } else { f64::from(part) / f64::from(whole) }
}

fn part_of(hour: u8, starts: [u8; 4]) -> usize {
    starts.iter().rposition(|&s| hour >= s).unwrap_or(0)
}

pub(crate) fn analyse(data: &Data<'_>, feelings_by_trigger: Vec<TriggerFeelings>, cfg: &InsightsConfig) -> Contexts {
    let starts = cfg.contexts.day_parts;
    let strong_at = cfg.episodes.strong_intensity;
    let social_trigger = &cfg.contexts.social_trigger;
    let mut cells = [[(0u32, 0u32, 0u32, 0u64); 4]; 7];
    let mut signs = [0u32; 5];
    let mut sources = [0u32; 5];
    let (mut sign_tagged, mut source_tagged, mut social) = (0u32, 0u32, 0u32);

    let facts = data.facts;
    let is_social: Vec<bool> = facts.labels.iter().map(|l| l == social_trigger).collect();
    for e in &data.entries {
        let entry = e.entry;
        let cell = &mut cells[e.weekday.min(6)][part_of(e.hour, starts)];
        cell.0 += 1;
        if let Some(i) = e.intensity() {
            cell.1 += u32::from(i >= strong_at);
            cell.2 += 1;
            cell.3 += u64::from(i);
        }
        count_set(entry.signs, Sign::ALL.len(), &mut signs, &mut sign_tagged);
        count_set(entry.sources, Source::ALL.len(), &mut sources, &mut source_tagged);
        let comparison = entry.sources & (1 << Source::Comparison.index()) != 0;
        if comparison || facts.triggers(entry).iter().any(|&p| is_social.get(p as usize).copied().unwrap_or(false)) {
            social += 1;
        }
    }

    let total = u32::try_from(data.entries.len()).unwrap_or(u32::MAX);
    let grid: Vec<WeekdayRow> = WEEKDAYS
        .iter()
        .zip(cells.iter())
        .map(|(weekday, row)| WeekdayRow {
            weekday,
            cells: PARTS
                .iter()
                .zip(row.iter())
                .map(|(&part, &(episodes, strong, rated, sum))| GridCell {
                    part,
                    episodes,
                    strong,
                    mean_intensity: (rated > 0).then(|| sum as f64 / f64::from(rated)),
                })
                .collect(),
        })
        .collect();
    let mut peak: Option<GridPeak> = None;
    for row in &grid {
        for c in &row.cells {
            if c.episodes > 0 && peak.as_ref().is_none_or(|p| c.episodes > p.episodes) {
                peak = Some(GridPeak {
                    weekday: row.weekday,
                    part: c.part,
                    episodes: c.episodes,
                    share: share(c.episodes, total),
                });
            }
        }
    }

    let social_share = share(social, total);
    Contexts {
        day_part_starts: starts,
        grid,
        peak,
        feelings_by_trigger,
        signs: Sign::ALL
            .iter()
            .map(|&id| ProfileShare { id, entries: signs[id.index()], share: share(signs[id.index()], sign_tagged) })
            .collect(),
        sign_tagged_entries: sign_tagged,
        sources: Source::ALL
            .iter()
            .map(|&id| ProfileShare {
                id,
                entries: sources[id.index()],
                share: share(sources[id.index()], source_tagged),
            })
            .collect(),
        source_tagged_entries: source_tagged,
        social: SocialShare {
            episodes: social,
            of: total,
            share: social_share,
            text: (social > 0)
                .then(|| cfg.texts.contexts.social.render(&[("share", crate::fmt::percent(social_share))])),
        },
    }
}

/// Counts each distinct value once per entry.
/// Counts each bit of `mask` (one per vocabulary position, `len` of them),
/// and `tagged` once when any is set.
fn count_set(mask: u32, len: usize, counts: &mut [u32; 5], tagged: &mut u32) {
    let mask = mask & ((1u32 << len) - 1);
    if mask == 0 {
        return;
    }
    *tagged += 1;
    for (i, c) in counts.iter_mut().enumerate() {
        *c += (mask >> i) & 1;
    }
}
