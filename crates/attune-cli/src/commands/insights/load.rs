//! Reading what the insights look at: the content (rules and headings) and
//! the records of the window, plus the example entries' numbers and titles.
//! `attune report` reads through here too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use attune_core::content::{ContentError, Library};
use attune_core::insights::{Exposure, Facts, Insights, InsightsConfig, Window};
use attune_core::{Checkin, LabelKind};
use attune_store::Store;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan, ZonedDateTime};

use super::texts::{CONFIG_FILE, HelpsTexts, TEXTS_FILE, Texts};
use crate::error::{CliError, CliResult};

/// The content this screen needs: the rules, and its headings.
pub fn load_content(library: &Library) -> CliResult<(InsightsConfig, Texts)> {
    let bad = |e: ContentError| {
        CliError::user(format!("content file {} is invalid: {}", e.file, e.message))
            .hint("fix the file in your content_dir, or remove it there to use the built-in one")
    };
    let cfg = InsightsConfig::from_toml(library.text(CONFIG_FILE).map_err(bad)?).map_err(bad)?;
    let texts = Texts::parse(library.text(TEXTS_FILE).map_err(bad)?).map_err(bad)?;
    Ok((cfg, texts))
}

/// What core is given, and the entry numbers by id.
pub struct Loaded {
    /// What core counts of the entries (the store's lean read).
    pub(crate) facts: Facts,
    pub(crate) checkins: Vec<Checkin>,
    pub(crate) exposures: Vec<Exposure>,
    /// `seqs[i]` is the number of `facts.entries[i]`.
    seqs: Vec<i64>,
}

/// Reads what the analysis can look at: everything (for `Window::All`), or
/// the window plus the weeks the pattern and setback rules compare with, a
/// day wider on each side for records lived in other time zones; core
/// places each on its own local day. With `--until`, records after that day
/// are left out here, so core does not count them as "dated in the future".
pub fn load(
    store: &Store,
    cfg: &InsightsConfig,
    now: &ZonedDateTime,
    window: Window,
    cut: bool,
    helps: Option<&HelpsTexts>,
) -> CliResult<Loaded> {
    let today = now.date();
    let since = match window {
        Window::All => None,
        Window::LastWeeks(n) => {
            let weeks = n.min(cfg.window.max_weeks).max(cfg.pattern.recent_weeks).max(cfg.progress.setback_weeks + 1);
            let first = today.checked_sub((i64::from(weeks) * 7).days()).unwrap_or(Date::MIN);
            first
                .yesterday()
                .ok()
                .and_then(|d| d.to_zoned_datetime(now.time_zone().clone()).ok())
                .map(|z| z.timestamp())
        }
    };
    let until = if cut {
        today
            .checked_add(2.days())
            .ok()
            .and_then(|d| d.to_zoned_datetime(now.time_zone().clone()).ok())
            .map(|z| z.timestamp())
    } else {
        None
    };
    let (mut seqs, mut facts) = store.entry_facts(since, until)?;
    if cut {
        let keep: Vec<bool> = facts.entries.iter().map(|e| e.local().date() <= today).collect();
        let mut k = keep.iter();
        facts.entries.retain(|_| k.next().copied().unwrap_or(false));
        let mut k = keep.iter();
        seqs.retain(|_| k.next().copied().unwrap_or(false));
    }
    let checkins: Vec<Checkin> = store
        .checkins_between(since, until)?
        .into_iter()
        .map(|r| r.item)
        .filter(|c| !cut || c.at.local().date() <= today)
        .collect();
    let exposures = match helps {
        Some(t) => exposures(store, t, &facts, &checkins, since)?,
        None => Vec::new(),
    };
    Ok(Loaded { facts, checkins, exposures, seqs })
}

/// "What seems to help": per-day yes/no records to compare next-day felt
/// security with. A day counts when the person noted anything in attune
/// (an entry, a check-in, an activity, a pause): "yes" when it had the
/// thing, "no" otherwise; days without any note are unknown and left out.
/// Only things the person has recorded at all are compared. (Contact with
/// supporters and agreements kept can join here once they are recorded by
/// day.)
pub(super) fn exposures(
    store: &Store,
    texts: &HelpsTexts,
    facts: &Facts,
    checkins: &[Checkin],
    since: Option<Timestamp>,
) -> CliResult<Vec<Exposure>> {
    let activities: BTreeSet<Date> = store.activities(since, None)?.iter().map(|a| a.item.at.local().date()).collect();
    let pauses: BTreeSet<Date> = store
        .pauses(None)?
        .iter()
        .filter(|p| since.is_none_or(|s| p.item.started.at >= s))
        .map(|p| p.item.started.local().date())
        .collect();
    if activities.is_empty() && pauses.is_empty() {
        return Ok(Vec::new());
    }
    let mut days: BTreeSet<Date> = activities.union(&pauses).copied().collect();
    days.extend(facts.entries.iter().map(|e| e.local().date()));
    days.extend(checkins.iter().map(|c| c.at.local().date()));
    let exposure = |name: &str, yes: &BTreeSet<Date>| Exposure {
        name: name.to_string(),
        days: days.iter().map(|d| (*d, yes.contains(d))).collect(),
    };
    let mut out = Vec::new();
    if !activities.is_empty() {
        out.push(exposure(&texts.activity, &activities));
    }
    if !pauses.is_empty() {
        out.push(exposure(&texts.pause, &pauses));
    }
    Ok(out)
}

/// Entry numbers of the examples, by id (as strings, for JSON). A handful
/// of ids, looked up in place: cheaper than indexing every entry.
pub(super) fn example_numbers(insights: &Insights, data: &Loaded) -> BTreeMap<String, i64> {
    insights
        .triggers
        .ranked
        .iter()
        .flat_map(|t| &t.examples)
        .filter_map(|id| {
            let at = data.facts.entries.iter().position(|e| e.id == *id)?;
            Some((id.to_string(), *data.seqs.get(at)?))
        })
        .collect()
}

/// The first line of each example entry (read in full, a few of them).
pub(super) fn example_titles(store: &Store, numbers: &BTreeMap<String, i64>) -> CliResult<HashMap<i64, String>> {
    let mut titles = HashMap::new();
    for &seq in numbers.values() {
        titles.insert(seq, store.entry(seq)?.item.title(40));
    }
    Ok(titles)
}

/// The person's names for their triggers and feelings, by slug.
pub(super) fn label_names(store: &Store) -> CliResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for kind in [LabelKind::Trigger, LabelKind::Feeling] {
        for l in store.labels(kind)? {
            names.insert(format!("{kind}:{}", l.slug), l.name);
        }
    }
    Ok(names)
}
