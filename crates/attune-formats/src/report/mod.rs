//! The report for a counsellor or therapist: one self-contained HTML file
//! (inline CSS and SVG, no scripts) that prints cleanly. Every number in it
//! comes from `attune_core::insights` and the saved questionnaire results;
//! nothing is computed differently here. Journal text appears only for the
//! entries the person chose.

pub mod svg;

use std::collections::BTreeMap;

use askama::Template;
use attune_core::assess::Taken;
use attune_core::insights::{Insights, Measure, Verdict};
use attune_core::pause::Pause;
use attune_core::plan::Agreement;
use attune_core::vocab::Consequence;
use attune_core::{Entry, Label};

use svg::{BarChart, LineChart, Series};

/// The report's sections, in the order they are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectionId {
    /// Passing or recurring, with its evidence.
    Pattern,
    /// Felt security, seen, trusted, respected over time.
    Wellbeing,
    /// Top triggers with intensity.
    Triggers,
    /// Signs and sources profile.
    Profile,
    /// Questionnaire scores over time.
    Questionnaires,
    /// Consequences.
    Consequences,
    /// Agreements and pauses.
    Agreements,
    /// The person's questions for the session.
    Questions,
    /// Entries the person chose to share.
    Entries,
}

impl SectionId {
    /// Every section.
    pub const ALL: [SectionId; 9] = [
        Self::Pattern,
        Self::Wellbeing,
        Self::Triggers,
        Self::Profile,
        Self::Questionnaires,
        Self::Consequences,
        Self::Agreements,
        Self::Questions,
        Self::Entries,
    ];

    /// The name used in `--sections`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pattern => "pattern",
            Self::Wellbeing => "wellbeing",
            Self::Triggers => "triggers",
            Self::Profile => "profile",
            Self::Questionnaires => "questionnaires",
            Self::Consequences => "consequences",
            Self::Agreements => "agreements",
            Self::Questions => "questions",
            Self::Entries => "entries",
        }
    }

    /// Parses a `--sections` name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name.trim())
    }
}

/// What a report is made of. The caller loads it (the CLI, later the web app).
#[derive(Debug)]
pub struct ReportInput<'a> {
    /// "8 weeks, 1 Oct 2026 to 26 Nov 2026".
    pub period: String,
    /// The day it was made ("2026-11-26").
    pub made_on: String,
    /// Which sections to include.
    pub sections: Vec<SectionId>,
    /// Core's insights for the period.
    pub insights: &'a Insights,
    /// The trigger list (for names).
    pub triggers: &'a [Label],
    /// Finished questionnaires in the period, any order.
    pub assessments: &'a [Taken],
    /// Agreements (live ones).
    pub agreements: &'a [Agreement],
    /// Pauses in the period.
    pub pauses: &'a [Pause],
    /// The person's questions for the session.
    pub questions: Vec<String>,
    /// Entries the person chose to share, with their numbers.
    pub entries: Vec<(i64, &'a Entry)>,
    /// Safety mode is on: the report says that safety comes first, and
    /// holds nothing that involves the partner (no agreements section).
    pub safety_mode: bool,
}

/// The line at the top of a report made in safety mode.
pub const SAFETY_FIRST: &str = "Safety comes first: I have safety mode on in attune, so this summary leaves out \
     agreements with my partner and suggestions to talk things through with them.";

/// One block of the page.
#[derive(Debug, Default)]
struct Section {
    id: &'static str,
    title: String,
    paragraphs: Vec<String>,
    charts: Vec<String>,
    head: Vec<String>,
    rows: Vec<Vec<String>>,
    items: Vec<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    period: &'a str,
    made_on: &'a str,
    safety_first: Option<&'static str>,
    sections: Vec<Section>,
}

/// The report as one HTML document.
pub fn render(input: &ReportInput<'_>) -> String {
    let mut sections = Vec::new();
    for id in SectionId::ALL {
        if !input.sections.contains(&id) || input.safety_mode && id == SectionId::Agreements {
            continue;
        }
        sections.push(match id {
            SectionId::Pattern => pattern(input.insights),
            SectionId::Wellbeing => wellbeing(input.insights),
            SectionId::Triggers => triggers(input.insights, input.triggers),
            SectionId::Profile => profile(input.insights),
            SectionId::Questionnaires => questionnaires(input.assessments),
            SectionId::Consequences => consequences(input.insights),
            SectionId::Agreements => agreements(input.agreements, input.pauses),
            SectionId::Questions => questions(&input.questions),
            SectionId::Entries => entries(&input.entries, input.triggers),
        });
    }
    let safety_first = input.safety_mode.then_some(SAFETY_FIRST);
    let page = Page { period: &input.period, made_on: &input.made_on, safety_first, sections };
    // Rendering only reads plain fields; it cannot fail on our data.
    page.render().unwrap_or_default()
}

fn one(x: f64) -> String {
    format!("{x:.1}")
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), one)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn pattern(i: &Insights) -> Section {
    let p = &i.pattern;
    let verdict = match p.verdict {
        Verdict::Quiet => "Quiet: no counted episodes",
        Verdict::TooEarly => "Too early to tell",
        Verdict::Passing => "Passing",
        Verdict::Recurring => "Recurring",
    };
    let e = &p.evidence;
    let mut s = Section {
        id: "pattern",
        title: "Passing or recurring".into(),
        paragraphs: vec![format!("<strong>{verdict}.</strong> {}", svg::escape(&p.text)), svg::escape(&p.rule)],
        head: vec!["Week".into(), "Entries".into(), "Episodes".into(), "Strong".into(), "Mean intensity".into()],
        ..Default::default()
    };
    if let Some(t) = &p.spill_over_text {
        s.paragraphs.push(svg::escape(t));
    }
    s.paragraphs.push(format!(
        "Evidence: {} episodes ({} strong) in {} of {} weeks; mean intensity {}.",
        e.episodes,
        e.strong_episodes,
        e.weeks_with_episodes,
        e.weeks.len(),
        opt(e.mean_intensity)
    ));
    for w in &e.weeks {
        s.rows.push(vec![
            format!("{} – {}", w.start, w.end),
            w.entries.to_string(),
            w.episodes.to_string(),
            w.strong_entries.to_string(),
            opt(w.mean_intensity),
        ]);
    }
    if let Some(h) = &i.professional_help {
        s.paragraphs.push(svg::escape(&h.text));
    }
    s
}

fn week_label(w: &attune_core::insights::WeekSummary, i: usize, n: usize) -> String {
    // Label about six weeks across the axis so the labels never overlap.
    let every = n.div_ceil(6).max(1);
    if i.is_multiple_of(every) || i + 1 == n { w.end.strftime("%d %b").to_string() } else { String::new() }
}

fn wellbeing(i: &Insights) -> Section {
    let weeks = &i.progress.weeks;
    let n = weeks.len();
    let labels: Vec<String> = weeks.iter().enumerate().map(|(k, w)| week_label(w, k, n)).collect();
    let series = |name: &str, f: fn(&attune_core::insights::WeekSummary) -> Option<f64>| Series {
        name: name.into(),
        values: weeks.iter().map(f).collect(),
        dots: true,
        ..Default::default()
    };
    let chart = LineChart {
        title: "Felt security by week (0–10), with its trend".into(),
        x_labels: labels.clone(),
        y_min: 0.0,
        y_max: 10.0,
        series: vec![series("felt security", |w| w.security)],
        trend: true,
        ..Default::default()
    };
    let others = LineChart {
        title: "Feeling seen, trusted and respected by week (0–10)".into(),
        x_labels: labels,
        y_min: 0.0,
        y_max: 10.0,
        series: vec![
            series("seen", |w| w.seen),
            series("trusted", |w| w.trusted),
            series("respected", |w| w.respected),
        ],
        trend: false,
        ..Default::default()
    };
    let mut s = Section {
        id: "wellbeing",
        title: "Felt security, seen, trusted, respected".into(),
        charts: vec![chart.render(), others.render()],
        ..Default::default()
    };
    for t in &i.progress.trends {
        let name = match t.measure {
            Measure::Security => "Felt security",
            Measure::Seen => "Feeling seen",
            Measure::Trusted => "Feeling trusted",
            Measure::Respected => "Feeling respected",
        };
        s.items.push(format!("<strong>{name}:</strong> {}", svg::escape(&t.text)));
    }
    if let Some(sb) = &i.progress.setback {
        s.paragraphs.push(svg::escape(&sb.text));
    }
    s
}

fn label_name(labels: &[Label], slug: &str) -> String {
    labels.iter().find(|l| l.slug.as_str() == slug).map_or_else(|| slug.to_string(), |l| l.name.clone())
}

fn triggers(i: &Insights, labels: &[Label]) -> Section {
    let top: Vec<_> = i.triggers.ranked.iter().take(8).collect();
    let bars = top
        .iter()
        .map(|t| {
            let name = label_name(labels, t.trigger.as_str());
            let text = format!("{} episodes, intensity {}", t.episodes, opt(t.mean_intensity));
            (name, f64::from(t.episodes), text)
        })
        .collect::<Vec<_>>();
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let mut s = Section {
        id: "triggers",
        title: "Top triggers".into(),
        head: vec![
            "Trigger".into(),
            "Episodes".into(),
            "Mean intensity".into(),
            "Strong share".into(),
            "Last seen".into(),
        ],
        ..Default::default()
    };
    if top.is_empty() {
        s.paragraphs.push("No triggers were noted in this period.".into());
        return s;
    }
    s.charts.push(BarChart { title: "Episodes per trigger".into(), bars, max, ..Default::default() }.render());
    for t in top {
        s.rows.push(vec![
            label_name(labels, t.trigger.as_str()),
            t.episodes.to_string(),
            opt(t.mean_intensity),
            t.strong_share.map_or_else(|| "–".into(), pct),
            t.last_seen.local().date().to_string(),
        ]);
    }
    s.paragraphs.push(svg::escape(&i.triggers.method));
    s
}

fn nice(id: &str) -> String {
    let text = id.replace('-', " ");
    let mut c = text.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
}

fn profile(i: &Insights) -> Section {
    let c = &i.contexts;
    let mut s = Section { id: "profile", title: "Signs and sources".into(), ..Default::default() };
    let signs: Vec<_> = c
        .signs
        .iter()
        .filter(|p| p.entries > 0)
        .map(|p| (nice(p.id.as_str()), p.share, format!("{} ({} entries)", pct(p.share), p.entries)))
        .collect();
    let sources: Vec<_> = c
        .sources
        .iter()
        .filter(|p| p.entries > 0)
        .map(|p| (nice(p.id.as_str()), p.share, format!("{} ({} entries)", pct(p.share), p.entries)))
        .collect();
    s.paragraphs.push(format!(
        "Share of the {} entries tagged with signs, and of the {} tagged with sources.",
        c.sign_tagged_entries, c.source_tagged_entries
    ));
    if signs.is_empty() && sources.is_empty() {
        s.paragraphs.push("No entries in this period were tagged with signs or sources.".into());
    }
    if !signs.is_empty() {
        let chart = BarChart { title: "Signs of insecurity noted".into(), bars: signs, max: 1.0, ..Default::default() };
        s.charts.push(chart.render());
    }
    if !sources.is_empty() {
        let chart =
            BarChart { title: "Where it seems to come from".into(), bars: sources, max: 1.0, ..Default::default() };
        s.charts.push(chart.render());
    }
    s
}

fn questionnaires(results: &[Taken]) -> Section {
    let mut s = Section {
        id: "questionnaires",
        title: "Questionnaires over time".into(),
        head: vec!["Date".into(), "Questionnaire".into(), "Scores".into()],
        ..Default::default()
    };
    let mut sorted: Vec<&Taken> = results.iter().collect();
    sorted.sort_by_key(|t| t.at.unix_ms());
    let mut by_instrument: BTreeMap<&str, Vec<&Taken>> = BTreeMap::new();
    for t in &sorted {
        by_instrument.entry(t.instrument.as_str()).or_default().push(t);
        let scores: Vec<String> = t
            .scores
            .iter()
            .map(|sc| {
                format!(
                    "{} {}{}",
                    sc.subscale,
                    opt(sc.score),
                    sc.band.as_ref().map_or(String::new(), |b| format!(" ({b})"))
                )
            })
            .collect();
        s.rows.push(vec![t.at.local().date().to_string(), format!("{} (v{})", t.title, t.version), scores.join("; ")]);
    }
    for (_, taken) in by_instrument.iter().filter(|(_, t)| t.len() >= 2) {
        let subscales: Vec<&str> = taken[0].scores.iter().map(|sc| sc.subscale.as_str()).take(4).collect();
        let chart = LineChart {
            title: format!("{}: scores over time", taken[0].title),
            x_labels: taken.iter().map(|t| t.at.local().date().strftime("%d %b %Y").to_string()).collect(),
            y_min: taken[0].scores.iter().map(|sc| sc.min).fold(f64::INFINITY, f64::min).min(0.0),
            y_max: taken[0].scores.iter().map(|sc| sc.max).fold(1.0, f64::max),
            series: subscales
                .iter()
                .map(|sub| Series {
                    name: (*sub).to_string(),
                    values: taken.iter().map(|t| t.score(sub).and_then(|x| x.score)).collect(),
                    dots: true,
                    ..Default::default()
                })
                .collect(),
            trend: false,
            ..Default::default()
        };
        s.charts.push(chart.render());
    }
    if sorted.is_empty() {
        s.paragraphs.push("No questionnaires were taken in this period.".into());
    }
    s
}

fn consequences(i: &Insights) -> Section {
    let mut s = Section {
        id: "consequences",
        title: "What it costs".into(),
        paragraphs: vec!["Weekly mean of each consequence the person rated, 0 (not at all) to 3 (a lot).".into()],
        ..Default::default()
    };
    let mut sums: BTreeMap<Consequence, (f64, u32)> = BTreeMap::new();
    for w in &i.progress.weeks {
        for (c, v) in &w.consequences {
            let e = sums.entry(*c).or_default();
            e.0 += v;
            e.1 += 1;
        }
    }
    s.head = vec!["Consequence".into(), "Weeks rated".into(), "Mean".into()];
    for (c, (sum, n)) in &sums {
        s.rows.push(vec![nice(c.as_str()), n.to_string(), one(sum / f64::from(*n))]);
    }
    let dominated: Vec<String> = i
        .progress
        .weeks
        .iter()
        .filter(|w| w.recorded_days > 0)
        .map(|w| format!("{}: {} of {} days", w.end, w.dominated_days, w.recorded_days))
        .collect();
    if !dominated.is_empty() {
        s.paragraphs.push(format!("Days insecurity dominated ({}):", svg::escape(&i.progress.dominated_day_rule)));
        s.items = dominated.into_iter().rev().take(8).collect();
    }
    if sums.is_empty() {
        s.paragraphs.push("No consequences were rated in this period.".into());
    }
    s
}

fn agreements(list: &[Agreement], pauses: &[Pause]) -> Section {
    let mut s = Section {
        id: "agreements",
        title: "Agreements and pauses".into(),
        head: vec!["Agreement".into(), "Kind".into(), "Agreed".into(), "Changes".into()],
        ..Default::default()
    };
    for a in list.iter().filter(|a| a.retired_on.is_none()) {
        s.rows.push(vec![
            a.text.clone(),
            a.kind.as_str().to_string(),
            a.agreed_on.map_or_else(|| "proposed".into(), |d| d.to_string()),
            a.history.len().to_string(),
        ]);
    }
    let ended_early = pauses.iter().filter(|p| p.ended_early).count();
    let answered: Vec<bool> = pauses.iter().filter_map(|p| p.reconvened).collect();
    let came_back = answered.iter().filter(|r| **r).count();
    s.paragraphs.push(if pauses.is_empty() {
        "No pauses were taken in this period.".into()
    } else {
        format!(
            "{} pauses taken; {} ended early; came back together after {} of the {} where it was noted.",
            pauses.len(),
            ended_early,
            came_back,
            answered.len()
        )
    });
    s
}

fn questions(qs: &[String]) -> Section {
    Section {
        id: "questions",
        title: "My questions for this session".into(),
        items: qs.iter().map(|q| svg::escape(q)).collect(),
        paragraphs: if qs.is_empty() { vec!["(none written)".into()] } else { vec![] },
        ..Default::default()
    }
}

fn entries(list: &[(i64, &Entry)], labels: &[Label]) -> Section {
    let mut s = Section { id: "entries", title: "Entries I chose to share".into(), ..Default::default() };
    for (seq, e) in list {
        let mut text = format!("<strong>#{seq}, {}</strong>", e.occurred.local().strftime("%a %d %b %Y %H:%M"));
        let names: Vec<String> = e.triggers.iter().map(|t| label_name(labels, t.as_str())).collect();
        if !names.is_empty() {
            text.push_str(&format!(" · triggers: {}", svg::escape(&names.join(", "))));
        }
        if let Some(i) = e.intensity {
            text.push_str(&format!(" · intensity {i}/10"));
        }
        text.push_str(&format!("<br>{}", svg::escape(&e.situation).replace('\n', "<br>")));
        for (name, t) in [("Thoughts", &e.thoughts), ("Fear", &e.fear), ("What helped", &e.helped)] {
            if !t.is_empty() {
                text.push_str(&format!("<br><em>{name}:</em> {}", svg::escape(t).replace('\n', "<br>")));
            }
        }
        s.items.push(text);
    }
    if list.is_empty() {
        s.paragraphs.push("No entries were selected.".into());
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use attune_core::insights::{InsightsConfig, Window, insights};
    use attune_core::plan::{AgreementDraft, AgreementKind, Proposer};
    use attune_core::{Moment, RecordId};

    use super::*;

    fn page(safety_mode: bool) -> String {
        let now: jiff::ZonedDateTime = "2026-11-26T21:00:00+00:00[UTC]".parse().unwrap();
        let cfg = InsightsConfig::embedded().unwrap();
        let ins = insights(&[], &[], &now, Window::LastWeeks(4), &cfg);
        let agreement = AgreementDraft {
            kind: AgreementKind::Other,
            text: "a walk together on Sundays".into(),
            proposed_by: Proposer::Both,
            agreed_on: None,
            rhythm: None,
            pause_minutes: None,
            review_on: None,
            review_every: None,
        }
        .into_agreement(RecordId::from_uuid(uuid::Uuid::nil()), Moment::with_offset(now.timestamp(), 0))
        .unwrap();
        let agreements = [agreement];
        render(&ReportInput {
            period: "4 weeks".into(),
            made_on: "today".into(),
            sections: SectionId::ALL.to_vec(),
            insights: &ins,
            triggers: &[],
            assessments: &[],
            agreements: &agreements,
            pauses: &[],
            questions: Vec::new(),
            entries: Vec::new(),
            safety_mode,
        })
    }

    #[test]
    fn in_safety_mode_the_report_puts_safety_first_and_leaves_out_the_partner() {
        let normal = page(false);
        assert!(normal.contains("a walk together on Sundays") && !normal.contains("Safety comes first"));
        let safe = page(true);
        assert!(safe.contains("Safety comes first: I have safety mode on"), "{safe}");
        assert!(!safe.contains("a walk together on Sundays") && !safe.contains("id=\"agreements\""));
    }
}
