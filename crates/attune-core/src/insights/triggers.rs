//! Trigger statistics, the shrunken ranking, and the feelings that come
//! with each trigger (counted in the same pass over the entries).

use serde::Serialize;

use super::config::InsightsConfig;
use super::contexts::{FeelingShare, TriggerFeelings};
use super::data::{Data, EntryAt, FastMap};
use super::stats::{GroupSums, ShrinkSettings, shrink};
use crate::ids::RecordId;
use crate::label::Slug;
use crate::moment::Moment;

/// The ranked triggers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TriggerInsights {
    /// How the ranking works, in plain words.
    pub method: String,
    /// The average intensity over all rated trigger episodes (the value scores shrink toward).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overall_mean: Option<f64>,
    /// How many episodes the overall average counts as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior_weight: Option<f64>,
    /// Highest score first; triggers without any rated episode come last.
    pub ranked: Vec<TriggerStat>,
}

/// One trigger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TriggerStat {
    /// The trigger.
    pub trigger: Slug,
    /// Entries naming it.
    pub episodes: u32,
    /// Of those, with an intensity.
    pub rated: u32,
    /// Plain mean intensity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_intensity: Option<f64>,
    /// Share of rated episodes that were strong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strong_share: Option<f64>,
    /// When it last happened.
    pub last_seen: Moment,
    /// Shrunken mean intensity, the ranking key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Where the typical intensity likely lies (clamped to 0–10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
    /// Example entries (the most intense, then the most recent), for the top triggers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<RecordId>,
}

struct Acc<'a> {
    slug: &'a Slug,
    sums: GroupSums,
    episodes: u32,
    strong: u32,
    last: &'a EntryAt<'a>,
    /// The best example candidates so far, best first.
    best: Vec<&'a EntryAt<'a>>,
    /// (feeling index, episodes)
    feelings: FastMap<u32, u32>,
}

/// Orders entries newest first, with the id deciding exact ties.
fn recency(e: &EntryAt<'_>) -> (i64, RecordId) {
    (e.entry.at.as_millisecond(), e.entry.id)
}

/// Examples: the most intense, then the most recent.
fn example_key(e: &EntryAt<'_>) -> (Option<u8>, (i64, RecordId)) {
    (e.intensity(), recency(e))
}

pub(crate) fn analyse(data: &Data<'_>, cfg: &InsightsConfig) -> (TriggerInsights, Vec<TriggerFeelings>) {
    let t = &cfg.triggers;
    let strong_at = cfg.episodes.strong_intensity;
    let keep = t.examples_each;
    let facts = data.facts;
    // Labels are small numbers: the accumulators and feeling numbers are
    // found by position, without hashing a slug per entry.
    let mut index: Vec<Option<usize>> = vec![None; facts.labels.len()];
    let mut feeling_index: FastMap<&str, u32> = FastMap::default();
    let mut feeling_of: Vec<Option<u32>> = vec![None; facts.labels.len()];
    let mut feeling_slugs: Vec<&Slug> = Vec::new();
    let mut accs: Vec<Acc<'_>> = Vec::new();
    let mut feeling_ids: Vec<u32> = Vec::new();
    for e in &data.entries {
        let triggers = facts.triggers(e.entry);
        if triggers.is_empty() {
            continue;
        }
        feeling_ids.clear();
        for &p in facts.feelings(e.entry) {
            let Some(slug) = facts.labels.get(p as usize) else { continue };
            let id = match feeling_of[p as usize] {
                Some(id) => id,
                None => {
                    // The same slug under two positions is one feeling.
                    let id = *feeling_index.entry(slug.as_str()).or_insert_with(|| {
                        feeling_slugs.push(slug);
                        u32::try_from(feeling_slugs.len() - 1).unwrap_or(u32::MAX)
                    });
                    feeling_of[p as usize] = Some(id);
                    id
                }
            };
            if !feeling_ids.contains(&id) {
                feeling_ids.push(id);
            }
        }
        for (k, &p) in triggers.iter().enumerate() {
            let Some(slug) = facts.labels.get(p as usize) else { continue };
            if triggers[..k].iter().any(|&q| facts.labels.get(q as usize) == Some(slug)) {
                continue;
            }
            let at = match index[p as usize] {
                Some(at) => at,
                None => {
                    let at = match accs.iter().position(|a| a.slug == slug) {
                        Some(at) => at,
                        None => {
                            accs.push(Acc {
                                slug,
                                sums: GroupSums::default(),
                                episodes: 0,
                                strong: 0,
                                last: e,
                                best: Vec::new(),
                                feelings: FastMap::default(),
                            });
                            accs.len() - 1
                        }
                    };
                    index[p as usize] = Some(at);
                    at
                }
            };
            let acc = &mut accs[at];
            acc.episodes += 1;
            if let Some(v) = e.intensity() {
                acc.sums.add(u64::from(v));
                acc.strong += u32::from(v >= strong_at);
            }
            if recency(e) > recency(acc.last) {
                acc.last = e;
            }
            if keep > 0 && (acc.best.len() < keep || acc.best.last().is_some_and(|w| example_key(e) > example_key(w))) {
                let pos = acc.best.partition_point(|b| example_key(b) > example_key(e));
                acc.best.insert(pos, e);
                acc.best.truncate(keep);
            }
            for &f in &feeling_ids {
                *acc.feelings.entry(f).or_default() += 1;
            }
        }
    }

    // A fixed order keeps the floating-point sums independent of input order.
    accs.sort_by(|a, b| a.slug.cmp(b.slug));
    let settings = ShrinkSettings {
        prior_min: t.prior_episodes_min,
        prior_max: t.prior_episodes_max,
        variance_floor: t.within_variance_floor,
        variance_fallback: t.within_variance_fallback,
        confidence: t.interval_confidence,
    };
    let sums: Vec<GroupSums> = accs.iter().map(|a| a.sums).collect();
    let fit = shrink(&sums, &settings);

    let mut ranked: Vec<(TriggerStat, &Acc<'_>)> = accs
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let shrunk = fit.as_ref().and_then(|f| f.groups[i]);
            let rated = u32::try_from(a.sums.n).unwrap_or(u32::MAX);
            let stat = TriggerStat {
                trigger: a.slug.clone(),
                episodes: a.episodes,
                rated,
                mean_intensity: shrunk.map(|s| s.raw_mean),
                strong_share: (rated > 0).then(|| f64::from(a.strong) / f64::from(rated)),
                last_seen: facts.occurred(a.last.entry),
                score: shrunk.map(|s| s.score),
                interval: shrunk.map(|s| [s.low.clamp(0.0, 10.0), s.high.clamp(0.0, 10.0)]),
                examples: Vec::new(),
            };
            (stat, a)
        })
        .collect();
    ranked.sort_by(|(a, _), (b, _)| {
        let score = |s: &TriggerStat| s.score.unwrap_or(f64::NEG_INFINITY);
        score(b).total_cmp(&score(a)).then(b.episodes.cmp(&a.episodes)).then_with(|| a.trigger.cmp(&b.trigger))
    });
    for (stat, acc) in ranked.iter_mut().take(t.with_examples) {
        stat.examples = acc.best.iter().map(|e| e.entry.id).collect();
    }

    let feelings = ranked
        .iter()
        .filter(|(_, acc)| !acc.feelings.is_empty())
        .map(|(stat, acc)| {
            let mut f: Vec<FeelingShare> = acc
                .feelings
                .iter()
                .filter_map(|(&id, &n)| {
                    let slug = feeling_slugs.get(id as usize)?;
                    Some(FeelingShare {
                        feeling: (*slug).clone(),
                        episodes: n,
                        share: f64::from(n) / f64::from(acc.episodes),
                    })
                })
                .collect();
            f.sort_by(|a, b| b.episodes.cmp(&a.episodes).then_with(|| a.feeling.cmp(&b.feeling)));
            f.truncate(t.feelings_each);
            TriggerFeelings { trigger: stat.trigger.clone(), feelings: f }
        })
        .collect();

    let confidence = crate::fmt::percent(t.interval_confidence);
    let insights = TriggerInsights {
        method: cfg.texts.triggers.method.render(&[("confidence", confidence)]),
        overall_mean: fit.as_ref().map(|f| f.overall_mean),
        prior_weight: fit.as_ref().map(|f| f.prior_weight),
        ranked: ranked.into_iter().map(|(s, _)| s).collect(),
    };
    (insights, feelings)
}
