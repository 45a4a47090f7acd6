//! Laying the insights out in the terminal: charts made of characters,
//! readable without colour.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use attune_core::LabelKind;
use attune_core::fmt;
use attune_core::insights::{
    Direction, Insights, InsightsConfig, NextKind, ProfileShare, Verdict, WeekSummary, next_steps,
};
use attune_core::safety::SafetyPolicy;
use attune_core::vocab::{Sign, Source};

use super::help::{HelpShown, print_help};
use super::texts::Texts;
use crate::error::CliResult;
use crate::out::{self, BOLD, DIM, Stamp};

/// The charts show at most this many weeks.
pub(super) const CHART_WEEKS: usize = 52;
/// Width of the profile bars.
pub(super) const BAR: usize = 20;

pub(super) struct Page<'a> {
    pub(super) t: &'a Texts,
    pub(super) cfg: &'a InsightsConfig,
    pub(super) insights: &'a Insights,
    /// "trigger:slug" and "feeling:slug" to the person's names.
    pub(super) names: HashMap<String, String>,
    pub(super) titles: HashMap<i64, String>,
    pub(super) numbers: &'a BTreeMap<String, i64>,
    pub(super) policy: SafetyPolicy,
    pub(super) this_year: i16,
}

/// A bar of `width` cells, `share` (0–1) of them filled.
pub(super) fn bar(share: f64, width: usize) -> String {
    let filled = ((share.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// One mark per value, 0 to `max`; `·` where there is none.
pub(super) fn sparkline(values: &[Option<f64>], max: f64) -> String {
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
pub(super) fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width { text.to_string() } else { format!("{text}{}", " ".repeat(width - n)) }
}

impl Page<'_> {
    fn name(&self, kind: LabelKind, slug: &str) -> String {
        self.names.get(&format!("{kind}:{slug}")).cloned().unwrap_or_else(|| slug.to_string())
    }

    fn heading(&self, w: &mut impl Write, title: &str, caption: Option<&str>) -> CliResult {
        match caption {
            Some(c) if title.chars().count() + c.chars().count() + 4 <= out::PAGE => {
                writeln!(w, "\n{BOLD}{title}{BOLD:#}  {DIM}({c}){DIM:#}")?
            }
            Some(c) => {
                writeln!(w, "\n{BOLD}{title}{BOLD:#}\n{DIM}{}{DIM:#}", out::fill(&format!("({c})"), "  ", "   "))?
            }
            None => writeln!(w, "\n{BOLD}{title}{BOLD:#}")?,
        }
        Ok(())
    }

    pub(super) fn render(&self, w: &mut impl Write) -> CliResult {
        let i = self.insights;
        let t = &self.t.page;
        let win = &i.window;
        writeln!(w, "{BOLD}{}{BOLD:#}", t.title)?;
        writeln!(
            w,
            "{}",
            out::fill(
                &t.window.render(&[
                    // Both with the year when the stretch crosses a new year.
                    (
                        "start",
                        out::stamp(
                            win.start,
                            if win.start.year() == win.end.year() { self.this_year } else { 0 },
                            Stamp::Day
                        )
                    ),
                    (
                        "end",
                        out::stamp(
                            win.end,
                            if win.start.year() == win.end.year() { self.this_year } else { 0 },
                            Stamp::Day
                        )
                    ),
                    ("weeks", win.weeks.to_string()),
                    ("entries", win.entries.to_string()),
                    ("checkins", win.checkins.to_string()),
                ]),
                "",
                ""
            )
        )?;
        if win.capped {
            out::paragraph(w, &t.capped.render(&[("weeks", self.cfg.window.max_weeks.to_string())]), "")?;
        }
        if win.future_ignored > 0 {
            out::paragraph(w, &t.future.render(&[("count", win.future_ignored.to_string())]), "")?;
        }
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(&t.not_diagnosis, "", ""))?;
        if win.entries == 0 && win.checkins == 0 && i.pattern.evidence.episodes == 0 {
            writeln!(w)?;
            out::paragraph(w, &t.empty, "")?;
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
            out::paragraph(w, &t.none, "  ")?;
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
                    fmt::one(score),
                    t.range.render(&[("low", fmt::one(lo)), ("high", fmt::one(hi))])
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
                ("last", out::stamp(last, self.this_year, Stamp::Day)),
            ]);
            writeln!(w, "{}", out::fill(&line, "       ", "       "))?;
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
                writeln!(w, "{DIM}{}{DIM:#}", out::fill(&line, "       ", "       "))?;
            }
        }
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(&self.insights.triggers.method, "  ", "  "))?;
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
            return out::paragraph(w, none, "  ");
        }
        for s in rows {
            let name = names.get(&s.id).map_or(id(s.id), String::as_str);
            writeln!(
                w,
                "  {} {}  {:>4}  {DIM}({}){DIM:#}",
                pad(name, 22),
                bar(s.share, BAR),
                fmt::percent(s.share),
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
            writeln!(w, "{DIM}{}{DIM:#}", out::fill(&t.legend.render(&[("max", max.to_string())]), "  ", "  "))?;
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
                        ("share", fmt::percent(p.share)),
                    ]);
                    out::paragraph(w, &line, "  ")?;
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
                            ("share", fmt::percent(f.share)),
                        ])
                    })
                    .collect();
                let line = format!("{}: {}", self.name(LabelKind::Trigger, tf.trigger.as_str()), feelings.join(", "));
                writeln!(w, "{}", out::fill(&line, "  ", "    "))?;
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
                fmt::percent(c.social.share),
                c.social.episodes,
                c.social.of
            )?;
            out::paragraph(w, text, "  ")?;
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
        out::paragraph(w, &p.text, "  ")?;
        if let Some(s) = &p.spill_over_text {
            out::paragraph(w, s, "  ")?;
        }
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(&format!("{} {}", t.rule, p.rule), "  ", "  "))?;
        writeln!(w, "  {}", t.evidence)?;
        for week in &p.evidence.weeks {
            writeln!(w, "{}", out::fill(&self.week_line(week), "    ", "      "))?;
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
                t.consequence.render(&[("name", name), ("mean", fmt::one(c.mean))])
            })
            .collect();
        if !present.is_empty() {
            out::paragraph(w, &t.consequences.render(&[("list", present.join(", "))]), "  ")?;
        }
        Ok(())
    }

    fn week_line(&self, week: &WeekSummary) -> String {
        let t = &self.t.pattern;
        let mut line = t.week.render(&[
            ("start", out::stamp(week.start, self.this_year, Stamp::Day)),
            ("end", out::stamp(week.end, self.this_year, Stamp::Day)),
            ("entries", week.entries.to_string()),
            ("episodes", week.episodes.to_string()),
            ("strong", week.strong_entries.to_string()),
        ]);
        if let Some(m) = week.mean_intensity {
            line.push_str(&format!(", {}", t.week_intensity.render(&[("mean", fmt::one(m))])));
        }
        line.push_str("; ");
        match week.security {
            Some(s) if week.checkins > 0 => {
                line.push_str(&t.week_security.render(&[("count", week.checkins.to_string()), ("mean", fmt::one(s))]))
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
            out::paragraph(w, &t.shortened.render(&[("weeks", CHART_WEEKS.to_string())]), "  ")?;
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
                direction.push_str(&format!(" ({})", fmt::p_value(mk.p)));
            }
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            let span = match (present.first(), present.last()) {
                (Some(a), Some(b)) => t.span.render(&[("first", fmt::one(*a)), ("last", fmt::one(*b))]),
                _ => String::new(),
            };
            writeln!(
                w,
                "  {} {}  {}  {BOLD}{direction}{BOLD:#}",
                pad(name, 18),
                sparkline(&values, 10.0),
                pad(&span, 10)
            )?;
            out::paragraph(w, &trend.text, "    ")?;
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
        writeln!(w, "{DIM}{}{DIM:#}", out::fill(&pr.dominated_day_rule, "  ", "  "))?;

        self.heading(w, &t.consequences_title, Some(&t.consequences_caption))?;
        let rated: Vec<_> = attune_core::Consequence::ALL
            .iter()
            .filter(|c| weeks.iter().any(|w| w.consequences.contains_key(c)))
            .collect();
        if rated.is_empty() {
            out::paragraph(w, &t.consequences_none, "  ")?;
        }
        for c in rated {
            let values: Vec<Option<f64>> = weeks.iter().map(|w| w.consequences.get(c).copied()).collect();
            let name = self.cfg.texts.consequences.get(c).cloned().unwrap_or_else(|| c.to_string());
            writeln!(w, "  {} {}", pad(&attune_core::entry::shorten(&name, 30), 30), sparkline(&values, 3.0))?;
        }

        if let Some(s) = &pr.setback {
            self.heading(w, &t.setback_title, None)?;
            out::paragraph(w, &s.text, "  ")?;
            writeln!(w, "{DIM}{}{DIM:#}", out::fill(&s.rule, "  ", "  "))?;
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
                Some(_) => out::paragraph(w, &a.text, "  ")?,
                None => writeln!(w, "{DIM}{}{DIM:#}", out::fill(&a.text, "  ", "  "))?,
            }
        }
        Ok(())
    }

    /// Core decides the steps (safety mode: safety first, nothing with the
    /// partner); this only lays them out.
    fn next(&self, w: &mut impl Write) -> CliResult {
        self.heading(w, &self.t.next.title, None)?;
        for step in next_steps(self.insights, self.cfg, self.policy) {
            out::paragraph(w, &step.text, "  ")?;
            if step.kind == NextKind::SafetyFirst {
                writeln!(w, "  {DIM}`attune safety`{DIM:#}")?;
            }
        }
        Ok(())
    }
}
