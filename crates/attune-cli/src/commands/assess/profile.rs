//! The profile after a questionnaire: scores, bands, changes since last
//! time, the two axes as a small picture, and the steps to read next.

use std::io::Write;

use attune_core::assess::{
    self, AssessTexts, Comparison, Direction, Emphasis, Instrument, LearnIndex, Point, Side, SourceProfile,
    SubscaleScore, Taken, Vocabulary, render,
};
use attune_core::content::Library;
use attune_core::fmt;
use serde::Serialize;

use crate::error::CliResult;
use crate::out::{self, BOLD, Breaks, DIM, GOOD, HINT, Stamp, Wrap};

/// What `--json` prints at the end.
#[derive(Serialize)]
pub(super) struct Finished<'a> {
    pub(super) status: &'static str,
    pub(super) result: &'a Taken,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) changes: Option<Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) point: Option<Point>,
    pub(super) steps: Vec<Emphasis>,
    /// In safety mode: that safety comes first, and what is offered in
    /// place of the steps with the partner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) safety_first: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sources: Option<SourceProfile>,
}

pub(super) fn profile(
    inst: &Instrument,
    texts: &AssessTexts,
    index: &LearnIndex,
    library: &Library,
    f: &Finished<'_>,
    this_year: i16,
) -> CliResult {
    let p = &texts.profile;
    let width = out::width();
    let mut w = out::stdout();
    writeln!(w, "{BOLD}{}{BOLD:#}", render(&p.heading, &[("title", inst.title.clone())]))?;
    for line in Wrap::new(width, Breaks::Spaces).lines(texts.reflection_note.trim()) {
        writeln!(w, "{DIM}{line}{DIM:#}")?;
    }
    for s in &f.result.scores {
        let Some(sub) = inst.subscale(&s.subscale) else { continue };
        writeln!(w)?;
        writeln!(w, "{BOLD}{}{BOLD:#}", sub.name)?;
        match s.score {
            Some(score) => {
                let band = s.band.as_deref().map(|b| format!(" · {b}")).unwrap_or_default();
                writeln!(
                    w,
                    "  {}  {}  {DIM}{}{DIM:#}{band}",
                    level_bar(s),
                    fmt::num(score),
                    render(&p.range, &[("min", fmt::num(s.min)), ("max", fmt::num(s.max))])
                )?;
                if let (Some(z), Some(pct)) = (s.z, s.percentile) {
                    let text = render(&p.norm, &[("percentile", format!("{pct:.0}")), ("z", format!("{z:+.2}"))]);
                    for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(text.trim()) {
                        writeln!(w, "{line}")?;
                    }
                }
            }
            None => {
                let text = render(&p.no_score, &[("answered", s.answered.to_string()), ("items", s.items.to_string())]);
                writeln!(w, "  {DIM}{text}{DIM:#}")?;
            }
        }
        for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(sub.about.trim()) {
            writeln!(w, "{DIM}{line}{DIM:#}")?;
        }
        if let Some(band) = s.score.and_then(|score| assess::score::band_for(sub, score)) {
            for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(band.text.trim()) {
                writeln!(w, "{line}")?;
            }
        }
    }

    writeln!(w)?;
    match &f.changes {
        Some(c) => {
            writeln!(
                w,
                "{BOLD}{}{BOLD:#}",
                render(&p.since, &[("date", out::stamp(c.previous_at.local(), this_year, Stamp::Weekday))])
            )?;
            if c.version_changed {
                let text = render(
                    &p.version_changed,
                    &[("old", c.previous_version.to_string()), ("new", inst.version.to_string())],
                );
                for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(text.trim()) {
                    writeln!(w, "{line}")?;
                }
            }
            for ch in &c.changes {
                let name = inst.subscale(&ch.subscale).map_or(ch.subscale.as_str(), |s| s.name.as_str());
                let template = match ch.direction {
                    Direction::Higher => &p.higher,
                    Direction::Lower => &p.lower,
                    Direction::AboutTheSame => &p.same,
                };
                let text = render(template, &[("before", fmt::num(ch.before)), ("now", fmt::num(ch.now))]);
                for line in
                    Wrap::new(width, Breaks::Spaces).indent("  ", "    ").lines(format!("{name}: {text}").trim())
                {
                    writeln!(w, "{line}")?;
                }
            }
        }
        None => {
            for line in Wrap::new(width, Breaks::Spaces).lines(p.first_time.trim()) {
                writeln!(w, "{DIM}{line}{DIM:#}")?;
            }
        }
    }

    if let (Some(point), Some(axes)) = (&f.point, &inst.axes) {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", p.picture.trim())?;
        for line in Wrap::new(width, Breaks::Spaces).lines(axes.about.trim()) {
            writeln!(w, "{line}")?;
        }
        writeln!(w)?;
        picture(&mut w, inst, point)?;
        let here = axes.regions.iter().find(|r| r.x == point.x_side && r.y == point.y_side);
        if let Some(region) = here {
            writeln!(w)?;
            for line in
                Wrap::new(width, Breaks::Spaces).lines(render(&p.now_in, &[("region", region.name.clone())]).trim())
            {
                writeln!(w, "{line}")?;
            }
        }
        if point.near_a_line {
            for line in Wrap::new(width, Breaks::Spaces).lines(p.near_line.trim()) {
                writeln!(w, "{line}")?;
            }
        }
        let x_name = inst.subscale(&axes.x).map_or(axes.x.as_str(), |s| s.name.as_str()).to_lowercase();
        let y_name = inst.subscale(&axes.y).map_or(axes.y.as_str(), |s| s.name.as_str()).to_lowercase();
        for r in &axes.regions {
            let mark = if Some(r) == here { "●" } else { "○" };
            let side = |s: Side| if s == Side::High { "more" } else { "less" };
            writeln!(w, "\n{mark} {BOLD}{}{BOLD:#}", r.name)?;
            for line in Wrap::new(width, Breaks::Spaces)
                .indent("  ", "  ")
                .lines(format!("{} {x_name} · {} {y_name}", side(r.x), side(r.y)).trim())
            {
                writeln!(w, "{DIM}{line}{DIM:#}")?;
            }
            for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(r.text.trim()) {
                writeln!(w, "{line}")?;
            }
        }
    }

    writeln!(w, "\n{BOLD}{}{BOLD:#}", p.steps.trim())?;
    if let Some(note) = f.safety_first {
        for line in Wrap::new(width, Breaks::Spaces).indent("  ", "  ").lines(note.trim()) {
            writeln!(w, "{line}")?;
        }
        writeln!(w, "  {DIM}`attune safety`{DIM:#}")?;
    }
    for e in &f.steps {
        let title = index
            .section(library, Vocabulary::Step, e.step.as_str())
            .map(|s| s.title)
            .unwrap_or_else(|| e.step.as_str().to_string());
        writeln!(w, "  {HINT}{}. {title}{HINT:#}", e.number)?;
        for because in &e.because {
            for line in Wrap::new(width, Breaks::Spaces).indent("     ", "     ").lines(because.trim()) {
                writeln!(w, "{line}")?;
            }
        }
    }
    for line in Wrap::new(width, Breaks::Spaces).lines(p.learn_more.trim()) {
        writeln!(w, "{DIM}{line}{DIM:#}")?;
    }
    Ok(())
}

/// "██████░░░░" for where a score sits in its range.
pub(super) fn level_bar(s: &SubscaleScore) -> String {
    let filled = s.level().map_or(0, |l| (l * 10.0).round() as usize).min(10);
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// The two axes as a small picture, with the point.
pub(super) fn picture(w: &mut impl Write, inst: &Instrument, point: &Point) -> CliResult {
    const COLS: usize = 29;
    const ROWS: usize = 11;
    let Some(axes) = &inst.axes else { return Ok(()) };
    let (Some(sx), Some(sy)) = (inst.subscale(&axes.x), inst.subscale(&axes.y)) else { return Ok(()) };
    let ((x0, x1), (y0, y1)) = (inst.range(sx), inst.range(sy));
    let col = |v: f64| (((v - x0) / (x1 - x0)).clamp(0.0, 1.0) * (COLS - 1) as f64).round() as usize;
    let row = |v: f64| ((1.0 - ((v - y0) / (y1 - y0)).clamp(0.0, 1.0)) * (ROWS - 1) as f64).round() as usize;
    let (split_c, split_r) = (col(axes.x_split), row(axes.y_split));
    let (pc, pr) = (col(point.x), row(point.y));
    let y_label = format!("↑ {}", sy.name);
    writeln!(w, "  {y_label}")?;
    for r in 0..ROWS {
        let edge = if r == 0 {
            fmt::num(y1)
        } else if r == ROWS - 1 {
            fmt::num(y0)
        } else {
            String::new()
        };
        let mut line = String::new();
        for c in 0..COLS {
            let ch = if (r, c) == (pr, pc) {
                '●'
            } else if r == split_r && c == split_c {
                '┼'
            } else if r == split_r {
                '─'
            } else if c == split_c {
                '│'
            } else {
                ' '
            };
            line.push(ch);
        }
        let line = line.trim_end().replace('●', &format!("{GOOD}●{GOOD:#}"));
        writeln!(w, "  {edge:>3} │{line}")?;
    }
    writeln!(w, "      └{}→ {}", "─".repeat(COLS), sx.name)?;
    writeln!(w, "      {:<width$}{}", fmt::num(x0), fmt::num(x1), width = COLS)?;
    Ok(())
}
