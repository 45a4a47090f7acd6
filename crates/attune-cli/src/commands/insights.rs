//! `attune insights`: what the journal shows, honestly. The statistics are
//! `attune_core::insights`; this file loads the records, asks core, and lays
//! the result out as plain text (charts made of characters, readable without
//! colour) or prints it as JSON. Headings and legends come from
//! `content/insights/terminal.toml`, the rules and numbered sentences from
//! `content/insights.toml`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use attune_core::content::{ContentError, Library};
use attune_core::insights::{
    Direction, Exposure, Facts, HelpSuggestion, Insights, InsightsConfig, NextKind, NextStep, ProfileShare, Template,
    Verdict, WeekSummary, Window, insights_of, next_steps,
};
use attune_core::safety::SafetyPolicy;
use attune_core::vocab::{Sign, Source};
use attune_core::when::Edge;
use attune_core::{Checkin, LabelKind};
use attune_store::Store;
use clap::Args;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM};
use crate::safety::{self, ModeNote, paragraph, wrap, wrap_indent};

/// `attune insights`.
#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// Look back from this date or phrase ("2026-09-01", "3 months ago"); rounded to whole weeks.
    #[arg(long, value_name = "WHEN", conflicts_with = "weeks")]
    pub since: Option<String>,
    /// Look back from this day instead of today ("last week", "2026-10-31").
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Look at the last N weeks (default: everything, up to ten years).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=5200))]
    pub weeks: Option<u32>,
    /// Print JSON (the shape is in docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The content file with this screen's headings and legends.
pub const TEXTS_FILE: &str = "insights/terminal.toml";
/// The rules and numbered sentences.
pub const CONFIG_FILE: &str = "insights.toml";
/// The charts show at most this many weeks.
const CHART_WEEKS: usize = 52;
/// Width of the profile bars.
const BAR: usize = 20;

pub fn run(args: InsightsArgs, app: &App) -> CliResult {
    // Dates first: a typo should not cost a passphrase prompt.
    let until = args.until.as_deref().map(|t| app.when("--until", t, Edge::End)).transpose()?;
    let since = args.since.as_deref().map(|t| app.when("--since", t, Edge::Start)).transpose()?;
    let now = until.clone().unwrap_or_else(|| app.now.clone());
    let today = now.date();
    let window = match (since, args.weeks) {
        (Some(s), _) => {
            if s.date() > today {
                return Err(CliError::user("--since is after the last day looked at, so there is nothing to show")
                    .hint("give an earlier --since, or a later --until"));
            }
            let days = (today - s.date()).get_days().max(0) + 1;
            Window::LastWeeks(u32::try_from((days + 6) / 7).unwrap_or(u32::MAX))
        }
        (None, Some(n)) => Window::LastWeeks(n),
        (None, None) => Window::All,
    };

    let library = app.library()?;
    let (cfg, texts) = load_content(&library)?;
    let opened = app.open()?;
    let store = &opened.store;
    let data = load(store, &cfg, &now, window, until.is_some(), Some(&texts.helps))?;
    let result = insights_of(&data.facts, &data.checkins, &data.exposures, &now, window, &cfg);
    let ctx = safety::Context::load(app, store)?;
    let note = ctx.mode_note();
    let numbers = example_numbers(&result, &data);
    let policy = app.safety_policy(store)?;

    if args.json {
        let next = next_steps(&result, &cfg, policy);
        return out::json(&Json { safety: note, insights: &result, entry_numbers: numbers, next_steps: next });
    }
    let mut w = out::stdout();
    if let Some(note) = &note {
        ctx.print_mode_note(&mut w, note)?;
        writeln!(w)?;
    }
    let page = Page {
        t: &texts,
        cfg: &cfg,
        insights: &result,
        names: label_names(store)?,
        titles: example_titles(store, &numbers)?,
        numbers: &numbers,
        policy,
        this_year: app.now.year(),
    };
    page.render(&mut w)
}

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

/// `--json`: the insights as core computes them, plus the safety note (in
/// safety mode, first) and the numbers of the example entries.
#[derive(Serialize)]
struct Json<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    safety: Option<ModeNote>,
    #[serde(flatten)]
    insights: &'a Insights,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    entry_numbers: BTreeMap<String, i64>,
    /// Core's next steps for this safety mode (safety first when it is on).
    next_steps: Vec<NextStep>,
}

/// What core is given, and the entry numbers by id.
pub(crate) struct Loaded {
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
pub(crate) fn load(
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
fn exposures(
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
fn example_numbers(insights: &Insights, data: &Loaded) -> BTreeMap<String, i64> {
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
fn example_titles(store: &Store, numbers: &BTreeMap<String, i64>) -> CliResult<HashMap<i64, String>> {
    let mut titles = HashMap::new();
    for &seq in numbers.values() {
        titles.insert(seq, store.entry(seq)?.item.title(40));
    }
    Ok(titles)
}

/// The person's names for their triggers and feelings, by slug.
fn label_names(store: &Store) -> CliResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for kind in [LabelKind::Trigger, LabelKind::Feeling] {
        for l in store.labels(kind)? {
            names.insert(format!("{kind}:{}", l.slug), l.name);
        }
    }
    Ok(names)
}

// ---------------------------------------------------------------------------
// The professional-help suggestion after a check-in

/// The setting that remembers when the suggestion was last shown.
pub const HELP_SHOWN_KEY: &str = "help_suggested_on";
/// At most once in this many days.
pub const HELP_EVERY_DAYS: i32 = 7;

/// The suggestion with the texts around it, for JSON and the terminal.
#[derive(Clone, Debug, Serialize)]
pub struct HelpShown {
    /// Core's suggestion: the text, the rule and why it holds.
    #[serde(flatten)]
    pub suggestion: HelpSuggestion,
    /// What to bring to a first conversation.
    pub bring: Vec<String>,
    /// How to find someone.
    pub find: Vec<String>,
}

/// After a check-in: whether the professional-help rule holds over the
/// recent weeks, and it was not shown in the last week. Records that it was
/// shown. Reads only the few weeks the rule looks at.
pub fn help_after_checkin(app: &App, store: &mut Store) -> CliResult<Option<(HelpShown, Texts)>> {
    let today = app.now.date();
    if let Some(last) = store.setting(HELP_SHOWN_KEY)?.and_then(|d| d.parse::<Date>().ok())
        && last <= today
        && (today - last).get_days() < HELP_EVERY_DAYS
    {
        return Ok(None);
    }
    let library = app.library()?;
    let (cfg, texts) = load_content(&library)?;
    let window = Window::LastWeeks(cfg.pattern.recent_weeks);
    let data = load(store, &cfg, &app.now, window, false, None)?;
    let result = insights_of(&data.facts, &data.checkins, &[], &app.now, window, &cfg);
    let Some(suggestion) = result.professional_help else { return Ok(None) };
    store.set_setting(HELP_SHOWN_KEY, Some(&today.to_string()))?;
    let shown = HelpShown { suggestion, bring: texts.help.bring.clone(), find: texts.help.find.clone() };
    Ok(Some((shown, texts)))
}

/// Prints the suggestion (insights and check-in use the same words).
pub fn print_help(w: &mut impl Write, t: &Texts, help: &HelpShown) -> CliResult {
    writeln!(w, "{BOLD}{}{BOLD:#}", t.help.title)?;
    paragraph(w, &help.suggestion.text, "  ")?;
    paragraph(w, &format!("{} {}", t.help.why, help.suggestion.rule), "  ")?;
    paragraph(w, &help.suggestion.not_diagnosis, "  ")?;
    writeln!(w, "\n  {}", t.help.bring_title)?;
    for line in &help.bring {
        writeln!(w, "{}", wrap_indent(line, "    • ", "      "))?;
    }
    writeln!(w, "\n  {}", t.help.find_title)?;
    for line in &help.find {
        writeln!(w, "{}", wrap_indent(line, "    • ", "      "))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Texts

/// `content/insights/terminal.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub page: PageTexts,
    pub triggers: TriggerTexts,
    pub contexts: ContextTexts,
    pub pattern: PatternTexts,
    pub progress: ProgressTexts,
    pub help: HelpTexts,
    pub helps: HelpsTexts,
    pub next: NextTexts,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageTexts {
    pub title: String,
    pub window: Template,
    pub capped: Template,
    pub future: Template,
    pub not_diagnosis: String,
    pub empty: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerTexts {
    pub title: String,
    pub line: Template,
    pub range: Template,
    pub unrated: String,
    pub examples: Template,
    pub example: Template,
    pub none: String,
    pub scale: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextTexts {
    pub title: String,
    pub caption: String,
    pub weekdays: [String; 7],
    pub day_parts: [String; 4],
    pub legend: Template,
    pub peak: Template,
    pub feelings_title: String,
    pub feeling: Template,
    pub profile_title: String,
    pub profile_caption: Template,
    pub sources_title: String,
    pub no_signs: String,
    pub no_sources: String,
    pub social_title: String,
    pub signs: BTreeMap<Sign, String>,
    pub sources: BTreeMap<Source, String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternTexts {
    pub title: String,
    pub verdict_quiet: String,
    pub verdict_too_early: String,
    pub verdict_passing: String,
    pub verdict_recurring: String,
    pub verdict: Template,
    pub rule: String,
    pub evidence: String,
    pub week: Template,
    pub week_intensity: Template,
    pub week_security: Template,
    pub week_no_checkins: String,
    pub consequences: Template,
    pub consequence: Template,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressTexts {
    pub title: String,
    pub caption: String,
    pub direction_improving: String,
    pub direction_declining: String,
    pub direction_steady: String,
    pub direction_not_enough: String,
    pub span: Template,
    pub shortened: Template,
    pub dominated_title: String,
    pub dominated_caption: String,
    pub dominated_last: Template,
    pub dominated_none: String,
    pub consequences_title: String,
    pub consequences_caption: String,
    pub consequences_none: String,
    pub setback_title: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpTexts {
    pub title: String,
    pub why: String,
    pub bring_title: String,
    pub bring: Vec<String>,
    pub find_title: String,
    pub find: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpsTexts {
    pub title: String,
    pub caption: String,
    pub activity: String,
    pub pause: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextTexts {
    pub title: String,
}

impl Texts {
    /// Parses the file; every sign and source needs a name.
    pub fn parse(text: &str) -> Result<Self, ContentError> {
        let err = |message: String| ContentError { file: TEXTS_FILE.into(), message };
        let t: Self = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if let Some(s) = Sign::ALL.iter().find(|s| !t.contexts.signs.contains_key(s)) {
            return Err(err(format!("contexts.signs.{s} is missing")));
        }
        if let Some(s) = Source::ALL.iter().find(|s| !t.contexts.sources.contains_key(s)) {
            return Err(err(format!("contexts.sources.{s} is missing")));
        }
        Ok(t)
    }
}

// ---------------------------------------------------------------------------
// Layout

struct Page<'a> {
    t: &'a Texts,
    cfg: &'a InsightsConfig,
    insights: &'a Insights,
    /// "trigger:slug" and "feeling:slug" to the person's names.
    names: HashMap<String, String>,
    titles: HashMap<i64, String>,
    numbers: &'a BTreeMap<String, i64>,
    policy: SafetyPolicy,
    this_year: i16,
}

/// "26 Nov" this year, "26 Nov 2025" otherwise.
fn day(d: Date, this_year: i16) -> String {
    if d.year() == this_year { d.strftime("%-d %b").to_string() } else { d.strftime("%-d %b %Y").to_string() }
}

fn one(x: f64) -> String {
    format!("{x:.1}")
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A bar of `width` cells, `share` (0–1) of them filled.
fn bar(share: f64, width: usize) -> String {
    let filled = ((share.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// One mark per value, 0 to `max`; `·` where there is none.
fn sparkline(values: &[Option<f64>], max: f64) -> String {
    const MARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| match v {
            Some(v) if v.is_finite() && max > 0.0 => {
                let i = ((v / max).clamp(0.0, 1.0) * 7.0).round() as usize;
                MARKS[i.min(7)]
            }
            _ => '·',
        })
        .collect()
}

/// Pads to a width in characters (the bars are multi-byte).
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width { text.to_string() } else { format!("{text}{}", " ".repeat(width - n)) }
}

impl Page<'_> {
    fn name(&self, kind: LabelKind, slug: &str) -> String {
        self.names.get(&format!("{kind}:{slug}")).cloned().unwrap_or_else(|| slug.to_string())
    }

    fn heading(&self, w: &mut impl Write, title: &str, caption: Option<&str>) -> CliResult {
        match caption {
            Some(c) if title.chars().count() + c.chars().count() + 4 <= safety::WIDTH => {
                writeln!(w, "\n{BOLD}{title}{BOLD:#}  {DIM}({c}){DIM:#}")?
            }
            Some(c) => {
                writeln!(w, "\n{BOLD}{title}{BOLD:#}\n{DIM}{}{DIM:#}", wrap_indent(&format!("({c})"), "  ", "   "))?
            }
            None => writeln!(w, "\n{BOLD}{title}{BOLD:#}")?,
        }
        Ok(())
    }

    fn render(&self, w: &mut impl Write) -> CliResult {
        let i = self.insights;
        let t = &self.t.page;
        let win = &i.window;
        writeln!(w, "{BOLD}{}{BOLD:#}", t.title)?;
        writeln!(
            w,
            "{}",
            wrap(
                &t.window.render(&[
                    // Both with the year when the stretch crosses a new year.
                    ("start", day(win.start, if win.start.year() == win.end.year() { self.this_year } else { 0 })),
                    ("end", day(win.end, if win.start.year() == win.end.year() { self.this_year } else { 0 })),
                    ("weeks", win.weeks.to_string()),
                    ("entries", win.entries.to_string()),
                    ("checkins", win.checkins.to_string()),
                ]),
                ""
            )
        )?;
        if win.capped {
            paragraph(w, &t.capped.render(&[("weeks", self.cfg.window.max_weeks.to_string())]), "")?;
        }
        if win.future_ignored > 0 {
            paragraph(w, &t.future.render(&[("count", win.future_ignored.to_string())]), "")?;
        }
        writeln!(w, "{DIM}{}{DIM:#}", wrap(&t.not_diagnosis, ""))?;
        if win.entries == 0 && win.checkins == 0 && i.pattern.evidence.episodes == 0 {
            writeln!(w)?;
            paragraph(w, &t.empty, "")?;
            return Ok(());
        }
        self.triggers(w)?;
        self.contexts(w)?;
        self.pattern(w)?;
        if let Some(help) = &i.professional_help {
            // Right after the pattern, whose rule it builds on.
            writeln!(w)?;
            let shown = HelpShown {
                suggestion: help.clone(),
                bring: self.t.help.bring.clone(),
                find: self.t.help.find.clone(),
            };
            print_help(w, self.t, &shown)?;
        }
        self.progress(w)?;
        self.helps(w)?;
        self.next(w)?;
        Ok(())
    }

    fn triggers(&self, w: &mut impl Write) -> CliResult {
        let t = &self.t.triggers;
        let ranked = &self.insights.triggers.ranked;
        self.heading(w, &t.title, Some(&t.scale))?;
        if ranked.is_empty() {
            paragraph(w, &t.none, "  ")?;
            return Ok(());
        }
        let width = ranked.iter().map(|s| self.name(LabelKind::Trigger, s.trigger.as_str()).chars().count()).max();
        let width = width.unwrap_or(10).clamp(10, 28);
        for (n, s) in ranked.iter().enumerate() {
            let name = attune_core::entry::shorten(&self.name(LabelKind::Trigger, s.trigger.as_str()), width);
            let head = format!("{:>3}. {}", n + 1, pad(&name, width));
            match (s.score, s.interval) {
                (Some(score), Some([lo, hi])) => writeln!(
                    w,
                    "{head}  {} {}  {DIM}{}{DIM:#}",
                    bar(score / 10.0, 10),
                    one(score),
                    t.range.render(&[("low", one(lo)), ("high", one(hi))])
                )?,
                _ => writeln!(w, "{head}  {DIM}{}{DIM:#}", t.unrated)?,
            }
            let strong = match (s.rated, s.strong_share) {
                (r, Some(share)) if r > 0 => ((share * f64::from(r)).round() as u32).to_string(),
                _ => "0".into(),
            };
            let last = s.last_seen.local().date();
            let line = t.line.render(&[
                ("episodes", s.episodes.to_string()),
                ("strong", strong),
                ("last", day(last, self.this_year)),
            ]);
            writeln!(w, "{}", wrap_indent(&line, "       ", "       "))?;
            let examples: Vec<String> = s
                .examples
                .iter()
                .filter_map(|id| {
                    let seq = *self.numbers.get(&id.to_string())?;
                    let title = self.titles.get(&seq).cloned().unwrap_or_default();
                    Some(t.example.render(&[("seq", seq.to_string()), ("title", title)]))
                })
                .collect();
            if !examples.is_empty() {
                let line = t.examples.render(&[("examples", examples.join(", "))]);
                writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&line, "       ", "       "))?;
            }
        }
        writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&self.insights.triggers.method, "  ", "  "))?;
        Ok(())
    }

    /// The signs or the sources as bars, one line each (both share one layout).
    #[allow(clippy::too_many_arguments)]
    fn profile<T: Ord + Copy>(
        &self,
        w: &mut impl Write,
        title: &str,
        none: &str,
        tagged: u32,
        rows: &[ProfileShare<T>],
        names: &BTreeMap<T, String>,
        id: fn(T) -> &'static str,
    ) -> CliResult {
        let t = &self.t.contexts;
        let caption = (tagged > 0).then(|| t.profile_caption.render(&[("tagged", tagged.to_string())]));
        self.heading(w, title, caption.as_deref())?;
        if tagged == 0 {
            return paragraph(w, none, "  ");
        }
        for s in rows {
            let name = names.get(&s.id).map_or(id(s.id), String::as_str);
            writeln!(
                w,
                "  {} {}  {:>4}  {DIM}({}){DIM:#}",
                pad(name, 22),
                bar(s.share, BAR),
                percent(s.share),
                s.entries
            )?;
        }
        Ok(())
    }

    fn contexts(&self, w: &mut impl Write) -> CliResult {
        let t = &self.t.contexts;
        let c = &self.insights.contexts;
        let max = c.grid.iter().flat_map(|r| &r.cells).map(|x| x.episodes).max().unwrap_or(0);
        if max > 0 {
            self.heading(w, &t.title, Some(&t.caption))?;
            let mut header = " ".repeat(14);
            for p in &t.day_parts {
                header.push_str(&pad(p, 11));
            }
            writeln!(w, "{DIM}{}{DIM:#}", header.trim_end())?;
            for (row, name) in c.grid.iter().zip(&t.weekdays) {
                let mut line = format!("  {}", pad(name, 12));
                for cell in &row.cells {
                    let text = if cell.episodes == 0 {
                        "·".to_string()
                    } else {
                        let share = f64::from(cell.episodes) / f64::from(max);
                        let mark = if share <= 0.25 {
                            '░'
                        } else if share <= 0.5 {
                            '▒'
                        } else if share <= 0.75 {
                            '▓'
                        } else {
                            '█'
                        };
                        format!("{} {}", mark.to_string().repeat(3), cell.episodes)
                    };
                    line.push_str(&pad(&text, 11));
                }
                writeln!(w, "{}", line.trim_end())?;
            }
            writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&t.legend.render(&[("max", max.to_string())]), "  ", "  "))?;
            if let Some(p) = &c.peak {
                let weekday = c.grid.iter().position(|r| r.weekday == p.weekday).and_then(|i| t.weekdays.get(i));
                let part = c
                    .grid
                    .first()
                    .and_then(|row| row.cells.iter().position(|x| x.part == p.part))
                    .and_then(|i| t.day_parts.get(i));
                if let (Some(weekday), Some(part)) = (weekday, part) {
                    let line = t.peak.render(&[
                        ("weekday", weekday.clone()),
                        ("part", part.clone()),
                        ("episodes", p.episodes.to_string()),
                        ("share", percent(p.share)),
                    ]);
                    paragraph(w, &line, "  ")?;
                }
            }
        }

        if !c.feelings_by_trigger.is_empty() {
            self.heading(w, &t.feelings_title, None)?;
            for tf in &c.feelings_by_trigger {
                let feelings: Vec<String> = tf
                    .feelings
                    .iter()
                    .map(|f| {
                        t.feeling.render(&[
                            ("feeling", self.name(LabelKind::Feeling, f.feeling.as_str())),
                            ("share", percent(f.share)),
                        ])
                    })
                    .collect();
                let line = format!("{}: {}", self.name(LabelKind::Trigger, tf.trigger.as_str()), feelings.join(", "));
                writeln!(w, "{}", wrap_indent(&line, "  ", "    "))?;
            }
        }

        self.profile(w, &t.profile_title, &t.no_signs, c.sign_tagged_entries, &c.signs, &t.signs, Sign::as_str)?;
        self.profile(
            w,
            &t.sources_title,
            &t.no_sources,
            c.source_tagged_entries,
            &c.sources,
            &t.sources,
            Source::as_str,
        )?;
        if let Some(text) = &c.social.text {
            self.heading(w, &t.social_title, None)?;
            writeln!(
                w,
                "  {}  {:>4}  {DIM}({} of {}){DIM:#}",
                bar(c.social.share, BAR),
                percent(c.social.share),
                c.social.episodes,
                c.social.of
            )?;
            paragraph(w, text, "  ")?;
        }
        Ok(())
    }

    fn pattern(&self, w: &mut impl Write) -> CliResult {
        let t = &self.t.pattern;
        let p = &self.insights.pattern;
        self.heading(w, &t.title, None)?;
        let verdict = match p.verdict {
            Verdict::Quiet => &t.verdict_quiet,
            Verdict::TooEarly => &t.verdict_too_early,
            Verdict::Passing => &t.verdict_passing,
            Verdict::Recurring => &t.verdict_recurring,
        };
        writeln!(w, "  {BOLD}{}{BOLD:#}", t.verdict.render(&[("verdict", verdict.clone())]))?;
        paragraph(w, &p.text, "  ")?;
        if let Some(s) = &p.spill_over_text {
            paragraph(w, s, "  ")?;
        }
        writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&format!("{} {}", t.rule, p.rule), "  ", "  "))?;
        writeln!(w, "  {}", t.evidence)?;
        for week in &p.evidence.weeks {
            writeln!(w, "{}", wrap_indent(&self.week_line(week), "    ", "      "))?;
        }
        let present: Vec<String> = p
            .evidence
            .consequences
            .iter()
            .filter(|c| c.ratings > 0)
            .map(|c| {
                let name = self
                    .cfg
                    .texts
                    .consequences
                    .get(&c.consequence)
                    .cloned()
                    .unwrap_or_else(|| c.consequence.to_string());
                t.consequence.render(&[("name", name), ("mean", one(c.mean))])
            })
            .collect();
        if !present.is_empty() {
            paragraph(w, &t.consequences.render(&[("list", present.join(", "))]), "  ")?;
        }
        Ok(())
    }

    fn week_line(&self, week: &WeekSummary) -> String {
        let t = &self.t.pattern;
        let mut line = t.week.render(&[
            ("start", day(week.start, self.this_year)),
            ("end", day(week.end, self.this_year)),
            ("entries", week.entries.to_string()),
            ("episodes", week.episodes.to_string()),
            ("strong", week.strong_entries.to_string()),
        ]);
        if let Some(m) = week.mean_intensity {
            line.push_str(&format!(", {}", t.week_intensity.render(&[("mean", one(m))])));
        }
        line.push_str("; ");
        match week.security {
            Some(s) if week.checkins > 0 => {
                line.push_str(&t.week_security.render(&[("count", week.checkins.to_string()), ("mean", one(s))]))
            }
            _ => line.push_str(&t.week_no_checkins),
        }
        line
    }

    fn progress(&self, w: &mut impl Write) -> CliResult {
        let t = &self.t.progress;
        let pr = &self.insights.progress;
        let weeks = &pr.weeks[pr.weeks.len().saturating_sub(CHART_WEEKS)..];
        self.heading(w, &t.title, Some(&t.caption))?;
        if pr.weeks.len() > CHART_WEEKS {
            paragraph(w, &t.shortened.render(&[("weeks", CHART_WEEKS.to_string())]), "  ")?;
        }
        let names = &self.cfg.texts.measures;
        for trend in &pr.trends {
            let (name, values): (&str, Vec<Option<f64>>) = match trend.measure {
                attune_core::insights::Measure::Security => {
                    (&names.security, weeks.iter().map(|w| w.security).collect())
                }
                attune_core::insights::Measure::Seen => (&names.seen, weeks.iter().map(|w| w.seen).collect()),
                attune_core::insights::Measure::Trusted => (&names.trusted, weeks.iter().map(|w| w.trusted).collect()),
                attune_core::insights::Measure::Respected => {
                    (&names.respected, weeks.iter().map(|w| w.respected).collect())
                }
            };
            let direction = match trend.direction {
                Direction::Improving => &t.direction_improving,
                Direction::Declining => &t.direction_declining,
                Direction::Steady => &t.direction_steady,
                Direction::NotEnoughData => &t.direction_not_enough,
            };
            let mut direction = direction.clone();
            if let Some(mk) = &trend.mann_kendall {
                direction.push_str(&format!(" ({})", p_value(mk.p)));
            }
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            let span = match (present.first(), present.last()) {
                (Some(a), Some(b)) => t.span.render(&[("first", one(*a)), ("last", one(*b))]),
                _ => String::new(),
            };
            writeln!(
                w,
                "  {} {}  {}  {BOLD}{direction}{BOLD:#}",
                pad(name, 18),
                sparkline(&values, 10.0),
                pad(&span, 10)
            )?;
            paragraph(w, &trend.text, "    ")?;
        }

        self.heading(w, &t.dominated_title, Some(&t.dominated_caption))?;
        let shares: Vec<Option<f64>> = weeks.iter().map(|w| w.dominated_share).collect();
        let last = match pr.weeks.last() {
            Some(week) if week.recorded_days > 0 => t.dominated_last.render(&[
                ("dominated", week.dominated_days.to_string()),
                ("recorded", week.recorded_days.to_string()),
            ]),
            _ => t.dominated_none.clone(),
        };
        writeln!(w, "  {}  {last}", sparkline(&shares, 1.0))?;
        writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&pr.dominated_day_rule, "  ", "  "))?;

        self.heading(w, &t.consequences_title, Some(&t.consequences_caption))?;
        let rated: Vec<_> = attune_core::Consequence::ALL
            .iter()
            .filter(|c| weeks.iter().any(|w| w.consequences.contains_key(c)))
            .collect();
        if rated.is_empty() {
            paragraph(w, &t.consequences_none, "  ")?;
        }
        for c in rated {
            let values: Vec<Option<f64>> = weeks.iter().map(|w| w.consequences.get(c).copied()).collect();
            let name = self.cfg.texts.consequences.get(c).cloned().unwrap_or_else(|| c.to_string());
            writeln!(w, "  {} {}", pad(&attune_core::entry::shorten(&name, 30), 30), sparkline(&values, 3.0))?;
        }

        if let Some(s) = &pr.setback {
            self.heading(w, &t.setback_title, None)?;
            paragraph(w, &s.text, "  ")?;
            writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&s.rule, "  ", "  "))?;
        }
        Ok(())
    }

    fn helps(&self, w: &mut impl Write) -> CliResult {
        if self.insights.what_helps.is_empty() {
            return Ok(());
        }
        self.heading(w, &self.t.helps.title, Some(&self.t.helps.caption))?;
        for a in &self.insights.what_helps {
            match &a.comparison {
                Some(_) => paragraph(w, &a.text, "  ")?,
                None => writeln!(w, "{DIM}{}{DIM:#}", wrap_indent(&a.text, "  ", "  "))?,
            }
        }
        Ok(())
    }

    /// Core decides the steps (safety mode: safety first, nothing with the
    /// partner); this only lays them out.
    fn next(&self, w: &mut impl Write) -> CliResult {
        self.heading(w, &self.t.next.title, None)?;
        for step in next_steps(self.insights, self.cfg, self.policy) {
            paragraph(w, &step.text, "  ")?;
            if step.kind == NextKind::SafetyFirst {
                writeln!(w, "  {DIM}`attune safety`{DIM:#}")?;
            }
        }
        Ok(())
    }
}

/// "p = 0.03", as core words it.
fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn shipped_texts_parse_and_fill() {
        let library = Library::embedded();
        let (_, t) = load_content(&library).unwrap();
        fn v<'a>(names: &[&'a str]) -> Vec<(&'a str, String)> {
            names.iter().map(|n| (*n, "x".to_string())).collect()
        }
        let cases: Vec<(&Template, Vec<(&str, String)>)> = vec![
            (&t.page.window, v(&["start", "end", "weeks", "entries", "checkins"])),
            (&t.page.capped, v(&["weeks"])),
            (&t.page.future, v(&["count"])),
            (&t.triggers.line, v(&["episodes", "strong", "last"])),
            (&t.triggers.range, v(&["low", "high"])),
            (&t.triggers.examples, v(&["examples"])),
            (&t.triggers.example, v(&["seq", "title"])),
            (&t.contexts.legend, v(&["max"])),
            (&t.contexts.peak, v(&["weekday", "part", "episodes", "share"])),
            (&t.contexts.feeling, v(&["feeling", "share"])),
            (&t.contexts.profile_caption, v(&["tagged"])),
            (&t.pattern.verdict, v(&["verdict"])),
            (&t.pattern.week, v(&["start", "end", "entries", "episodes", "strong"])),
            (&t.pattern.week_intensity, v(&["mean"])),
            (&t.pattern.week_security, v(&["count", "mean"])),
            (&t.pattern.consequences, v(&["list"])),
            (&t.pattern.consequence, v(&["name", "mean"])),
            (&t.progress.span, v(&["first", "last"])),
            (&t.progress.shortened, v(&["weeks"])),
            (&t.progress.dominated_last, v(&["dominated", "recorded"])),
        ];
        for (template, vars) in cases {
            let out = template.render(&vars);
            assert!(!out.contains('{') && !out.contains('}'), "{}", template.as_str());
        }
        assert!(!t.help.bring.is_empty() && !t.help.find.is_empty());
    }

    #[test]
    fn missing_names_are_refused() {
        let text = Library::embedded().text(TEXTS_FILE).unwrap().replace("self-worth = \"self-worth\"\n", "");
        let err = Texts::parse(&text).unwrap_err();
        assert!(err.message.contains("contexts.sources.self-worth"), "{err}");
    }

    #[test]
    fn charts_are_plain_characters() {
        assert_eq!(sparkline(&[Some(0.0), None, Some(10.0), Some(5.0)], 10.0), "▁·█▅");
        assert_eq!(sparkline(&[Some(f64::NAN)], 10.0), "·");
        assert_eq!(bar(0.5, 4), "██░░");
        assert_eq!(bar(7.0, 2), "██");
        assert_eq!(pad("█", 3), "█  ");
    }
}
